package io.github.dropout4j.constraint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The one-sweep FLOAT path of {@link MaxNormKernel} against a hand loop over the elements, for units that are
 * memory lines ('f' dense weights, 'c' convolution filters), units across lines ('c' dense, 'f' filters), a unit
 * longer than a heap block, and a view with an offset into a larger buffer (as DL4J's parameter views are).
 */
class MaxNormKernelFloatTest {

    /**
     * Expected result, element by element: unit j's squared norm s_j summed in double over its elements; if
     * s_j &gt; c^2 every element times the float sqrt(c^2 / s_j) (float product), else the element untouched.
     */
    private static void assertRenormalisedByHand(INDArray w, int[] unitDims, double c) {
        long[] shape = w.shape();
        int rank = shape.length;
        int[] keep = MaxNormKernel.complement(unitDims, rank);
        INDArray before = w.dup();
        float[] flat = before.dup('c').data().asFloat(); // C-order element values
        int units = 1;
        for (int d : keep) {
            units *= (int) shape[d];
        }
        double[] sums = new double[units];
        int[] unitOf = new int[flat.length];
        long[] idx = new long[rank];
        for (int i = 0; i < flat.length; i++) {
            long r = i;
            for (int d = rank - 1; d >= 0; d--) {
                idx[d] = r % shape[d];
                r /= shape[d];
            }
            int u = 0;
            for (int d : keep) {
                u = u * (int) shape[d] + (int) idx[d];
            }
            unitOf[i] = u;
            sums[u] += (double) flat[i] * flat[i];
        }
        int expectedViolating = 0;
        for (double s : sums) {
            expectedViolating += s > c * c ? 1 : 0;
        }
        int violating = new MaxNormKernel().renormalise(w, unitDims, c);
        assertEquals(expectedViolating, violating, "violating units");
        assertTrue(expectedViolating > 0 && expectedViolating < units, "the case mixes both kinds of unit");
        float[] after = w.dup('c').data().asFloat();
        for (int i = 0; i < flat.length; i++) {
            double s = sums[unitOf[i]];
            float expected = s > c * c ? flat[i] * (float) Math.sqrt(c * c / s) : flat[i];
            assertEquals(
                    Float.floatToRawIntBits(expected),
                    Float.floatToRawIntBits(after[i]),
                    "element " + i + " of " + Arrays.toString(shape) + " unit dims " + Arrays.toString(unitDims));
        }
        double[] newSums = new double[units];
        for (int i = 0; i < flat.length; i++) {
            newSums[unitOf[i]] += (double) after[i] * after[i];
        }
        for (int u = 0; u < units; u++) {
            assertTrue(Math.sqrt(newSums[u]) <= c * (1 + 1e-6), "unit " + u + " norm " + Math.sqrt(newSums[u]));
        }
    }

    /** Values in [-1, 1), every other unit (along {@code unitAxis}) scaled by 10 so some units bind. */
    private static INDArray weights(char order, int unitAxis, long... shape) {
        Nd4j.getRandom().setSeed(Arrays.hashCode(shape) + order);
        INDArray w = Nd4j.rand(DataType.FLOAT, shape).muli(2).subi(1).dup(order);
        for (long u = 0; u < shape[unitAxis]; u += 2) {
            w.slice(u, unitAxis).muli(10);
        }
        return w;
    }

    @Test
    void denseColumnsAreRenormalisedAsByHandInBothOrders() {
        for (char order : new char[] {'f', 'c'}) {
            assertRenormalisedByHand(weights(order, 1, 37, 11), new int[] {0}, 4.0);
        }
    }

    @Test
    void convolutionFiltersAreRenormalisedAsByHandInBothOrders() {
        for (char order : new char[] {'c', 'f'}) {
            assertRenormalisedByHand(weights(order, 0, 6, 3, 5, 5), new int[] {1, 2, 3}, 6.0);
        }
    }

    @Test
    void aUnitLongerThanAHeapBlockIsOneLine() {
        assertRenormalisedByHand(weights('f', 1, 5000, 3), new int[] {0}, 100.0);
    }

    @Test
    void aViewWithAnOffsetIsRenormalisedAndNothingAroundIt() {
        INDArray flat = Nd4j.zeros(DataType.FLOAT, 1, 200 + 37 * 11);
        flat.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0), org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 100))
                .assign(100);
        INDArray view = flat.get(
                        org.nd4j.linalg.indexing.NDArrayIndex.point(0),
                        org.nd4j.linalg.indexing.NDArrayIndex.interval(100, 100 + 37 * 11))
                .reshape('f', 37, 11);
        view.assign(weights('f', 1, 37, 11));
        assertRenormalisedByHand(view, new int[] {0}, 4.0);
        assertEquals(100 * 100, flat.getFloat(99) * flat.getFloat(0), "elements before the view untouched");
        assertEquals(0f, flat.getFloat(100 + 37 * 11 + 5), "elements after the view untouched");
    }
}
