package io.github.dropout4j.zoo.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropout4j.constraint.PerUnitMaxNorm;
import io.github.dropout4j.dropout.BernoulliDropout;
import io.github.dropout4j.dropout.TestTimeWeightScaling;
import io.github.dropout4j.onednn.OneDnnHelpers;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

/** The LeNet-like zoo model against a hand description of its layers; round trips; a gradient check. */
class LeNetTest {

    /** One row of the hand description: what layer {@code i} is and what it outputs for 2 examples. */
    private record Row(
            String name,
            Class<? extends Layer> type,
            int kernel,
            Activation activation,
            boolean dropped,
            long[] shape,
            long parameters) {}

    /** Written from the task's description (conv 5x5x20, pool 2, conv 5x5x50, pool 2, dense 500 ReLU, softmax 10). */
    private static final List<Row> HAND = List.of(
            new Row(
                    "conv1",
                    ConvolutionLayer.class,
                    5,
                    Activation.IDENTITY,
                    false,
                    new long[] {2, 20, 24, 24},
                    5 * 5 * 1 * 20 + 20),
            new Row("pool1", SubsamplingLayer.class, 2, null, false, new long[] {2, 20, 12, 12}, 0),
            new Row(
                    "conv2",
                    ConvolutionLayer.class,
                    5,
                    Activation.IDENTITY,
                    false,
                    new long[] {2, 50, 8, 8},
                    5 * 5 * 20 * 50 + 50),
            new Row("pool2", SubsamplingLayer.class, 2, null, false, new long[] {2, 50, 4, 4}, 0),
            new Row("dense", DenseLayer.class, 0, Activation.RELU, true, new long[] {2, 500}, 50 * 4 * 4 * 500 + 500),
            new Row("softmax", OutputLayer.class, 0, Activation.SOFTMAX, true, new long[] {2, 10}, 500 * 10 + 10));

    @Test
    void layersShapesDropoutAndBoundsFollowTheHandDescription() {
        LeNet.Config config = LeNet.dropout().withSeed(3);
        MultiLayerNetwork net = LeNet.of(config).init();
        List<INDArray> acts = net.feedForward(Nd4j.rand(DataType.FLOAT, 2, 784), false);
        assertEquals(HAND.size(), net.getnLayers());
        long total = 0;
        for (int i = 0; i < HAND.size(); i++) {
            Row row = HAND.get(i);
            Layer l = net.getLayer(i).conf().getLayer();
            assertEquals(row.name(), l.getLayerName());
            assertInstanceOf(row.type(), l, row.name());
            assertArrayEquals(row.shape(), acts.get(i + 1).shape(), row.name());
            assertEquals(row.parameters(), net.getLayer(i).numParams(), row.name());
            total += row.parameters();
            if (l instanceof ConvolutionLayer c) { // SubsamplingLayer is not a ConvolutionLayer in DL4J
                assertArrayEquals(new int[] {row.kernel(), row.kernel()}, c.getKernelSize(), row.name());
                assertArrayEquals(new int[] {1, 1}, c.getStride(), row.name());
            }
            if (l instanceof SubsamplingLayer s) {
                assertEquals(PoolingType.MAX, s.getPoolingType(), row.name());
                assertArrayEquals(new int[] {2, 2}, s.getKernelSize(), row.name());
                assertArrayEquals(new int[] {2, 2}, s.getStride(), row.name());
                assertNull(l.getIDropout(), row.name());
                continue;
            }
            BaseLayer b = (BaseLayer) l;
            assertEquals(row.activation().getActivationFunction(), b.getActivationFn(), row.name());
            assertInstanceOf(TestTimeWeightScaling.class, b.getWeightNoise(), row.name());
            if (row.dropped()) {
                BernoulliDropout d = assertInstanceOf(BernoulliDropout.class, l.getIDropout(), row.name());
                assertEquals(0.5, d.retainProbability(), row.name());
                assertEquals(FeedForwardZooModel.layerDropoutSeed(3, i), d.seed(), row.name());
            } else {
                assertNull(l.getIDropout(), row.name() + ": only the dense and softmax inputs are dropped");
            }
            assertEquals(1, b.getConstraints().size(), row.name());
            PerUnitMaxNorm bound =
                    assertInstanceOf(PerUnitMaxNorm.class, b.getConstraints().get(0), row.name());
            assertEquals(15.0, bound.getMaxSquaredLength(), 1e-12, row.name());
        }
        assertEquals(431_080, total);
        assertEquals(LeNet.PARAMETER_COUNT, net.numParams());
    }

    /** Surefire loads ND4J's oneDNN natives (parent pom): {@code init()} puts the convolutions and poolings on it. */
    @Test
    void initRunsConvolutionsAndPoolingOnOneDnn() {
        assertTrue(OneDnnHelpers.available(), "the test JVM should run on ND4J's oneDNN natives");
        MultiLayerNetwork net = LeNet.of(LeNet.standard()).init();
        for (int i = 0; i < net.getnLayers(); i++) {
            String name = net.getLayer(i).conf().getLayer().getLayerName();
            assertEquals(
                    name.startsWith("conv") || name.startsWith("pool"),
                    OneDnnHelpers.isInstalled(net.getLayer(i)),
                    name);
        }
    }

