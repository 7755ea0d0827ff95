package io.github.dropout4j.layers.impl;

import io.github.dropout4j.kernel.ChannelSums;
import io.github.dropout4j.kernel.HeapBlocks;
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
 *   per group gives the weight gradient and the gradient of the gathered input; those are summed back onto the
 *   input channels with one {@code unsorted_segment_sum} (a channel wired to several groups accumulates). The bias
 *   gradient is summed in plain Java for FLOAT and DOUBLE (see below), in each group's {@code conv2d_bp}
 *   otherwise.</li>
 *   <li><b>Scattered</b> (small FLOAT and DOUBLE layers): one {@code conv2d} of the input as it is with a dense
 *   {@code [nOut, nIn, kH, kW]} weight that holds each group's weights at its wired channels and zeros elsewhere
 *   ({@code Wfull[g*m + i, wiring[g][s]] = W[g, i, s]}); backward one {@code conv2d_bp} with the same weight,
 *   whose input gradient is dL/dinput itself (a channel wired to several groups accumulates inside the
 *   convolution) and whose weight gradient, read at the wired channels, is dL/dW. No gather, no segment sum, no
 *   copies of activations (unless handed views); the weight is scattered and its gradient gathered in plain Java
 *   over heap copies (a few thousand numbers at these sizes), and the bias gradient is summed in plain Java too
 *   (inside {@code conv2d_bp} it cost ~4 ms per call at some channel counts on 2 loaded cores, 0.4-0.7 ms
 *   without). The zeros add exact zeros to every sum, so outputs and gradients are the
 *   per-group ones up to the order of floating-point additions (unless an input holds an infinity or NaN, which a
 *   zero weight turns into NaN in every filter's output near it). It does {@code nIn / S} times the multiply-adds of the per-group
 *   form, but in one native call instead of about ten per group: at the zoo's tiny sizes the per-group calls cost
 *   far more than the arithmetic (oneDNN's backward pass of a 1- or 2-channel convolution took ~10-16 ms per call
 *   here).</li>
 * </ul>
 *
 * <p>Instances hold only the immutable wiring and geometry; they are safe to share between threads.
 */
public final class RandomChannelGroupKernel {

    private static final int[] DILATION = {1, 1};

    /**
     * Layers whose scattered form costs at most this many multiply-adds per example
     * ({@code nOut * nIn * kH * kW * outH * outW}) use it; larger ones loop over groups. The zoo's tiny variants
     * (the CLI's {@code alexnet-dropout} and {@code hinton-imagenet}: at most 0.12 M, AlexNet's conv2) are far below,
     * the papers' sizes (from 150 M, the Hinton net's conv3 and AlexNet's conv5 at 13x13, upward) far above.
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
     * As above, with the size limit of the scattered form: 0 always loops over groups (unless every group is wired
     * to all nIn channels), {@code Long.MAX_VALUE} always uses the scattered form for FLOAT and DOUBLE (for tests
     * and benchmarks).
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

    /** Whether {@link #forward} and {@link #backward} use the scattered form for these arrays (see the class doc). */
    public boolean usesScatteredForm(INDArray input, INDArray weights) {
        checkInput(input, weights);
        return scattered(weights, outputSize(input));
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
        if (scattered(weights, outSize)) {
            INDArray z = contiguous(out) ? out : Nd4j.createUninitialized(out.dataType(), out.shape());
            INDArray x = contiguous(input) ? input : input.dup('c');
            INDArray wFull = scatterWeights(weights);
            Nd4j.exec(DynamicCustomOp.builder("conv2d")
                    .addInputs(bias == null ? new INDArray[] {x, wFull} : new INDArray[] {x, wFull, bias})
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
        if (scattered(weights, outSize)) {
            backwardScattered(input, weights, delta, weightGrad, biasGrad, inputGrad, args);
            return;
        }
        long mb = input.size(0);
        long m = weights.size(1);
        int s = channelsPerGroup();
        DataType dt = input.dataType();
        // FLOAT and DOUBLE: the bias gradient summed in Java, once, rather than in each group's conv2d_bp
        boolean biasInJava = biasGrad != null && (dt == DataType.FLOAT || dt == DataType.DOUBLE);
        if (biasInJava) {
            ChannelSums.biasGradient(contiguous(delta) ? delta : delta.dup('c'), biasGrad);
        }
        // dL/d(gathered input), channel-major [G*S, mb, h, w] so that one segment sum over dim 0 scatters it back
        INDArray gatheredGradT = Nd4j.createUninitialized(dt, (long) groups() * s, mb, input.size(2), input.size(3));
        for (int g = 0; g < groups(); g++) {
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
            INDArray gb = biasGrad == null || biasInJava ? null : Nd4j.createUninitialized(dt, m);
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

    /** The scattered form's backward pass (see the class doc). */
    private void backwardScattered(
            INDArray input,
            INDArray weights,
            INDArray delta,
            INDArray weightGrad,
            INDArray biasGrad,
            INDArray inputGrad,
            int[] args) {
        DataType dt = input.dataType();
        INDArray x = contiguous(input) ? input : input.dup('c');
        INDArray d = contiguous(delta) ? delta : delta.dup('c');
        INDArray wFull = scatterWeights(weights);
        INDArray gx = contiguous(inputGrad) ? inputGrad : Nd4j.createUninitialized(dt, input.shape());
        INDArray gw = Nd4j.createUninitialized(dt, wFull.shape());
        // without the bias: its gradient inside conv2d_bp (a reduction over the minibatch and pixels) measured
        // ~4 ms per call on 2 loaded cores at some channel counts (20, 24, 36), against ~0.4 ms without it
        Nd4j.exec(DynamicCustomOp.builder("conv2d_bp")
                .addInputs(x, wFull, d)
                .addOutputs(gx, gw)
                .addIntegerArguments(args)
                .build());
        gatherWeightGrad(gw, weightGrad);
        if (biasGrad != null) {
            ChannelSums.biasGradient(d, biasGrad);
        }
        if (gx != inputGrad) {
            inputGrad.assign(gx);
        }
    }

    /**
     * Whether this call uses the scattered form (see the class doc): FLOAT or DOUBLE, and small enough or every
     * group wired to all input channels (then both forms do the same multiply-adds).
     */
    private boolean scattered(INDArray weights, int[] outSize) {
        DataType dt = weights.dataType();
        if (dt != DataType.FLOAT && dt != DataType.DOUBLE) {
            return false;
        }
        long macs = weights.size(0) * weights.size(1) * nIn * kernel[0] * kernel[1] * outSize[0] * outSize[1];
        return macs <= denseMacsLimit || channelsPerGroup() == nIn;
    }

    /** A 'c'-ordered array that owns its buffer from the start (no view), as the native ops are given. */
    private static boolean contiguous(INDArray a) {
        return a.ordering() == 'c' && !a.isView();
    }

    /** A 'c'-ordered array that is one dense run of memory, e.g. DL4J's view of a layer's weights. */

    /**
     * For each block {@code (g*m + i, s)} of {@code kH*kW} weights ({@code i < m}, {@code s < S}), in the order of a
     * 'c' {@code [G, m, S, kH, kW]} array, the offset of its copy in the 'c' {@code [G*m, nIn, kH, kW]} scattered
     * weight: channel {@code wiring[g][s]} of filter {@code g*m + i}.
     */
    private int[] scatteredOffsets(int m, int k) {
        int s = channelsPerGroup();
        int[] offsets = new int[groups() * m * s];
        for (int r = 0; r < groups() * m; r++) {
            int[] channels = wiring[r / m];
            for (int j = 0; j < s; j++) {
                offsets[r * s + j] = (r * nIn + channels[j]) * k;
            }
        }
        return offsets;
    }

    /**
     * {@code Wfull [G*m, nIn, kH, kW]}, zero except {@code Wfull[g*m + i, wiring[g][s]] = W[g, i, s]} (summed if a
     * row of the wiring listed a channel twice, which the layer's configuration refuses).
     */
    private INDArray scatterWeights(INDArray weights) {
        long[] ws = weights.shape();
        int k = (int) (ws[3] * ws[4]);
        int[] to = scatteredOffsets((int) ws[1], k);
        INDArray w = HeapBlocks.denseC(weights, weights.dataType());
        INDArray full = Nd4j.createUninitialized(w.dataType(), ws[0] * ws[1], nIn, ws[3], ws[4]);
        if (w.dataType() == DataType.FLOAT) {
            float[] src = new float[to.length * k];
            float[] dst = new float[(int) full.length()];
            HeapBlocks.floats(w).get(src);
            for (int b = 0; b < to.length; b++) {
                for (int t = 0; t < k; t++) {
                    dst[to[b] + t] += src[b * k + t];
                }
            }
            HeapBlocks.floats(full).put(dst);
        } else {
            double[] src = new double[to.length * k];
            double[] dst = new double[(int) full.length()];
            HeapBlocks.doubles(w).get(src);
            for (int b = 0; b < to.length; b++) {
                for (int t = 0; t < k; t++) {
                    dst[to[b] + t] += src[b * k + t];
                }
            }
            HeapBlocks.doubles(full).put(dst);
        }
        return full;
    }

    /** {@code weightGrad[g, i, s] = fullGrad[g*m + i, wiring[g][s]]} for the scattered weight's gradient. */
    private void gatherWeightGrad(INDArray fullGrad, INDArray weightGrad) {
        long[] ws = weightGrad.shape();
        int k = (int) (ws[3] * ws[4]);
        int[] from = scatteredOffsets((int) ws[1], k);
        INDArray target =
                HeapBlocks.isDenseC(weightGrad) ? weightGrad : Nd4j.createUninitialized(weightGrad.dataType(), ws);
        Object src;
        Object dst;
        if (fullGrad.dataType() == DataType.FLOAT) {
            src = new float[(int) fullGrad.length()];
            dst = new float[from.length * k];
            HeapBlocks.floats(fullGrad).get((float[]) src);
        } else {
            src = new double[(int) fullGrad.length()];
            dst = new double[from.length * k];
            HeapBlocks.doubles(fullGrad).get((double[]) src);
        }
        for (int b = 0; b < from.length; b++) {
            System.arraycopy(src, from[b], dst, b * k, k);
        }
        if (dst instanceof float[] f) {
            HeapBlocks.floats(target).put(f);
        } else {
            HeapBlocks.doubles(target).put((double[]) dst);
        }
        if (target != weightGrad) {
            weightGrad.assign(target);
        }
    }
}
