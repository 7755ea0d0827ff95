package io.github.dropout4j.onednn;

import java.util.Collections;
import java.util.Map;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingHelper;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Max and average 2-D pooling for DL4J's {@code SubsamplingLayer} by {@link PoolingKernel} (Java loops), forward and
 * backward, FLOAT and DOUBLE, NCHW and NHWC, Truncate/Strict/Same, any kernel, stride and dilation, padding smaller
 * than the window. Returns {@code null} (DL4J then runs its built-in op) for p-norm pooling, other data types, and shapes the
 * kernel does not take ({@link PoolingKernel#handles}).
 *
 * <p>Why: libnd4j's pooling ops ({@code maxpool2d}, {@code avgpool2d} and their {@code _bp}) cost 0.05-0.55 ms
 * per call at the tiny ImageNet nets' sizes, and were slower than these loops at every size {@code PoolingBench}
 * measured, up to AlexNet's paper-size pool1 (README, Benchmarks): so there is no size threshold.
 */
final class PoolingHelper implements SubsamplingHelper {

    private final boolean avgPoolIncludePadInDivisor;

    /** @param avgPoolIncludePadInDivisor the layer's setting (DL4J does not pass it to helpers) */
    PoolingHelper(boolean avgPoolIncludePadInDivisor) {
        this.avgPoolIncludePadInDivisor = avgPoolIncludePadInDivisor;
    }

    @Override
    public boolean checkSupported() {
        return true;
    }

    @Override
    public INDArray activate(
            INDArray input,
            boolean training,
            int[] kernel,
            int[] strides,
            int[] pad,
            PoolingType poolingType,
            ConvolutionMode convolutionMode,
            int[] dilation,
            CNN2DFormat format,
            LayerWorkspaceMgr workspaceMgr) {
        PoolingKernel k = kernel(input, kernel, strides, pad, poolingType, convolutionMode, dilation, format);
        if (k == null) {
            return null;
        }
        INDArray out = workspaceMgr.createUninitialized(
                ArrayType.ACTIVATIONS, input.dataType(), k.outputShape(input.shape()), 'c');
        k.forward(input, out);
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(
            INDArray input,
            INDArray epsilon,
            int[] kernel,
            int[] strides,
            int[] pad,
            PoolingType poolingType,
            ConvolutionMode convolutionMode,
            int[] dilation,
            CNN2DFormat format,
            LayerWorkspaceMgr workspaceMgr) {
        PoolingKernel k = kernel(input, kernel, strides, pad, poolingType, convolutionMode, dilation, format);
        if (k == null || epsilon.dataType() != input.dataType()) {
            return null;
        }
        INDArray grad =
                workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape(), 'c');
        k.backward(input, epsilon, grad);
        return new Pair<>(new DefaultGradient(), grad);
    }

    /** The kernel for this call, or null where DL4J's built-in op should run. */
    private PoolingKernel kernel(
            INDArray input,
            int[] kernel,
            int[] strides,
            int[] pad,
            PoolingType poolingType,
            ConvolutionMode convolutionMode,
            int[] dilation,
            CNN2DFormat format) {
        DataType t = input.dataType();
        if (t != DataType.FLOAT && t != DataType.DOUBLE
                || convolutionMode != ConvolutionMode.Truncate
                        && convolutionMode != ConvolutionMode.Strict
                        && convolutionMode != ConvolutionMode.Same) {
            return null;
        }
        PoolingKernel.Pooling pooling;
        if (poolingType == PoolingType.MAX) {
            pooling = PoolingKernel.Pooling.MAX;
        } else if (poolingType == PoolingType.AVG) {
            pooling = avgPoolIncludePadInDivisor
                    ? PoolingKernel.Pooling.AVERAGE_INCLUDING_PADDING
                    : PoolingKernel.Pooling.AVERAGE_EXCLUDING_PADDING;
        } else {
            return null;
        }
        PoolingKernel k;
        try {
            k = new PoolingKernel(
                    pooling,
                    kernel,
                    strides,
                    pad,
                    dilation,
                    convolutionMode == ConvolutionMode.Same,
                    format == CNN2DFormat.NHWC);
        } catch (IllegalArgumentException e) {
            return null; // e.g. padding as large as the window: left to DL4J
        }
        return k.handles(input.shape()) ? k : null;
    }

    @Override
    public Map<String, Long> helperMemoryUse() {
        return Collections.emptyMap();
    }
}
