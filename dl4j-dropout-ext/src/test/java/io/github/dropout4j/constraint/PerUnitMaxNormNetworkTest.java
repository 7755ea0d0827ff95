package io.github.dropout4j.constraint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.deeplearning4j.nn.api.layers.LayerConstraint;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/** {@link PerUnitMaxNorm} inside DL4J training and serialisation. */
class PerUnitMaxNormNetworkTest {

    /** Counts kernel applications per "layerName/paramKey"; the map is shared by DL4J's per-layer clones. */
    static final class CountingMaxNorm extends PerUnitMaxNorm {
        static final Map<String, AtomicInteger> COUNTS = new ConcurrentHashMap<>();
        private String layerName = "?";

        @JsonCreator
        CountingMaxNorm(@JsonProperty("maxNorm") double maxNorm, @JsonProperty("params") Set<String> params) {
            super(maxNorm, params);
        }

        @Override
        public void applyConstraint(org.deeplearning4j.nn.api.Layer layer, int iteration, int epoch) {
            layerName = layer.conf().getLayer().getLayerName();
            super.applyConstraint(layer, iteration, epoch);
        }

        @Override
        protected void renormalise(String paramKey, INDArray weights, int[] unitDims) {
            COUNTS.computeIfAbsent(layerName + "/" + paramKey, k -> new AtomicInteger())
                    .incrementAndGet();
            super.renormalise(paramKey, weights, unitDims);
        }

        @Override
        public CountingMaxNorm clone() {
            return new CountingMaxNorm(getMaxNorm(), getParams());
        }
    }

    private static MultiLayerConfiguration denseConf(LayerConstraint constraint) {
        return new NeuralNetConfiguration.Builder()
                .seed(7)
                .updater(new Sgd(1.0)) // a large learning rate so updates push units past the bound
                // Global constrainAllParameters is a silent no-op in DL4J 1.0.0-M2.1 (LayerValidation loops over
                // the wrong list), so the global form here is constrainWeights ...
                .constrainWeights(constraint)
                .list()
                // ... and h1 registers it for W and b per layer: only W may be touched
                .layer(new DenseLayer.Builder()
                        .name("h1")
                        .nIn(6)
                        .nOut(8)
                        .activation(Activation.RELU)
                        .constrainAllParameters(constraint.clone())
                        .dropOut(new Dropout(0.8))
                        .build()) // DL4J's Dropout takes the RETAIN probability
                .layer(new DenseLayer.Builder()
                        .name("h2")
                        .nIn(8)
                        .nOut(8)
                        .activation(Activation.RELU)
                        .dropOut(new Dropout(0.5))
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .name("out")
                        .activation(Activation.SOFTMAX)
                        .dropOut(new Dropout(0.5))
                        .nIn(8)
                        .nOut(3)
                        .build())
                .build();
    }

    private static DataSet data() {
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.randn(16, 6).muli(5);
        INDArray y = Nd4j.zeros(16, 3);
        for (int i = 0; i < 16; i++) {
            y.putScalar(i, i % 3, 1);
        }
        return new DataSet(x, y);
    }

    @Test
    void duringFitWithDropoutEveryUnitStaysWithinTheBound() {
        double c = 0.5;
        MultiLayerNetwork net = new MultiLayerNetwork(denseConf(PerUnitMaxNorm.maxNorm(c)));
        net.init();
        DataSet d = data();
        INDArray biasBefore = net.getLayer(0).getParam("b").dup();
        double maxFraction = 0;
        for (int i = 0; i < 10; i++) {
            net.fit(d);
            for (int l = 0; l < 3; l++) {
                INDArray norms = net.getLayer(l).getParam("W").norm2(0);
                assertTrue(norms.maxNumber().doubleValue() <= c * (1 + 1e-6), "layer " + l + " norms " + norms);
            }
            maxFraction = Math.max(maxFraction, PerUnitMaxNorm.fractionAtBound(net.getLayer(1)));
        }
        assertTrue(maxFraction > 0, "the test must make the bound bite");
        assertTrue(!biasBefore.equals(net.getLayer(0).getParam("b")), "biases train freely");
        assertEquals(
                Set.of("0:h1", "1:h2", "2:out"),
                PerUnitMaxNorm.fractionsAtBound(net).keySet());
    }

    @Test
    void appliedExactlyOncePerUpdateToEachWeightArrayAndNeverToBiases() {
        CountingMaxNorm.COUNTS.clear();
        MultiLayerNetwork net = new MultiLayerNetwork(denseConf(new CountingMaxNorm(0.5, null)));
        net.init();
        DataSet d = data();
        int updates = 5;
        for (int i = 0; i < updates; i++) {
            net.fit(d); // one minibatch = one update
        }
        assertEquals(Set.of("h1/W", "h2/W", "out/W"), CountingMaxNorm.COUNTS.keySet());
        for (var e : CountingMaxNorm.COUNTS.entrySet()) {
            assertEquals(updates, e.getValue().get(), e.getKey());
        }
    }

    @Test
    void jsonRoundTripOfAConfigurationWithTheConstraint() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .list()
                .layer(new ConvolutionLayer.Builder(2, 2)
                        .nOut(2)
                        .constrainWeights(PerUnitMaxNorm.maxSquaredLength(15))
                        .build())
                .layer(new DenseLayer.Builder()
                        .nOut(4)
                        .constrainWeights(PerUnitMaxNorm.maxNorm(3))
                        .build())
                .layer(new OutputLayer.Builder().nOut(2).build())
                .setInputType(InputType.convolutional(5, 5, 1))
                .build();
        String json = conf.toJson();
        assertTrue(json.contains("io.github.dropout4j.constraint.PerUnitMaxNorm"), json);
        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(json);
        assertEquals(conf, back);
        assertEquals(
                PerUnitMaxNorm.maxSquaredLength(15).getMaxNorm(),
                ((PerUnitMaxNorm) back.getConf(0).getLayer().getConstraints().get(0)).getMaxNorm(),
                0.0);
        assertEquals(
                Set.of("W"), back.getConf(0).getLayer().getConstraints().get(0).getParams());
    }

    @Test
    void modelSerializerRoundTripKeepsTheConstraintWorking(@TempDir File dir) throws Exception {
        MultiLayerNetwork net = new MultiLayerNetwork(denseConf(PerUnitMaxNorm.maxNorm(0.5)));
        net.init();
        DataSet d = data();
        net.fit(d);
        File f = new File(dir, "net.zip");
        ModelSerializer.writeModel(net, f, true);
        MultiLayerNetwork back = ModelSerializer.restoreMultiLayerNetwork(f, true);
        assertEquals(net.getLayerWiseConfigurations(), back.getLayerWiseConfigurations());
        assertEquals(net.params(), back.params());
        back.fit(d);
        assertTrue(back.getLayer(1).getParam("W").norm2(0).maxNumber().doubleValue() <= 0.5 * (1 + 1e-6));
    }
}
