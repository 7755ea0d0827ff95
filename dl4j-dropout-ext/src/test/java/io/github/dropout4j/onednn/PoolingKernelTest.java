package io.github.dropout4j.onednn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropout4j.onednn.PoolingKernel.Pooling;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link PoolingKernel} against hand loops written from the definition (window taps in row-major order, padding left
 * out, the first strictly largest tap takes the gradient; sums in the array's precision), forward and backward, bit
 * for bit, at several shapes, kernels, strides, paddings, dilations and modes, in both layouts and precisions, on
 * inputs full of ties (small integers, -0 and +0) and on continuous ones.
 *
 * <p>The FLOAT reference computes in double and rounds to float after every operation, which gives IEEE float
 * results exactly (double has more than 2 * 24 + 2 significand bits), so equality is the right test.
 */
class PoolingKernelTest {

    /** n, c, h, w, kH, kW, sH, sW, pH, pW, dH, dW, mode (0 Truncate, 1 Same). */
    private static final int[][] CASES = {
        {2, 3, 15, 15, 3, 3, 2, 2, 0, 0, 1, 1, 0}, // the ImageNet nets' 3x3/2
        {2, 3, 16, 16, 3, 3, 2, 2, 0, 0, 1, 1, 1}, // CIFAR-10's pools: Same, bottom/right padding
        {2, 2, 7, 9, 3, 3, 2, 2, 0, 0, 1, 1, 1},
        {2, 2, 8, 6, 2, 2, 2, 2, 0, 0, 1, 1, 0}, // LeNet's 2x2/2
        {1, 3, 9, 8, 3, 2, 1, 2, 1, 1, 1, 1, 0}, // explicit padding, unequal kernel and strides
        {2, 2, 11, 10, 3, 3, 2, 1, 2, 0, 2, 2, 0}, // dilation 2 with padding
        {1, 2, 10, 9, 2, 3, 3, 2, 0, 0, 2, 2, 1}, // Same with dilation
        {3, 1, 3, 3, 3, 3, 2, 2, 0, 0, 1, 1, 1}, // one output row/column of Same padding
    };

    @Test
    void forwardAndBackwardEqualTheDefinitionBitForBit() {
        Random random = new Random(11);
        int checked = 0;
        for (int[] c : CASES) {
            for (Pooling pooling : Pooling.values()) {
                for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
                    for (boolean channelsLast : new boolean[] {false, true}) {
                        for (boolean ties : new boolean[] {true, false}) {
                            String what = Arrays.toString(c) + " " + pooling + " " + type
                                    + (channelsLast ? " NHWC" : " NCHW") + (ties ? " ties" : "");
                            check(c, pooling, type, channelsLast, input(c, type, channelsLast, ties, random), what);
                            checked++;
                        }
                    }
                }
            }
        }
        assertEquals(CASES.length * 3 * 2 * 2 * 2, checked);
    }

    /** libnd4j's max: NaN taps are skipped, a window of -inf (or NaN) gives -MAX_VALUE and its first tap the gradient. */
    @Test
    void maxSkipsNanAndFloorsAtMinusMaxValue() {
        double inf = Double.POSITIVE_INFINITY;
        double[] v = {-inf, -inf, 1, Double.NaN, -inf, -inf, Double.NaN, 2, -3, Double.NaN, 5, 5, Double.NaN, -3, 5, 5};
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray x = Nd4j.create(v, new long[] {1, 1, 4, 4}).castTo(type);
            int[] c = {1, 1, 4, 4, 2, 2, 2, 2, 0, 0, 1, 1, 0};
            check(c, Pooling.MAX, type, false, x, "special values " + type);
            PoolingKernel k = kernel(c, Pooling.MAX, false);
            INDArray y = Nd4j.create(type, 1, 1, 2, 2);
            k.forward(x, y);
            double min = type == DataType.FLOAT ? -Float.MAX_VALUE : -Double.MAX_VALUE;
            assertArrayEquals(
                    new double[] {min, 2, -3, 5}, y.dup('c').reshape(-1).toDoubleVector(), 0.0, type.toString());
            INDArray g = x.ulike();
            k.backward(x, Nd4j.ones(type, 1, 1, 2, 2), g);
            double[] expected = new double[16];
            expected[0] = 1; // first tap of the all -inf window
            expected[7] = 1; // the 2
            expected[8] = 1; // the first -3
            expected[10] = 1; // the first 5
            assertArrayEquals(expected, g.dup('c').reshape(-1).toDoubleVector(), 0.0, type.toString());
        }
    }

    /** Views and column-major arrays go through a copy; the result is the same as for a dense row-major array. */
    @Test
    void acceptsViewsAndColumnMajorArrays() {
        int[] c = {2, 3, 7, 7, 3, 3, 2, 2, 0, 0, 1, 1, 0};
        PoolingKernel k = kernel(c, Pooling.MAX, false);
        Nd4j.getRandom().setSeed(3);
        INDArray big = Nd4j.rand(DataType.FLOAT, 4, 3, 7, 7);
        INDArray view = big.get(
                org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 3),
                org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.all());
        INDArray fOrder = view.dup('f');
        INDArray y1 = Nd4j.create(DataType.FLOAT, 2, 3, 3, 3);
        INDArray y2 = Nd4j.create(DataType.FLOAT, new long[] {2, 3, 3, 3}, 'f');
        k.forward(view.dup('c'), y1);
        k.forward(fOrder, y2);
        assertArrayEquals(
                y1.dup('c').reshape(-1).toFloatVector(), y2.dup('c').reshape(-1).toFloatVector());
        INDArray e = Nd4j.rand(DataType.FLOAT, 2, 3, 3, 3);
        INDArray g1 = Nd4j.create(DataType.FLOAT, 2, 3, 7, 7);
        INDArray g2 = Nd4j.create(DataType.FLOAT, new long[] {2, 3, 7, 7}, 'f');
        k.backward(view.dup('c'), e, g1);
        k.backward(fOrder, e.dup('f'), g2);
        assertArrayEquals(
                g1.dup('c').reshape(-1).toFloatVector(), g2.dup('c').reshape(-1).toFloatVector());
    }

    /** Arrays large enough to run images in parallel give the same bits as one image at a time. */
    @Test
    void parallelImagesGiveTheSameResultAsOneAtATime() {
        int[] c = {24, 8, 33, 33, 3, 3, 2, 2, 0, 0, 1, 1, 1};
        assertTrue(24L * 8 * (33 * 33 + 17 * 17) >= PoolingKernel.PARALLEL_MIN, "the case must run in parallel");
        INDArray x = input(c, DataType.FLOAT, false, true, new Random(5));
        check(c, Pooling.MAX, DataType.FLOAT, false, x, "parallel max");
        check(c, Pooling.AVERAGE_EXCLUDING_PADDING, DataType.FLOAT, false, x, "parallel average");
    }

    @Test
    void badConfigurationsAndArraysGetClearErrors() {
        int[] one = {1, 1};
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new PoolingKernel(Pooling.MAX, new int[] {0, 3}, one, new int[] {0, 0}, one, false, false));
        assertTrue(e.getMessage().contains("kernel must be two integers >= 1, got [0, 3]"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> new PoolingKernel(Pooling.MAX, new int[] {3, 3}, one, new int[] {3, 0}, one, false, false));
        assertTrue(e.getMessage().contains("padding must be in [0, (k - 1) * dilation]"), e.getMessage());
        PoolingKernel k = new PoolingKernel(Pooling.MAX, new int[] {3, 3}, one, new int[] {0, 0}, one, false, false);
        assertFalse(k.handles(new long[] {1, 1, 2, 5}), "a 2-row image has no 3-row window");
        assertTrue(k.handles(new long[] {1, 1, 3, 5}));
        e = assertThrows(
                IllegalArgumentException.class,
                () -> k.forward(Nd4j.create(DataType.INT, 1, 1, 3, 3), Nd4j.create(DataType.INT, 1, 1, 1, 1)));
        assertTrue(e.getMessage().contains("input must be FLOAT or DOUBLE, got INT"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> k.forward(Nd4j.create(DataType.FLOAT, 1, 1, 3, 3), Nd4j.create(DataType.FLOAT, 1, 1, 2, 1)));
        assertTrue(e.getMessage().contains("output must be FLOAT of shape [1, 1, 1, 1]"), e.getMessage());
    }

    // ---------------------------------------------------------------------------------------------------------

    private static PoolingKernel kernel(int[] c, Pooling pooling, boolean channelsLast) {
        return new PoolingKernel(
                pooling,
                new int[] {c[4], c[5]},
                new int[] {c[6], c[7]},
                new int[] {c[8], c[9]},
                new int[] {c[10], c[11]},
                c[12] == 1,
                channelsLast);
    }

    private static INDArray input(int[] c, DataType type, boolean channelsLast, boolean ties, Random random) {
        long[] shape = channelsLast ? new long[] {c[0], c[2], c[3], c[1]} : new long[] {c[0], c[1], c[2], c[3]};
        double[] v = new double[c[0] * c[1] * c[2] * c[3]];
        for (int i = 0; i < v.length; i++) {
            if (ties) {
                int r = random.nextInt(5); // -1, -0, +0, 1, 2: ties everywhere, zero windows as after a ReLU
                v[i] = r == 0 ? -1 : r == 1 ? -0.0 : r == 2 ? 0.0 : r - 2;
            } else {
                v[i] = random.nextGaussian();
            }
        }
        return Nd4j.create(v, shape, DataType.DOUBLE).castTo(type);
    }

    private static void check(int[] c, Pooling pooling, DataType type, boolean channelsLast, INDArray x, String what) {
        PoolingKernel k = kernel(c, pooling, channelsLast);
        Reference ref = new Reference(c, pooling, type == DataType.FLOAT, channelsLast, x);
        INDArray y = Nd4j.create(type, k.outputShape(x.shape()));
        assertArrayEquals(ref.outShape(), y.shape(), what + ": output shape");
        k.forward(x, y);
        assertBits(ref.forward(), y, what + ": forward");
        Random random = new Random(7);
        double[] e = new double[(int) y.length()];
        for (int i = 0; i < e.length; i++) {
            e[i] = random.nextGaussian();
        }
        INDArray eps = Nd4j.create(e, y.shape(), DataType.DOUBLE).castTo(type);
        INDArray g = Nd4j.rand(type, x.shape()); // garbage: every element must be written
        k.backward(x, eps, g);
        assertBits(ref.backward(eps), g, what + ": backward");
    }

    private static void assertBits(double[] expected, INDArray actual, String what) {
        if (actual.dataType() == DataType.FLOAT) {
            float[] f = new float[expected.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) expected[i];
            }
            assertArrayEquals(
                    f, actual.dup('c').reshape(-1).toFloatVector(), what); // Arrays.equals semantics: -0 != +0
        } else {
            assertArrayEquals(expected, actual.dup('c').reshape(-1).toDoubleVector(), what);
        }
    }

    /** Pooling from the definition, one output at a time, on getDouble/putScalar. */
    private static final class Reference {
        final int n, ch, h, w, kH, kW, sH, sW, dH, dW, outH, outW, top, left;
        final Pooling pooling;
        final boolean single, channelsLast;
        final INDArray x;

        Reference(int[] c, Pooling pooling, boolean single, boolean channelsLast, INDArray x) {
            n = c[0];
            ch = c[1];
            h = c[2];
            w = c[3];
            kH = c[4];
            kW = c[5];
            sH = c[6];
            sW = c[7];
            dH = c[10];
            dW = c[11];
            if (c[12] == 1) { // Same: ceil(in / s) outputs, padding split with the odd one at the bottom/right
                outH = (h + sH - 1) / sH;
                outW = (w + sW - 1) / sW;
                top = ((outH - 1) * sH + (kH - 1) * dH + 1 - h) / 2;
                left = ((outW - 1) * sW + (kW - 1) * dW + 1 - w) / 2;
            } else {
                outH = (h + 2 * c[8] - (kH - 1) * dH - 1) / sH + 1;
                outW = (w + 2 * c[9] - (kW - 1) * dW - 1) / sW + 1;
                top = c[8];
                left = c[9];
            }
            this.pooling = pooling;
            this.single = single;
            this.channelsLast = channelsLast;
            this.x = x;
        }

        long[] outShape() {
            return channelsLast ? new long[] {n, outH, outW, ch} : new long[] {n, ch, outH, outW};
        }

        double round(double v) {
            return single ? (float) v : v;
        }

        double at(INDArray a, int b, int c, int i, int j) {
            return channelsLast ? a.getDouble(b, i, j, c) : a.getDouble(b, c, i, j);
        }

        /** Row-major flat index of (b, c, i, j) in an array of this layout with spatial size hh x ww. */
        int flat(int b, int c, int i, int j, int hh, int ww) {
            return channelsLast ? ((b * hh + i) * ww + j) * ch + c : ((b * ch + c) * hh + i) * ww + j;
        }

        /** The in-image taps of a window as {row, column} pairs, row-major. */
        List<int[]> taps(int oh, int ow) {
            List<int[]> t = new ArrayList<>();
            for (int i = 0; i < kH; i++) {
                for (int j = 0; j < kW; j++) {
                    int r = oh * sH - top + i * dH;
                    int q = ow * sW - left + j * dW;
                    if (r >= 0 && r < h && q >= 0 && q < w) {
                        t.add(new int[] {r, q});
                    }
                }
            }
            return t;
        }

        double divisor(List<int[]> taps) {
            return pooling == Pooling.AVERAGE_INCLUDING_PADDING ? kH * kW : taps.size();
        }

        double[] forward() {
            double[] y = new double[n * ch * outH * outW];
            double lowest = single ? -Float.MAX_VALUE : -Double.MAX_VALUE;
            for (int b = 0; b < n; b++) {
                for (int c = 0; c < ch; c++) {
                    for (int oh = 0; oh < outH; oh++) {
                        for (int ow = 0; ow < outW; ow++) {
                            List<int[]> taps = taps(oh, ow);
                            double v;
                            if (pooling == Pooling.MAX) {
                                v = lowest;
                                for (int[] t : taps) {
                                    double a = at(x, b, c, t[0], t[1]);
                                    if (a > v) {
                                        v = a;
                                    }
                                }
                            } else {
                                double sum = 0;
                                for (int[] t : taps) {
                                    sum = round(sum + at(x, b, c, t[0], t[1]));
                                }
                                v = round(sum / divisor(taps));
                            }
                            y[flat(b, c, oh, ow, outH, outW)] = v;
                        }
                    }
                }
            }
            return y;
        }

        double[] backward(INDArray eps) {
            double[] g = new double[n * ch * h * w];
            double lowest = single ? -Float.MAX_VALUE : -Double.MAX_VALUE;
            for (int b = 0; b < n; b++) {
                for (int c = 0; c < ch; c++) {
                    for (int oh = 0; oh < outH; oh++) {
                        for (int ow = 0; ow < outW; ow++) {
                            List<int[]> taps = taps(oh, ow);
                            double e = at(eps, b, c, oh, ow);
                            if (pooling == Pooling.MAX) {
                                int[] best = taps.get(0);
                                double v = lowest;
                                for (int[] t : taps) {
                                    double a = at(x, b, c, t[0], t[1]);
                                    if (a > v) {
                                        v = a;
                                        best = t;
                                    }
                                }
                                int i = flat(b, c, best[0], best[1], h, w);
                                g[i] = round(g[i] + e);
                            } else {
                                double share = round(e / divisor(taps));
                                for (int[] t : taps) {
                                    int i = flat(b, c, t[0], t[1], h, w);
                                    g[i] = round(g[i] + share);
                                }
                            }
                        }
                    }
                }
            }
            return g;
        }
    }
}
