package io.github.dropout4j.onednn;

import io.github.dropout4j.kernel.HeapBlocks;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * 2-D max and average pooling, forward and backward, as plain Java loops over heap copies of one image at a time:
 * the numbers of libnd4j's generic {@code maxpool2d} / {@code avgpool2d} ops (and their {@code _bp}), which DL4J's
 * {@code SubsamplingLayer} calls, without their per-call cost.
 *
 * <p>For an output position {@code (oh, ow)} the window's taps are the input rows {@code oh*sH - pH + i*dH}
 * ({@code i < kH}) and columns {@code ow*sW - pW + j*dW} ({@code j < kW}); taps outside the image (padding) are
 * left out. With {@code [minibatch, channels, h, w]} (or channels-last) arrays:
 *
 * <ul>
 *   <li>max: {@code y = max} over the window's taps, starting from {@code -Float.MAX_VALUE} (or
 *       {@code -Double.MAX_VALUE}) with {@code v > max}, as libnd4j: NaNs are skipped and a window of NaNs or
 *       {@code -infinity} gives {@code -MAX_VALUE}. The gradient {@code e} of an output goes to one tap: the first
 *       largest in row-major window order (with ties, e.g. a window of zeros after a ReLU, the top-left one), or
 *       the first tap if none beats {@code -MAX_VALUE}; contributions of overlapping windows add up.
 *   <li>average: {@code y = sum / divisor}, where the divisor is the number of taps inside the image, or
 *       {@code kH*kW} when padding counts ({@code avgPoolIncludePadInDivisor}); backward adds {@code e / divisor}
 *       to every tap.
 * </ul>
 *
 * <p>Sums run in the array's precision in libnd4j's order (window taps row-major; outputs row-major): NCHW results
 * are the built-in ops' bit for bit ({@code PoolingHelperTest}; channels-last float average pooling differs from
 * libnd4j's by rounding, ours being the definition's, {@code PoolingKernelTest}). Same mode: output {@code ceil(in / s)},
 * top/left padding {@code ((out - 1) * s + (k - 1) * d + 1 - in) / 2} (rounded down, the rest at the bottom/right).
 * Arrays of 2^16 elements or more (input plus output) run their images in parallel (common fork-join pool).
 */
public final class PoolingKernel {

    /** What a window computes. */
    public enum Pooling {
        MAX,
        /** Average over the taps inside the image (DL4J's default, {@code avgPoolIncludePadInDivisor(false)}). */
        AVERAGE_EXCLUDING_PADDING,
        /** Sum over the taps inside the image divided by {@code kH*kW}. */
        AVERAGE_INCLUDING_PADDING
    }

    /**
     * Input plus output elements from which images run in parallel (common fork-join pool); results do not depend on
     * it (images are independent). Not tuned: at load average ~5 on the 2-core VM, {@code PoolingBench} showed no
     * difference beyond noise between this and one thread. Override with
     * {@code -Ddropout4j.pooling.parallelMinElements}.
     */
    static final long PARALLEL_MIN = Long.getLong("dropout4j.pooling.parallelMinElements", 1 << 16);

    private final Pooling pooling;
    private final int kH, kW, sH, sW, pH, pW, dH, dW;
    private final boolean same;
    private final boolean channelsLast;

