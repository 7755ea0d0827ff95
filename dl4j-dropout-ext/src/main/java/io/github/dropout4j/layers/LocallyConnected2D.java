package io.github.dropout4j.layers;

import io.github.dropout4j.constraint.PerUnitWeights;
import io.github.dropout4j.dropout.InputWeightParams;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.InputTypeUtil;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * A 2D <b>locally-connected</b> layer: like a convolution, but every output position has its own filters (unshared
 * weights). It is the top hidden layer of the paper's CIFAR-10 dropout network (Hinton et al. 2012, arXiv 1207.0580,
 * Appendix G: "16 banks of 3x3 filters", cuda-convnet's {@code local} layer).
 *
 * <p><b>Math.</b> Input {@code x} is {@code [minibatch, nIn, inH, inW]} (NCHW). For output position
 * {@code q = oy * outW + ox} let {@code patch_q(x)} be the {@code K = nIn * kH * kW} input values under the kernel
 * window at {@code (oy * sH - padTop, ox * sW - padLeft)} (zero outside the image), flattened in
 * {@code (channel, ky, kx)} order. Then, for filter {@code o},
 * <pre>
 *   y[n, o, oy, ox] = act( sum_k patch_q(x_n)[k] * W[q, k, o]  +  b[q, o] )
 * </pre>
 * Output {@code [minibatch, nOut, outH, outW]}. Parameters: {@code W} of shape {@code [outH*outW, nIn*kH*kW, nOut]}
 * and unshared biases {@code b} of shape {@code [outH*outW, nOut]} (one bias per filter per position, as in
 * cuda-convnet's locally-connected layer), {@code outH*outW*nOut*(nIn*kH*kW + 1)} parameters in all. A convolution is
 * the special case {@code W[q] = W[0]}, {@code b[q] = b[0]} for all {@code q}.
 *
 * <p><b>A unit</b> is one filter at one position, {@code (q, o)}; its incoming weight vector is {@code W[q, :, o]}
 * (dimension 1 of {@code W}): that is what {@link io.github.dropout4j.constraint.PerUnitMaxNorm} bounds
 * ({@link PerUnitWeights}). Its input weights for the mean network are {@code W} ({@link InputWeightParams}): with
 * {@link io.github.dropout4j.dropout.BernoulliDropout} on this layer's input and
 * {@link io.github.dropout4j.dropout.TestTimeWeightScaling} as weight noise, inference computes with
 * {@code retainProbability * W}.
 *
 * <p><b>Geometry.</b> {@link ConvolutionMode#Same}: {@code out = ceil(in / stride)}, padding chosen as DL4J's
 * convolution does (top/left {@code floor(total / 2)}, the rest bottom/right), explicit padding ignored.
 * {@link ConvolutionMode#Truncate} (default): {@code out = floor((in + 2 pad - kernel) / stride) + 1}. Dilation is
 * not supported. The input height and width must be known when the parameters are created: they are taken from
 * {@code setInputType(...)} or given with {@link Builder#inputSize(int, int)}.
 *
 * <p><b>Why not DL4J's own {@code org.deeplearning4j.nn.conf.layers.LocallyConnected2D}</b> (1.0.0-M2.1, read from
 * its sources and measured by {@code io.github.dropout4j.bench.Cifar10Bench} in the model zoo, and pinned by {@code Dl4jLocallyConnected2DFindingsTest}): it is a
 * {@code SameDiffLayer}, whose layer implementation never calls {@code applyDropOutIfNecessary} (an {@code IDropout}
 * set on it is silently ignored) and never consults the weight noise ({@code "TODO - properly support weight
 * noise"}), so neither the paper's dropout on its input nor {@code TestTimeWeightScaling} can work; it does not
 * implement {@code PerUnitWeights}, so {@code PerUnitMaxNorm} rejects it (DL4J's generic constraints, given the
 * dimensions by hand, do attach); its biases are shared across positions
 * ({@code [nOut]}); it builds the patch matrix with {@code outH * outW} separate slice ops plus a concat in the graph;
 * it ignores dilation in the slices; and it files the patch of position {@code (y, x)} at index {@code x * outH + y}
 * but reads the product back as {@code [outH, outW]} (index {@code y * outW + x}), so its output map is transposed
 * (square outputs) or scrambled (non-square) relative to its input. Speed at the CIFAR-10 shape (input
 * {@code [128, 64, 4, 4]}, 16 filters of 3x3, forward + backward): 1.0 to 2.1 times the time of this layer in four
 * runs of the bench on a loaded 2-core machine, which put this layer at 0.48 to 0.85 times a DL4J
 * {@code ConvolutionLayer} of the same shapes. This layer instead does one {@code im2col},
 * one batched matrix product over positions, and {@code col2im} in the backward pass ({@link LocallyConnectedKernel}).
 *
 * <pre>{@code
 * .layer(new LocallyConnected2D.Builder().nOut(16).kernelSize(3, 3)
 *         .convolutionMode(ConvolutionMode.Same).activation(Activation.RELU).build())   // 4x4x64 -> 4x4x16
 * }</pre>
 */
public class LocallyConnected2D extends FeedForwardLayer implements InputWeightParams, PerUnitWeights {

    private static final long serialVersionUID = 1L;
    private static final Set<String> INPUT_WEIGHTS = Set.of(LocallyConnected2DParamInitializer.WEIGHT_KEY);
    private static final Map<String, int[]> UNIT_DIMS =
            Map.of(LocallyConnected2DParamInitializer.WEIGHT_KEY, new int[] {1});

    @JsonProperty
    private int kernelHeight;

    @JsonProperty
    private int kernelWidth;

    @JsonProperty
    private int strideHeight;

    @JsonProperty
    private int strideWidth;

    @JsonProperty
    private int paddingHeight;

    @JsonProperty
    private int paddingWidth;

    @JsonProperty
    private ConvolutionMode convolutionMode;

    @JsonProperty
    private int inputHeight;

    @JsonProperty
    private int inputWidth;

    private LocallyConnected2D() {
        // for Jackson
    }

    private LocallyConnected2D(Builder b) {
        super(b);
        this.kernelHeight = b.kernel[0];
        this.kernelWidth = b.kernel[1];
        this.strideHeight = b.stride[0];
        this.strideWidth = b.stride[1];
        this.paddingHeight = b.padding[0];
        this.paddingWidth = b.padding[1];
        this.convolutionMode = b.convolutionMode;
        this.inputHeight = b.inputSize == null ? 0 : b.inputSize[0];
        this.inputWidth = b.inputSize == null ? 0 : b.inputSize[1];
        initializeConstraints(b);
    }

    // ---- geometry ----

    /** @return {@code {kH, kW}} */
    public int[] kernelSize() {
        return new int[] {kernelHeight, kernelWidth};
    }

    /** @return {@code {sH, sW}} */
    public int[] stride() {
        return new int[] {strideHeight, strideWidth};
    }

    /** @return explicit {@code {padH, padW}} (Truncate mode; ignored in Same mode) */
    public int[] padding() {
        return new int[] {paddingHeight, paddingWidth};
    }

    public ConvolutionMode convolutionMode() {
        return convolutionMode;
    }

    /** @return {@code {inH, inW}}, zeros until known */
    public int[] inputSize() {
        return new int[] {inputHeight, inputWidth};
    }

    /** The geometry of this layer as a kernel; requires the input size to be known. */
    public LocallyConnectedKernel kernel() {
        if (inputHeight <= 0 || inputWidth <= 0) {
            throw new IllegalStateException("LocallyConnected2D '" + getLayerName() + "': input height and width are "
                    + "unknown; call setInputType(InputType.convolutional(h, w, c)) on the list builder or "
                    + "Builder.inputSize(h, w)");
        }
        return LocallyConnectedKernel.of(
                inputHeight,
                inputWidth,
                kernelHeight,
                kernelWidth,
                strideHeight,
                strideWidth,
                paddingHeight,
                paddingWidth,
                convolutionMode == ConvolutionMode.Same);
    }

    // ---- Dropout4j extension points ----

    @Override
    public Set<String> inputWeightParams() {
        return INPUT_WEIGHTS;
    }

    /** {@code W} is {@code [positions, nIn*kH*kW, nOut]}: a unit {@code (position, filter)} owns {@code W[q, :, o]}. */
    @Override
    public Map<String, int[]> incomingWeightDims() {
        return Map.of(
                LocallyConnected2DParamInitializer.WEIGHT_KEY,
                UNIT_DIMS.get("W").clone());
    }

    // ---- DL4J plumbing ----

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(
            NeuralNetConfiguration conf,
            Collection<TrainingListener> trainingListeners,
            int layerIndex,
            INDArray layerParamsView,
            boolean initializeParams,
            DataType networkDataType) {
        if (nIn <= 0 || nOut <= 0) {
            throw new IllegalStateException("LocallyConnected2D '" + getLayerName() + "' (index " + layerIndex
                    + "): nIn and nOut must be > 0, got nIn=" + nIn + ", nOut=" + nOut);
        }
        kernel(); // validates the geometry now, with a message naming the layer
        return LayerInstances.wire(
                new LocallyConnected2DLayer(conf, networkDataType),
                conf,
                trainingListeners,
                layerIndex,
                layerParamsView,
                initializeParams,
                initializer());
    }

    @Override
    public ParamInitializer initializer() {
        return LocallyConnected2DParamInitializer.getInstance();
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        InputType.InputTypeConvolutional c = requireCnn(inputType);
        LocallyConnectedKernel k = LocallyConnectedKernel.of(
                (int) c.getHeight(),
                (int) c.getWidth(),
                kernelHeight,
                kernelWidth,
                strideHeight,
                strideWidth,
                paddingHeight,
                paddingWidth,
                convolutionMode == ConvolutionMode.Same);
        return InputType.convolutional(k.outHeight(), k.outWidth(), nOut, CNN2DFormat.NCHW);
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        InputType.InputTypeConvolutional c = requireCnn(inputType);
        if (nIn <= 0 || override) {
            nIn = c.getChannels();
        }
        int h = (int) c.getHeight();
        int w = (int) c.getWidth();
        if (inputHeight <= 0 || inputWidth <= 0 || override) {
            inputHeight = h;
            inputWidth = w;
        } else if (inputHeight != h || inputWidth != w) {
            throw new IllegalArgumentException("LocallyConnected2D '" + getLayerName() + "': inputSize(" + inputHeight
                    + ", " + inputWidth + ") was set but the input type is " + h + "x" + w);
        }
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        if (inputType == null) {
            throw new IllegalStateException("LocallyConnected2D '" + getLayerName() + "': input type is null");
        }
        return InputTypeUtil.getPreProcessorForInputTypeCnnLayers(inputType, getLayerName());
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        InputType outputType = getOutputType(-1, inputType);
        long numParams = initializer().numParams(this);
        int updaterState = (int) getIUpdater().stateSize(numParams);
        LocallyConnectedKernel k = kernel();
        long colPerExample = (long) k.positions() * nIn * kernelHeight * kernelWidth;
        long train = 2 * colPerExample
                + outputType.arrayElementsPerExample()
                + (getIDropout() != null ? inputType.arrayElementsPerExample() : 0);
        return new LayerMemoryReport.Builder(layerName, LocallyConnected2D.class, inputType, outputType)
                .standardMemory(numParams, updaterState)
                .workingMemory(0, colPerExample, 0, train)
                .cacheMemory(MemoryReport.CACHE_MODE_ALL_ZEROS, MemoryReport.CACHE_MODE_ALL_ZEROS)
                .build();
    }

    private InputType.InputTypeConvolutional requireCnn(InputType inputType) {
        if (!(inputType instanceof InputType.InputTypeConvolutional)) {
            throw new IllegalStateException("LocallyConnected2D '" + getLayerName()
                    + "': expected a convolutional input type [minibatch, channels, h, w], got " + inputType);
        }
        InputType.InputTypeConvolutional c = (InputType.InputTypeConvolutional) inputType;
        if (c.getFormat() != CNN2DFormat.NCHW) {
            throw new IllegalStateException(
                    "LocallyConnected2D '" + getLayerName() + "' supports NCHW only, got " + c.getFormat());
        }
        return c;
    }

    @Override
    public LocallyConnected2D clone() {
        return (LocallyConnected2D) super.clone();
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (o == null || o.getClass() != getClass() || !super.equals(o)) {
            return false;
        }
        LocallyConnected2D that = (LocallyConnected2D) o;
        return kernelHeight == that.kernelHeight
                && kernelWidth == that.kernelWidth
                && strideHeight == that.strideHeight
                && strideWidth == that.strideWidth
                && paddingHeight == that.paddingHeight
                && paddingWidth == that.paddingWidth
                && convolutionMode == that.convolutionMode
                && inputHeight == that.inputHeight
                && inputWidth == that.inputWidth;
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                super.hashCode(),
                kernelHeight,
                kernelWidth,
                strideHeight,
                strideWidth,
                paddingHeight,
                paddingWidth,
                convolutionMode,
                inputHeight,
                inputWidth);
    }

    @Override
    public String toString() {
        return "LocallyConnected2D(name=" + getLayerName() + ", nIn=" + nIn + ", nOut=" + nOut + ", kernel="
                + kernelHeight + "x" + kernelWidth + ", stride=" + strideHeight + "x" + strideWidth + ", padding="
                + paddingHeight + "x" + paddingWidth + ", mode=" + convolutionMode + ", input=" + inputHeight + "x"
                + inputWidth + ", activation=" + getActivationFn() + ", dropout=" + getIDropout() + ")";
    }

    /**
     * Builder: {@code nOut} (filters per position) and {@code kernelSize} are required; stride defaults to 1x1,
     * padding to 0x0, mode to {@link ConvolutionMode#Truncate}; {@code nIn} and the input size come from
     * {@code setInputType} unless given.
     */
    public static class Builder extends FeedForwardLayer.Builder<Builder> {
        private int[] kernel;
        private int[] stride = {1, 1};
        private int[] padding = {0, 0};
        private ConvolutionMode convolutionMode = ConvolutionMode.Truncate;
        private int[] inputSize;

        /** @param kH kernel height, @param kW kernel width, both &gt;= 1 */
        public Builder kernelSize(int kH, int kW) {
            this.kernel = positivePair("kernelSize", kH, kW, 1);
            return this;
        }

        /** @param sH stride height, @param sW stride width, both &gt;= 1 */
        public Builder stride(int sH, int sW) {
            this.stride = positivePair("stride", sH, sW, 1);
            return this;
        }

        /** Zero padding on each side in Truncate mode, both &gt;= 0. */
        public Builder padding(int padH, int padW) {
            this.padding = positivePair("padding", padH, padW, 0);
            return this;
        }

        /** {@link ConvolutionMode#Same} or {@link ConvolutionMode#Truncate}. */
        public Builder convolutionMode(ConvolutionMode mode) {
            if (mode != ConvolutionMode.Same && mode != ConvolutionMode.Truncate) {
                throw new IllegalArgumentException("convolutionMode must be Same or Truncate, got " + mode);
            }
            this.convolutionMode = mode;
            return this;
        }

        /** Input height and width, when the network does not call {@code setInputType}. */
        public Builder inputSize(int inH, int inW) {
            this.inputSize = positivePair("inputSize", inH, inW, 1);
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public LocallyConnected2D build() {
            if (kernel == null) {
                throw new IllegalArgumentException("LocallyConnected2D: kernelSize(kH, kW) is required");
            }
            if (convolutionMode == ConvolutionMode.Same && (padding[0] != 0 || padding[1] != 0)) {
                throw new IllegalArgumentException("LocallyConnected2D: padding(" + padding[0] + ", " + padding[1]
                        + ") is ignored in ConvolutionMode.Same; leave it at 0");
            }
            if (nOut <= 0) {
                throw new IllegalArgumentException("LocallyConnected2D: nOut must be > 0, got " + nOut);
            }
            return new LocallyConnected2D(this);
        }

        private static int[] positivePair(String what, int a, int b, int min) {
            if (a < min || b < min) {
                throw new IllegalArgumentException(
                        what + " must be >= " + min + " in both dimensions, got (" + a + ", " + b + ")");
            }
            return new int[] {a, b};
        }
    }
}
