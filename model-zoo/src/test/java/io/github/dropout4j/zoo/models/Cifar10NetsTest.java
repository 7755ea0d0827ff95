package io.github.dropout4j.zoo.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropout4j.dropout.BernoulliDropout;
import io.github.dropout4j.layers.LocallyConnected2D;
import io.github.dropout4j.onednn.OneDnnHelpers;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.schedule.ISchedule;

/** Appendix G's two CIFAR-10 networks: shapes, parameter counts, response normalisation, recipe. */
class Cifar10NetsTest {

    private static final long[][] SHARED_SHAPES = {
        {2, 64, 32, 32}, {2, 64, 16, 16}, {2, 64, 16, 16}, // conv1, pool1, rnorm1
        {2, 64, 16, 16}, {2, 64, 8, 8}, {2, 64, 8, 8}, // conv2, pool2, rnorm2
        {2, 64, 8, 8}, {2, 64, 4, 4}
    }; // conv3, pool3

    private static void assertShapes(MultiLayerNetwork net, long[]... expected) {
        List<INDArray> acts = net.feedForward(Nd4j.rand(DataType.FLOAT, 2, 3, 32, 32), false);
        assertEquals(expected.length + 1, acts.size());
        for (int i = 0; i < expected.length; i++) {
            assertArrayEquals(
                    expected[i],
                    acts.get(i + 1).shape(),
                    "layer " + i + " " + net.getLayer(i).conf().getLayer().getLayerName());
        }
    }

    @Test
    void withoutDropoutShapesGo32To16To8To4AndParametersMatchTheHandCount() {
        MultiLayerNetwork net = new Cifar10Net(Cifar10Recipe.paper(10), 1).init();
        long[][] shapes = java.util.Arrays.copyOf(SHARED_SHAPES, 9);
        shapes[8] = new long[] {2, 10};
        assertShapes(net, shapes);
        assertEquals(4_864, net.getLayer(0).numParams());
        assertEquals(102_464, net.getLayer(3).numParams());
        assertEquals(102_464, net.getLayer(6).numParams());
        assertEquals(10_250, net.getLayer(8).numParams());
        assertEquals(Cifar10Net.PARAMETER_COUNT, net.numParams());
        assertEquals(220_042, net.numParams());
    }

    @Test
    void withDropoutAddsALocallyConnectedLayerAndDropsTheSoftmaxInput() {
        MultiLayerNetwork net = new Cifar10DropoutNet(Cifar10Recipe.paper(10), 1).init();
        long[][] shapes = java.util.Arrays.copyOf(SHARED_SHAPES, 10);
        shapes[8] = new long[] {2, 16, 4, 4};
        shapes[9] = new long[] {2, 10};
        assertShapes(net, shapes);
        assertInstanceOf(LocallyConnected2D.class, net.getLayer(8).conf().getLayer());
        assertEquals(16L * 16 * (3 * 3 * 64 + 1), net.getLayer(8).numParams());
        assertEquals(147_712, net.getLayer(8).numParams());
        assertEquals(2_570, net.getLayer(9).numParams());
        assertEquals(Cifar10DropoutNet.PARAMETER_COUNT, net.numParams());
        assertEquals(360_074, net.numParams());
        BernoulliDropout d =
                (BernoulliDropout) net.getLayer(9).conf().getLayer().getIDropout();
        assertEquals(0.5, d.retainProbability());
        assertNull(net.getLayer(8).conf().getLayer().getIDropout(), "dropout is on the softmax input only");
    }

    /**
     * Surefire loads ND4J's oneDNN natives (parent pom), so {@code init()} puts the three convolutions, the three
     * pooling layers and the two response normalisations on oneDNN; {@code local4} and the softmax stay as they are.
     */
    @Test
    void initRunsConvolutionPoolingAndNormalisationOnOneDnn() {
        assertTrue(OneDnnHelpers.available(), "the test JVM should run on ND4J's oneDNN natives");
        MultiLayerNetwork net = new Cifar10DropoutNet(Cifar10Recipe.paper(10), 1).init();
        for (int i = 0; i < net.getnLayers(); i++) {
            String name = net.getLayer(i).conf().getLayer().getLayerName();
            assertEquals(
                    name.startsWith("conv") || name.startsWith("pool") || name.startsWith("rnorm"),
                    OneDnnHelpers.isInstalled(net.getLayer(i)),
                    name);
        }
    }