    /**
     * @param pooling max or one of the two averages
     * @param kernel {kH, kW}, each at least 1
     * @param stride {sH, sW}, each at least 1
     * @param padding {pH, pW} top/left (and bottom/right) padding, each at least 0 and less than the dilated kernel
     *     extent {@code (k - 1) * d + 1}; ignored in Same mode
     * @param dilation {dH, dW}, each at least 1
     * @param same Same mode (padding from the input size) rather than Truncate/Strict (explicit padding, output
     *     {@code (in + 2p - (k - 1) * d - 1) / s + 1} rounded down)
     * @param channelsLast {@code [minibatch, h, w, channels]} (NHWC) rather than {@code [minibatch, channels, h, w]}
     */
    public PoolingKernel(
            Pooling pooling,
            int[] kernel,
            int[] stride,
            int[] padding,
            int[] dilation,
            boolean same,
            boolean channelsLast) {
        if (pooling == null) {
            throw new IllegalArgumentException("pooling must not be null");
        }
        this.pooling = pooling;
        kH = positive(kernel, 0, "kernel");
        kW = positive(kernel, 1, "kernel");
        sH = positive(stride, 0, "stride");
        sW = positive(stride, 1, "stride");
        dH = positive(dilation, 0, "dilation");
        dW = positive(dilation, 1, "dilation");
        this.same = same;
        if (same) {
            pH = 0;
            pW = 0;
        } else {
            if (padding == null || padding.length != 2) {
                throw new IllegalArgumentException("padding must have 2 entries, got " + str(padding));
            }
            pH = padding[0];
            pW = padding[1];
            if (pH < 0 || pW < 0 || pH > (kH - 1) * dH || pW > (kW - 1) * dW) {
                throw new IllegalArgumentException("padding must be in [0, (k - 1) * dilation] so that every window "
                        + "covers part of the image, got " + str(padding) + " for kernel " + str(kernel)
                        + " and dilation " + str(dilation));
            }
        }
        this.channelsLast = channelsLast;
    }

    private static int positive(int[] a, int i, String what) {
        if (a == null || a.length != 2 || a[0] < 1 || a[1] < 1) {
            throw new IllegalArgumentException(what + " must be two integers >= 1, got " + str(a));
        }
        return a[i];
    }

    private static String str(int[] a) {
        return java.util.Arrays.toString(a);
    }

    /** The output shape for an input of shape {@code inputShape} (rank 4, this kernel's layout). */
    public long[] outputShape(long[] inputShape) {
        Geometry g = geometry(inputShape);
        return channelsLast
                ? new long[] {inputShape[0], g.outH, g.outW, inputShape[3]}
                : new long[] {inputShape[0], inputShape[1], g.outH, g.outW};
    }

    /**
     * Pools {@code input} into {@code output} (shape {@link #outputShape}); FLOAT or DOUBLE, both of one type. Arrays
     * that are not dense row-major go through a copy.
     */
    public void forward(INDArray input, INDArray output) {
        Geometry g = checked(input, output, "output");
        INDArray x = HeapBlocks.denseC(input, input.dataType());
        boolean direct = HeapBlocks.isDenseC(output);
        INDArray y = direct ? output : Nd4j.createUninitialized(output.dataType(), output.shape(), 'c');
        Plan plan = new Plan(g, input.dataType(), x, null, y);
        run(g, plan, false);
        if (!direct) {
            output.assign(y);
        }
    }

    /**
     * Writes the gradient with respect to {@code input} of {@code sum(epsilon * forward(input))} into
     * {@code inputGradient} (shape of {@code input}; every element written).
     */
    public void backward(INDArray input, INDArray epsilon, INDArray inputGradient) {
        Geometry g = checked(input, epsilon, "epsilon");
        if (!java.util.Arrays.equals(input.shape(), inputGradient.shape())
                || inputGradient.dataType() != input.dataType()) {
            throw new IllegalArgumentException("inputGradient must be " + input.dataType() + " of shape "
                    + java.util.Arrays.toString(input.shape()) + ", got " + inputGradient.dataType() + " "
                    + java.util.Arrays.toString(inputGradient.shape()));
        }
        INDArray x = HeapBlocks.denseC(input, input.dataType());
        INDArray e = HeapBlocks.denseC(epsilon, epsilon.dataType());
        boolean direct = HeapBlocks.isDenseC(inputGradient);
        INDArray gx = direct ? inputGradient : Nd4j.createUninitialized(input.dataType(), input.shape(), 'c');
        Plan plan = new Plan(g, input.dataType(), x, e, gx);
        run(g, plan, true);
        if (!direct) {
            inputGradient.assign(gx);
        }
    }

    private Geometry checked(INDArray input, INDArray other, String otherName) {
        if (input.rank() != 4) {
            throw new IllegalArgumentException(
                    "input must have rank 4, got shape " + java.util.Arrays.toString(input.shape()));
        }
        DataType t = input.dataType();
        if (t != DataType.FLOAT && t != DataType.DOUBLE) {
            throw new IllegalArgumentException("input must be FLOAT or DOUBLE, got " + t);
        }
        Geometry g = geometry(input.shape());
        long[] expected = outputShape(input.shape());
        if (!java.util.Arrays.equals(expected, other.shape()) || other.dataType() != t) {
            throw new IllegalArgumentException(otherName + " must be " + t + " of shape "
                    + java.util.Arrays.toString(expected) + ", got " + other.dataType() + " "
                    + java.util.Arrays.toString(other.shape()));
        }
        return g;
    }

