package io.github.dropout4j.onednn;

import io.github.dropout4j.kernel.HeapBlocks;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Cross-channel local response normalisation in plain Java loops, forward and backward, for FLOAT and DOUBLE arrays
 * of shape {@code [minibatch, channels, h, w]} (NCHW) or {@code [minibatch, h, w, channels]} (NHWC):
 *
 * <pre>
 * s_i     = k + alpha * sum_{c in W(i)} a_c^2            W(i) = channels i - n/2 .. i + n/2 inside [0, C)
 * b_i     = a_i * s_i^-beta
 * dL/da_i = e_i s_i^-beta - 2 alpha beta a_i sum_{j in W(i)} e_j a_j s_j^(-beta-1)
 * </pre>
 *
 * ({@code n/2} rounded down, {@code e = dL/db}; windows are symmetric, so {@code j in W(i)} iff {@code i in W(j)}).
 * Each window sum is computed directly, channel {@code i - n/2} to {@code i + n/2} in that order, never as a
 * running sum, so no rounding drifts along the channels, and NCHW and NHWC give the same bits. For
 * {@code beta = 0.75} the power is {@code 1 / (sqrt(s) sqrt(sqrt(s)))} (correctly rounded square roots), otherwise
 * {@code Math.pow}. FLOAT arrays are computed in single precision, DOUBLE in double.
 *
 * <p>The work is cut into tiles: one example, a run of spatial positions and all channels, at most about
 * {@value #TILE} elements. A tile is copied into heap arrays with bulk NIO copies (NCHW: one copy per channel of
 * the run; NHWC: one copy), computed with loops over contiguous positions (NCHW) or channels (NHWC) that C2 can
 * vectorise, and copied back. Arrays of {@link #PARALLEL_MIN} elements or more spread their tiles over the calling
 * thread and the common fork-join pool; every element's value is computed by the same operations whatever thread
 * runs its tile, so results do not depend on the thread count.
 */
final class ResponseNormalizationKernel {

    /** Elements per tile (one example, a run of positions, all channels): 32 KiB of floats, L1/L2 resident. */
    static final int TILE = 8192;
    /**
     * Arrays with fewer elements run on the calling thread (system property {@code dropout4j.lrnParallelMin}). In
     * {@code ResponseNormalizationBench} runs (2 cores at load 4-5) the pool gained nothing at 12,544 and 21,600
     * elements (0.08-0.45 ms either way) and cut {@code [16, 32, 27, 27]} (373,248 elements) from 2.2-3.2 to
     * 1.4 ms forward and from 3.1-4.4 to 2.8 ms backward.
     */
    static final int PARALLEL_MIN = Integer.getInteger("dropout4j.lrnParallelMin", 1 << 16);

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private final boolean channelsLast;
    private final int examples;
    private final int channels;
    private final int positions;
    private final int halfWidth;
    private final double k;
    private final double alpha;
    private final double beta;
    private final int tilePositions;
    private final int tilesPerExample;

    /**
     * @param shape {@code [minibatch, channels, h, w]} (NCHW) or {@code [minibatch, h, w, channels]} (NHWC)
     * @param halfWidth {@code n/2} rounded down
     */
    ResponseNormalizationKernel(
            long[] shape, boolean channelsLast, int halfWidth, double k, double alpha, double beta) {
        if (shape.length != 4) {
            throw new IllegalArgumentException("expected a rank-4 array, got shape " + Arrays.toString(shape));
        }
        this.channelsLast = channelsLast;
        this.examples = Math.toIntExact(shape[0]);
        this.channels = Math.toIntExact(channelsLast ? shape[3] : shape[1]);
        this.positions = Math.toIntExact(channelsLast ? shape[1] * shape[2] : shape[2] * shape[3]);
        this.halfWidth = halfWidth;
        this.k = k;
        this.alpha = alpha;
        this.beta = beta;
        int run = Math.max(TILE / Math.max(1, channels), channelsLast ? 1 : 16);
        this.tilePositions = Math.max(1, Math.min(positions, run));
        this.tilesPerExample = positions == 0 ? 0 : (positions + tilePositions - 1) / tilePositions;
    }

    /** Whether the kernel handles this data type (FLOAT and DOUBLE). */
    static boolean supports(DataType type) {
        return type == DataType.FLOAT || type == DataType.DOUBLE;
    }

    /** Writes the normalised {@code a} into {@code out} (dense, C order, same shape and type). */
    void forward(INDArray a, INDArray out) {
        run(a, null, out);
    }

    /** Writes {@code dL/da} into {@code out} (dense, C order) for the input {@code a} and {@code e = dL/db}. */
    void backward(INDArray a, INDArray e, INDArray out) {
        run(a, e, out);
    }

    private void run(INDArray a, INDArray e, INDArray out) {
        DataType type = out.dataType();
        if (!supports(type) || !HeapBlocks.isDenseC(out)) {
            throw new IllegalArgumentException("output must be a dense C-order FLOAT or DOUBLE array");
        }
        INDArray src = HeapBlocks.denseC(a, type);
        INDArray eps = e == null ? null : HeapBlocks.denseC(e, type);
        int tiles = examples * tilesPerExample;
        IntStream range = IntStream.range(0, tiles);
        if (out.length() >= PARALLEL_MIN) {
            range = range.parallel();
        }
        if (type == DataType.FLOAT) {
            FloatBuffer in = HeapBlocks.floats(src);
            FloatBuffer grad = eps == null ? null : HeapBlocks.floats(eps);
            FloatBuffer dst = HeapBlocks.floats(out);
            range.forEach(t -> floatTile(t, in, grad, dst));
        } else {
            DoubleBuffer in = HeapBlocks.doubles(src);
            DoubleBuffer grad = eps == null ? null : HeapBlocks.doubles(eps);
            DoubleBuffer dst = HeapBlocks.doubles(out);
            range.forEach(t -> doubleTile(t, in, grad, dst));
        }
    }

    private boolean paperBeta() {
        return beta == 0.75;
    }

    // ---- FLOAT ----

    private void floatTile(int tile, FloatBuffer in, FloatBuffer grad, FloatBuffer out) {
        int example = tile / tilesPerExample;
        int first = (tile % tilesPerExample) * tilePositions;
        int m = Math.min(tilePositions, positions - first);
        int len = m * channels;
        Scratch s = SCRATCH.get();
        float[][] f = s.floats(len);
        float[] a = f[0];
        float[] e = f[1];
        float[] q = f[2];
        float[] p = f[3];
        float[] g = f[4];
        load(in, a, example, first, m);
        for (int i = 0; i < len; i++) {
            q[i] = a[i] * a[i];
        }
        windowSum(q, p, m);
        float fk = (float) k;
        float fa = (float) alpha;
        if (grad == null) {
            scaleFloat(a, p, g, len, fk, fa);
        } else {
            load(grad, e, example, first, m);
            // p <- s^-beta, q <- e a s^(-beta-1)
            if (paperBeta()) {
                for (int i = 0; i < len; i++) {
                    float x = fk + fa * p[i];
                    float r = (float) Math.sqrt(x);
                    float pw = 1f / (r * (float) Math.sqrt(r));
                    p[i] = pw;
                    q[i] = e[i] * a[i] * pw / x;
                }
            } else {
                double mb = -beta;
                for (int i = 0; i < len; i++) {
                    float x = fk + fa * p[i];
                    float pw = (float) Math.pow(x, mb);
                    p[i] = pw;
                    q[i] = e[i] * a[i] * pw / x;
                }
            }
            windowSum(q, g, m);
            float c = (float) (2 * alpha * beta);
            for (int i = 0; i < len; i++) {
                g[i] = e[i] * p[i] - c * a[i] * g[i];
            }
        }
        store(out, g, example, first, m);
    }

    private void scaleFloat(float[] a, float[] p, float[] b, int len, float fk, float fa) {
        if (paperBeta()) {
            for (int i = 0; i < len; i++) {
                float r = (float) Math.sqrt(fk + fa * p[i]);
                b[i] = a[i] / (r * (float) Math.sqrt(r));
            }
        } else {
            double mb = -beta;
            for (int i = 0; i < len; i++) {
                b[i] = a[i] * (float) Math.pow(fk + fa * p[i], mb);
            }
        }
    }

    /** {@code dst[c, q] = sum_{c' in W(c)} src[c', q]} over the tile's {@code m} positions, in channel order. */
    private void windowSum(float[] src, float[] dst, int m) {
        int cs = channels;
        int h = halfWidth;
        Arrays.fill(dst, 0, m * cs, 0f);
        if (channelsLast) {
            for (int q = 0; q < m; q++) {
                int base = q * cs;
                for (int d = -h; d <= h; d++) {
                    int from = base + Math.max(0, -d);
                    int to = base + Math.min(cs, cs - d);
                    for (int i = from; i < to; i++) {
                        dst[i] += src[i + d];
                    }
                }
            }
        } else {
            for (int c = 0; c < cs; c++) {
                int row = c * m;
                for (int j = Math.max(0, c - h), hi = Math.min(cs - 1, c + h); j <= hi; j++) {
                    int o = j * m;
                    for (int i = 0; i < m; i++) {
                        dst[row + i] += src[o + i];
                    }
                }
            }
        }
    }

    /** Copies the tile into {@code dst}: NCHW as {@code [channels][m]}, NHWC as {@code [m][channels]}. */
    private void load(FloatBuffer src, float[] dst, int example, int first, int m) {
        long base = (long) example * channels * positions;
        if (channelsLast) {
            src.get((int) (base + (long) first * channels), dst, 0, m * channels);
        } else {
            for (int c = 0; c < channels; c++) {
                src.get((int) (base + (long) c * positions + first), dst, c * m, m);
            }
        }
    }

    private void store(FloatBuffer dst, float[] src, int example, int first, int m) {
        long base = (long) example * channels * positions;
        if (channelsLast) {
            dst.put((int) (base + (long) first * channels), src, 0, m * channels);
        } else {
            for (int c = 0; c < channels; c++) {
                dst.put((int) (base + (long) c * positions + first), src, c * m, m);
            }
        }
    }

    // ---- DOUBLE: the same steps in double precision ----

    private void doubleTile(int tile, DoubleBuffer in, DoubleBuffer grad, DoubleBuffer out) {
        int example = tile / tilesPerExample;
        int first = (tile % tilesPerExample) * tilePositions;
        int m = Math.min(tilePositions, positions - first);
        int len = m * channels;
        Scratch s = SCRATCH.get();
        double[][] f = s.doubles(len);
        double[] a = f[0];
        double[] e = f[1];
        double[] q = f[2];
        double[] p = f[3];
        double[] g = f[4];
        load(in, a, example, first, m);
        for (int i = 0; i < len; i++) {
            q[i] = a[i] * a[i];
        }
        windowSum(q, p, m);
        if (grad == null) {
            for (int i = 0; i < len; i++) {
                g[i] = a[i] * pow(k + alpha * p[i]);
            }
        } else {
            load(grad, e, example, first, m);
            for (int i = 0; i < len; i++) {
                double x = k + alpha * p[i];
                double pw = pow(x);
                p[i] = pw;
                q[i] = e[i] * a[i] * pw / x;
            }
            windowSum(q, g, m);
            double c = 2 * alpha * beta;
            for (int i = 0; i < len; i++) {
                g[i] = e[i] * p[i] - c * a[i] * g[i];
            }
        }
        store(out, g, example, first, m);
    }

    /** {@code x^-beta}. */
    private double pow(double x) {
        if (paperBeta()) {
            double r = Math.sqrt(x);
            return 1 / (r * Math.sqrt(r));
        }
        return Math.pow(x, -beta);
    }

    private void windowSum(double[] src, double[] dst, int m) {
        int cs = channels;
        int h = halfWidth;
        Arrays.fill(dst, 0, m * cs, 0.0);
        if (channelsLast) {
            for (int q = 0; q < m; q++) {
                int base = q * cs;
                for (int d = -h; d <= h; d++) {
                    int from = base + Math.max(0, -d);
                    int to = base + Math.min(cs, cs - d);
                    for (int i = from; i < to; i++) {
                        dst[i] += src[i + d];
                    }
                }
            }
        } else {
            for (int c = 0; c < cs; c++) {
                int row = c * m;
                for (int j = Math.max(0, c - h), hi = Math.min(cs - 1, c + h); j <= hi; j++) {
                    int o = j * m;
                    for (int i = 0; i < m; i++) {
                        dst[row + i] += src[o + i];
                    }
                }
            }
        }
    }

    private void load(DoubleBuffer src, double[] dst, int example, int first, int m) {
        long base = (long) example * channels * positions;
        if (channelsLast) {
            src.get((int) (base + (long) first * channels), dst, 0, m * channels);
        } else {
            for (int c = 0; c < channels; c++) {
                src.get((int) (base + (long) c * positions + first), dst, c * m, m);
            }
        }
    }

    private void store(DoubleBuffer dst, double[] src, int example, int first, int m) {
        long base = (long) example * channels * positions;
        if (channelsLast) {
            dst.put((int) (base + (long) first * channels), src, 0, m * channels);
        } else {
            for (int c = 0; c < channels; c++) {
                dst.put((int) (base + (long) c * positions + first), src, c * m, m);
            }
        }
    }

    /** A thread's heap arrays: five of a tile's length per type, grown on demand and kept. */
    private static final class Scratch {
        private float[][] floats = new float[5][0];
        private double[][] doubles = new double[5][0];

        float[][] floats(int len) {
            if (floats[0].length < len) {
                floats = new float[5][len];
            }
            return floats;
        }

        double[][] doubles(int len) {
            if (doubles[0].length < len) {
                doubles = new double[5][len];
            }
            return doubles;
        }
    }
}
