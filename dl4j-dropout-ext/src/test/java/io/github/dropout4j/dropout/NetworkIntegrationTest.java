package io.github.dropout4j.dropout;

import static io.github.dropout4j.testsupport.TestSupport.gradientsOk;
import static io.github.dropout4j.testsupport.TestSupport.oneHot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropout4j.inference.MeanNetwork;
import io.github.dropout4j.inference.MonteCarloDropout;
import io.github.dropout4j.inference.SubnetworkMean;
import java.io.File;
import java.io.IOException;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PReLULayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

/** BernoulliDropout and TestTimeWeightScaling inside real DL4J networks. */
class NetworkIntegrationTest {

    private static MultiLayerNetwork convNet(DropoutScaling scaling) {
        return convNet(scaling, new NoOp());
    }

    private static MultiLayerNetwork convNet(DropoutScaling scaling, IUpdater updater) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(1)
                .dataType(DataType.DOUBLE)
                .updater(updater)
                .weightInit(WeightInit.XAVIER)
                .weightNoise(new TestTimeWeightScaling())
                .list()
                .layer(new ConvolutionLayer.Builder(3, 3)
                        .nOut(3)
                        .activation(Activation.TANH)
                        .dropOut(BernoulliDropout.retainProbability(0.8)
                                .withSeed(1)
                                .withScaling(scaling))
                        .build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                        .kernelSize(2, 2)
                        .stride(2, 2)
                        .build())
                .layer(new ConvolutionLayer.Builder(2, 2)
                        .nOut(2)
                        .activation(Activation.TANH)
                        .dropOut(BernoulliDropout.retainProbability(0.5)
                                .withSeed(2)
                                .withScaling(scaling))
                        .build())
                .layer(new DenseLayer.Builder()
                        .nOut(5)
                        .activation(Activation.SIGMOID)
                        .dropOut(BernoulliDropout.retainProbability(0.5)
                                .withSeed(3)
                                .withScaling(scaling))
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .dropOut(BernoulliDropout.retainProbability(0.6)
                                .withSeed(4)
                                .withScaling(scaling))
                        .build())
                .setInputType(InputType.convolutional(7, 7, 2))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static MultiLayerNetwork lstmNet() {
        return lstmNet(DropoutScaling.TEST_TIME_WEIGHT_SCALING);
    }