    @Test
    void withoutDropoutNothingIsDroppedOrBoundAndSweepSettingsMapToTheLayers() {
        MultiLayerNetwork net = LeNet.of(LeNet.standard()).init();
        for (int i = 0; i < net.getnLayers(); i++) {
            Layer l = net.getLayer(i).conf().getLayer();
            assertNull(l.getIDropout(), l.getLayerName());
            if (l instanceof BaseLayer b) {
                assertTrue(b.getConstraints() == null || b.getConstraints().isEmpty(), l.getLayerName());
            }
        }
        LeNet.Config swept = LeNet.standard().withDropProbability(0.2).withMaxNorm(3);
        MultiLayerConfiguration conf = LeNet.of(swept).conf();
        assertEquals(0.8, ((BernoulliDropout) conf.getConf(4).getLayer().getIDropout()).retainProbability(), 1e-15);
        assertEquals(
                3.0,
                ((PerUnitMaxNorm) ((BaseLayer) conf.getConf(0).getLayer())
                                .getConstraints()
                                .get(0))
                        .getMaxNorm(),
                1e-12);
        assertEquals(
                "dropProbability must be in [0, 1), got 1.0",
                assertThrows(IllegalArgumentException.class, () -> swept.withDropProbability(1.0))
                        .getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> swept.withMaxSquaredLength(-1))
                .getMessage()
                .contains("got -1.0"));
        assertEquals(
                "maxNorm must be finite and >= 0 (0 = no bound), got -2.0",
                assertThrows(IllegalArgumentException.class, () -> swept.withMaxNorm(-2))
                        .getMessage());
    }

    @Test
    void configurationRoundTripsThroughJson() {
        for (LeNet.Config c : new LeNet.Config[] {LeNet.standard(), LeNet.dropout()}) {
            MultiLayerConfiguration conf = LeNet.of(c).conf();
            assertEquals(conf, MultiLayerConfiguration.fromJson(conf.toJson()), c.name());
        }
    }

    /** With updater state after two steps: same configuration, parameters, updater state and mean-network output. */
    @Test
    void trainedNetworkRoundTripsThroughModelSerializer(@TempDir Path dir) throws Exception {
        MultiLayerNetwork net = LeNet.of(LeNet.dropout().withSeed(9)).init();
        Nd4j.getRandom().setSeed(2);
        DataSet batch = new DataSet(
                Nd4j.rand(DataType.FLOAT, 4, 784),
                Nd4j.eye(10).getRows(0, 3, 5, 7).castTo(DataType.FLOAT));
        net.fit(batch);
        net.fit(batch);
        File f = dir.resolve("lenet.zip").toFile();
        ModelSerializer.writeModel(net, f, true);
        MultiLayerNetwork back = ModelSerializer.restoreMultiLayerNetwork(f, true);
        assertEquals(net.getLayerWiseConfigurations(), back.getLayerWiseConfigurations());
        assertEquals(net.params(), back.params());
        assertEquals(net.getUpdater().getStateViewArray(), back.getUpdater().getStateViewArray());
        assertEquals(net.output(batch.getFeatures(), false), back.output(batch.getFeatures(), false));
        assertNotEquals(
                net.output(batch.getFeatures(), false),
                LeNet.of(LeNet.dropout().withSeed(9)).init().output(batch.getFeatures(), false),
                "the two steps changed the network");
    }

    /**
     * Finite differences in double precision with dropout and the bound configured (updater NoOp, as DL4J's check
     * requires; the masks are a function of seed, iteration and epoch, so every pass sees the same ones; the bound
     * acts only after updates), oneDNN helpers installed where available. Settings as the library's gradient checks
     * (epsilon 1e-6, max relative error 1e-5, absolute errors below 1e-9 pass); 431,080 parameters are too many to
     * perturb each, so 25 per parameter array.
     */
    @Test
    void gradientsMatchFiniteDifferences() {
        DataType previous = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            MultiLayerNetwork net = LeNet.of(
                            LeNet.dropout().withUpdater(new NoOp()).withSeed(4))
                    .init()
                    .convertDataType(DataType.DOUBLE);
            OneDnnHelpers.install(net);
            Nd4j.getRandom().setSeed(5);
            INDArray x = Nd4j.rand(DataType.DOUBLE, 3, 784);
            INDArray y = Nd4j.eye(10).castTo(DataType.DOUBLE).getRows(1, 4, 8);
            assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig()
                    .net(net)
                    .input(x)
                    .labels(y)
                    .epsilon(1e-6)
                    .maxRelError(1e-5)
                    .minAbsoluteError(1e-9)
                    .subset(true)
                    .maxPerParam(25)
                    .callEachIter(
                            n -> {}))); // masks need no RNG reset: they are a function of (seed, iteration, epoch)
        } finally {
            Nd4j.setDefaultDataTypes(previous, previous);
        }
    }
}
