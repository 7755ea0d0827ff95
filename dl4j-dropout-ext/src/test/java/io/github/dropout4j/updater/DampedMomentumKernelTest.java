package io.github.dropout4j.updater;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;

/**
 * The fused float step ({@link DampedMomentumKernel}, taken by {@link DampedMomentumUpdater} for FLOAT arrays)
 * against a hand loop of the Appendix A.1 equations in float, bit for bit, and against the ND4J passes it replaced.
 */
class DampedMomentumKernelTest {

    /** Not a multiple of the block size, so the last block is partial. */
    private static final int N = 2 * 4096 + 37;

    private static float[] random(Random r, int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextGaussian() * scale);
        }
        return a;
    }

    private static void assertBitsEqual(float[] expected, INDArray actual, String what) {
        float[] got = actual.reshape(actual.length()).toFloatVector();
        for (int i = 0; i < expected.length; i++) {
            assertEquals(
                    Float.floatToRawIntBits(expected[i]),
                    Float.floatToRawIntBits(got[i]),
                    what + " at " + i + ": " + expected[i] + " vs " + got[i]);
        }
    }

    @Test
    void floatUpdaterStepsEqualTheEquationsInFloatBitForBit() {
        DampedMomentum d = DampedMomentum.mnistRecipe();
        INDArray state = Nd4j.zeros(DataType.FLOAT, 1, N);
        GradientUpdater<?> u = d.instantiate(state, true);
        Random r = new Random(5);
        float[] v = new float[N];
        for (int epoch = 0; epoch < 4; epoch++) {
            float[] grad = random(r, N, 0.01f);
            INDArray g = Nd4j.createFromArray(grad.clone()).reshape(1, N);
            u.applyUpdater(g, 80 * epoch, epoch);
            float p = (float) (0.5 + (0.99 - 0.5) * epoch / 500.0);
            float a = (float) ((1 - (0.5 + (0.99 - 0.5) * epoch / 500.0)) * 10.0 * Math.pow(0.998, epoch));
            float[] update = new float[N];
            for (int i = 0; i < N; i++) {
                float scaledGrad = grad[i] * a;
                float momentum = v[i] * p;
                v[i] = momentum - scaledGrad;
                update[i] = -v[i];
            }
            assertBitsEqual(v, state, "velocity, epoch " + epoch);
            assertBitsEqual(update, g, "update, epoch " + epoch);
        }
    }

    @Test
    void fusedPassGivesTheNumbersOfTheNd4jPassesItReplaced() {
        Random r = new Random(9);
        float[] grad = random(r, N, 1f);
        float[] v0 = random(r, N, 1f);
        float p = 0.7312f;
        double pd = 0.7312;
        double a = (1 - pd) * 6.25;
        INDArray gOps = Nd4j.createFromArray(grad.clone());
        INDArray vOps = Nd4j.createFromArray(v0.clone());
        gOps.muli(a);
        vOps.muli(pd).subi(gOps);
        gOps.assign(vOps).negi();
        INDArray gFused = Nd4j.createFromArray(grad.clone());
        INDArray vFused = Nd4j.createFromArray(v0.clone());
        new DampedMomentumKernel()
                .step(
                        io.github.dropout4j.kernel.HeapBlocks.floats(gFused),
                        io.github.dropout4j.kernel.HeapBlocks.floats(vFused),
                        N,
                        (float) pd,
                        (float) a);
        assertEquals(p, (float) pd);
        assertBitsEqual(vOps.toFloatVector(), vFused, "velocity");
        assertBitsEqual(gOps.toFloatVector(), gFused, "update");
    }

    @Test
    void viewsWithAnOffsetAreUpdatedInPlaceAndNothingAroundThem() {
        DampedMomentum d = new DampedMomentum(2.0, 0.5);
        INDArray whole = Nd4j.zeros(DataType.FLOAT, 1, 30);
        INDArray view = whole.get(
                        org.nd4j.linalg.indexing.NDArrayIndex.point(0),
                        org.nd4j.linalg.indexing.NDArrayIndex.interval(10, 20))
                .reshape(1, 10);
        GradientUpdater<?> u = d.instantiate(view, true);
        INDArray g = Nd4j.ones(DataType.FLOAT, 1, 10);
        u.applyUpdater(g, 0, 0);
        for (int i = 0; i < 30; i++) {
            assertEquals(i >= 10 && i < 20 ? -1.0f : 0.0f, whole.getFloat(i), "state element " + i);
        }
        assertEquals(10, g.sumNumber().floatValue()); // update = -v = (1 - 0.5) * 2 * 1
    }
}