    private static MultiLayerNetwork lstmNet(DropoutScaling scaling) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(2)
                .dataType(DataType.DOUBLE)
                .updater(new NoOp())
                .weightInit(WeightInit.XAVIER)
                .weightNoise(new TestTimeWeightScaling())
                .list()
                .layer(new LSTM.Builder()
                        .nIn(3)
                        .nOut(4)
                        .activation(Activation.TANH)
                        .dropOut(BernoulliDropout.retainProbability(0.7)
                                .withSeed(5)
                                .withScaling(scaling))
                        .build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(4)
                        .nOut(2)
                        .activation(Activation.SOFTMAX)
                        .dropOut(BernoulliDropout.retainProbability(0.5)
                                .withSeed(6)
                                .withScaling(scaling))
                        .build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    @Test
    void gradientCheckThroughDenseConvolutionAndRecurrentDropoutInBothModes() {
        for (DropoutScaling scaling : DropoutScaling.values()) {
            Nd4j.getRandom().setSeed(12);
            assertTrue(
                    gradientsOk(convNet(scaling), Nd4j.rand(DataType.DOUBLE, 4, 2, 7, 7), oneHot(4, 3)),
                    "conv " + scaling);
            assertTrue(
                    gradientsOk(
                            TestNets.oneHidden(
                                    6,
                                    8,
                                    3,
                                    BernoulliDropout.retainProbability(0.8)
                                            .withSeed(1)
                                            .withScaling(scaling),
                                    BernoulliDropout.retainProbability(0.5)
                                            .withSeed(2)
                                            .withScaling(scaling),
                                    Activation.SOFTMAX,
                                    LossFunctions.LossFunction.MCXENT,
                                    3,
                                    new NoOp()),
                            Nd4j.rand(DataType.DOUBLE, 5, 6),
                            oneHot(5, 3)),
                    "dense " + scaling);
        }
        INDArray y = Nd4j.zeros(DataType.DOUBLE, 3, 2, 5);
        for (int i = 0; i < 3; i++) {
            for (int t = 0; t < 5; t++) {
                y.putScalar(new int[] {i, (i + t) % 2, t}, 1.0);
            }
        }
        for (DropoutScaling scaling : DropoutScaling.values()) {
            assertTrue(gradientsOk(lstmNet(scaling), Nd4j.rand(DataType.DOUBLE, 3, 3, 5), y), "lstm " + scaling);
        }
    }

    /**
     * The reference is built by hand: the same configuration with every dropout and weight noise removed (DL4J
     * setters), the trained parameters copied, and each layer's input weight W multiplied by the retain probability
     * written here (0.8, 0.5, 0.5, 0.6 for the conv net; 0.7, 0.5 for the LSTM net). Biases and the LSTM's recurrent
     * weights RW are left as they are: if TestTimeWeightScaling scaled them, the outputs would differ.
     */
    @Test
    void weightScaledConvAndRecurrentNetworksPredictWithPTimesTheirInputWeights() {
        MultiLayerNetwork conv = convNet(DropoutScaling.TEST_TIME_WEIGHT_SCALING);
        MultiLayerNetwork lstm = lstmNet();
        assertPredictsWithScaledInputWeights(
                conv, new double[] {0.8, 0, 0.5, 0.5, 0.6}, Nd4j.rand(DataType.DOUBLE, 2, 2, 7, 7));
        assertPredictsWithScaledInputWeights(lstm, new double[] {0.7, 0.5}, Nd4j.rand(DataType.DOUBLE, 2, 3, 5));
        // the recurrent weights really matter here (so leaving them unscaled is tested): scaling RW changes output
        MultiLayerNetwork scaledRw = referenceWithScaledInputWeights(lstm, new double[] {0.7, 0.5});
        scaledRw.getLayer(0).getParam("RW").muli(0.7);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 3, 5);
        assertTrue(lstm.output(x).sub(scaledRw.output(x)).amaxNumber().doubleValue() > 1e-6);
        // and the exported mean network keeps RW and b raw
        MultiLayerNetwork exported = MeanNetwork.export(lstm);
        assertEquals(lstm.getLayer(0).getParam("RW"), exported.getLayer(0).getParam("RW"));
        assertEquals(lstm.getLayer(0).getParam("b"), exported.getLayer(0).getParam("b"));
    }

    private static MultiLayerNetwork referenceWithScaledInputWeights(MultiLayerNetwork net, double[] p) {
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations().clone();
        for (int i = 0; i < conf.getConfs().size(); i++) {
            org.deeplearning4j.nn.conf.layers.Layer layer = conf.getConf(i).getLayer();
            layer.setIDropout(null);
            if (layer instanceof org.deeplearning4j.nn.conf.layers.BaseLayer) {
                ((org.deeplearning4j.nn.conf.layers.BaseLayer) layer).setWeightNoise(null);
            }
        }
        MultiLayerNetwork reference = new MultiLayerNetwork(conf);
        reference.init(net.params().dup(), true);
        for (int i = 0; i < p.length; i++) {
            if (net.getLayer(i).numParams() > 0) {
                reference.getLayer(i).getParam("W").muli(p[i]); // the view into the flat parameter vector
            }
        }
        return reference;
    }

    private static void assertPredictsWithScaledInputWeights(MultiLayerNetwork net, double[] p, INDArray x) {
        MultiLayerNetwork reference = referenceWithScaledInputWeights(net, p);
        for (int i = 0; i < p.length; i++) {
            if (net.getLayer(i).numParams() > 0) {
                assertTrue(net.getLayer(i)
                        .getParam("W")
                        .mul(p[i])
                        .equalsWithEps(reference.getLayer(i).getParam("W"), 1e-15));
                assertEquals(
                        net.getLayer(i).getParam("b"), reference.getLayer(i).getParam("b"), "biases unscaled");
            }
        }
        assertTrue(
                net.output(x).equalsWithEps(reference.output(x), 1e-12),
                net.output(x) + "\nvs\n" + reference.output(x));
    }

