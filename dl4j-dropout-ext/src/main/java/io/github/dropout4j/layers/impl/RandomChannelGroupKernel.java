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
 * <p>Forward, per group {@code g} (a loop over groups, never over pixels): gather the group's S input channels with
 * libnd4j's {@code gather} op, run libnd4j's {@code conv2d} (oneDNN on x86 for float) with the group's weights, and
 * write the {@code m} output channels into their slice of the output. Backward: {@code conv2d_bp} per group gives
 * the weight and bias gradients in place and the gradient of the gathered input; those are summed back onto the
 * input channels with one {@code unsorted_segment_sum} (a channel wired to several groups accumulates).
 *
 * <p>Instances hold only the immutable wiring and geometry; they are safe to share between threads.
 */
public final class RandomChannelGroupKernel {

    private static final int[] DILATION = {1, 1};

    private final int[][] wiring;
    private final int nIn;
    private final int[] kernel;
    private final int[] stride;
    private final int[] padding;
    private final ConvolutionMode mode;
    private final INDArray[] groupIndices;
    private INDArray segmentIds;

    /**
     * @param wiring  int[groups][S] input channels of each group (not copied; must not be modified)
     * @param nIn     input channels
     * @param kernel  {kH, kW}
     * @param stride  {sH, sW}
     * @param padding {pH, pW} (ignored in {@link ConvolutionMode#Same})
     * @param mode    Truncate, Strict or Same
     */
    public RandomChannelGroupKernel(int[][] wiring, int nIn, int[] kernel, int[] stride, int[] padding,
                                    ConvolutionMode mode) {
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
        try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {   // kept across iterations
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
        return ConvolutionUtils.getOutputSize(input, kernel, stride, mode == ConvolutionMode.Same ? null : padding,
                mode, DILATION, CNN2DFormat.NCHW);
    }

    private int[] pads(INDArray input, int[] outSize) {
        if (mode == ConvolutionMode.Same) {
            return ConvolutionUtils.getSameModeTopLeftPadding(outSize,
                    new int[]{(int) input.size(2), (int) input.size(3)}, kernel, stride, DILATION);
        }
        return padding;
    }

    private int[] convArgs(int[] pad) {
        return new int[]{kernel[0], kernel[1], stride[0], stride[1], pad[0], pad[1], DILATION[0], DILATION[1],
                mode == ConvolutionMode.Same ? 1 : 0, 0 /* NCHW */, 1 /* weights [oC, iC, kH, kW] */};
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
        INDArray out = Nd4j.createUninitialized(input.dataType(), input.size(0), wiring[g].length, input.size(2),
                input.size(3));
        Nd4j.exec(DynamicCustomOp.builder("gather").addInputs(input, groupIndices[g]).addOutputs(out)
                .addIntegerArguments(1).build());
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
        long mb = input.size(0);
        long m = weights.size(1);
        boolean direct = out.ordering() == 'c' && mb == 1;
        for (int g = 0; g < groups(); g++) {
            INDArray x = gather(input, g);
            INDArray w = weights.get(NDArrayIndex.point(g), NDArrayIndex.all(), NDArrayIndex.all(),
                    NDArrayIndex.all(), NDArrayIndex.all());
            INDArray zSlice = out.get(NDArrayIndex.all(), NDArrayIndex.interval(g * m, (g + 1) * m),
                    NDArrayIndex.all(), NDArrayIndex.all());
            INDArray z = direct ? zSlice : Nd4j.createUninitialized(out.dataType(), mb, m, outSize[0], outSize[1]);
            INDArray[] in = bias == null ? new INDArray[]{x, w}
                    : new INDArray[]{x, w, bias.get(NDArrayIndex.interval(g * m, (g + 1) * m))};
            Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(in).addOutputs(z).addIntegerArguments(args)
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
    public void backward(INDArray input, INDArray weights, INDArray delta, INDArray weightGrad, INDArray biasGrad,
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
        for (int g = 0; g < groups(); g++) {
            INDArray x = gather(input, g);
            INDArray w = weights.get(NDArrayIndex.point(g), NDArrayIndex.all(), NDArrayIndex.all(),
                    NDArrayIndex.all(), NDArrayIndex.all());
            INDArray d = delta.get(NDArrayIndex.all(), NDArrayIndex.interval(g * m, (g + 1) * m), NDArrayIndex.all(),
                    NDArrayIndex.all()).dup('c');
            INDArray gx = Nd4j.createUninitialized(dt, x.shape());
            INDArray gw = Nd4j.createUninitialized(dt, w.shape());
            INDArray gb = biasGrad == null ? null : Nd4j.createUninitialized(dt, m);
            // conv2d_bp reads only the bias's shape
            INDArray[] in = gb == null ? new INDArray[]{x, w, d} : new INDArray[]{x, w, Nd4j.zeros(dt, m), d};
            INDArray[] out = gb == null ? new INDArray[]{gx, gw} : new INDArray[]{gx, gw, gb};
            Nd4j.exec(DynamicCustomOp.builder("conv2d_bp").addInputs(in).addOutputs(out).addIntegerArguments(args)
                    .build());
            weightGrad.get(NDArrayIndex.point(g), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(),
                    NDArrayIndex.all()).assign(gw);
            if (gb != null) {
                biasGrad.get(NDArrayIndex.interval(g * m, (g + 1) * m)).assign(gb);
            }
            gatheredGradT.get(NDArrayIndex.interval((long) g * s, (long) (g + 1) * s), NDArrayIndex.all(),
                    NDArrayIndex.all(), NDArrayIndex.all()).assign(gx.permute(1, 0, 2, 3));
        }
        INDArray summedT = Nd4j.createUninitialized(dt, nIn, mb, input.size(2), input.size(3));
        Nd4j.exec(DynamicCustomOp.builder("unsorted_segment_sum").addInputs(gatheredGradT, segmentIds)
                .addOutputs(summedT).addIntegerArguments(nIn).build());
        inputGrad.assign(summedT.permute(1, 0, 2, 3));
    }
}
