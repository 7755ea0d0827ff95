package io.github.dropout4j.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropout4j.testsupport.Bits;
import java.util.Random;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.LocalResponseNormalization;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * {@link ResponseNormalizationHelper}'s forward and backward passes, on its Java kernel and on its ND4J path,
 * against a double-precision hand loop written from the formula:
 *
 * <pre>
 * s_i = k + alpha sum_{c = max(0, i - n/2)}^{min(C - 1, i + n/2)} a_c^2,   b_i = a_i s_i^-beta,
 * dL/da_i = e_i s_i^-beta - 2 alpha beta a_i sum_{j in W(i)} e_j a_j s_j^(-beta-1)
 * </pre>
 *
 * Tolerance: {@code max_i |got_i - ref_i| <= tol * max_i |ref_i|}, with {@code tol = 1e-5} for FLOAT (the
 * reference is computed from the same float inputs; float32's epsilon is 1.2e-7, and a window sum, a power and the
 * backward pass's difference of two terms of similar size each lose a few ulps) and {@code 1e-12} for DOUBLE
 * ({@code 1e-6} on the ND4J path: its native {@code lrn} op, in double, was off by up to 2.9e-8 relative at
 * {@code beta = 0.6}, as if it took the power in single precision). A
 * window one channel too wide or too narrow changes results by ~1e-2 relative at these alphas.
 */
class ResponseNormalizationKernelTest {

    /** {N, C, H, W, n}: C below n, C = 1, odd and even n, n = 1, tiles that split an example, a parallel size. */
    private static final int[][] SHAPES = {
        {2, 6, 5, 5, 5},
        {3, 3, 4, 2, 5},
        {2, 1, 3, 3, 5},
        {2, 7, 3, 4, 4},
        {2, 16, 7, 7, 9},
        {1, 5, 2, 3, 1},
        {2, 600, 5, 4, 5},
        {2, 64, 24, 24, 5}
    };

    /** {k, alpha, beta}: DL4J's defaults, a strong normalisation, a beta other than the paper's 0.75. */
    private static final double[][] PARAMETERS = {{2, 1e-4, 0.75}, {1, 0.5, 0.75}, {1, 0.5, 0.6}};

    @Test
    void javaKernelMatchesTheFormula() {
        checkAll(true);
    }

    @Test
    void nd4jPathMatchesTheFormula() {
        checkAll(false);
    }

    private static void checkAll(boolean javaKernel) {
        for (int[] shape : SHAPES) {
            for (double[] p : PARAMETERS) {
                for (CNN2DFormat format : CNN2DFormat.values()) {
                    for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
                        check(shape, p, format, type, javaKernel, false);
                    }
                }
            }
        }
    }

    /** DL4J hands the helper its input as it is: a strided view (here a slice and a permutation) must work too. */
    /**
     * The class doc's two claims: NCHW and NHWC give the same bits, and an array large enough to spread its tiles over
     * the fork-join pool gives the bits of each example computed alone (below the parallel size, on one thread).
     */
    @Test
    void sameBitsInBothLayoutsAndWhateverTheThreadCount() {
        int mb = 6;
        int c = 7;
        int h = 40;
        int w = 45; // 6 * 7 * 40 * 45 = 75,600 elements >= PARALLEL_MIN; one example is 12,600 < PARALLEL_MIN
        assertTrue((long) mb * c * h * w >= ResponseNormalizationKernel.PARALLEL_MIN);
        assertTrue((long) c * h * w < ResponseNormalizationKernel.PARALLEL_MIN);
        Nd4j.getRandom().setSeed(11);
        INDArray x = Nd4j.rand(DataType.FLOAT, mb, c, h, w).subi(0.5).muli(6);
        INDArray eps = Nd4j.rand(DataType.FLOAT, mb, c, h, w).subi(0.5);
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        ResponseNormalizationHelper nchw = new ResponseNormalizationHelper(CNN2DFormat.NCHW);
        ResponseNormalizationHelper nhwc = new ResponseNormalizationHelper(CNN2DFormat.NHWC);
        INDArray out = nchw.activate(x, true, 2, 5, 1e-2, 0.75, mgr).dup();
        INDArray grad =
                nchw.backpropGradient(x, eps, 2, 5, 1e-2, 0.75, mgr).getSecond().dup();
        INDArray xl = x.permute(0, 2, 3, 1).dup('c');
        INDArray el = eps.permute(0, 2, 3, 1).dup('c');
        INDArray outL = nhwc.activate(xl, true, 2, 5, 1e-2, 0.75, mgr)
                .permute(0, 3, 1, 2)
                .dup('c');
        INDArray gradL = nhwc.backpropGradient(xl, el, 2, 5, 1e-2, 0.75, mgr)
                .getSecond()
                .permute(0, 3, 1, 2)
                .dup('c');
        Bits.assertSameBits(out, outL, "forward, NHWC vs NCHW");
        Bits.assertSameBits(grad, gradL, "backward, NHWC vs NCHW");
        for (int i = 0; i < mb; i++) {
            INDArray xi = x.get(NDArrayIndex.interval(i, i + 1)).dup('c');
            INDArray ei = eps.get(NDArrayIndex.interval(i, i + 1)).dup('c');
            Bits.assertSameBits(
                    out.get(NDArrayIndex.interval(i, i + 1)).dup(),
                    nchw.activate(xi, true, 2, 5, 1e-2, 0.75, mgr),
                    "forward, example " + i + " alone");
            Bits.assertSameBits(
                    grad.get(NDArrayIndex.interval(i, i + 1)).dup(),
                    nchw.backpropGradient(xi, ei, 2, 5, 1e-2, 0.75, mgr).getSecond(),
                    "backward, example " + i + " alone");
        }
    }

    @Test
    void viewsOfOtherArraysAreReadCorrectly() {
        for (boolean javaKernel : new boolean[] {true, false}) {
            for (CNN2DFormat format : CNN2DFormat.values()) {
                for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
                    check(new int[] {3, 6, 4, 5, 5}, new double[] {1, 0.5, 0.75}, format, type, javaKernel, true);
                }
            }
        }
    }

    @Test
    void floatAndDoubleTakeTheJavaKernelOtherTypesNd4j() {
        ResponseNormalizationHelper helper = new ResponseNormalizationHelper(CNN2DFormat.NCHW);
        INDArray x = Nd4j.rand(DataType.FLOAT, 1, 4, 5, 5);
        assertTrue(helper.usesKernel(x));
        assertTrue(helper.usesKernel(x.castTo(DataType.DOUBLE)));
        assertFalse(helper.usesKernel(x.castTo(DataType.HALF)));
        assertFalse(new ResponseNormalizationHelper(CNN2DFormat.NCHW, false).usesKernel(x));
    }

    private static void check(
            int[] nchw, double[] p, CNN2DFormat format, DataType type, boolean javaKernel, boolean views) {
        int mb = nchw[0];
        int c = nchw[1];
        int h = nchw[2];
        int w = nchw[3];
        int n = nchw[4];
        double k = p[0];
        double alpha = p[1];
        double beta = p[2];
        Random random = new Random(31L * c + 7L * n + h);
        double[][][] a = new double[mb][c][h * w]; // [example][channel][position], position = y * w + x
        double[][][] e = new double[mb][c][h * w];
        for (int i = 0; i < mb; i++) {
            for (int ch = 0; ch < c; ch++) {
                for (int q = 0; q < h * w; q++) {
                    a[i][ch][q] = rounded(type, 4 * random.nextDouble() - 2);
                    e[i][ch][q] = rounded(type, random.nextDouble() - 0.5);
                }
            }
        }
        String what = format + " " + type + " shape " + java.util.Arrays.toString(nchw) + " k " + k + " alpha "
                + alpha + " beta " + beta + (javaKernel ? " (Java kernel)" : " (ND4J path)")
                + (views ? " views" : "");
        INDArray x = toArray(a, format, type, h, w, views);
        INDArray eps = toArray(e, format, type, h, w, views);
        ResponseNormalizationHelper helper = new ResponseNormalizationHelper(format, javaKernel);
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        INDArray out = helper.activate(x, true, k, n, alpha, beta, mgr);
        INDArray grad = helper.backpropGradient(x, eps, k, n, alpha, beta, mgr).getSecond();
        assertEquals(javaKernel, helper.usesKernel(x), what);

        int half = n / 2;
        double[][][] refOut = new double[mb][c][h * w];
        double[][][] refGrad = new double[mb][c][h * w];
        for (int i = 0; i < mb; i++) {
            for (int q = 0; q < h * w; q++) {
                double[] s = new double[c];
                for (int ch = 0; ch < c; ch++) {
                    double sum = 0;
                    for (int j = Math.max(0, ch - half); j <= Math.min(c - 1, ch + half); j++) {
                        sum += a[i][j][q] * a[i][j][q];
                    }
                    s[ch] = k + alpha * sum;
                    refOut[i][ch][q] = a[i][ch][q] * Math.pow(s[ch], -beta);
                }
                for (int ch = 0; ch < c; ch++) {
                    double sum = 0;
                    for (int j = Math.max(0, ch - half); j <= Math.min(c - 1, ch + half); j++) {
                        sum += e[i][j][q] * a[i][j][q] * Math.pow(s[j], -beta - 1);
                    }
                    refGrad[i][ch][q] = e[i][ch][q] * Math.pow(s[ch], -beta) - 2 * alpha * beta * a[i][ch][q] * sum;
                }
            }
        }
        double tol = type == DataType.FLOAT ? 1e-5 : javaKernel ? 1e-12 : 1e-6;
        assertMatches(refOut, out, format, h, w, tol, what + ": output");
        assertMatches(refGrad, grad, format, h, w, tol, what + ": input gradient");
    }

    private static double rounded(DataType type, double v) {
        return type == DataType.FLOAT ? (float) v : v;
    }

    /** The values as a {@code [N, C, H, W]} or {@code [N, H, W, C]} array; with {@code views}, a strided view. */
    private static INDArray toArray(double[][][] v, CNN2DFormat format, DataType type, int h, int w, boolean views) {
        int mb = v.length;
        int c = v[0].length;
        int hw = h * w;
        double[] flat = new double[mb * c * hw];
        for (int i = 0; i < mb; i++) {
            for (int ch = 0; ch < c; ch++) {
                for (int q = 0; q < hw; q++) {
                    flat[index(format, c, hw, i, ch, q)] = v[i][ch][q];
                }
            }
        }
        long[] shape = format == CNN2DFormat.NHWC ? new long[] {mb, h, w, c} : new long[] {mb, c, h, w};
        INDArray dense = Nd4j.create(flat, shape, 'c').castTo(type);
        if (!views) {
            return dense;
        }
        // every other example of a twice-as-long array, stored with the examples innermost ('f' order)
        long[] bigShape = shape.clone();
        bigShape[0] *= 2;
        INDArray big = Nd4j.create(type, bigShape, 'f');
        INDArray view = big.get(NDArrayIndex.interval(0, 2, bigShape[0]));
        view.assign(dense);
        return view;
    }

    /** Position of element (example, channel, position) in a dense C-order array of the format. */
    private static int index(CNN2DFormat format, int c, int hw, int i, int ch, int q) {
        return format == CNN2DFormat.NHWC ? (i * hw + q) * c + ch : (i * c + ch) * hw + q;
    }

    private static void assertMatches(
            double[][][] ref, INDArray got, CNN2DFormat format, int h, int w, double tol, String what) {
        double[] flat = got.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        int c = ref[0].length;
        double max = 0;
        double diff = 0;
        for (int i = 0; i < ref.length; i++) {
            for (int ch = 0; ch < c; ch++) {
                for (int q = 0; q < h * w; q++) {
                    max = Math.max(max, Math.abs(ref[i][ch][q]));
                    diff = Math.max(diff, Math.abs(flat[index(format, c, h * w, i, ch, q)] - ref[i][ch][q]));
                }
            }
        }
        assertTrue(diff <= tol * max, what + ": max |difference| " + diff + " > " + tol + " * " + max);
    }

    /**
     * Finite differences through a small NHWC network (convolution, LRN with n larger than C, softmax output) with
     * the helpers installed, in double precision: the Java kernel's backward pass is the derivative of its forward.
     */
    @Test
    void gradientsOfAChannelsLastNetworkMatchFiniteDifferences() {
        DataType previous = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            for (int n : new int[] {4, 5}) {
                MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                        .seed(3)
                        .dataType(DataType.DOUBLE)
                        .updater(new NoOp())
                        .weightInit(WeightInit.XAVIER)
                        .list()
                        .layer(new ConvolutionLayer.Builder(3, 3)
                                .convolutionMode(ConvolutionMode.Same)
                                .dataFormat(CNN2DFormat.NHWC)
                                .nOut(3)
                                .activation(Activation.TANH)
                                .build())
                        .layer(new LocalResponseNormalization.Builder()
                                .k(1)
                                .n(n)
                                .alpha(0.5)
                                .beta(0.75)
                                .dataFormat(CNN2DFormat.NHWC)
                                .cudnnAllowFallback(false)
                                .build())
                        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                                .nOut(3)
                                .activation(Activation.SOFTMAX)
                                .build())
                        .setInputType(InputType.convolutional(5, 4, 2, CNN2DFormat.NHWC))
                        .build();
                MultiLayerNetwork net = new MultiLayerNetwork(conf);
                net.init();
                OneDnnHelpers.install(net);
                assertTrue(net.getLayer(1).getHelper() instanceof ResponseNormalizationHelper);
                Nd4j.getRandom().setSeed(5);
                INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 5, 4, 2).subi(0.5).muli(4);
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
                assertTrue(ok, "n " + n);
            }
        } finally {
            Nd4j.setDefaultDataTypes(previous, previous);
        }
    }
}
