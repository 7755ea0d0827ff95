package io.github.dropout4j.onednn;

import java.util.Collections;
import java.util.Map;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.normalization.LocalResponseNormalizationHelper;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * DL4J's cross-channel local response normalisation, {@code b_c = a_c / (k + alpha sum_{c' = c - n/2 .. c + n/2}
 * a_c'^2)^beta} (n/2 rounded down, maps outside [0, C) left out). FLOAT and DOUBLE arrays (below 2^31 elements) go
 * through {@link ResponseNormalizationKernel}, plain Java loops; other types through ND4J: forward by ND4J's native
 * {@code lrn} op (on oneDNN in ND4J's oneDNN natives), backward by a few ND4J ops and two small GEMMs.
 *
 * <p><b>Why Java loops at every size.</b> The ND4J path costs a dozen ND4J ops per backward pass, each with its
 * own fixed overhead, which dominates on the zoo's small arrays; and its backward GEMMs with a {@code [C, C]} band
 * matrix do {@code C / n} times the needed work on large ones. {@code ResponseNormalizationBench} (float32 NCHW,
 * k 2, n 5, alpha 1e-4, beta 0.75, 2 OMP threads, medians of 5-7 interleaved repetitions; three runs on this
 * project's shared 2-core AMD EPYC VM at load averages 6-7) measured, in ms, Java / ND4J:
 * <table>
 *   <caption>LRN layer times, Java kernel / ND4J path (ranges over three runs)</caption>
 *   <tr><th>shape</th><th>forward</th><th>backward</th></tr>
 *   <tr><td>[16, 6, 15, 15] (alexnet-dropout norm1, CLI defaults)</td><td>0.15-0.21 / 0.86-0.95</td>
 *       <td>0.22-0.27 / 2.4-2.5</td></tr>
 *   <tr><td>[16, 16, 7, 7] (its norm2)</td><td>0.08-0.11 / 0.16-0.20</td><td>0.13-0.16 / 1.6-2.4</td></tr>
 *   <tr><td>[16, 32, 27, 27]</td><td>3.4-6.0 / 3.4-4.7</td><td>4.8-6.5 / 22-25</td></tr>
 *   <tr><td>[32, 64, 27, 27] (hinton-imagenet-paper norm1)</td><td>10-19 / 13-36</td><td>7-20 / 77-222</td></tr>
 *   <tr><td>[32, 256, 13, 13] (its norm2)</td><td>15-46 / 15-52</td><td>17-47 / 76-230</td></tr>
 *   <tr><td>[32, 256, 27, 27] (alexnet-dropout-paper norm2)</td><td>46-108 / 45-126</td>
 *       <td>40-161 / 272-937</td></tr>
 *   <tr><td>[32, 96, 55, 55] (its norm1)</td><td>71-118 / 112-227</td><td>95-175 / 639-1026</td></tr>
 * </table>
 * Forward, ND4J / Java was 0.56-1.33 at {@code [16, 32, 27, 27]} and at {@code C = 256} (a tie within this
 * machine's noise) and 1.37-5.6 at the other shapes; backward, 3.4-16 in every run. A training step (forward +
 * backward) was faster in Java at every shape in every run, so there is no size switch.
 *
 * <p>Replaces DL4J's own {@code MKLDNNLocalResponseNormalizationHelper}, which is wrong on 1.0.0-M2.1: it hands
 * {@code [minibatch, channels, h, w]} activations to the {@code lrn} op, whose layout is channels-last
 * ({@code [minibatch, h, w, channels]}, integer argument = the half-width {@code n/2}), so it normalised across
 * image columns with a window of {@code 2n + 1}. On our ND4J path NCHW arrays are handed over as channels-last
 * views (permuted, no copy) and the half-width is passed.
 */
final class ResponseNormalizationHelper implements LocalResponseNormalizationHelper {

    private final CNN2DFormat format;
    private final boolean javaKernel;
    private INDArray band;
    private long bandHalfWidth;

    ResponseNormalizationHelper(CNN2DFormat format) {
        this(format, true);
    }

    /** With {@code javaKernel = false}, every array takes the ND4J path (for tests and the bench). */
    ResponseNormalizationHelper(CNN2DFormat format, boolean javaKernel) {
        this.format = format;
        this.javaKernel = javaKernel;
    }

    @Override
    public boolean checkSupported(double k, double n, double alpha, double beta) {
        return true;
    }

    @Override
    public boolean checkSupported() {
        return true;
    }

    @Override
    public INDArray activate(
            INDArray x,
            boolean training,
            double k,
            double n,
            double alpha,
            double beta,
            LayerWorkspaceMgr workspaceMgr) {
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, x.dataType(), x.shape(), 'c');
        if (usesKernel(x)) {
            kernel(x, k, n, alpha, beta).forward(x, out);
            return out;
        }
        Nd4j.exec(DynamicCustomOp.builder("lrn")
                .addInputs(channelsLast(x))
                .addOutputs(channelsLast(out))
                .addFloatingPointArguments(k, alpha, beta)
                .addIntegerArguments(halfWidth(n))
                .build());
        return out;
    }

    /**
     * {@code dL/da_i = e_i s_i^-beta - 2 alpha beta a_i sum_{j in W(i)} e_j a_j s_j^(-beta-1)} with
     * {@code s_j = k + alpha sum_{c in W(j)} a_c^2} (windows are symmetric, so {@code i in W(j)} iff
     * {@code j in W(i)}). Computed with ND4J ops on channels-last copies, the window sums as one GEMM with a
     * {@code [C, C]} band matrix. (ND4J's {@code lrn_bp} op is not used: on 1.0.0-M2.1 its gradient disagrees with
     * finite differences of its own {@code lrn}.)
     */
    @Override
    public Pair<Gradient, INDArray> backpropGradient(
            INDArray input,
            INDArray epsilon,
            double k,
            double n,
            double alpha,
            double beta,
            LayerWorkspaceMgr workspaceMgr) {
        if (usesKernel(input)) {
            INDArray out =
                    workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape(), 'c');
            kernel(input, k, n, alpha, beta).backward(input, epsilon, out);
            return new Pair<>(new DefaultGradient(), out);
        }
        long channels = format == CNN2DFormat.NHWC ? input.size(3) : input.size(1);
        long rows = input.length() / channels;
        INDArray a = channelsLast(input).dup('c').reshape('c', rows, channels);
        INDArray e = channelsLast(epsilon).dup('c').reshape('c', rows, channels);
        INDArray band = band(channels, halfWidth(n), input.dataType());
        INDArray s = a.mul(a).mmul(band).muli(alpha).addi(k); // s_j
        INDArray sPowMinusBeta = Transforms.pow(s, -beta, true); // s_j^-beta
        INDArray t = e.mul(a).muli(sPowMinusBeta).divi(s); // e_j a_j s_j^(-beta-1)
        INDArray grad = e.muli(sPowMinusBeta).subi(t.mmul(band).muli(a).muli(2 * alpha * beta));
        INDArray out =
                workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape(), 'c');
        long[] lastShape = channelsLast(out).shape();
        channelsLast(out).assign(grad.reshape('c', lastShape));
        return new Pair<>(new DefaultGradient(), out);
    }

    /** {@code [C, C]} with ones where {@code |row - column| <= halfWidth}. */
    private INDArray band(long channels, long halfWidth, DataType dataType) {
        INDArray b = band;
        if (b == null || b.size(0) != channels || b.dataType() != dataType || bandHalfWidth != halfWidth) {
            float[] v = new float[(int) (channels * channels)];
            for (int r = 0; r < channels; r++) {
                for (int c = 0; c < channels; c++) {
                    v[(int) (r * channels + c)] = Math.abs(r - c) <= halfWidth ? 1f : 0f;
                }
            }
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) { // kept across steps
                b = Nd4j.create(v, new long[] {channels, channels}, DataType.FLOAT)
                        .castTo(dataType);
            }
            band = b;
            bandHalfWidth = halfWidth;
        }
        return b;
    }

    @Override
    public Map<String, Long> helperMemoryUse() {
        return Collections.emptyMap();
    }

    /** Whether {@code x} goes through {@link ResponseNormalizationKernel} (else through ND4J ops). */
    boolean usesKernel(INDArray x) {
        return javaKernel && ResponseNormalizationKernel.supports(x.dataType()) && x.length() < Integer.MAX_VALUE;
    }

    private ResponseNormalizationKernel kernel(INDArray x, double k, double n, double alpha, double beta) {
        return new ResponseNormalizationKernel(
                x.shape(), format == CNN2DFormat.NHWC, (int) halfWidth(n), k, alpha, beta);
    }

    private INDArray channelsLast(INDArray a) {
        return format == CNN2DFormat.NHWC ? a : a.permute(0, 2, 3, 1);
    }

    private static long halfWidth(double n) {
        return (long) Math.floor(n / 2);
    }
}
