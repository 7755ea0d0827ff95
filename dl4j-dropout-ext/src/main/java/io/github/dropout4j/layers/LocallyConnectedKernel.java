package io.github.dropout4j.layers;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.convolution.Convolution;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The arithmetic of {@link LocallyConnected2D}, apart from the DL4J glue so that it can be tested and benchmarked
 * alone. Shapes ({@code P = outH * outW} positions, {@code K = nIn * kH * kW} values per patch):
 * <pre>
 *   input   x      [minibatch, nIn, inH, inW]          (NCHW)
 *   patches C      [P, minibatch, K]                   im2col, position-major, K in (channel, ky, kx) order
 *   weights W      [P, K, nOut]      biases b [P, nOut]
 *   forward Z      [P, minibatch, nOut] = C[q] . W[q] + b[q]          one batched GEMM over q
 *   output         [minibatch, nOut, outH, outW]       a permuted view of Z ({@link #toNchw})
 *   backward, D = dL/dZ [P, minibatch, nOut]:
 *     dW[q] = C[q]^T . D[q]      db[q] = sum_n D[q, n]      dC[q] = D[q] . W[q]^T,  dL/dx = col2im(dC)
 * </pre>
 * The position-major patch layout is produced directly by {@code im2col} writing into a permuted view, so the
 * batched products need no copies. There are no Java loops over positions or pixels.
 *
 * <pre>{@code
 * LocallyConnectedKernel k = LocallyConnectedKernel.of(4, 4, 3, 3, 1, 1, 0, 0, true);   // 4x4 in, Same -> 4x4 out
 * INDArray c = k.patches(x, Nd4j.createUninitialized(x.dataType(), k.positions(), mb, nIn * 9));
 * INDArray z = Nd4j.createUninitialized(x.dataType(), k.positions(), mb, nOut);
 * k.forward(c, w, b, z);
 * INDArray y = LocallyConnectedKernel.toNchw(z, k.outHeight(), k.outWidth());
 * }</pre>
 */
public final class LocallyConnectedKernel {

    private final int inH;
    private final int inW;
    private final int kH;
    private final int kW;
    private final int sH;
    private final int sW;
    private final int padTop;
    private final int padLeft;
    private final int outH;
    private final int outW;
    private final boolean same;

    private LocallyConnectedKernel(
            int inH,
            int inW,
            int kH,
            int kW,
            int sH,
            int sW,
            int padTop,
            int padLeft,
            int outH,
            int outW,
            boolean same) {
        this.inH = inH;
        this.inW = inW;
        this.kH = kH;
        this.kW = kW;
        this.sH = sH;
        this.sW = sW;
        this.padTop = padTop;
        this.padLeft = padLeft;
        this.outH = outH;
        this.outW = outW;
        this.same = same;
    }

    /**
     * @param same true: {@code ConvolutionMode.Same} ({@code out = ceil(in / s)}, {@code padH, padW} ignored);
     *             false: Truncate ({@code out = floor((in + 2 pad - k) / s) + 1})
     * @throws IllegalArgumentException naming the values, if the kernel does not fit or a size is not positive
     */
    public static LocallyConnectedKernel of(
            int inH, int inW, int kH, int kW, int sH, int sW, int padH, int padW, boolean same) {
        if (inH < 1 || inW < 1 || kH < 1 || kW < 1 || sH < 1 || sW < 1 || padH < 0 || padW < 0) {
            throw new IllegalArgumentException("locally connected geometry: sizes must be positive, got input "
                    + inH + "x" + inW + ", kernel " + kH + "x" + kW + ", stride " + sH + "x" + sW + ", padding "
                    + padH + "x" + padW);
        }
        if (same) {
            int oH = (inH + sH - 1) / sH;
            int oW = (inW + sW - 1) / sW;
            int pT = Math.max(0, (oH - 1) * sH + kH - inH) / 2;
            int pL = Math.max(0, (oW - 1) * sW + kW - inW) / 2;
            return new LocallyConnectedKernel(inH, inW, kH, kW, sH, sW, pT, pL, oH, oW, true);
        }
        if (inH + 2 * padH < kH || inW + 2 * padW < kW) {
            throw new IllegalArgumentException("locally connected geometry: kernel " + kH + "x" + kW
                    + " does not fit input " + inH + "x" + inW + " with padding " + padH + "x" + padW);
        }
        int oH = (inH + 2 * padH - kH) / sH + 1;
        int oW = (inW + 2 * padW - kW) / sW + 1;
        return new LocallyConnectedKernel(inH, inW, kH, kW, sH, sW, padH, padW, oH, oW, false);
    }

    public int outHeight() {
        return outH;
    }

    public int outWidth() {
        return outW;
    }

    /** @return {@code P = outH * outW} */
    public int positions() {
        return outH * outW;
    }

    /** @return zero rows added above the input (Same mode: the smaller half of the total) */
    public int padTop() {
        return padTop;
    }

    /** @return zero columns added left of the input */
    public int padLeft() {
        return padLeft;
    }

    /**
     * im2col into position-major patches.
     *
     * @param input NCHW {@code [mb, nIn, inH, inW]}
     * @param out   c-order {@code [P, mb, nIn*kH*kW]}, overwritten
     * @return {@code out}
     */
    public INDArray patches(INDArray input, INDArray out) {
        requireInput(input);
        requireCContiguous("patches", out);
        long mb = input.size(0);
        long c = input.size(1);
        // [outH, outW, mb, c, kH, kW] c-order == [P, mb, K]; im2col wants [mb, c, kH, kW, outH, outW]
        INDArray col6 = out.reshape('c', outH, outW, mb, c, kH, kW).permute(2, 3, 4, 5, 0, 1);
        Convolution.im2col(input, kH, kW, sH, sW, padTop, padLeft, 1, 1, same, col6);
        return out;
    }

    /** {@code z[q] = patches[q] . w[q] + b[q]}; {@code z} is {@code [P, mb, nOut]}, overwritten. */
    public void forward(INDArray patches, INDArray w, INDArray b, INDArray z) {
        Nd4j.matmul(patches, w, z, false, false, false);
        Nd4j.getExecutioner().exec(new BroadcastAddOp(z, b, z, 0, 2));
    }

    /** {@code dW[q] = patches[q]^T . delta[q]}, written into {@code dW} {@code [P, K, nOut]}. */
    public void weightGradient(INDArray patches, INDArray delta, INDArray dW) {
        Nd4j.matmul(patches, delta, dW, true, false, false);
    }

    /** {@code db[q] = sum over the minibatch of delta[q]}, written into {@code db} {@code [P, nOut]}. */
    public void biasGradient(INDArray delta, INDArray db) {
        delta.sum(db, 1);
    }

    /**
     * {@code dL/dx = col2im(delta[q] . w[q]^T)}.
     *
     * @param dPatches scratch {@code [P, mb, K]} c-order
     * @param epsOut   {@code [mb, nIn, inH, inW]}, overwritten
     */
    public void inputGradient(INDArray delta, INDArray w, INDArray dPatches, INDArray epsOut) {
        requireCContiguous("dPatches", dPatches);
        Nd4j.matmul(delta, w, dPatches, false, true, false);
        long mb = epsOut.size(0);
        long c = epsOut.size(1);
        INDArray col6 = dPatches.reshape('c', outH, outW, mb, c, kH, kW).permute(2, 3, 4, 5, 0, 1);
        Convolution.col2im(col6, epsOut, sH, sW, padTop, padLeft, inH, inW, 1, 1);
    }

    /** View of {@code z [P, mb, nOut]} (c-order) as NCHW {@code [mb, nOut, outH, outW]}; no copy. */
    public static INDArray toNchw(INDArray z, int outH, int outW) {
        return z.reshape('c', outH, outW, z.size(1), z.size(2)).permute(2, 3, 0, 1);
    }

    /** NCHW {@code [mb, nOut, outH, outW]} as c-order {@code [P, mb, nOut]} (a copy unless already laid out so). */
    public static INDArray fromNchw(INDArray nchw) {
        long mb = nchw.size(0);
        long nOut = nchw.size(1);
        return nchw.permute(2, 3, 0, 1).reshape('c', nchw.size(2) * nchw.size(3), mb, nOut);
    }

    private static void requireCContiguous(String what, INDArray a) {
        if (!isCContiguous(a)) {
            throw new IllegalArgumentException(what + " must be a c-order array with default strides (it is "
                    + "written through a reshaped view), got "
                    + a.shapeInfoToString().replace('\n', ' '));
        }
    }

    /** Element {@code i} in C order at buffer offset {@code i}; size-1 dimensions (any stride) ignored. */
    private static boolean isCContiguous(INDArray a) {
        long expected = 1;
        for (int d = a.rank() - 1; d >= 0; d--) {
            if (a.size(d) != 1 && a.stride(d) != expected) {
                return false;
            }
            expected *= a.size(d);
        }
        return true;
    }

    private void requireInput(INDArray input) {
        if (input.rank() != 4 || input.size(2) != inH || input.size(3) != inW) {
            throw new IllegalArgumentException("locally connected layer expects input [minibatch, channels, " + inH
                    + ", " + inW + "] (NCHW), got " + java.util.Arrays.toString(input.shape()));
        }
    }

    @Override
    public String toString() {
        return "LocallyConnectedKernel(in=" + inH + "x" + inW + ", kernel=" + kH + "x" + kW + ", stride=" + sH + "x"
                + sW + ", pad=" + padTop + "," + padLeft + (same ? " (Same)" : "") + ", out=" + outH + "x" + outW
                + ")";
    }
}
