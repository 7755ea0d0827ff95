package io.github.dropout4j.kernel;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The bias gradient of a convolution, {@code out[c] = sum over n, h, w of delta[n, c, h, w]}, in plain Java: each
 * channel plane is copied to the heap in one bulk read and summed in double (four running sums, added at the end),
 * then rounded once to the array's type. libnd4j's {@code conv2d_bp} computes the same sums as a reduction on its
 * thread pool, which on 2 cores cost milliseconds per call of waiting between threads at the tiny nets' sizes
 * (measured: ~4 ms at 24 filters on 2 loaded cores, 0.3 ms on 1 thread); here it is one pass over {@code delta}.
 */
public final class ChannelSums {

    private ChannelSums() {}

    /** Whether {@link #biasGradient} takes {@code delta}: NCHW, FLOAT or DOUBLE, dense C order. */
    public static boolean supports(INDArray delta) {
        DataType t = delta.dataType();
        return delta.rank() == 4
                && (t == DataType.FLOAT || t == DataType.DOUBLE)
                && HeapBlocks.isDenseC(delta)
                && delta.length() < Integer.MAX_VALUE;
    }

    /**
     * Writes the per-channel sums of {@code delta} ({@code [mb, C, h, w]}, see {@link #supports}) into
     * {@code out} ({@code C} elements, any shape and layout, FLOAT or DOUBLE).
     *
     * @throws IllegalArgumentException if {@code delta} is not supported or {@code out} has not {@code C} elements
     */
    public static void biasGradient(INDArray delta, INDArray out) {
        if (!supports(delta)) {
            throw new IllegalArgumentException("expected a dense C-order FLOAT or DOUBLE [mb, C, h, w] array, got "
                    + delta.dataType() + " " + java.util.Arrays.toString(delta.shape()) + " order "
                    + delta.ordering());
        }
        int mb = (int) delta.size(0);
        int c = (int) delta.size(1);
        int plane = (int) (delta.size(2) * delta.size(3));
        if (out.length() != c) {
            throw new IllegalArgumentException(
                    "bias gradient has " + out.length() + " elements for " + c + " channels");
        }
        double[] sums = new double[c];
        if (delta.dataType() == DataType.FLOAT) {
            FloatBuffer buffer = HeapBlocks.floats(delta);
            float[] block = new float[plane];
            for (int n = 0; n < mb; n++) {
                for (int ch = 0; ch < c; ch++) {
                    buffer.get((n * c + ch) * plane, block, 0, plane);
                    sums[ch] += sum(block);
                }
            }
        } else {
            DoubleBuffer buffer = HeapBlocks.doubles(delta);
            double[] block = new double[plane];
            for (int n = 0; n < mb; n++) {
                for (int ch = 0; ch < c; ch++) {
                    buffer.get((n * c + ch) * plane, block, 0, plane);
                    sums[ch] += sum(block);
                }
            }
        }
        boolean dense = HeapBlocks.isDenseC(out);
        if (dense && out.dataType() == DataType.FLOAT) {
            float[] f = new float[c];
            for (int ch = 0; ch < c; ch++) {
                f[ch] = (float) sums[ch];
            }
            HeapBlocks.floats(out).put(0, f);
        } else if (dense && out.dataType() == DataType.DOUBLE) {
            HeapBlocks.doubles(out).put(0, sums);
        } else {
            out.assign(Nd4j.createFromArray(sums).castTo(out.dataType()).reshape(out.shape()));
        }
    }

    private static double sum(float[] a) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 3 < a.length; i += 4) {
            s0 += a[i];
            s1 += a[i + 1];
            s2 += a[i + 2];
            s3 += a[i + 3];
        }
        for (; i < a.length; i++) {
            s0 += a[i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    private static double sum(double[] a) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 3 < a.length; i += 4) {
            s0 += a[i];
            s1 += a[i + 1];
            s2 += a[i + 2];
            s3 += a[i + 3];
        }
        for (; i < a.length; i++) {
            s0 += a[i];
        }
        return (s0 + s1) + (s2 + s3);
    }
}