    @Test
    void hiddenBiasesStartAtTheRecipeValueAndTheSoftmaxBiasAtZero() {
        MultiLayerNetwork net = new Cifar10DropoutNet(Cifar10Recipe.paper(10), 1).init();
        for (int i : new int[] {0, 3, 6, 8}) {
            assertEquals(1.0, net.getLayer(i).getParam("b").minNumber().doubleValue(), 0.0);
            assertEquals(1.0, net.getLayer(i).getParam("b").maxNumber().doubleValue(), 0.0);
        }
        assertEquals(0.0, net.getLayer(9).getParam("b").amaxNumber().doubleValue(), 0.0);
        double std = net.getLayer(3).getParam("W").stdNumber().doubleValue();
        assertEquals(0.01, std, 0.0005, "N(0, 0.01^2) weights; 102,400 samples give a relative error of ~0.3%");
    }

    /** DL4J's LRN with (k=1, n=9, alpha=0.001/9, beta=0.75) is the paper's a / (1 + alpha/N sum_{9 maps} a^2)^beta. */
    @Test
    void responseNormalisationIsThePapersFormula() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .dataType(DataType.DOUBLE)
                .list()
                .layer(Cifar10Layers.responseNormalization())
                .setInputType(InputType.convolutional(2, 1, 12))
                .build();
        MultiLayerNetwork lrn = new MultiLayerNetwork(conf);
        lrn.init();
        INDArray a = Nd4j.rand(DataType.DOUBLE, 1, 12, 2, 1).muli(20);
        INDArray b = lrn.output(a);
        for (int i = 0; i < 12; i++) {
            for (int y = 0; y < 2; y++) {
                double sum = 0;
                for (int j = Math.max(0, i - 4); j <= Math.min(11, i + 4); j++) {
                    sum += a.getDouble(0, j, y, 0) * a.getDouble(0, j, y, 0);
                }
                double expected = a.getDouble(0, i, y, 0) / Math.pow(1 + 0.001 / 9 * sum, 0.75);
                assertEquals(expected, b.getDouble(0, i, y, 0), 1e-12, "map " + i);
            }
        }
    }

    @Test
    void recipeDividesTheLearningRateByTenTwiceNearTheEnd() {
        Cifar10Recipe r = Cifar10Recipe.paper(100);
        assertEquals(80, r.firstDropEpoch());
        assertEquals(90, r.secondDropEpoch());
        ISchedule s = r.learningRateSchedule();
        assertEquals(1e-3, s.valueAt(0, 0), 1e-15);
        assertEquals(1e-3, s.valueAt(0, 79), 1e-15);
        assertEquals(1e-4, s.valueAt(0, 80), 1e-15);
        assertEquals(1e-5, s.valueAt(0, 95), 1e-15);
        IUpdater u = r.updater();
        assertEquals(
                u,
                MultiLayerConfiguration.fromJson(new Cifar10Net(r, 3).conf().toJson())
                        .getConf(0)
                        .getLayer()
                        .getUpdaterByParam("W"));
        assertThrows(
                IllegalArgumentException.class, () -> Cifar10Recipe.paper(10).withLearningRate(-1));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> new Cifar10Recipe(1e-3, 1.5, 128, 10, 8, 9, 0.01, 1));
        assertTrue(e.getMessage().contains("1.5"), e.getMessage());
    }

    @Test
    void zooModelSurface() {
        Cifar10DropoutNet zoo = new Cifar10DropoutNet();
        assertEquals("cifar10-dropout", zoo.modelName());
        assertEquals("cifar10", new Cifar10Net().modelName());
        assertNull(zoo.pretrainedUrl(org.deeplearning4j.zoo.PretrainedType.CIFAR10));
        assertArrayEquals(new int[] {3, 32, 32}, zoo.metaData().getInputShape()[0]);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> zoo.setInputShape(new int[][] {{3, 64, 64}}));
        assertTrue(e.getMessage().contains("64"), e.getMessage());
        MultiLayerConfiguration conf = zoo.conf();
        assertEquals(conf, MultiLayerConfiguration.fromJson(conf.toJson()));
    }
}
