package io.github.dropout4j.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropout4j.constraint.PerUnitMaxNorm;
import io.github.dropout4j.dropout.BernoulliDropout;
import io.github.dropout4j.dropout.TestTimeWeightScaling;
import io.github.dropout4j.updater.DampedMomentum;
import java.io.File;
import java.util.function.Supplier;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** {@link CachedDenseLayer}: DL4J's dense layer, numbers unchanged, backprop without the repeated forward GEMM. */
class CachedDenseLayerTest {

    private static MultiLayerNetwork net(Supplier<DenseLayer.Builder> dense, DataType type, Activation activation) {
        return net(dense, type, activation, new DampedMomentum(0.5, 0.7));
    }

    private static MultiLayerNetwork net(
            Supplier<DenseLayer.Builder> dense,
            DataType type,
            Activation activation,
            org.nd4j.linalg.learning.config.IUpdater updater) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(3)
                .dataType(type)
                .updater(updater)
                .weightInit(new NormalDistribution(0, 0.3))
                .weightNoise(new TestTimeWeightScaling())
                .list()
                .layer(dense.get()
                        .nIn(12)
                        .nOut(9)
                        .activation(activation)
                        .dropOut(BernoulliDropout.retainProbability(0.8).withSeed(5))
                        .constrainWeights(PerUnitMaxNorm.maxNorm(1.0))
                        .build())
                .layer(dense.get()
                        .nIn(9)
                        .nOut(7)
                        .activation(activation)
                        .dropOut(BernoulliDropout.retainProbability(0.5).withSeed(6))
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX)
                        .nIn(7)
                        .nOut(3)
                        .build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static INDArray labels(int n) {
        INDArray y = Nd4j.zeros(DataType.FLOAT, n, 3);
        for (int i = 0; i < n; i++) {
            y.putScalar(i, (i * 7) % 3, 1);
        }
        return y;
    }

    @Test
    void trainingGivesDl4jDenseLayersParametersBitForBit() {
        for (Activation activation : new Activation[] {Activation.RELU, Activation.TANH}) {
            MultiLayerNetwork ours = net(CachedDenseLayer.Builder::new, DataType.FLOAT, activation);
            MultiLayerNetwork dl4j = net(DenseLayer.Builder::new, DataType.FLOAT, activation);
            assertTrue(ours.getLayer(0) instanceof io.github.dropout4j.layers.impl.CachedDenseLayerImpl);
            assertEquals(dl4j.params(), ours.params());
            Nd4j.getRandom().setSeed(1);
            INDArray x = Nd4j.rand(DataType.FLOAT, 20, 12).muli(4);
            INDArray y = labels(20);
            for (int step = 0; step < 6; step++) {
                ours.fit(x, y);
                dl4j.fit(x, y);
                float[] a = dl4j.params().toFloatVector();
                float[] b = ours.params().toFloatVector();
                for (int i = 0; i < a.length; i++) {
                    assertEquals(
                            Float.floatToRawIntBits(a[i]),
                            Float.floatToRawIntBits(b[i]),
                            activation + " step " + step + " parameter " + i);
                }
            }
            assertEquals(dl4j.output(x), ours.output(x));
        }
    }

