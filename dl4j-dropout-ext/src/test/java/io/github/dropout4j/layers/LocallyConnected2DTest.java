package io.github.dropout4j.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropout4j.constraint.PerUnitMaxNorm;
import io.github.dropout4j.dropout.BernoulliDropout;
import io.github.dropout4j.dropout.TestTimeWeightScaling;
import java.io.File;
import java.io.IOException;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** {@link LocallyConnected2D}: forward against explicit loops, gradients, dropout, max-norm, serialisation. */
class LocallyConnected2DTest {

    private static DataType previous;

    @BeforeAll
    static void doublePrecision() {
        previous = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @AfterAll
    static void restorePrecision() {
        Nd4j.setDefaultDataTypes(previous, previous);
    }

    /** A geometry to test: input {@code c x h x w}, kernel, stride, padding, mode, filters per position. */
    record Geo(int c, int h, int w, int kH, int kW, int sH, int sW, int pH, int pW, boolean same, int nOut) {
        LocallyConnected2D.Builder builder() {
            LocallyConnected2D.Builder b = new LocallyConnected2D.Builder()
                    .nOut(nOut)
                    .kernelSize(kH, kW)
                    .stride(sH, sW);
            return same ? b.convolutionMode(ConvolutionMode.Same) : b.padding(pH, pW);
        }
    }

    private static final Geo[] GEOMETRIES = {
        new Geo(2, 5, 5, 3, 3, 1, 1, 0, 0, false, 2), // valid, 3x3 out
        new Geo(2, 6, 5, 2, 3, 2, 1, 1, 0, false, 2), // strided, padded, non-square: 4x3 out
        new Geo(1, 5, 4, 3, 3, 2, 2, 0, 0, true, 3), // Same with stride 2, odd total padding: 3x2 out
        new Geo(3, 4, 4, 3, 3, 1, 1, 0, 0, true, 2), // Same, as in the CIFAR-10 net (4x4 -> 4x4)
    };

    private static MultiLayerNetwork lcOnly(Geo g, Activation act, IDropout dropout, long seed) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.DOUBLE)
                .updater(new NoOp())
                .weightInit(new NormalDistribution(0, 0.5))
                .biasInit(0.1)
                .weightNoise(new TestTimeWeightScaling())
                .list()
                .layer(g.builder().activation(act).dropOut(dropout).build())
                .setInputType(InputType.convolutional(g.h, g.w, g.c))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static MultiLayerNetwork withSoftmax(Geo g, IDropout dropout, long seed) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.DOUBLE)
                .updater(new NoOp())
                .weightInit(WeightInit.XAVIER)
                .biasInit(0.1)
                .weightNoise(new TestTimeWeightScaling())
                .list()
                .layer(g.builder().activation(Activation.TANH).dropOut(dropout).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.convolutional(g.h, g.w, g.c))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /** The definition, with explicit loops: y[n,o,oy,ox] = sum_{c,ky,kx} x[n,c,iy,ix] W[q,(c,ky,kx),o] + b[q,o]. */
    private static INDArray naive(
            INDArray x, INDArray w, INDArray b, LocallyConnectedKernel k, int kH, int kW, int sH, int sW) {
        int mb = (int) x.size(0);
        int c = (int) x.size(1);
        int h = (int) x.size(2);
        int wd = (int) x.size(3);
        int nOut = (int) w.size(2);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, mb, nOut, k.outHeight(), k.outWidth());
        for (int n = 0; n < mb; n++) {
            for (int o = 0; o < nOut; o++) {
                for (int oy = 0; oy < k.outHeight(); oy++) {
                    for (int ox = 0; ox < k.outWidth(); ox++) {
                        int q = oy * k.outWidth() + ox;
                        double s = b.getDouble(q, o);
                        for (int ch = 0; ch < c; ch++) {
                            for (int ky = 0; ky < kH; ky++) {
                                for (int kx = 0; kx < kW; kx++) {
                                    int iy = oy * sH - k.padTop() + ky;
                                    int ix = ox * sW - k.padLeft() + kx;
                                    if (iy >= 0 && iy < h && ix >= 0 && ix < wd) {
                                        s += x.getDouble(n, ch, iy, ix) * w.getDouble(q, (ch * kH + ky) * kW + kx, o);
                                    }
                                }
                            }
                        }
                        y.putScalar(new int[] {n, o, oy, ox}, s);
                    }
                }
            }
        }
        return y;
    }

    @Test
    void forwardEqualsTheDefinitionWrittenAsLoops() {
        for (Geo g : GEOMETRIES) {
            MultiLayerNetwork net = lcOnly(g, Activation.IDENTITY, null, 7);
            net.getLayer(0)
                    .getParam("b")
                    .assign(Nd4j.rand(
                            DataType.DOUBLE, net.getLayer(0).getParam("b").shape()));
            for (int mb : new int[] {3, 1}) {
                INDArray x = Nd4j.rand(DataType.DOUBLE, mb, g.c, g.h, g.w).subi(0.5);
                LocallyConnected2D conf =
                        (LocallyConnected2D) net.getLayer(0).conf().getLayer();
                INDArray expected =
                        naive(x, net.getParam("0_W"), net.getParam("0_b"), conf.kernel(), g.kH, g.kW, g.sH, g.sW);
                INDArray actual = net.output(x);
                assertArrayEquals(expected.shape(), actual.shape(), g.toString());
                assertTrue(
                        expected.equalsWithEps(actual, 1e-12),
                        g + " mb " + mb + "\nexpected " + expected + "\nactual " + actual);
            }
        }
    }

    @Test
    void outputShapesFollowSameAndTruncateRules() {
        assertArrayEquals(
                new long[] {2, 2, 3, 3},
                lcOnly(GEOMETRIES[0], Activation.RELU, null, 1)
                        .output(Nd4j.rand(DataType.DOUBLE, 2, 2, 5, 5))
                        .shape());
        assertArrayEquals(
                new long[] {2, 2, 4, 3},
                lcOnly(GEOMETRIES[1], Activation.RELU, null, 1)
                        .output(Nd4j.rand(DataType.DOUBLE, 2, 2, 6, 5))
                        .shape());
        assertArrayEquals(
                new long[] {2, 3, 3, 2},
                lcOnly(GEOMETRIES[2], Activation.RELU, null, 1)
                        .output(Nd4j.rand(DataType.DOUBLE, 2, 1, 5, 4))
                        .shape());
        // W [P, nIn*kH*kW, nOut], b [P, nOut]: 16 positions, 64*9 inputs, 16 filters (the CIFAR-10 layer)
        LocallyConnected2D cifar = new LocallyConnected2D.Builder()
                .nIn(64)
                .nOut(16)
                .kernelSize(3, 3)
                .convolutionMode(ConvolutionMode.Same)
                .inputSize(4, 4)
                .build();
        assertArrayEquals(new long[] {16, 576, 16}, LocallyConnected2DParamInitializer.weightShape(cifar));
        assertEquals(16L * 16 * (576 + 1), cifar.initializer().numParams(cifar));
        MultiLayerNetwork net = lcOnly(GEOMETRIES[3], Activation.RELU, null, 1);
        org.deeplearning4j.nn.conf.memory.MemoryReport report =
                net.getLayerWiseConfigurations().getMemoryReport(InputType.convolutional(4, 4, 3));
        assertTrue(report.toString().contains("LocallyConnected2D"), report.toString());
    }

    @Test
    void withTheSameWeightsAtEveryPositionItIsAConvolution() {
        Geo g = GEOMETRIES[1];
        MultiLayerNetwork lc = lcOnly(g, Activation.TANH, null, 3);
        MultiLayerConfiguration convConf = new NeuralNetConfiguration.Builder()
                .dataType(DataType.DOUBLE)
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(new ConvolutionLayer.Builder(g.kH, g.kW)
                        .stride(g.sH, g.sW)
                        .padding(g.pH, g.pW)
                        .nOut(g.nOut)
                        .activation(Activation.TANH)
                        .build())
                .setInputType(InputType.convolutional(g.h, g.w, g.c))
                .build();
        MultiLayerNetwork conv = new MultiLayerNetwork(convConf);
        conv.init();
        conv.getParam("0_b").assign(Nd4j.rand(DataType.DOUBLE, 1, g.nOut));
        INDArray filters = conv.getParam("0_W"); // [nOut, nIn, kH, kW]
        INDArray perPosition =
                filters.reshape('c', g.nOut, (long) g.c * g.kH * g.kW).transpose(); // [K, nOut]
        INDArray w = lc.getParam("0_W");
        INDArray b = lc.getParam("0_b");
        for (int q = 0; q < w.size(0); q++) {
            w.slice(q).assign(perPosition);
            b.getRow(q).assign(conv.getParam("0_b").reshape(g.nOut));
        }
        INDArray x = Nd4j.rand(DataType.DOUBLE, 4, g.c, g.h, g.w);
        assertTrue(conv.output(x).equalsWithEps(lc.output(x), 1e-10));

        // and in Same mode with a stride (DL4J's convolution pads bottom/right with the odd pixel, as we do)
        Geo s = GEOMETRIES[2];
        MultiLayerNetwork lcSame = lcOnly(s, Activation.IDENTITY, null, 4);
        MultiLayerConfiguration sameConf = new NeuralNetConfiguration.Builder()
                .dataType(DataType.DOUBLE)
                .weightInit(WeightInit.XAVIER)
                .convolutionMode(ConvolutionMode.Same)
                .list()
                .layer(new ConvolutionLayer.Builder(s.kH, s.kW)
                        .stride(s.sH, s.sW)
                        .nOut(s.nOut)
                        .activation(Activation.IDENTITY)
                        .build())
                .setInputType(InputType.convolutional(s.h, s.w, s.c))
                .build();
        MultiLayerNetwork convSame = new MultiLayerNetwork(sameConf);
        convSame.init();
        INDArray f = convSame.getParam("0_W")
                .reshape('c', s.nOut, (long) s.c * s.kH * s.kW)
                .transpose();
        for (int q = 0; q < lcSame.getParam("0_W").size(0); q++) {
            lcSame.getParam("0_W").slice(q).assign(f);
            lcSame.getParam("0_b").getRow(q).assign(convSame.getParam("0_b").reshape(s.nOut));
        }
        INDArray xs = Nd4j.rand(DataType.DOUBLE, 2, s.c, s.h, s.w);
        assertTrue(convSame.output(xs).equalsWithEps(lcSame.output(xs), 1e-10));
    }

    @Test
    void gradientsMatchFiniteDifferencesAtSeveralShapesWithAndWithoutInputDropout() {
        for (Geo g : GEOMETRIES) {
            for (boolean dropout : new boolean[] {false, true}) {
                IDropout d = dropout ? BernoulliDropout.retainProbability(0.6).withSeed(11) : null;
                MultiLayerNetwork net = withSoftmax(g, d, 5);
                Nd4j.getRandom().setSeed(3);
                INDArray x =
                        Nd4j.rand(DataType.DOUBLE, 3, g.c, g.h, g.w).subi(0.5).muli(2);
                INDArray y = Nd4j.zeros(DataType.DOUBLE, 3, 3);
                for (int i = 0; i < 3; i++) {
                    y.putScalar(i, (i + 1) % 3, 1.0);
                }
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
                assertTrue(ok, g + (dropout ? " with input dropout" : ""));
            }
        }
    }

    @Test
    void dropoutIsAppliedToTheInputWhileTrainingOnly() {
        Geo g = GEOMETRIES[0];
        MultiLayerNetwork plain = lcOnly(g, Activation.IDENTITY, null, 9);
        MultiLayerNetwork dropped = lcOnly(
                g, Activation.IDENTITY, BernoulliDropout.retainProbability(0.5).withSeed(2), 9);
        dropped.setParams(plain.params());
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, g.c, g.h, g.w).addi(0.5);
        INDArray train = dropped.feedForward(x, true).get(1);
        INDArray full = plain.feedForward(x, true).get(1);
        assertFalse(train.equalsWithEps(full, 1e-6), "training pass must see a thinned input");
    }

    @Test
    void meanNetworkOutputIsTheNetworkWithInputWeightsScaledByTheRetainProbability() {
        Geo g = GEOMETRIES[3];
        double retain = 0.5;
        MultiLayerNetwork dropped =
                withSoftmax(g, BernoulliDropout.retainProbability(retain).withSeed(4), 6);
        MultiLayerNetwork scaled = withSoftmax(g, null, 6);
        scaled.setParams(dropped.params());
        scaled.getParam("0_W").muli(retain);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 5, g.c, g.h, g.w);
        assertTrue(scaled.output(x).equalsWithEps(dropped.output(x), 1e-12));
        // and the stored weights stay unscaled
        assertFalse(scaled.getParam("0_W").equalsWithEps(dropped.getParam("0_W"), 1e-12));
    }

    @Test
    void perUnitMaxNormBoundsEachFilterAtEachPosition() {
        Geo g = GEOMETRIES[1];
        double c = 0.6;
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(3)
                .dataType(DataType.DOUBLE)
                .updater(new Sgd(0.5))
                .weightInit(new NormalDistribution(0, 0.2))
                .list()
                .layer(g.builder()
                        .activation(Activation.TANH)
                        .constrainWeights(PerUnitMaxNorm.maxNorm(c))
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.convolutional(g.h, g.w, g.c))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        INDArray before = net.getParam("0_W").norm2(1); // [P, nOut]: one norm per unit
        assertTrue(
                before.maxNumber().doubleValue() > c && before.minNumber().doubleValue() < c,
                "the test needs units on both sides of the bound, got " + before);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 4, g.c, g.h, g.w);
        INDArray y = Nd4j.eye(3).getRows(0, 1, 2, 0);
        net.fit(x, y);
        INDArray after = net.getParam("0_W").norm2(1);
        assertTrue(after.maxNumber().doubleValue() <= c * (1 + 1e-9), "unit norms " + after);
        // units whose norm was far below the bound after the step are left alone: some end strictly inside
        assertTrue(after.minNumber().doubleValue() < c * 0.99, "unit norms " + after);
    }

    @Test
    void configurationRoundTripsThroughJsonAndModelSerializer(@TempDir File dir) throws IOException {
        Geo g = GEOMETRIES[2];
        MultiLayerNetwork net =
                withSoftmax(g, BernoulliDropout.retainProbability(0.5).withSeed(8), 2);
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(conf.toJson());
        assertEquals(conf.getConf(0).getLayer(), back.getConf(0).getLayer());
        assertEquals(conf, back);
        assertTrue(conf.toJson().contains("io.github.dropout4j.layers.LocallyConnected2D"));

        File f = new File(dir, "lc.zip");
        ModelSerializer.writeModel(net, f, true);
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(f, true);
        assertEquals(net.params(), restored.params());
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, g.c, g.h, g.w);
        assertEquals(net.output(x), restored.output(x));
        assertEquals(
                conf.getConf(0).getLayer(),
                restored.getLayerWiseConfigurations().getConf(0).getLayer());
    }

    @Test
    void badGeometryAndBadInputAreRejectedWithTheValues() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new LocallyConnected2D.Builder().nOut(2).kernelSize(0, 3).build());
        assertTrue(e.getMessage().contains("(0, 3)"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class, () -> LocallyConnectedKernel.of(2, 2, 3, 3, 1, 1, 0, 0, false));
        assertTrue(e.getMessage().contains("3x3") && e.getMessage().contains("2x2"), e.getMessage());
        MultiLayerNetwork net = lcOnly(GEOMETRIES[0], Activation.RELU, null, 1);
        Exception bad = assertThrows(Exception.class, () -> net.output(Nd4j.rand(DataType.DOUBLE, 1, 2, 6, 6)));
        assertTrue(String.valueOf(bad.getMessage()).contains("[1, 2, 6, 6]"), bad.getMessage());
    }
}
