package io.github.dropout4j.layers.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropout4j.layers.RandomChannelGroupConvolution;
import java.util.Random;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * {@link RandomChannelGroupKernel}'s two forms (per group and scattered, forced with the size limit) against hand
 * loops over the raw arrays (forward and the adjoint for the gradients) and against central differences of
 * {@code L = sum(z * R)}, in double precision (and against the hand loops in single precision), at several shapes,
 * strides, paddings, modes and wirings: channels shared by several groups, channels in no group, a partition,
 * AlexNet-like contiguous towers, one channel per group, and a row listing a channel twice (refused by the layer's
 * configuration, but the kernel sums it).
 */
class RandomChannelGroupKernelTest {

    /** A layer geometry: wiring, nIn, m (filters per group), kernel, stride, padding, mode, bias, input h, w. */
    record Geometry(
            int[][] wiring,
            int nIn,
            int m,
            int[] k,
            int[] stride,
            int[] pad,
            ConvolutionMode mode,
            boolean bias,
            int h,
            int w) {}

    static Stream<Geometry> cases() {
        int[][] shared = {{0, 2, 3, 5}, {1, 2, 3, 4}, {0, 1, 4, 5}};
        int[][] partition = {{4, 1}, {0, 5}, {2, 3}};
        int[][] towers = {{0, 1, 2}, {3, 4, 5}};
        int[][] single = {{3}, {0}, {2}, {1}};
        int[][] unused = {{0, 3}, {3, 5}, {5, 0}}; // channels 1, 2, 4, 6 feed no group; 0, 3, 5 feed two
        int[][] alexTowers = {{0, 1, 2, 3}, {4, 5, 6, 7}};
        int[][] repeated = {{1, 1, 2}, {0, 2, 3}};
        return Stream.of(
                new Geometry(
                        unused,
                        7,
                        2,
                        new int[] {3, 3},
                        new int[] {1, 1},
                        new int[] {1, 1},
                        ConvolutionMode.Truncate,
                        true,
                        6,
                        5),
                new Geometry(
                        alexTowers,
                        8,
                        3,
                        new int[] {5, 5},
                        new int[] {2, 2},
                        new int[] {2, 2},
                        ConvolutionMode.Truncate,
                        true,
                        9,
                        8),
                new Geometry(
                        repeated,
                        4,
                        2,
                        new int[] {2, 2},
                        new int[] {1, 1},
                        new int[] {0, 0},
                        ConvolutionMode.Same,
                        true,
                        4,
                        5),
                new Geometry(
                        shared,
                        6,
                        2,
                        new int[] {3, 3},
                        new int[] {1, 1},
                        new int[] {1, 1},
                        ConvolutionMode.Truncate,
                        true,
                        5,
                        5),
                new Geometry(
                        partition,
                        6,
                        3,
                        new int[] {2, 3},
                        new int[] {2, 2},
                        new int[] {0, 1},
                        ConvolutionMode.Truncate,
                        false,
                        7,
                        6),
                new Geometry(
                        towers,
                        6,
                        2,
                        new int[] {5, 5},
                        new int[] {1, 1},
                        new int[] {2, 2},
                        ConvolutionMode.Truncate,
                        true,
                        6,
                        6),
                new Geometry(
                        single,
                        4,
                        2,
                        new int[] {3, 3},
                        new int[] {2, 1},
                        new int[] {0, 0},
                        ConvolutionMode.Same,
                        true,
                        5,
                        4),
                new Geometry(
                        partition,
                        6,
                        1,
                        new int[] {3, 2},
                        new int[] {3, 2},
                        new int[] {0, 0},
                        ConvolutionMode.Same,
                        false,
                        7,
                        5));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void bothFormsMatchHandLoopsAndCentralDifferences(Geometry geometry) {
        int[][] wiring = geometry.wiring();
        int nIn = geometry.nIn();
        int m = geometry.m();
        int[] k = geometry.k();
        int[] stride = geometry.stride();
        int[] pad = geometry.pad();
        ConvolutionMode mode = geometry.mode();
        boolean bias = geometry.bias();
        int h = geometry.h();
        int w = geometry.w();
        int groups = wiring.length;
        int s = wiring[0].length;
        int mb = 2;
        Random r = new Random(groups * 31L + h);
        INDArray x = random(r, mb, nIn, h, w);
        INDArray weights = random(r, groups, m, s, k[0], k[1]);
        INDArray b = bias ? random(r, groups * m) : null;
        for (long limit : new long[] {0, Long.MAX_VALUE}) {
            RandomChannelGroupKernel kernel = new RandomChannelGroupKernel(wiring, nIn, k, stride, pad, mode, limit);
            assertEquals(limit > 0, kernel.usesScatteredForm(x, weights), "form, limit " + limit);
            int[] outSize = kernel.outputSize(x);
            Hand hand = hand(wiring, m, k, stride, pad, mode, h, w, outSize);
            INDArray z =
                    kernel.forward(x, weights, b, Nd4j.create(DataType.DOUBLE, mb, groups * m, outSize[0], outSize[1]));
            assertClose(hand.forward(x, weights, b), z, "forward, limit " + limit);

            INDArray delta = random(r, mb, groups * m, outSize[0], outSize[1]);
            INDArray gw = weights.ulike();
            INDArray gb = bias ? b.ulike() : null;
            INDArray gx = x.ulike();
            kernel.backward(x, weights, delta, gw, gb, gx);
            INDArray[] expected = hand.backward(x, weights, delta);
            assertClose(expected[0], gx, "dL/dx, limit " + limit);
            assertClose(expected[1], gw, "dL/dW, limit " + limit);
            if (bias) {
                assertClose(expected[2], gb, "dL/db, limit " + limit);
            }
            // central differences of L = sum(z * delta) at some entries of x, W and b
            INDArray[] params = bias ? new INDArray[] {x, weights, b} : new INDArray[] {x, weights};
            INDArray[] grads = bias ? new INDArray[] {gx, gw, gb} : new INDArray[] {gx, gw};
            for (int p = 0; p < params.length; p++) {
                INDArray flat = params[p].reshape(params[p].length());
                INDArray gFlat = grads[p].reshape(grads[p].length());
                for (int t = 0; t < 12; t++) {
                    long i = r.nextInt((int) flat.length());
                    double orig = flat.getDouble(i);
                    double eps = 1e-6;
                    flat.putScalar(i, orig + eps);
                    double plus = kernel.forward(x, weights, b, z.ulike())
                            .mul(delta)
                            .sumNumber()
                            .doubleValue();
                    flat.putScalar(i, orig - eps);
                    double minus = kernel.forward(x, weights, b, z.ulike())
                            .mul(delta)
                            .sumNumber()
                            .doubleValue();
                    flat.putScalar(i, orig);
                    double numeric = (plus - minus) / (2 * eps);
                    assertEquals(
                            numeric,
                            gFlat.getDouble(i),
                            1e-6 * Math.max(1, Math.abs(numeric)),
                            "central difference, array " + p + " entry " + i + ", limit " + limit);
                }
            }
        }
    }

    /**
     * Both forms in single precision (the zoo's) against the hand loops in double: equal to float rounding. Central
     * differences are left to the double-precision test.
     */
    @ParameterizedTest
    @MethodSource("cases")
    void bothFormsMatchHandLoopsInFloat(Geometry g) {
        int groups = g.wiring().length;
        int mb = 3;
        Random r = new Random(groups * 17L + g.w());
        INDArray x = floatValued(random(r, mb, g.nIn(), g.h(), g.w()));
        INDArray weights = floatValued(random(r, groups, g.m(), g.wiring()[0].length, g.k()[0], g.k()[1]));
        INDArray b = g.bias() ? floatValued(random(r, groups * g.m())) : null;
        for (long limit : new long[] {0, Long.MAX_VALUE}) {
            RandomChannelGroupKernel kernel =
                    new RandomChannelGroupKernel(g.wiring(), g.nIn(), g.k(), g.stride(), g.pad(), g.mode(), limit);
            INDArray xf = x.castTo(DataType.FLOAT);
            INDArray wf = weights.castTo(DataType.FLOAT);
            INDArray bf = g.bias() ? b.castTo(DataType.FLOAT) : null;
            assertEquals(limit > 0, kernel.usesScatteredForm(xf, wf), "form, limit " + limit);
            int[] out = kernel.outputSize(xf);
            Hand hand = hand(g.wiring(), g.m(), g.k(), g.stride(), g.pad(), g.mode(), g.h(), g.w(), out);
            INDArray z = kernel.forward(xf, wf, bf, Nd4j.create(DataType.FLOAT, mb, groups * g.m(), out[0], out[1]));
            assertCloseFloat(hand.forward(x, weights, b), z, "float forward, limit " + limit);
            INDArray delta = floatValued(random(r, mb, groups * g.m(), out[0], out[1]));
            INDArray gw = wf.ulike();
            INDArray gb = g.bias() ? bf.ulike() : null;
            INDArray gx = xf.ulike();
            kernel.backward(xf, wf, delta.castTo(DataType.FLOAT), gw, gb, gx);
            INDArray[] expected = hand.backward(x, weights, delta);
            assertCloseFloat(expected[0], gx, "float dL/dx, limit " + limit);
            assertCloseFloat(expected[1], gw, "float dL/dW, limit " + limit);
            if (g.bias()) {
                assertCloseFloat(expected[2], gb, "float dL/db, limit " + limit);
            }
        }
    }

    /** The double array rounded to float values (so the float and double runs see the same numbers). */
    private static INDArray floatValued(INDArray a) {
        return a.castTo(DataType.FLOAT).castTo(DataType.DOUBLE);
    }

    /**
     * The default size limit: the CLI's tiny Hinton-net conv3 (16 groups of 1 of 16 channels, 6x6) takes the
     * scattered form, the paper's conv3 (16 groups of 16 of 256 channels, 13x13) loops over groups, and a layer
     * whose groups all see every channel is scattered whatever its size.
     */
    @Test
    void defaultLimitScattersOnlySmallLayers() {
        int[] k = {3, 3};
        int[] one = {1, 1};
        int[][] tiny = RandomChannelGroupConvolution.drawWiring(3, 16, 16, 1);
        RandomChannelGroupKernel small = new RandomChannelGroupKernel(tiny, 16, k, one, one, ConvolutionMode.Truncate);
        assertTrue(small.usesScatteredForm(
                Nd4j.create(DataType.FLOAT, 16, 16, 6, 6), Nd4j.create(DataType.FLOAT, 16, 24 / 16, 1, 3, 3)));
        int[][] paper = RandomChannelGroupConvolution.drawWiring(3, 256, 16, 16);
        RandomChannelGroupKernel large =
                new RandomChannelGroupKernel(paper, 256, k, one, one, ConvolutionMode.Truncate);
        assertFalse(large.usesScatteredForm(
                Nd4j.create(DataType.FLOAT, 1, 256, 13, 13), Nd4j.create(DataType.FLOAT, 16, 24, 16, 3, 3)));
        int[][] everyChannel = {{0, 1, 2}, {2, 0, 1}};
        RandomChannelGroupKernel full =
                new RandomChannelGroupKernel(everyChannel, 3, k, one, one, ConvolutionMode.Truncate, 0);
        assertTrue(full.usesScatteredForm(
                Nd4j.create(DataType.FLOAT, 1, 3, 64, 64), Nd4j.create(DataType.FLOAT, 2, 4, 3, 3, 3)));
        assertFalse(
                full.usesScatteredForm(
                        Nd4j.create(DataType.HALF, 1, 3, 8, 8), Nd4j.create(DataType.HALF, 2, 4, 3, 3, 3)),
                "HALF loops over groups");
    }

    /**
     * Weights and their gradient as views into a longer parameter vector, as DL4J hands them over. ND4J's
     * {@code get(point(g), all(), ...)} returned an empty array for such a view of shape [4, 8, 2, 5, 5] (first seen
     * as a failed conv2d in the Hinton net at widths / 2); both forms must give the same results as for plain
     * arrays.
     */
    @ParameterizedTest
    @EnumSource(
            value = DataType.class,
            names = {"DOUBLE", "FLOAT"})
    void weightViewsOfAParameterVectorGiveTheSameResults(DataType dt) {
        Random r = new Random(5);
        int[][] wiring = {{0, 7}, {1, 6}, {2, 5}, {3, 4}};
        INDArray x = random(r, 2, 8, 7, 7).castTo(dt);
        INDArray weights = random(r, 4, 8, 2, 5, 5).castTo(dt);
        INDArray params = random(r, 1, 5000).castTo(dt);
        INDArray gradients = Nd4j.zeros(dt, 1, 5000);
        INDArray weightView = params.get(NDArrayIndex.point(0), NDArrayIndex.interval(1000, 1000 + weights.length()))
                .reshape('c', weights.shape())
                .assign(weights);
        INDArray gradView = gradients
                .get(NDArrayIndex.point(0), NDArrayIndex.interval(1000, 1000 + weights.length()))
                .reshape('c', weights.shape());
        assertTrue(weightView.isView());
        INDArray delta = random(r, 2, 32, 7, 7).castTo(dt);
        for (long limit : new long[] {0, Long.MAX_VALUE}) {
            RandomChannelGroupKernel k = new RandomChannelGroupKernel(
                    wiring, 8, new int[] {5, 5}, new int[] {1, 1}, new int[] {2, 2}, ConvolutionMode.Truncate, limit);
            assertEquals(limit > 0, k.usesScatteredForm(x, weightView));
            INDArray plain = k.forward(x, weights, null, Nd4j.create(dt, 2, 32, 7, 7));
            assertEquals(plain, k.forward(x, weightView, null, Nd4j.create(dt, 2, 32, 7, 7)));
            INDArray gw = weights.ulike();
            INDArray gx = x.ulike();
            k.backward(x, weights, delta, gw, null, gx);
            INDArray gx2 = x.ulike();
            k.backward(x, weightView, delta, gradView, null, gx2);
            assertEquals(gw, gradView, "weight gradient, limit " + limit);
            assertEquals(gx, gx2, "input gradient, limit " + limit);
            assertEquals(
                    0.0,
                    gradients
                            .get(NDArrayIndex.point(0), NDArrayIndex.interval(0, 1000))
                            .norm1Number()
                            .doubleValue(),
                    "nothing written before the view");
            assertEquals(
                    0.0,
                    gradients
                            .get(NDArrayIndex.point(0), NDArrayIndex.interval(1000 + weights.length(), 5000))
                            .norm1Number()
                            .doubleValue(),
                    "nothing written after the view");
        }
    }

    /** The hand loops for this geometry, after checking the kernel's output size against the formula. */
    private static Hand hand(
            int[][] wiring,
            int m,
            int[] k,
            int[] stride,
            int[] pad,
            ConvolutionMode mode,
            int h,
            int w,
            int[] outSize) {
        int[] expectedSize = mode == ConvolutionMode.Same
                ? new int[] {ceilDiv(h, stride[0]), ceilDiv(w, stride[1])}
                : new int[] {(h + 2 * pad[0] - k[0]) / stride[0] + 1, (w + 2 * pad[1] - k[1]) / stride[1] + 1};
        assertEquals(expectedSize[0], outSize[0]);
        assertEquals(expectedSize[1], outSize[1]);
        int[] top = mode == ConvolutionMode.Same
                ? new int[] {
                    Math.max(0, (outSize[0] - 1) * stride[0] + k[0] - h) / 2,
                    Math.max(0, (outSize[1] - 1) * stride[1] + k[1] - w) / 2
                }
                : pad;
        return new Hand(wiring, m, k, stride, top, outSize);
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private static INDArray random(Random r, long... shape) {
        INDArray a = Nd4j.create(DataType.DOUBLE, shape);
        INDArray flat = a.reshape(a.length());
        for (long i = 0; i < a.length(); i++) {
            flat.putScalar(i, r.nextDouble() - 0.5);
        }
        return a;
    }

    private static void assertClose(INDArray expected, INDArray actual, String what) {
        assertTrue(expected.equalsWithEps(actual, 1e-12), what + ": expected " + expected + " got " + actual);
    }

    /** Float results against double ones: within 1e-5 of the largest expected magnitude (at least 1). */
    private static void assertCloseFloat(INDArray expected, INDArray actual, String what) {
        assertEquals(DataType.FLOAT, actual.dataType(), what);
        double scale = Math.max(1, expected.amaxNumber().doubleValue());
        double err = expected.sub(actual.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
        assertTrue(err <= 1e-5 * scale, what + ": max error " + err + " at scale " + scale);
    }

    /** The grouped convolution written out as loops over raw doubles; top-left padding given explicitly. */
    private record Hand(int[][] wiring, int m, int[] k, int[] stride, int[] top, int[] out) {

        INDArray forward(INDArray x, INDArray w, INDArray b) {
            long mb = x.size(0);
            INDArray z = Nd4j.create(DataType.DOUBLE, mb, (long) wiring.length * m, out[0], out[1]);
            for (int n = 0; n < mb; n++) {
                for (int g = 0; g < wiring.length; g++) {
                    for (int i = 0; i < m; i++) {
                        for (int oy = 0; oy < out[0]; oy++) {
                            for (int ox = 0; ox < out[1]; ox++) {
                                double[] sum = {b == null ? 0 : b.getDouble(g * m + i)};
                                int nn = n, gg = g, ii = i;
                                taps(
                                        x,
                                        g,
                                        oy,
                                        ox,
                                        (s, a, c, iy, ix) -> sum[0] +=
                                                w.getDouble(gg, ii, s, a, c) * x.getDouble(nn, wiring[gg][s], iy, ix));
                                z.putScalar(new long[] {n, g * m + i, oy, ox}, sum[0]);
                            }
                        }
                    }
                }
            }
            return z;
        }

        /** {dL/dx, dL/dW, dL/db} for dL/dz = delta. */
        INDArray[] backward(INDArray x, INDArray w, INDArray delta) {
            INDArray gx = Nd4j.zeros(DataType.DOUBLE, x.shape());
            INDArray gw = Nd4j.zeros(DataType.DOUBLE, w.shape());
            INDArray gb = Nd4j.zeros(DataType.DOUBLE, (long) wiring.length * m);
            for (int n = 0; n < x.size(0); n++) {
                for (int g = 0; g < wiring.length; g++) {
                    for (int i = 0; i < m; i++) {
                        for (int oy = 0; oy < out[0]; oy++) {
                            for (int ox = 0; ox < out[1]; ox++) {
                                double d = delta.getDouble(n, g * m + i, oy, ox);
                                gb.putScalar(g * m + i, gb.getDouble(g * m + i) + d);
                                int nn = n, gg = g, ii = i;
                                taps(x, g, oy, ox, (s, a, c, iy, ix) -> {
                                    long[] wi = {gg, ii, s, a, c};
                                    long[] xi = {nn, wiring[gg][s], iy, ix};
                                    gw.putScalar(wi, gw.getDouble(wi) + d * x.getDouble(xi));
                                    gx.putScalar(xi, gx.getDouble(xi) + d * w.getDouble(wi));
                                });
                            }
                        }
                    }
                }
            }
            return new INDArray[] {gx, gw, gb};
        }

        /** Calls {@code tap} for every (wired channel s, kernel row a, column c) of output pixel (oy, ox) of group
         * g whose input pixel (iy, ix) lies inside the image (padding contributes nothing). */
        void taps(INDArray x, int g, int oy, int ox, Tap tap) {
            for (int s = 0; s < wiring[g].length; s++) {
                for (int a = 0; a < k[0]; a++) {
                    for (int c = 0; c < k[1]; c++) {
                        int iy = oy * stride[0] - top[0] + a;
                        int ix = ox * stride[1] - top[1] + c;
                        if (iy >= 0 && iy < x.size(2) && ix >= 0 && ix < x.size(3)) {
                            tap.at(s, a, c, iy, ix);
                        }
                    }
                }
            }
        }
    }

    private interface Tap {
        void at(int s, int a, int c, int iy, int ix);
    }
}
