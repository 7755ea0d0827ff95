package io.github.dropout4j.layers.impl;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.util.ConvolutionUtils;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The arithmetic of a random-channel-group convolution, apart from DL4J's layer glue, so it can be benchmarked and
 * tested alone. All arrays NCHW; weights {@code [groups, m, S, kH, kW]} with {@code m = nOut / groups}.
 *
 * <p>Two ways to compute the same function, chosen per layer by size ({@link #DENSE_MACS_PER_EXAMPLE}):
 * <ul>
 *   <li><b>Per group</b> (large layers; a loop over groups, never over pixels): gather the group's S input channels
 *   with libnd4j's {@code gather} op, run libnd4j's {@code conv2d} (oneDNN on x86 for float) with the group's
 *   weights, and write the {@code m} output channels into their slice of the output. Backward: {@code conv2d_bp}
 *   per group gives the weight and bias gradients and the gradient of the gathered input; those are summed back
 *   onto the input channels with one {@code unsorted_segment_sum} (a channel wired to several groups
 *   accumulates).</li>
 *   <li><b>Block-diagonal</b> (small layers): one {@code gather} of all groups' channels side by side
 *   ({@code [mb, G*S, h, w]}) and one {@code conv2d} / {@code conv2d_bp} with a dense {@code [nOut, G*S, kH, kW]}
 *   weight that is zero outside the diagonal blocks (block g = the group's weights). The zeros add exact zeros to
 *   every sum, so outputs and gradients are the per-group ones up to the order of floating-point additions; the
 *   weight gradient is read off the diagonal blocks. It does G times the multiply-adds, but one native call
 *   instead of about ten per group: at the zoo's tiny sizes the per-group calls cost far more than the arithmetic
 *   (and oneDNN's backward pass of a 1- or 2-channel convolution took ~10-16 ms per call here).</li>
 * </ul>
 *
 * <p>Instances hold only the immutable wiring and geometry; they are safe to share between threads.
 */
public final class RandomChannelGroupKernel {

    private static final int[] DILATION = {1, 1};

    /**
     * Layers whose block-diagonal form costs at most this many multiply-adds per example
     * ({@code nOut * G*S * kH * kW * outH * outW}) use it; larger ones loop over groups. The zoo's tiny variants
     * (e.g. the CLI's {@code hinton-imagenet}: at most 0.12 M) are far below, the papers' sizes (from 36 M for
     * the Hinton net's conv3 at 13x13 upward) far above.
     */
    public static final long DENSE_MACS_PER_EXAMPLE = 1L << 22;

    private final int[][] wiring;
    private final int nIn;
    private final int[] kernel;
    private final int[] stride;
    private final int[] padding;
    private final ConvolutionMode mode;
    private final INDArray[] groupIndices;
    private final long denseMacsLimit;
    private INDArray segmentIds;

    /**
     * @param wiring  int[groups][S] input channels of each group (not copied; must not be modified)
     * @param nIn     input channels
     * @param kernel  {kH, kW}
     * @param stride  {sH, sW}
     * @param padding {pH, pW} (ignored in {@link ConvolutionMode#Same})
     * @param mode    Truncate, Strict or Same
     */
    public RandomChannelGroupKernel(
            int[][] wiring, int nIn, int[] kernel, int[] stride, int[] padding, ConvolutionMode mode) {
        this(wiring, nIn, kernel, stride, padding, mode, DENSE_MACS_PER_EXAMPLE);
    }

    /**
     * As above, with the size limit of the block-diagonal form: 0 always loops over groups,
     * {@code Long.MAX_VALUE} always uses the block-diagonal form (for tests and benchmarks).
     */
    public RandomChannelGroupKernel(
            int[][] wiring,
            int nIn,
            int[] kernel,
            int[] stride,
            int[] padding,
            ConvolutionMode mode,
            long denseMacsLimit) {
        this.denseMacsLimit = denseMacsLimit;
        this.wiring = wiring;
        this.nIn = nIn;
        this.kernel = kernel.clone();
        this.stride = stride.clone();
        this.padding = padding.clone();
        this.mode = mode;
        int groups = wiring.length;
        int s = wiring[0].length;
        this.groupIndices = new INDArray[groups];
        int[] all = new int[groups * s];
        try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) { // kept across iterations
            for (int g = 0; g < groups; g++) {
                groupIndices[g] = Nd4j.createFromArray(wiring[g].clone());
                System.arraycopy(wiring[g], 0, all, g * s, s);
            }
            this.segmentIds = Nd4j.createFromArray(all);
        }
    }

    public int groups() {
        return wiring.length;
    }

    public int channelsPerGroup() {
        return wiring[0].length;
    }

    /** {outH, outW} for an input {@code [mb, nIn, h, w]}. */
    public int[] outputSize(INDArray input) {
        return ConvolutionUtils.getOutputSize(
                input, kernel, stride, mode == ConvolutionMode.Same ? null : padding, mode, DILATION, CNN2DFormat.NCHW);
    }

    private int[] pads(INDArray input, int[] outSize) {
        if (mode == ConvolutionMode.Same) {
            return ConvolutionUtils.getSameModeTopLeftPadding(
                    outSize, new int[] {(int) input.size(2), (int) input.size(3)}, kernel, stride, DILATION);
        }
        return padding;
    }

    private int[] convArgs(int[] pad) {
        return new int[] {
            kernel[0],
            kernel[1],
            stride[0],
            stride[1],
            pad[0],
            pad[1],
            DILATION[0],
            DILATION[1],
            mode == ConvolutionMode.Same ? 1 : 0,
            0 /* NCHW */,
            1 /* weights [oC, iC, kH, kW] */
        };
    }

    private void checkInput(INDArray input, INDArray weights) {
        if (input.rank() != 4 || input.size(1) != nIn) {
            throw new IllegalArgumentException("RandomChannelGroupConvolution expects input [minibatch, " + nIn
                    + ", h, w] (NCHW), got " + java.util.Arrays.toString(input.shape()));
        }
        if (weights.rank() != 5 || weights.size(0) != groups() || weights.size(2) != channelsPerGroup()) {
            throw new IllegalArgumentException("weights must be [" + groups() + ", m, " + channelsPerGroup()
                    + ", kH, kW], got " + java.util.Arrays.toString(weights.shape()));
        }
    }

    /** The S input channels of group {@code g}: {@code [mb, S, h, w]}, a new contiguous array. */
    public INDArray gather(INDArray input, int g) {
        INDArray out = Nd4j.createUninitialized(
                input.dataType(), input.size(0), wiring[g].length, input.size(2), input.size(3));
        Nd4j.exec(DynamicCustomOp.builder("gather")
                .addInputs(input, groupIndices[g])
                .addOutputs(out)
                .addIntegerArguments(1)
                .build());
        return out;
    }

    /**
     * z = grouped convolution of {@code input} plus bias, written into {@code out}
     * {@code [mb, nOut, outH, outW]} (allocated by the caller, e.g. in a DL4J workspace).
     *
     * @param bias {@code [nOut]} or null
     */
    public INDArray forward(INDArray input, INDArray weights, INDArray bias, INDArray out) {
        checkInput(input, weights);
        int[] outSize = outputSize(input);
        int[] args = convArgs(pads(input, outSize));
        if (blockDiagonal(weights, outSize)) {
            INDArray z = out.ordering() == 'c' && !out.isView()
                    ? out
                    : Nd4j.createUninitialized(out.dataType(), out.shape());
            INDArray[] in = bias == null
                    ? new INDArray[] {gatherAll(input), blockDiagonalWeights(weights)}
                    : new INDArray[] {gatherAll(input), blockDiagonalWeights(weights), bias};
            Nd4j.exec(DynamicCustomOp.builder("conv2d")
                    .addInputs(in)
                    .addOutputs(z)
                    .addIntegerArguments(args)
                    .build());
            return z == out ? out : out.assign(z);
        }
        long mb = input.size(0);
        long m = weights.size(1);
        boolean direct = out.ordering() == 'c' && mb == 1;
        for (int g = 0; g < groups(); g++) {
            INDArray x = gather(input, g);
            INDArray w = group(weights, g);
            INDArray zSlice = out.get(
                    NDArrayIndex.all(),
                    NDArrayIndex.interval(g * m, (g + 1) * m),
                    NDArrayIndex.all(),
                    NDArrayIndex.all());
            INDArray z = direct ? zSlice : Nd4j.createUninitialized(out.dataType(), mb, m, outSize[0], outSize[1]);
            INDArray[] in = bias == null
                    ? new INDArray[] {x, w}
                    : new INDArray[] {x, w, bias.get(NDArrayIndex.interval(g * m, (g + 1) * m))};
            Nd4j.exec(DynamicCustomOp.builder("conv2d")
                    .addInputs(in)
                    .addOutputs(z)
                    .addIntegerArguments(args)
                    .build());
            if (!direct) {
                zSlice.assign(z);
            }
        }
        return out;
    }

    /**
     * Gradients of the grouped convolution.
     *
     * @param input      the forward input {@code [mb, nIn, h, w]}
     * @param weights    the forward weights
     * @param delta      dL/dz {@code [mb, nOut, outH, outW]}
     * @param weightGrad written: dL/dW, same shape as weights
     * @param biasGrad   written: dL/db {@code [nOut]}, or null when the layer has no bias
     * @param inputGrad  written: dL/dinput {@code [mb, nIn, h, w]}
     */
    public void backward(
            INDArray input,
            INDArray weights,
            INDArray delta,
            INDArray weightGrad,
            INDArray biasGrad,
            INDArray inputGrad) {
        checkInput(input, weights);
        int[] outSize = outputSize(input);
        int[] args = convArgs(pads(input, outSize));
        long mb = input.size(0);
        long m = weights.size(1);
        int s = channelsPerGroup();
        DataType dt = input.dataType();
        // dL/d(gathered input), channel-major [G*S, mb, h, w] so that one segment sum over dim 0 scatters it back
        INDArray gatheredGradT = Nd4j.createUninitialized(dt, (long) groups() * s, mb, input.size(2), input.size(3));
        if (blockDiagonal(weights, outSize)) {
            INDArray x = gatherAll(input);
            INDArray wDense = blockDiagonalWeights(weights);
            INDArray gx = Nd4j.createUninitialized(dt, x.shape());
            INDArray gw = Nd4j.createUninitialized(dt, wDense.shape());
            INDArray d = delta.ordering() == 'c' && !delta.isView() ? delta : delta.dup('c');
            // conv2d_bp reads only the bias's shape
            INDArray[] in = biasGrad == null
                    ? new INDArray[] {x, wDense, d}
                    : new INDArray[] {x, wDense, Nd4j.zeros(dt, weights.size(0) * m), d};
            INDArray[] out = biasGrad == null
                    ? new INDArray[] {gx, gw}
                    : new INDArray[] {gx, gw, Nd4j.createUninitialized(dt, weights.size(0) * m)};
            Nd4j.exec(DynamicCustomOp.builder("conv2d_bp")
                    .addInputs(in)
                    .addOutputs(out)
                    .addIntegerArguments(args)
                    .build());
            weightGrad.assign(diagonalBlocks(gw, weights.shape()));
            if (biasGrad != null) {
                biasGrad.assign(out[2]);
            }
            gatheredGradT.assign(gx.permute(1, 0, 2, 3));
        }
        for (int g = 0; g < (blockDiagonal(weights, outSize) ? 0 : groups()); g++) {
            INDArray x = gather(input, g);
            INDArray w = group(weights, g);
            INDArray d = delta.get(
                            NDArrayIndex.all(),
                            NDArrayIndex.interval(g * m, (g + 1) * m),
                            NDArrayIndex.all(),
                            NDArrayIndex.all())
                    .dup('c');
            INDArray gx = Nd4j.createUninitialized(dt, x.shape());
            INDArray gw = Nd4j.createUninitialized(dt, w.shape());
            INDArray gb = biasGrad == null ? null : Nd4j.createUninitialized(dt, m);
            // conv2d_bp reads only the bias's shape
            INDArray[] in = gb == null ? new INDArray[] {x, w, d} : new INDArray[] {x, w, Nd4j.zeros(dt, m), d};
            INDArray[] out = gb == null ? new INDArray[] {gx, gw} : new INDArray[] {gx, gw, gb};
            Nd4j.exec(DynamicCustomOp.builder("conv2d_bp")
                    .addInputs(in)
                    .addOutputs(out)
                    .addIntegerArguments(args)
                    .build());
            group(weightGrad, g).assign(gw);
            if (gb != null) {
                biasGrad.get(NDArrayIndex.interval(g * m, (g + 1) * m)).assign(gb);
            }
            gatheredGradT
                    .get(
                            NDArrayIndex.interval((long) g * s, (long) (g + 1) * s),
                            NDArrayIndex.all(),
                            NDArrayIndex.all(),
                            NDArrayIndex.all())
                    .assign(gx.permute(1, 0, 2, 3));
        }
        INDArray summedT = Nd4j.createUninitialized(dt, nIn, mb, input.size(2), input.size(3));
        Nd4j.exec(DynamicCustomOp.builder("unsorted_segment_sum")
                .addInputs(gatheredGradT, segmentIds)
                .addOutputs(summedT)
                .addIntegerArguments(nIn)
                .build());
        inputGrad.assign(summedT.permute(1, 0, 2, 3));
    }

    /**
     * Group {@code g}'s weights {@code [m, S, kH, kW]} of a {@code [G, m, S, kH, kW]} array, as a view. Built from the
     * buffer and strides: ND4J's {@code get(point(g), all(), ...)} returned an empty array for some weight arrays at
     * the papers' sizes (the Hinton net's conv2 at widths / 2 and / 1).
     */
    private static INDArray group(INDArray a, int g) {
        long[] st = a.stride();
        return Nd4j.create(
                a.data(),
                new long[] {a.size(1), a.size(2), a.size(3), a.size(4)},
                new long[] {st[1], st[2], st[3], st[4]},
                a.offset() + g * st[0],
                a.ordering(),
                a.dataType());
    }

    /** Whether this call uses the block-diagonal form (see the class doc): more than one group and small enough. */
    private boolean blockDiagonal(INDArray weights, int[] outSize) {
        long inAll = (long) groups() * channelsPerGroup();
        long macs = weights.size(0) * weights.size(1) * inAll * kernel[0] * kernel[1] * outSize[0] * outSize[1];
        return groups() > 1 && macs <= denseMacsLimit;
    }

    /** All groups' input channels side by side, group by group: {@code [mb, G*S, h, w]}, a new contiguous array. */
    private INDArray gatherAll(INDArray input) {
        INDArray out = Nd4j.createUninitialized(
                input.dataType(), input.size(0), segmentIds.length(), input.size(2), input.size(3));
        Nd4j.exec(DynamicCustomOp.builder("gather")
                .addInputs(input, segmentIds)
                .addOutputs(out)
                .addIntegerArguments(1)
                .build());
        return out;
    }

    /** {@code [G*m, G*S, kH, kW]}, zero except block g (rows g*m.., columns g*S..) = the group's weights. */
    private static INDArray blockDiagonalWeights(INDArray weights) {
        long[] ws = weights.shape(); // [G, m, S, kH, kW]
        INDArray dense = Nd4j.zeros(weights.dataType(), ws[0] * ws[1], ws[0] * ws[2], ws[3], ws[4]);
        diagonalBlocks(dense, ws).assign(weights);
        return dense;
    }

    /**
     * The diagonal blocks of a contiguous {@code [G*m, G*S, kH, kW]} array as a {@code [G, m, S, kH, kW]} view:
     * element {@code (g, i, s, a, b)} is {@code dense(g*m + i, g*S + s, a, b)}.
     */
    private static INDArray diagonalBlocks(INDArray dense, long[] ws) {
        if (dense.ordering() != 'c' || dense.isView()) {
            throw new IllegalStateException("expected a contiguous 'c' array");
        }
        long k = ws[3] * ws[4];
        long row = ws[0] * ws[2] * k; // stride of one output filter in the dense array
        long[] strides = {ws[1] * row + ws[2] * k, row, k, ws[4], 1};
        return Nd4j.create(dense.data(), ws.clone(), strides, dense.offset(), 'c', dense.dataType());
    }
}
