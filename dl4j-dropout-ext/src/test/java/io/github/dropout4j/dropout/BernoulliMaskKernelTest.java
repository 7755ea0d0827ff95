package io.github.dropout4j.dropout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class BernoulliMaskKernelTest {

    private static final long KEY = BernoulliMaskKernel.key(7, 3, 1);

    /** splitmix64's finaliser, typed out here so the reference shares no code with the kernel. */
    private static long splitmix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Reference, from the kernel's specification only: element {@code i} is lane {@code b = i % 64} of word
     * {@code w = i / 64}; its uniform {@code u} has bit {@code 63 - j} equal to bit {@code b} of
     * {@code splitmix64(key + (64 w + j + 1) * golden)} for {@code j = 0..63} (all 64 bits built, no early exit);
     * the element is kept iff {@code u < P} unsigned, or always for {@code P = 0} ({@code p = 1}).
     */
    private static boolean keptByDefinition(long key, long index, long threshold) {
        if (threshold == 0) {
            return true;
        }
        long w = index >>> 6;
        int b = (int) (index & 63);
        long u = 0;
        for (int j = 0; j < 64; j++) {
            long plane = splitmix64(key + (64 * w + j + 1) * 0x9E3779B97F4A7C15L);
            u |= ((plane >>> b) & 1L) << (63 - j);
        }
        return Long.compareUnsigned(u, threshold) < 0;
    }

    /** Reference: element i (C order) of the result, computed one element at a time. */
    private static double expected(double x, long index, long threshold, double scale) {
        return keptByDefinition(KEY, index, threshold) ? x * scale : 0.0;
    }

    @Test
    void keepDecisionsFollowTheSpecification() {
        for (double p : new double[] {0.5, 0.7, 0.123, 1e-3, 1.0}) {
            long t = BernoulliMaskKernel.threshold(p);
            double keptFraction = t == 0 ? 1.0 : Double.parseDouble(Long.toUnsignedString(t)) / 0x1p64; // P / 2^64
            assertEquals(p, keptFraction, 1e-15, "threshold of " + p);
            for (long i = 0; i < 300; i++) {
                assertEquals(keptByDefinition(KEY, i, t), BernoulliMaskKernel.kept(KEY, i, t), "p=" + p + " i=" + i);
            }
        }
    }

    private static void assertMatchesReference(INDArray in, INDArray out, long threshold, double scale, double tol) {
        INDArray inC = in.dup('c');
        INDArray outC = out.dup('c');
        for (long i = 0; i < inC.length(); i++) {
            assertEquals(expected(inC.getDouble(i), i, threshold, scale), outC.getDouble(i), tol, "element " + i);
        }
    }

    @Test
    void fastPathMatchesElementwiseReferenceForFloatAndDouble() {
        long t = BernoulliMaskKernel.threshold(0.7);
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray in = Nd4j.rand(type, 37, 41).subi(0.5);
            INDArray out = Nd4j.createUninitialized(type, 37, 41);
            BernoulliMaskKernel.apply(in, out, KEY, t, 1 / 0.7);
            assertMatchesReference(in, out, t, 1 / 0.7, 1e-6);
        }
    }

    @Test
    void arraysWithSizeOneDimensionsTakeTheFastPath() {
        // Nd4j.ones(3, 1, 5, 4) has strides [20, 20, 4, 1], which ND4J's hasDefaultStridesForShape rejects; mask()
        // used to recurse until the stack overflowed on such shapes (one channel, a minibatch of one).
        long t = BernoulliMaskKernel.threshold(0.5);
        for (long[] shape : new long[][] {{3, 1, 5, 4}, {1, 7}, {1, 1, 2, 2}}) {
            INDArray ones = Nd4j.ones(DataType.FLOAT, shape);
            assertTrue(BernoulliMaskKernel.fastPath(ones), java.util.Arrays.toString(shape));
            INDArray mask = BernoulliMaskKernel.mask(shape, DataType.FLOAT, 42, t, 1.0);
            assertEquals(java.util.Arrays.toString(shape), java.util.Arrays.toString(mask.shape()));
        }
    }

    @Test
    void parallelBlocksGiveTheSameMaskAsTheReference() {
        long t = BernoulliMaskKernel.threshold(0.5);
        INDArray in = Nd4j.rand(DataType.FLOAT, 9, BernoulliMaskKernel.BLOCK + 3); // 9 blocks + odd tail
        assertTrue(in.length() >= BernoulliMaskKernel.PARALLEL_MIN, "must exercise the parallel path");
        INDArray out = in.dup();
        BernoulliMaskKernel.apply(out, out, KEY, t, 1.0); // in place
        assertMatchesReference(in, out, t, 1.0, 0.0);
    }

    @Test
    void viewsFortranOrderAndHalfPrecisionUseLogicalCOrderIndices() {
        long t = BernoulliMaskKernel.threshold(0.6);
        INDArray big = Nd4j.rand(DataType.FLOAT, 10, 20);
        INDArray view = big.get(NDArrayIndex.interval(3, 7), NDArrayIndex.interval(2, 9)); // strided view
        INDArray rowView = big.get(NDArrayIndex.interval(4, 6), NDArrayIndex.all()); // offset view
        INDArray fOrder = Nd4j.rand(DataType.FLOAT, 6, 5).dup('f');
        INDArray half = Nd4j.rand(DataType.FLOAT, 4, 9).castTo(DataType.HALF);
        INDArray rank4 = Nd4j.rand(DataType.DOUBLE, 2, 3, 4, 5);
        for (INDArray in : new INDArray[] {view, rowView, fOrder, half, rank4}) {
            INDArray snapshot = in.dup('c');
            INDArray out = Nd4j.createUninitialized(in.dataType(), in.shape());
            BernoulliMaskKernel.apply(in, out, KEY, t, 2.0);
            assertMatchesReference(snapshot, out, t, 2.0, in.dataType() == DataType.HALF ? 2e-2 : 1e-6);
        }
        // in-place on an offset view must not touch the rest of the buffer
        INDArray before = big.dup();
        BernoulliMaskKernel.apply(rowView, rowView, KEY, t, 1.0);
        assertEquals(before.getRow(3), big.getRow(3));
        assertEquals(before.getRow(6), big.getRow(6));
    }

    @Test
    void keptFractionWithinBinomialBound() {
        // For n Bernoulli(p) trials the kept count lies within 3.29 standard deviations of n p with
        // probability 0.999 (two-sided normal bound; n p (1 - p) >= 5000 here, so the normal approximation holds).
        int n = 200_000;
        for (double p : new double[] {0.5, 0.8, 0.2, 0.97}) {
            INDArray out = Nd4j.ones(DataType.FLOAT, n);
            BernoulliMaskKernel.apply(
                    out, out, BernoulliMaskKernel.key(123, 0, 0), BernoulliMaskKernel.threshold(p), 1.0);
            double kept = out.sumNumber().doubleValue();
            double sd = Math.sqrt(n * p * (1 - p));
            assertTrue(Math.abs(kept - n * p) <= 3.29 * sd, "p=" + p + ": kept " + kept + " of " + n);
        }
    }

    /**
     * Floats, bit for bit against the definition: a kept element is the float product {@code x * (float) scale}, a
     * dropped one +0 (also for negative, infinite and NaN inputs; a kept -0 stays -0). Odd lengths and a view whose
     * first element sits at an odd buffer offset (so element pairs straddle 64-bit boundaries), with and without a
     * kept scale, forward and from a recorded mask (backprop's path).
     */
    @Test
    void floatResultsEqualTheDefinitionBitForBitAtOddLengthsAndOffsets() {
        long t = BernoulliMaskKernel.threshold(0.7);
        float[] specials = {-0.0f, Float.NaN, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, -3.5f, Float.MIN_VALUE};
        for (int n : new int[] {1, 63, 64, 65, 201, 2 * BernoulliMaskKernel.BLOCK + 67}) {
            for (int offset : new int[] {0, 1}) {
                INDArray whole = Nd4j.rand(DataType.FLOAT, 1, n + offset + 1).subi(0.5);
                for (int i = 0; i < specials.length && i < n; i++) {
                    whole.putScalar(0, offset + 3 * i % n, specials[i]);
                }
                INDArray in = Nd4j.create(whole.data(), new long[] {1, n}, new long[] {n, 1}, offset, 'c');
                assertTrue(BernoulliMaskKernel.fastPath(in) && in.data().offset() == offset, "the fast path, offset");
                float[] x = in.toFloatVector();
                for (double scale : new double[] {1.0, 1 / 0.7}) {
                    INDArray out = Nd4j.zeros(DataType.FLOAT, 1, n);
                    MaskBits bits = new MaskBits();
                    BernoulliMaskKernel.apply(in, out, KEY, t, scale, bits);
                    INDArray back = Nd4j.zeros(DataType.FLOAT, 1, n);
                    BernoulliMaskKernel.applyRecorded(in, back, KEY, t, scale, bits);
                    for (int i = 0; i < n; i++) {
                        int expected = keptByDefinition(KEY, i, t)
                                ? Float.floatToRawIntBits(x[i] * (float) scale)
                                : Float.floatToRawIntBits(0f);
                        String at = "n=" + n + " offset=" + offset + " scale=" + scale + " element " + i;
                        assertEquals(expected, Float.floatToRawIntBits(out.getFloat(i)), at);
                        assertEquals(expected, Float.floatToRawIntBits(back.getFloat(i)), "recorded, " + at);
                    }
                }
                assertEquals(-1, whole.getFloat(n + offset) * 0 - 1, "element after the view untouched");
            }
        }
    }

    /**
     * Views that are not dense C order (a transpose, every other column) give the definition bit for bit too: element
     * {@code i} in C order is kept iff the key keeps index {@code i}, then {@code x * scale}, else +0, also for NaN,
     * infinite and negative inputs (a multiply by a 0/1 mask would turn a dropped NaN into NaN and -3 into -0).
     */
    @Test
    void otherLayoutsEqualTheDefinitionBitForBit() {
        long t = BernoulliMaskKernel.threshold(0.6);
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray base = Nd4j.rand(type, 9, 14).subi(0.5);
            base.putScalar(0, 0, Double.NaN);
            base.putScalar(1, 3, Double.NEGATIVE_INFINITY);
            base.putScalar(2, 5, -3.0);
            base.putScalar(4, 2, Double.NaN);
            INDArray[] views = {base.transpose(), base.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 2, 14))};
            for (INDArray view : views) {
                assertFalse(BernoulliMaskKernel.fastPath(view), "a view off the fast path");
                for (double scale : new double[] {1.0, 1 / 0.6}) {
                    INDArray out = Nd4j.zeros(type, view.shape());
                    BernoulliMaskKernel.apply(view, out, KEY, t, scale);
                    double[] x = view.dup('c').reshape(-1).toDoubleVector();
                    double[] y = out.dup('c').reshape(-1).toDoubleVector();
                    for (int i = 0; i < x.length; i++) {
                        String at = type + " " + java.util.Arrays.toString(view.shape()) + " scale " + scale
                                + " element " + i;
                        if (keptByDefinition(KEY, i, t)) {
                            double expected =
                                    type == DataType.FLOAT ? (double) ((float) x[i] * (float) scale) : x[i] * scale;
                            assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(y[i]), at);
                        } else {
                            assertEquals(Double.doubleToRawLongBits(0.0), Double.doubleToRawLongBits(y[i]), at);
                        }
                    }
                }
            }
        }
    }

    @Test
    void retainOneKeepsEverything() {
        INDArray in = Nd4j.rand(DataType.FLOAT, 50, 60);
        INDArray out = in.dup();
        BernoulliMaskKernel.apply(in, out, KEY, BernoulliMaskKernel.threshold(1.0), 1.0);
        assertEquals(in, out);
    }

    @Test
    void droppedNonFiniteInputsBecomeExactZeros() {
        INDArray in = Nd4j.valueArrayOf(new long[] {1, 1000}, Float.POSITIVE_INFINITY, DataType.FLOAT);
        BernoulliMaskKernel.apply(in, in, KEY, BernoulliMaskKernel.threshold(0.5), 1.0);
        long zeros = 0;
        for (int i = 0; i < 1000; i++) {
            float v = in.getFloat(i);
            assertTrue(v == 0f || v == Float.POSITIVE_INFINITY, "element " + i + " = " + v);
            zeros += v == 0f ? 1 : 0;
        }
        assertTrue(zeros > 400 && zeros < 600, "zeros " + zeros);
    }

    @Test
    void mismatchedShapesAreRejected() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> BernoulliMaskKernel.apply(
                        Nd4j.ones(2, 3), Nd4j.ones(3, 2), KEY, BernoulliMaskKernel.threshold(0.5), 1.0));
        assertTrue(e.getMessage().contains("[2, 3]"), e.getMessage());
    }

    @Test
    void unitMaskKeepsEachColumnWithItsOwnProbabilityAndValue() {
        double[] p = {0.1, 0.5, 0.9, 1.0, 0.3};
        double[] kept = {10, 2, 1.0 / 0.9, 1, -3};
        long[] t = java.util.Arrays.stream(p)
                .mapToLong(BernoulliMaskKernel::threshold)
                .toArray();
        int rows = 20_001; // not a multiple of 64
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray m = BernoulliMaskKernel.unitMask(rows, t, kept, KEY, type);
            assertEquals(type, m.dataType());
            assertEquals(java.util.List.of((long) rows, 5L), java.util.List.of(m.size(0), m.size(1)));
            for (int u = 0; u < p.length; u++) {
                INDArray col = m.getColumn(u);
                double k = col.neq(0).castTo(DataType.DOUBLE).sumNumber().doubleValue();
                // 99.99% two-sided normal bound on a binomial count
                assertTrue(
                        Math.abs(k - rows * p[u]) <= 3.9 * Math.sqrt(rows * p[u] * (1 - p[u])) + 1e-9,
                        "unit " + u + ": " + k);
                assertEquals(
                        col.neq(0).castTo(type).muli(kept[u]), col, "kept elements hold the kept value of unit " + u);
            }
            assertEquals(m, BernoulliMaskKernel.unitMask(rows, t, kept, KEY, type), "same key, same mask");
        }
    }
}
