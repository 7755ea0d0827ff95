package io.github.dropout4j.dropout;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BernoulliMaskKernelTest {

    private static final long KEY = BernoulliMaskKernel.key(7, 3, 1);

    /** Reference: element i (C order) of the result, computed one element at a time. */
    private static double expected(double x, long index, long threshold, double scale) {
        return BernoulliMaskKernel.kept(KEY, index, threshold) ? x * scale : 0.0;
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
        for (DataType type : new DataType[]{DataType.FLOAT, DataType.DOUBLE}) {
            INDArray in = Nd4j.rand(type, 37, 41).subi(0.5);
            INDArray out = Nd4j.createUninitialized(type, 37, 41);
            BernoulliMaskKernel.apply(in, out, KEY, t, 1 / 0.7);
            assertMatchesReference(in, out, t, 1 / 0.7, 1e-6);
        }
    }

    @Test
    void parallelBlocksGiveTheSameMaskAsTheReference() {
        long t = BernoulliMaskKernel.threshold(0.5);
        INDArray in = Nd4j.rand(DataType.FLOAT, 9, BernoulliMaskKernel.BLOCK + 3);   // 9 blocks + odd tail
        assertTrue(in.length() >= BernoulliMaskKernel.PARALLEL_MIN, "must exercise the parallel path");
        INDArray out = in.dup();
        BernoulliMaskKernel.apply(out, out, KEY, t, 1.0);   // in place
        assertMatchesReference(in, out, t, 1.0, 0.0);
    }

    @Test
    void viewsFortranOrderAndHalfPrecisionUseLogicalCOrderIndices() {
        long t = BernoulliMaskKernel.threshold(0.6);
        INDArray big = Nd4j.rand(DataType.FLOAT, 10, 20);
        INDArray view = big.get(NDArrayIndex.interval(3, 7), NDArrayIndex.interval(2, 9));   // strided view
        INDArray rowView = big.get(NDArrayIndex.interval(4, 6), NDArrayIndex.all());          // offset view
        INDArray fOrder = Nd4j.rand(DataType.FLOAT, 6, 5).dup('f');
        INDArray half = Nd4j.rand(DataType.FLOAT, 4, 9).castTo(DataType.HALF);
        INDArray rank4 = Nd4j.rand(DataType.DOUBLE, 2, 3, 4, 5);
        for (INDArray in : new INDArray[]{view, rowView, fOrder, half, rank4}) {
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
        for (double p : new double[]{0.5, 0.8, 0.2, 0.97}) {
            INDArray out = Nd4j.ones(DataType.FLOAT, n);
            BernoulliMaskKernel.apply(out, out, BernoulliMaskKernel.key(123, 0, 0), BernoulliMaskKernel.threshold(p), 1.0);
            double kept = out.sumNumber().doubleValue();
            double sd = Math.sqrt(n * p * (1 - p));
            assertTrue(Math.abs(kept - n * p) <= 3.29 * sd, "p=" + p + ": kept " + kept + " of " + n);
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
        INDArray in = Nd4j.valueArrayOf(new long[]{1, 1000}, Float.POSITIVE_INFINITY, DataType.FLOAT);
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
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                BernoulliMaskKernel.apply(Nd4j.ones(2, 3), Nd4j.ones(3, 2), KEY, BernoulliMaskKernel.threshold(0.5), 1.0));
        assertTrue(e.getMessage().contains("[2, 3]"), e.getMessage());
    }
}