    @Test
    void gradientCheckWithAndWithoutDropout() {
        DataType previous = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            gradientChecks();
        } finally {
            Nd4j.setDefaultDataTypes(previous, previous);
        }
    }

    private static void gradientChecks() {
        for (boolean dropout : new boolean[] {false, true}) {
            MultiLayerNetwork net = net(
                    CachedDenseLayer.Builder::new,
                    DataType.DOUBLE,
                    Activation.TANH,
                    new org.nd4j.linalg.learning.config.NoOp());
            if (!dropout) {
                for (int l = 0; l < 2; l++) {
                    net.getLayer(l).conf().getLayer().setIDropout(null);
                }
            }
            Nd4j.getRandom().setSeed(2);
            INDArray x = Nd4j.rand(DataType.DOUBLE, 5, 12);
            INDArray y = labels(5).castTo(DataType.DOUBLE);
            // callEachIter no-op: BernoulliDropout's mask is a function of (seed, iteration, epoch), so every
            // perturbed pass of one check sees the same mask.
            boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig()
                    .net(net)
                    .input(x)
                    .labels(y)
                    .epsilon(1e-6)
                    .maxRelError(1e-5)
                    .minAbsoluteError(1e-9)
                    .callEachIter(n -> {}));
            assertTrue(ok, dropout ? "with dropout" : "without dropout");
        }
    }

    @Test
    void configurationEqualsDl4jDenseLayerWithTheSameSettingsBothWays() {
        DenseLayer dense = new DenseLayer.Builder()
                .nIn(12)
                .nOut(9)
                .activation(Activation.TANH)
                .l2(1e-3)
                .dropOut(BernoulliDropout.retainProbability(0.8).withSeed(5))
                .build();
        CachedDenseLayer cached = CachedDenseLayer.of(dense);
        assertEquals(dense, cached);
        assertEquals(cached, dense);
        assertEquals(dense.hashCode(), cached.hashCode());
        assertEquals(dense, cached.toDenseLayer());
        assertEquals(DenseLayer.class, cached.toDenseLayer().getClass());
        DenseLayer other = new DenseLayer.Builder()
                .nIn(12)
                .nOut(9)
                .activation(Activation.RELU)
                .l2(1e-3)
                .dropOut(BernoulliDropout.retainProbability(0.8).withSeed(5))
                .build();
        assertNotEquals(other, cached, "a different activation is a different layer");
    }

    @Test
    void inferenceBetweenForwardAndBackpropFallsBackToTheRecomputation() {
        // A training forward pass, then W changes, then an inference pass (which drops the kept z), then backprop:
        // the cached layer recomputes z from the current W as DL4J does, so the bias gradients agree (without the
        // inference pass they differ: the test below).
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        INDArray x = Nd4j.rand(DataType.DOUBLE, 4, 12).subi(0.5);
        INDArray eps = Nd4j.rand(DataType.DOUBLE, 4, 9).subi(0.5);
        INDArray[] biasGrads = new INDArray[2];
        int k = 0;
        for (Supplier<DenseLayer.Builder> b : java.util.List.<Supplier<DenseLayer.Builder>>of(
                CachedDenseLayer.Builder::new, DenseLayer.Builder::new)) {
            MultiLayerNetwork net = net(b, DataType.DOUBLE, Activation.RELU);
            net.getLayer(0).conf().getLayer().setIDropout(null);
            net.initGradientsView();
            net.getLayer(0).activate(x, true, mgr);
            net.getLayer(0).getParam("W").negi();
            net.getLayer(0).activate(x, false, mgr);
            biasGrads[k++] = net.getLayer(0)
                    .backpropGradient(eps, mgr)
                    .getFirst()
                    .getGradientFor("b")
                    .dup();
        }
        assertEquals(biasGrads[1], biasGrads[0]);
    }

    @Test
    void backpropUsesTheForwardPassPreActivationsNotARecomputation() {
        // Forward in training, then change W, then backprop: DL4J recomputes z = in W + b with the new W; the cached
        // layer uses the z of the forward pass, so the two bias gradients (sums of delta) differ.
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        INDArray x = Nd4j.rand(DataType.DOUBLE, 4, 12).subi(0.5);
        INDArray eps = Nd4j.rand(DataType.DOUBLE, 4, 9).subi(0.5);
        INDArray[] biasGrads = new INDArray[2];
        int k = 0;
        for (Supplier<DenseLayer.Builder> b : java.util.List.<Supplier<DenseLayer.Builder>>of(
                CachedDenseLayer.Builder::new, DenseLayer.Builder::new)) {
            MultiLayerNetwork net = net(b, DataType.DOUBLE, Activation.RELU);
            net.getLayer(0).conf().getLayer().setIDropout(null);
            net.initGradientsView();
            net.getLayer(0).activate(x, true, mgr);
            net.getLayer(0).getParam("W").negi();
            biasGrads[k++] = net.getLayer(0)
                    .backpropGradient(eps, mgr)
                    .getFirst()
                    .getGradientFor("b")
                    .dup();
        }
        assertNotEquals(biasGrads[0], biasGrads[1]);
    }

    @Test
    void meanNetworkExportIsPlainDl4jWithTheSameOutputs() {
        MultiLayerNetwork net = net(CachedDenseLayer.Builder::new, DataType.FLOAT, Activation.RELU);
        INDArray x = Nd4j.rand(DataType.FLOAT, 8, 12);
        net.fit(x, labels(8));
        MultiLayerNetwork exported = io.github.dropout4j.inference.MeanNetwork.export(net);
        assertEquals(
                DenseLayer.class,
                exported.getLayerWiseConfigurations().getConf(0).getLayer().getClass());
        assertTrue(exported.getLayerWiseConfigurations().toJson().indexOf("dropout4j") < 0);
        assertTrue(net.output(x).equalsWithEps(exported.output(x), 1e-6));
    }

    @Test
    void jsonAndModelSerializerRoundTrips(@TempDir File dir) throws Exception {
        MultiLayerNetwork net = net(CachedDenseLayer.Builder::new, DataType.FLOAT, Activation.RELU);
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        String json = conf.toJson();
        assertTrue(json.contains("io.github.dropout4j.layers.CachedDenseLayer"), json);
        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(json);
        assertEquals(conf, back);
        assertTrue(back.getConf(0).getLayer() instanceof CachedDenseLayer);
        assertEquals(
                net(DenseLayer.Builder::new, DataType.FLOAT, Activation.RELU)
                        .getLayerWiseConfigurations()
                        .getConf(0)
                        .getLayer(),
                back.getConf(0).getLayer(),
                "same settings as a DenseLayer");
        INDArray x = Nd4j.rand(DataType.FLOAT, 8, 12);
        net.fit(x, labels(8));
        File file = new File(dir, "cached.zip");
        ModelSerializer.writeModel(net, file, true);
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(file, true);
        assertTrue(restored.getLayer(1) instanceof io.github.dropout4j.layers.impl.CachedDenseLayerImpl);
        assertEquals(net.output(x), restored.output(x));
        net.fit(x, labels(8));
        restored.fit(x, labels(8));
        assertEquals(net.params(), restored.params(), "training continues identically");
    }
}