    /**
     * Whether this kernel takes an input of this shape: rank 4 with a window that fits the padded image, and in
     * Same mode a padding of at least 0 (DL4J rejects the rest: a stride larger than the window can ask for less).
     */
    public boolean handles(long[] inputShape) {
        if (inputShape.length != 4) {
            return false;
        }
        try {
            geometry(inputShape);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private Geometry geometry(long[] shape) {
        if (shape.length != 4) {
            throw new IllegalArgumentException("expected a rank-4 shape, got " + java.util.Arrays.toString(shape));
        }
        int c = (int) (channelsLast ? shape[3] : shape[1]);
        int inH = (int) (channelsLast ? shape[1] : shape[2]);
        int inW = (int) (channelsLast ? shape[2] : shape[3]);
        int ekH = (kH - 1) * dH + 1;
        int ekW = (kW - 1) * dW + 1;
        int outH, outW, top, left;
        if (same) {
            outH = (inH + sH - 1) / sH;
            outW = (inW + sW - 1) / sW;
            top = ((outH - 1) * sH + ekH - inH) / 2;
            left = ((outW - 1) * sW + ekW - inW) / 2;
        } else {
            outH = (inH + 2 * pH - ekH) / sH + 1;
            outW = (inW + 2 * pW - ekW) / sW + 1;
            top = pH;
            left = pW;
        }
        if (top < 0
                || left < 0
                || inH + 2 * top < ekH && !same
                || inW + 2 * left < ekW && !same
                || outH < 1
                || outW < 1) {
            throw new IllegalArgumentException("cannot pool an input of height x width " + inH + " x " + inW + " with "
                    + this + ": window " + ekH + " x " + ekW + ", top/left padding " + top + ", " + left);
        }
        return new Geometry(
                (int) shape[0],
                c,
                inH,
                inW,
                outH,
                outW,
                taps(outH, sH, top, kH, dH, inH),
                taps(outW, sW, left, kW, dW, inW));
    }

    /**
     * For each output index o: {start position, first valid tap, end tap (exclusive)} along one axis, so that the
     * inner loops test no bounds.
     */
    private static int[] taps(int out, int s, int pad, int k, int d, int in) {
        int[] t = new int[3 * out];
        for (int o = 0; o < out; o++) {
            int start = o * s - pad;
            int lo = start >= 0 ? 0 : (-start + d - 1) / d;
            int hi = Math.min(k, (in - start + d - 1) / d);
            t[3 * o] = start;
            t[3 * o + 1] = lo;
            t[3 * o + 2] = Math.max(lo, hi);
        }
        return t;
    }

    private record Geometry(int n, int c, int inH, int inW, int outH, int outW, int[] rows, int[] cols) {
        int inImage() {
            return c * inH * inW;
        }

        int outImage() {
            return c * outH * outW;
        }
    }

    /** The arrays of one call: x (input), e (output gradient, backward only), z (output or input gradient). */
    private record Plan(Geometry g, DataType type, INDArray x, INDArray e, INDArray z) {}

    private void run(Geometry g, Plan p, boolean backward) {
        long elements = (long) g.n * (g.inImage() + g.outImage());
        IntStream images = IntStream.range(0, g.n);
        (elements >= PARALLEL_MIN && g.n > 1 ? images.parallel() : images).forEach(n -> image(g, p, backward, n));
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** Reused heap arrays of one thread: x (input image), e (output-gradient image), z (result image). */
    private static final class Scratch {
        float[] xf = new float[0], ef = new float[0], zf = new float[0];
        double[] xd = new double[0], ed = new double[0], zd = new double[0];
    }

    private void image(Geometry g, Plan p, boolean backward, int n) {
        Scratch s = SCRATCH.get();
        int in = g.inImage();
        int out = g.outImage();
        int zLen = backward ? in : out;
        long xOff = (long) n * in, eOff = (long) n * out, zOff = (long) n * zLen;
        if (p.type == DataType.FLOAT) {
            if (s.xf.length < in) {
                s.xf = new float[in];
            }
            if (s.zf.length < zLen) {
                s.zf = new float[zLen];
            }
            HeapBlocks.floats(p.x).get((int) xOff, s.xf, 0, in);
            if (backward) {
                if (s.ef.length < out) {
                    s.ef = new float[out];
                }
                HeapBlocks.floats(p.e).get((int) eOff, s.ef, 0, out);
                java.util.Arrays.fill(s.zf, 0, in, 0f);
            }
            for (int c = 0; c < g.c; c++) {
                planeF(g, s, c, backward);
            }
            FloatBuffer z = HeapBlocks.floats(p.z);
            z.put((int) zOff, s.zf, 0, zLen);
        } else {
            if (s.xd.length < in) {
                s.xd = new double[in];
            }
            if (s.zd.length < zLen) {
                s.zd = new double[zLen];
            }
            HeapBlocks.doubles(p.x).get((int) xOff, s.xd, 0, in);
            if (backward) {
                if (s.ed.length < out) {
                    s.ed = new double[out];
                }
                HeapBlocks.doubles(p.e).get((int) eOff, s.ed, 0, out);
                java.util.Arrays.fill(s.zd, 0, in, 0d);
            }
            for (int c = 0; c < g.c; c++) {
                planeD(g, s, c, backward);
            }
            DoubleBuffer z = HeapBlocks.doubles(p.z);
            z.put((int) zOff, s.zd, 0, zLen);
        }
    }

    // One channel of one image. Input element (h, w) sits at xb + h * xr + w * xc, output (oh, ow) at
    // yb + oh * yr + ow * yc: NCHW planes are contiguous (xc = 1), NHWC interleaves the channels (xc = c).
    // Max windows take Math.max (branch-free on x86; a data-dependent `if (v > m)` mispredicts about twice per
    // window on random data) and fall back to libnd4j's scan where Math.max differs from it: NaN (libnd4j skips
    // it) and zero (libnd4j keeps the first of -0 and +0). The gradient's tap is tracked with a conditional move.

    private void planeF(Geometry g, Scratch s, int c, boolean backward) {
        int xc = channelsLast ? g.c : 1;
        int xb = channelsLast ? c : c * g.inH * g.inW;
        int xr = g.inW * xc;
        int yc = channelsLast ? g.c : 1;
        int yb = channelsLast ? c : c * g.outH * g.outW;
        int yr = g.outW * yc;
        float[] x = s.xf, e = s.ef, z = s.zf;
        int[] rows = g.rows, cols = g.cols;
        boolean max = pooling == Pooling.MAX;
        boolean countPadding = pooling == Pooling.AVERAGE_INCLUDING_PADDING;
        int dwx = dW * xc;
        for (int oh = 0; oh < g.outH; oh++) {
            int h0 = rows[3 * oh], iLo = rows[3 * oh + 1], iHi = rows[3 * oh + 2];
            int rowLo = xb + (h0 + iLo * dH) * xr, rowHi = xb + (h0 + iHi * dH) * xr, dRow = dH * xr;
            for (int ow = 0; ow < g.outW; ow++) {
                int w0 = cols[3 * ow], jLo = cols[3 * ow + 1], jHi = cols[3 * ow + 2];
                int colLo = (w0 + jLo * dW) * xc, colHi = (w0 + jHi * dW) * xc;
                int o = yb + oh * yr + ow * yc;
                if (max) {
                    float m = -Float.MAX_VALUE;
                    int at = rowLo + colLo; // libnd4j's choice when no tap beats -MAX_VALUE
                    for (int row = rowLo; row < rowHi; row += dRow) {
                        for (int k = row + colLo; k < row + colHi; k += dwx) {
                            float v = x[k];
                            at = v > m ? k : at;
                            m = Math.max(m, v);
                        }
                    }
                    if (m == 0 || m != m) {
                        m = -Float.MAX_VALUE;
                        at = rowLo + colLo;
                        for (int row = rowLo; row < rowHi; row += dRow) {
                            for (int k = row + colLo; k < row + colHi; k += dwx) {
                                if (x[k] > m) {
                                    m = x[k];
                                    at = k;
                                }
                            }
                        }
                    }
                    if (backward) {
                        z[at] += e[o];
                    } else {
                        z[o] = m;
                    }
                } else {
                    float divisor = countPadding ? kH * kW : (iHi - iLo) * (jHi - jLo);
                    if (backward) {
                        float v = e[o] / divisor;
                        for (int row = rowLo; row < rowHi; row += dRow) {
                            for (int k = row + colLo; k < row + colHi; k += dwx) {
                                z[k] += v;
                            }
                        }
                    } else {
                        float sum = 0;
                        for (int row = rowLo; row < rowHi; row += dRow) {
                            for (int k = row + colLo; k < row + colHi; k += dwx) {
                                sum += x[k];
                            }
                        }
                        z[o] = sum / divisor;
                    }
                }
            }
        }
    }

    private void planeD(Geometry g, Scratch s, int c, boolean backward) {
        int xc = channelsLast ? g.c : 1;
        int xb = channelsLast ? c : c * g.inH * g.inW;
        int xr = g.inW * xc;
        int yc = channelsLast ? g.c : 1;
        int yb = channelsLast ? c : c * g.outH * g.outW;
        int yr = g.outW * yc;
        double[] x = s.xd, e = s.ed, z = s.zd;
        int[] rows = g.rows, cols = g.cols;
        boolean max = pooling == Pooling.MAX;
        boolean countPadding = pooling == Pooling.AVERAGE_INCLUDING_PADDING;
        int dwx = dW * xc;
        for (int oh = 0; oh < g.outH; oh++) {
            int h0 = rows[3 * oh], iLo = rows[3 * oh + 1], iHi = rows[3 * oh + 2];
            int rowLo = xb + (h0 + iLo * dH) * xr, rowHi = xb + (h0 + iHi * dH) * xr, dRow = dH * xr;
            for (int ow = 0; ow < g.outW; ow++) {
                int w0 = cols[3 * ow], jLo = cols[3 * ow + 1], jHi = cols[3 * ow + 2];
                int colLo = (w0 + jLo * dW) * xc, colHi = (w0 + jHi * dW) * xc;
                int o = yb + oh * yr + ow * yc;
                if (max) {
                    double m = -Double.MAX_VALUE;
                    int at = rowLo + colLo; // libnd4j's choice when no tap beats -MAX_VALUE
                    for (int row = rowLo; row < rowHi; row += dRow) {
                        for (int k = row + colLo; k < row + colHi; k += dwx) {
                            double v = x[k];
                            at = v > m ? k : at;
                            m = Math.max(m, v);
                        }
                    }
                    if (m == 0 || m != m) {
                        m = -Double.MAX_VALUE;
                        at = rowLo + colLo;
                        for (int row = rowLo; row < rowHi; row += dRow) {
                            for (int k = row + colLo; k < row + colHi; k += dwx) {
                                if (x[k] > m) {
                                    m = x[k];
                                    at = k;
                                }
                            }
                        }
                    }
                    if (backward) {
                        z[at] += e[o];
                    } else {
                        z[o] = m;
                    }
                } else {
                    double divisor = countPadding ? kH * kW : (iHi - iLo) * (jHi - jLo);
                    if (backward) {
                        double v = e[o] / divisor;
                        for (int row = rowLo; row < rowHi; row += dRow) {
                            for (int k = row + colLo; k < row + colHi; k += dwx) {
                                z[k] += v;
                            }
                        }
                    } else {
                        double sum = 0;
                        for (int row = rowLo; row < rowHi; row += dRow) {
                            for (int k = row + colLo; k < row + colHi; k += dwx) {
                                sum += x[k];
                            }
                        }
                        z[o] = sum / divisor;
                    }
                }
            }
        }
    }

    @Override
    public String toString() {
        return "PoolingKernel{" + pooling + ", kernel " + kH + "x" + kW + ", stride " + sH + "x" + sW
                + (same ? ", Same" : ", padding " + pH + "x" + pW) + ", dilation " + dH + "x" + dW
                + (channelsLast ? ", NHWC" : ", NCHW") + "}";
    }
}