    @Test
    void fitChangesWeightsInBothModesAndCountsIterations() {
        for (DropoutScaling scaling : DropoutScaling.values()) {
            MultiLayerNetwork net = convNet(scaling, new Sgd(0.1));
            INDArray x = Nd4j.rand(DataType.DOUBLE, 8, 2, 7, 7);
            INDArray before = net.params().dup();
            for (int i = 0; i < 3; i++) {
                net.fit(x, oneHot(8, 3));
            }
            assertEquals(3, net.getIterationCount());
            assertTrue(Double.isFinite(net.score()));
            assertFalse(before.equalsWithEps(net.params(), 1e-9), scaling + ": weights did not move");
        }
    }

    @Test
    void weightScalingWithoutTestTimeWeightScalingIsRejectedAtConfigurationTime() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(1)
                .list()
                .layer(new DenseLayer.Builder()
                        .nIn(4)
                        .nOut(5)
                        .name("hidden")
                        .dropOut(BernoulliDropout.retainProbability(0.5))
                        .build())
                .layer(new OutputLayer.Builder()
                        .nIn(5)
                        .nOut(2)
                        .activation(Activation.SOFTMAX)
                        .build())
                .build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DropoutPlacement.check(conf));
        assertTrue(
                e.getMessage().contains("TestTimeWeightScaling")
                        && e.getMessage().contains("'hidden'"),
                e.getMessage());
        // the inference helpers run the same check on the network they are given
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        assertThrows(IllegalArgumentException.class, () -> MeanNetwork.export(net));
        assertThrows(IllegalArgumentException.class, () -> MonteCarloDropout.of(net));
    }

    @Test
    void layerThatNeverConsultsWeightNoiseIsRejectedUnlessInverted() {
        for (DropoutScaling scaling : DropoutScaling.values()) {
            MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                    .seed(1)
                    .weightNoise(new TestTimeWeightScaling())
                    .list()
                    .layer(new DenseLayer.Builder().nIn(4).nOut(5).build())
                    .layer(new PReLULayer.Builder()
                            .inputShape(5)
                            .name("prelu") // applies dropout, reads weights raw
                            .dropOut(BernoulliDropout.retainProbability(0.5).withScaling(scaling))
                            .build())
                    .layer(new OutputLayer.Builder()
                            .nIn(5)
                            .nOut(2)
                            .activation(Activation.SOFTMAX)
                            .build())
                    .build();
            if (scaling == DropoutScaling.INVERTED) {
                DropoutPlacement.check(conf);
            } else {
                IllegalArgumentException e =
                        assertThrows(IllegalArgumentException.class, () -> DropoutPlacement.check(conf));
                assertTrue(e.getMessage().contains("'prelu'") && e.getMessage().contains("inverted()"), e.getMessage());
            }
        }
    }

    @Test
    void jsonAndModelSerializerRoundTripsKeepConfigurationAndOutputs(@TempDir File dir) throws IOException {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(3)
                .updater(new Nesterovs(0.05, 0.9))
                .weightNoise(new TestTimeWeightScaling())
                .list()
                .layer(new DenseLayer.Builder()
                        .nIn(6)
                        .nOut(10)
                        .activation(Activation.RELU)
                        .dropOut(BernoulliDropout.retainSchedule(new ExponentialSchedule(ScheduleType.EPOCH, 0.9, 0.99))
                                .withSeed(77))
                        .build())
                .layer(new DenseLayer.Builder()
                        .nIn(10)
                        .nOut(10)
                        .activation(Activation.RELU)
                        .dropOut(
                                BernoulliDropout.dropProbability(0.5).inverted().withSeed(78))
                        .build())
                .layer(new OutputLayer.Builder()
                        .nIn(10)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .dropOut(BernoulliDropout.retainProbability(0.5).withSeed(79))
                        .build())
                .build();
        String json = conf.toJson();
        assertTrue(
                json.contains("io.github.dropout4j.dropout.BernoulliDropout") && json.contains("\"seed\" : 77"), json);
        assertEquals(conf, MultiLayerConfiguration.fromJson(json));

        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        INDArray x = Nd4j.rand(DataType.FLOAT, 9, 6);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 9, 3);
        for (int i = 0; i < 9; i++) {
            y.putScalar(i, i % 3, 1f);
        }
        net.fit(x, y);
        net.fit(x, y);
        File file = new File(dir, "net.zip");
        ModelSerializer.writeModel(net, file, true);
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(file, true);
        assertEquals(net.getLayerWiseConfigurations(), restored.getLayerWiseConfigurations());
        assertEquals(net.output(x), restored.output(x));
        // training continues identically: same masks (seeded), same updater state
        net.fit(x, y);
        restored.fit(x, y);
        assertEquals(net.params(), restored.params());
    }

    @Test
    void meanNetworkExportIsPlainDl4jAndPredictsLikeTheSource(@TempDir File dir) throws IOException {
        Nd4j.getRandom().setSeed(4);
        MultiLayerNetwork net = TestNets.softmaxNet(
                6,
                12,
                3,
                BernoulliDropout.retainProbability(0.8).withSeed(1),
                BernoulliDropout.retainProbability(0.5).withSeed(2),
                5);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 10, 6);
        for (int i = 0; i < 5; i++) {
            net.fit(x, oneHot(10, 3));
        }
        MultiLayerNetwork plain = MeanNetwork.export(net);
        String json = plain.getLayerWiseConfigurations().toJson();
        assertFalse(json.contains("io.github.dropout4j"), json);
        INDArray expected = net.output(x);
        INDArray actual = plain.output(x);
        assertTrue(actual.sub(expected).divi(expected).amaxNumber().doubleValue() < 1e-5, "relative error");
        File file = new File(dir, "mean.zip");
        ModelSerializer.writeModel(plain, file, false);
        assertTrue(
                ModelSerializer.restoreMultiLayerNetwork(file, false).output(x).equalsWithEps(expected, 1e-10));
        assertTrue(net.output(x).equalsWithEps(expected, 0), "export must not change the source network");
    }

    @Test
    void meanNetworkExportWorksForComputationGraphs() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(6)
                .dataType(DataType.DOUBLE)
                .weightNoise(new TestTimeWeightScaling())
                .graphBuilder()
                .addInputs("in")
                .addLayer(
                        "h",
                        new DenseLayer.Builder()
                                .nIn(4)
                                .nOut(7)
                                .activation(Activation.TANH)
                                .dropOut(BernoulliDropout.retainProbability(0.8).withSeed(1))
                                .build(),
                        "in")
                .addLayer(
                        "out",
                        new OutputLayer.Builder()
                                .nIn(7)
                                .nOut(2)
                                .activation(Activation.SOFTMAX)
                                .dropOut(BernoulliDropout.retainProbability(0.5).withSeed(2))
                                .build(),
                        "h")
                .setOutputs("out")
                .build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        INDArray x = Nd4j.randn(DataType.DOUBLE, 5, 4);
        ComputationGraph plain = MeanNetwork.export(graph);
        assertFalse(plain.getConfiguration().toJson().contains("io.github.dropout4j"));
        assertTrue(graph.outputSingle(x).equalsWithEps(plain.outputSingle(x), 1e-12));
        assertTrue(graph.getLayer("out")
                .getParam("W")
                .mul(0.5)
                .equalsWithEps(plain.getLayer("out").getParam("W"), 1e-15));
    }

    @Test
    void monteCarloDropoutKeepsBatchNormalizationInInferenceMode() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(7)
                .dataType(DataType.DOUBLE)
                .weightNoise(new TestTimeWeightScaling())
                .list()
                .layer(new DenseLayer.Builder()
                        .nIn(4)
                        .nOut(6)
                        .activation(Activation.IDENTITY)
                        .build())
                .layer(new BatchNormalization.Builder().nOut(6).build())
                .layer(new OutputLayer.Builder()
                        .nIn(6)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .dropOut(BernoulliDropout.retainProbability(1.0).withSeed(1))
                        .build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        INDArray x = Nd4j.randn(DataType.DOUBLE, 8, 4).muli(3).addi(2);
        // retain 1: every sampled sub-network is the full network, so MC inference must equal output(x) exactly;
        // with batch normalisation in training mode (batch statistics) it would not.
        INDArray mc = MonteCarloDropout.of(net).samples(3).predict(x, SubnetworkMean.ARITHMETIC);
        assertTrue(mc.equalsWithEps(net.output(x), 1e-12));
        assertFalse(net.output(x, true).equalsWithEps(net.output(x), 1e-6), "BN train/test differ on this input");
        assertThrows(
                IllegalArgumentException.class, () -> MonteCarloDropout.of(net).samples(0));
    }
}
