package io.github.dropout4j.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LocalResponseNormalization;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer.PoolingType;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * oneDNN (through {@link OneDnnHelpers}) against DL4J's built-in paths (im2col + GEMM for convolution, its own
 * pooling and LRN loops): same outputs and gradients in single precision, and finite-difference gradient checks in
 * double precision with the helpers installed. Surefire runs this on ND4J's oneDNN natives (parent pom).
 *
 * <p>Every layer under test has {@code cudnnAllowFallback(false)}: if a oneDNN helper failed, DL4J would throw
 * instead of silently using the built-in path, so a passing comparison really compares two implementations.
 *
 * <p>Tolerance: float32 results of sums of up to {@code kH*kW*nIn} products (at most 5*5*6 = 150 here, 9 maps for
 * LRN) computed in another order differ by a few ulps of the largest partial sums; we accept
 * {@code |a - b| <= 1e-5 * (max|b| + 1)} elementwise (float32's epsilon is 1.2e-7, so this allows ~80 ulps).
 */
class OneDnnHelpersTest {

    private static final double FLOAT_TOLERANCE = 1e-5;

    /** The test JVM runs on the oneDNN natives, so the helpers must really be installed. */
    @Test
    void theTestJvmRunsOnOneDnnNatives() {
        assertTrue(
                OneDnnHelpers.available(),
                "surefire should load nd4j-native's oneDNN natives ("
                        + OneDnnHelpers.PLATFORM_EXTENSION_PROPERTY + "="
                        + System.getProperty(OneDnnHelpers.PLATFORM_EXTENSION_PROPERTY) + ")");
    }

    @Test
    void installCoversConvolutionPoolingAndResponseNormalisationOnly() {
        MultiLayerNetwork net = net(
                DataType.FLOAT,
                4,
                9,
                9,
                conv(3, 3, 1, 1, 1, 1, ConvolutionMode.Truncate, 5),
                pool(PoolingType.MAX, 2, 2, 2, 2, ConvolutionMode.Truncate, true),
                lrn(2, 5, 1e-4, 0.75),
                new DenseLayer.Builder().nOut(4).build());
        assertEquals(3, OneDnnHelpers.install(net));
        Layer[] layers = net.getLayers();
        assertTrue(OneDnnHelpers.isInstalled(layers[0]));
        assertTrue(OneDnnHelpers.isInstalled(layers[1]));
        assertTrue(OneDnnHelpers.isInstalled(layers[2]));
        assertFalse(OneDnnHelpers.isInstalled(layers[3]));
        MultiLayerNetwork padded = net(
                DataType.FLOAT,
                2,
                5,
                5,
                pool(PoolingType.AVG, 3, 3, 2, 2, ConvolutionMode.Same, true),
                pool(PoolingType.AVG, 2, 2, 1, 1, ConvolutionMode.Same, false));
        // average pooling that counts padding: DL4J's oneDNN helper got its gradient wrong, our PoolingHelper does not
        assertEquals(2, OneDnnHelpers.install(padded));
        assertTrue(OneDnnHelpers.isInstalled(padded.getLayer(0)));
    }

    @Test
    void installRejectsAnUninitialisedOrUnknownModel() {
        MultiLayerNetwork net = new MultiLayerNetwork(
                conf(DataType.FLOAT, 2, 5, 5, conv(3, 3, 1, 1, 0, 0, ConvolutionMode.Truncate, 2)));
        assertThrows(IllegalArgumentException.class, () -> OneDnnHelpers.install(net));
        assertThrows(IllegalArgumentException.class, () -> OneDnnHelpers.install(null));
    }

    /** Shapes, strides, paddings and both convolution modes, incl. Same with a stride (bottom/right padding). */
    @Test
    void convolutionMatchesIm2colForwardAndBackward() {
        List<Object[]> cases = new ArrayList<>();
        // c, h, w, kH, kW, sH, sW, pH, pW, mode, nOut
        cases.add(new Object[] {3, 8, 8, 5, 5, 1, 1, 0, 0, ConvolutionMode.Same, 6}); // the zoo's conv
        cases.add(new Object[] {4, 9, 7, 3, 3, 2, 2, 1, 1, ConvolutionMode.Truncate, 5});
        cases.add(new Object[] {5, 10, 10, 3, 2, 2, 1, 1, 0, ConvolutionMode.Truncate, 4});
        cases.add(new Object[] {6, 11, 11, 5, 5, 2, 2, 0, 0, ConvolutionMode.Same, 3});
        cases.add(new Object[] {2, 6, 9, 1, 1, 1, 1, 0, 0, ConvolutionMode.Truncate, 7});
        for (Object[] c : cases) {
            ConvolutionLayer layer = conv(
                    (int) c[3],
                    (int) c[4],
                    (int) c[5],
                    (int) c[6],
                    (int) c[7],
                    (int) c[8],
                    (ConvolutionMode) c[9],
                    (int) c[10]);
            assertSameAsBuiltIn(layer, (int) c[0], (int) c[1], (int) c[2], java.util.Arrays.toString(c));
        }
    }

    /** Max and average pooling (with and without padding in the divisor), overlapping and Same-mode windows. */
    @Test
    void poolingMatchesBuiltInForwardAndBackward() {
        for (PoolingType type : new PoolingType[] {PoolingType.MAX, PoolingType.AVG}) {
            for (boolean padInDivisor : new boolean[] {false, true}) {
                // the zoo's pooling: 3x3 windows, stride 2, Same mode (one row/column of padding at bottom/right)
                assertSameAsBuiltIn(
                        pool(type, 3, 3, 2, 2, ConvolutionMode.Same, padInDivisor),
                        4,
                        16,
                        16,
                        type + " 3x3/2 Same, padInDivisor " + padInDivisor);
                assertSameAsBuiltIn(
                        pool(type, 3, 3, 2, 2, ConvolutionMode.Same, padInDivisor),
                        3,
                        7,
                        9,
                        type + " 3x3/2 Same on 7x9, padInDivisor " + padInDivisor);
                assertSameAsBuiltIn(
                        pool(type, 2, 2, 2, 2, ConvolutionMode.Truncate, padInDivisor),
                        3,
                        8,
                        6,
                        type + " 2x2/2 Truncate, padInDivisor " + padInDivisor);
                assertSameAsBuiltIn(
                        pool(type, 3, 2, 1, 2, ConvolutionMode.Truncate, padInDivisor),
                        2,
                        6,
                        8,
                        type + " 3x2/(1,2) Truncate, padInDivisor " + padInDivisor);
            }
        }
    }

    @Test
    void responseNormalisationMatchesBuiltInForwardAndBackward() {
        // the CIFAR-10 nets' (k 1, n 9, alpha 0.001/9, beta 0.75) and DL4J's defaults (k 2, n 5, alpha 1e-4)
        assertSameAsBuiltIn(lrn(1, 9, 0.001 / 9, 0.75), 16, 6, 6, "LRN k1 n9");
        assertSameAsBuiltIn(lrn(2, 5, 1e-4, 0.75), 7, 5, 4, "LRN k2 n5");
        // odd and even windows with larger alphas: forward only. DL4J's own backward pass is off by O(alpha) (4e-4
        // at alpha 0.01; at alpha 0.5 it fails the finite-difference check below, which ours passes).
        assertSameAsBuiltIn(lrn(1, 3, 0.5, 0.75), 6, 4, 4, "LRN k1 n3 alpha 0.5", false);
        assertSameAsBuiltIn(lrn(1, 4, 0.5, 0.6), 6, 4, 3, "LRN k1 n4 alpha 0.5 beta 0.6", false);
    }

    /**
     * Three SGD steps through {@code fit} (workspaces on, as in real training; no fallback allowed) with and without
     * the helpers, the zoo's layer kinds: the same parameters afterwards, within float tolerance.
     */
    @Test
    void trainingStepsWithHelpersFollowTheBuiltInPath() {
        MultiLayerNetwork[] nets = new MultiLayerNetwork[2];
        for (int i = 0; i < 2; i++) {
            MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                    .seed(3)
                    .dataType(DataType.FLOAT)
                    .updater(new org.nd4j.linalg.learning.config.Sgd(0.1))
                    .weightInit(WeightInit.XAVIER)
                    .list()
                    .layer(conv(5, 5, 1, 1, 0, 0, ConvolutionMode.Same, 8))
                    .layer(pool(PoolingType.MAX, 3, 3, 2, 2, ConvolutionMode.Same, false))
                    .layer(lrn(1, 9, 0.001 / 9, 0.75))
                    .layer(conv(5, 5, 1, 1, 0, 0, ConvolutionMode.Same, 8))
                    .layer(pool(PoolingType.AVG, 3, 3, 2, 2, ConvolutionMode.Same, false))
                    .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                            .nOut(3)
                            .activation(Activation.SOFTMAX)
                            .build())
                    .setInputType(InputType.convolutional(12, 12, 3))
                    .build();
            nets[i] = new MultiLayerNetwork(conf);
            nets[i].init();
        }
        assertEquals(5, OneDnnHelpers.install(nets[1]));
        Nd4j.getRandom().setSeed(31);
        INDArray x = Nd4j.rand(DataType.FLOAT, 8, 3, 12, 12);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 8, 3);
        for (int i = 0; i < 8; i++) {
            y.putScalar(i, i % 3, 1f);
        }
        for (int step = 0; step < 3; step++) {
            nets[0].fit(x, y);
            nets[1].fit(x, y);
        }
        assertClose(nets[0].params(), nets[1].params(), "parameters after 3 steps");
    }

    /**
     * Average pooling is linear, {@code y = A x}, so the input gradient for an upstream gradient {@code e} is
     * {@code A^T e} and must satisfy {@code <e, A x> = <A^T e, x>} for any x: a check independent of both
     * implementations (DL4J's {@code MKLDNNSubsamplingHelper} failed it when padding counts in the divisor: 34.04
     * against 25.26 here; {@link OneDnnHelpers#install} now installs our {@link PoolingHelper} instead).
     */
    @Test
    void averagePoolingGradientIsTheAdjointOfItsForwardPass() {
        for (boolean padInDivisor : new boolean[] {false, true}) {
            for (boolean oneDnn : new boolean[] {false, true}) {
                MultiLayerNetwork net = net(
                        DataType.DOUBLE,
                        3,
                        7,
                        9,
                        pool(PoolingType.AVG, 3, 3, 2, 2, ConvolutionMode.Same, padInDivisor));
                if (oneDnn) {
                    assertEquals(1, OneDnnHelpers.install(net));
                }
                Nd4j.getRandom().setSeed(29);
                INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 3, 7, 9);
                LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
                Layer layer = net.getLayer(0);
                layer.setInput(x, mgr);
                INDArray y = layer.activate(true, mgr);
                INDArray e = Nd4j.rand(DataType.DOUBLE, y.shape());
                INDArray g = layer.backpropGradient(e, mgr).getSecond();
                double lhs = e.mul(y).sumNumber().doubleValue();
                double rhs = g.mul(x).sumNumber().doubleValue();
                assertEquals(
                        lhs,
                        rhs,
                        1e-9 * Math.abs(lhs),
                        (oneDnn ? "helper" : "built-in") + " average pooling, padInDivisor " + padInDivisor);
            }
        }
    }

    /**
     * Finite differences (double; the natives use their generic kernels for doubles, DL4J the helper glue, and the LRN
     * backward pass is ours in any precision). LRN alpha 0.5 so that the normalisation bites: DL4J's built-in LRN
     * fails this same check (measured, helpers not installed).
     */
    @Test
    void gradientsMatchFiniteDifferencesWithHelpersInstalled() {
        DataType previous = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            checkGradients();
        } finally {
            Nd4j.setDefaultDataTypes(previous, previous);
        }
    }

    private static void checkGradients() {
        for (ConvolutionMode mode : new ConvolutionMode[] {ConvolutionMode.Same, ConvolutionMode.Truncate}) {
            MultiLayerNetwork net = net(
                    DataType.DOUBLE,
                    3,
                    9,
                    9,
                    conv(3, 3, 1, 1, 1, 1, mode, 4),
                    pool(PoolingType.MAX, 3, 3, 2, 2, mode, false),
                    lrn(1, 3, 0.5, 0.75),
                    conv(2, 2, 1, 1, 0, 0, mode, 3),
                    pool(PoolingType.AVG, 2, 2, 1, 1, mode, false),
                    new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                            .nOut(3)
                            .activation(Activation.SOFTMAX)
                            .build());
            assertEquals(5, OneDnnHelpers.install(net));
            Nd4j.getRandom().setSeed(5);
            INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 3, 9, 9).subi(0.5);
            INDArray y = Nd4j.zeros(DataType.DOUBLE, 2, 3);
            y.putScalar(0, 1, 1.0);
            y.putScalar(1, 2, 1.0);
            boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig()
                    .net(net)
                    .input(x)
                    .labels(y)
                    .epsilon(1e-6)
                    .maxRelError(1e-5)
                    .minAbsoluteError(1e-9));
            assertTrue(ok, mode.toString());
        }
    }

    /** Two single-layer float nets with the same parameters, one on oneDNN: outputs and all gradients agree. */
    private static void assertSameAsBuiltIn(
            org.deeplearning4j.nn.conf.layers.Layer layer, int c, int h, int w, String what) {
        assertSameAsBuiltIn(layer, c, h, w, what, true);
    }

    private static void assertSameAsBuiltIn(
            org.deeplearning4j.nn.conf.layers.Layer layer, int c, int h, int w, String what, boolean backward) {
        MultiLayerNetwork builtIn = net(DataType.FLOAT, c, h, w, layer.clone());
        MultiLayerNetwork oneDnn = net(DataType.FLOAT, c, h, w, layer.clone());
        oneDnn.setParams(builtIn.params());
        assertEquals(1, OneDnnHelpers.install(oneDnn), what);
        assertFalse(OneDnnHelpers.isInstalled(builtIn.getLayer(0)), what);
        Nd4j.getRandom().setSeed(17);
        INDArray x = Nd4j.rand(DataType.FLOAT, 3, c, h, w).subi(0.5).muli(4);
        Pair<INDArray, Pair<Gradient, INDArray>> ref = forwardBackward(builtIn.getLayer(0), x);
        Pair<INDArray, Pair<Gradient, INDArray>> got = forwardBackward(oneDnn.getLayer(0), x);
        assertClose(ref.getFirst(), got.getFirst(), what + ": output");
        if (!backward) {
            return;
        }
        assertClose(ref.getSecond().getSecond(), got.getSecond().getSecond(), what + ": input gradient");
        for (String p : ref.getSecond().getFirst().gradientForVariable().keySet()) {
            assertClose(
                    ref.getSecond().getFirst().getGradientFor(p),
                    got.getSecond().getFirst().getGradientFor(p),
                    what + ": gradient of " + p);
        }
    }

    private static Pair<INDArray, Pair<Gradient, INDArray>> forwardBackward(Layer layer, INDArray x) {
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        layer.setInput(x.dup(), mgr);
        INDArray out = layer.activate(true, mgr).dup();
        Nd4j.getRandom().setSeed(23);
        INDArray epsilon = Nd4j.rand(DataType.FLOAT, out.shape()).subi(0.5);
        Pair<Gradient, INDArray> g = layer.backpropGradient(epsilon, mgr);
        Gradient copy = new org.deeplearning4j.nn.gradient.DefaultGradient();
        for (String p : g.getFirst().gradientForVariable().keySet()) {
            copy.setGradientFor(p, g.getFirst().getGradientFor(p).dup());
        }
        return new Pair<>(out, new Pair<>(copy, g.getSecond().dup()));
    }

    private static void assertClose(INDArray expected, INDArray actual, String what) {
        assertEquals(java.util.Arrays.toString(expected.shape()), java.util.Arrays.toString(actual.shape()), what);
        double scale = expected.amaxNumber().doubleValue() + 1;
        double diff = expected.sub(actual).amaxNumber().doubleValue();
        assertTrue(
                diff <= FLOAT_TOLERANCE * scale,
                what + ": max |difference| " + diff + " > " + FLOAT_TOLERANCE + " * " + scale);
    }

    private static MultiLayerConfiguration conf(
            DataType dataType, int c, int h, int w, org.deeplearning4j.nn.conf.layers.Layer... layers) {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(3)
                .dataType(dataType)
                .updater(new NoOp())
                .weightInit(WeightInit.XAVIER)
                .list();
        for (org.deeplearning4j.nn.conf.layers.Layer l : layers) {
            list.layer(l);
        }
        return list.setInputType(InputType.convolutional(h, w, c)).build();
    }

    private static MultiLayerNetwork net(
            DataType dataType, int c, int h, int w, org.deeplearning4j.nn.conf.layers.Layer... layers) {
        MultiLayerNetwork net = new MultiLayerNetwork(conf(dataType, c, h, w, layers));
        net.init();
        net.initGradientsView();
        return net;
    }

    private static ConvolutionLayer conv(
            int kH, int kW, int sH, int sW, int pH, int pW, ConvolutionMode mode, int nOut) {
        ConvolutionLayer.Builder b =
                new ConvolutionLayer.Builder(kH, kW).stride(sH, sW).convolutionMode(mode);
        if (mode != ConvolutionMode.Same) {
            b.padding(pH, pW);
        }
        return b.nOut(nOut)
                .activation(Activation.TANH)
                .biasInit(0.1)
                .cudnnAllowFallback(false)
                .build();
    }

    private static SubsamplingLayer pool(
            PoolingType type, int kH, int kW, int sH, int sW, ConvolutionMode mode, boolean padInDivisor) {
        return new SubsamplingLayer.Builder(type)
                .kernelSize(kH, kW)
                .stride(sH, sW)
                .convolutionMode(mode)
                .avgPoolIncludePadInDivisor(padInDivisor)
                .cudnnAllowFallback(false)
                .build();
    }

    private static LocalResponseNormalization lrn(double k, int n, double alpha, double beta) {
        return new LocalResponseNormalization.Builder()
                .k(k)
                .n(n)
                .alpha(alpha)
                .beta(beta)
                .cudnnAllowFallback(false)
                .build();
    }
}
