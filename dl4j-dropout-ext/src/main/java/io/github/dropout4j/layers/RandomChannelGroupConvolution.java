package io.github.dropout4j.layers;

import io.github.dropout4j.constraint.PerUnitWeights;
import io.github.dropout4j.dropout.InputWeightParams;
import io.github.dropout4j.layers.impl.RandomChannelGroupConvolutionLayer;
import io.github.dropout4j.random.Seeds;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
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
import org.nd4j.shade.jackson.annotation.JsonIgnore;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * A 2D convolution whose {@code nOut} output channels are split into {@code groups} groups of
 * {@code nOut / groups} filters, each group connected to its own fixed random subset of {@code channelsPerGroup}
 * input channels (Hinton et al. 2012, arXiv 1207.0580, Appendix H: conv2's groups each connect to "a unique random
 * 16 of the 64 channels" of conv1; conv3-conv5 likewise).
 *
 * <pre>
 *   input  x : [minibatch, nIn, h, w]                 (NCHW)
 *   wiring   : int[groups][channelsPerGroup], distinct channel indices in [0, nIn) per group (sorted)
 *   W        : [groups, nOut/groups, channelsPerGroup, kH, kW],   b : [nOut]
 *   z[:, g*m + j] = conv2d(x[:, wiring[g]], W[g, j]) + b[g*m + j]      (m = nOut/groups)
 *   output   : activation(z) : [minibatch, nOut, outH, outW]
 * </pre>
 * Parameters: {@code nOut * channelsPerGroup * kH * kW + nOut} (the reduced count; no mask over a full kernel).
 * Output size as DL4J's {@code ConvolutionLayer}: Truncate/Strict {@code (h + 2 pH - kH) / sH + 1}, Same
 * {@code ceil(h / sH)}. Dilation is 1.
 *
 * <p><b>The wiring is configuration</b>: it is drawn once, when {@code nIn} becomes known, from
 * {@code wiringSeed}, or given explicitly with {@link Builder#wiring(int[][])}. It is stored in the JSON
 * configuration and so restored by {@code ModelSerializer}.
 * <ul>
 *   <li><b>Drawn</b> ({@link #WIRING_PARTITION}, the default): the groups <em>partition</em> the input channels.
 *       One seeded permutation of {@code 0..nIn-1} ({@link #drawWiring}) is cut into {@code groups} consecutive
 *       pieces of {@code channelsPerGroup}, so every input channel feeds exactly one group. Our reading of the
 *       paper: "unique" random channels, and its group sizes cover the input exactly (4 x 16 = 64, 16 x 16 = 256,
 *       16 x 32 = 512). So {@code groups * channelsPerGroup} must equal {@code nIn}; anything else is rejected,
 *       naming the three values.</li>
 *   <li><b>Explicit</b>: any table of distinct channels per row, used as given (channels may feed several groups
 *       or none; the gradient of a shared channel sums over its groups). AlexNet's two towers are one.</li>
 *   <li><b>Legacy</b> ({@link #WIRING_INDEPENDENT}): configurations saved before the partition rule carry no
 *       {@code wiringVersion}; they keep their stored table, and if it must be redrawn (a new {@code nIn}) it is
 *       drawn as then, each group independently ({@link #drawIndependentWiring}), where a channel may feed several
 *       groups or none.</li>
 * </ul>
 *
 * <p><b>Dropout</b>: {@code dropOut(BernoulliDropout...)} applies to the input {@code x}; at test time
 * {@code TestTimeWeightScaling} multiplies {@code W} by the retain probability ({@link InputWeightParams}). Per-unit
 * retain probabilities are not supported (an input channel is not one dimension of {@code W}).
 * <b>Max-norm</b>: a unit is one output filter; its incoming weight vector is {@code W[g, j]}, of size
 * {@code channelsPerGroup * kH * kW} ({@link PerUnitWeights}: dims {2, 3, 4}).
 *
 * <pre>{@code
 * new RandomChannelGroupConvolution.Builder(5, 5).nIn(64).nOut(256).groups(4).channelsPerGroup(16)
 *         .padding(2, 2).wiringSeed(7).activation(Activation.IDENTITY).build();
 * }</pre>
 */
public class RandomChannelGroupConvolution extends FeedForwardLayer implements InputWeightParams, PerUnitWeights {

    private static final long serialVersionUID = 1L;
    /** Seed used when the builder is given neither {@code wiringSeed} nor {@code wiring}. */
    public static final long DEFAULT_WIRING_SEED = 12070580L;
    /** Wiring version of configurations saved before the partition rule: groups drawn independently. */
    public static final int WIRING_INDEPENDENT = 1;
    /** Wiring version of new configurations: one permutation cut into disjoint groups. */
    public static final int WIRING_PARTITION = 2;

    @JsonProperty
    private int groups;

    @JsonProperty
    private int channelsPerGroup;

    @JsonProperty
    private int[] kernelSize;

    @JsonProperty
    private int[] stride;

    @JsonProperty
    private int[] padding;

    @JsonProperty
    private ConvolutionMode convolutionMode;

    @JsonProperty
    private boolean hasBias = true;
    /** Seed the wiring was drawn from; null when the wiring was given explicitly. */
    @JsonProperty
    private Long wiringSeed;
    /** int[groups][channelsPerGroup]; null only until nIn is known. */
    @JsonProperty
    private int[][] wiring;
    /** How a seeded wiring is drawn; absent (null) in configurations saved before versions existed. */
    @JsonProperty
    private Integer wiringVersion;

    /** For Jackson. */
    protected RandomChannelGroupConvolution() {}

    private RandomChannelGroupConvolution(Builder b) {
        super(b);
        this.groups = b.groups;
        this.channelsPerGroup = b.channelsPerGroup;
        this.kernelSize = b.kernelSize.clone();
        this.stride = b.stride.clone();
        this.padding = b.padding.clone();
        this.convolutionMode = b.convolutionMode;
        this.hasBias = b.hasBias;
        this.wiringSeed = b.wiring == null ? Long.valueOf(b.wiringSeed) : null;
        this.wiring = b.wiring == null ? null : deepCopy(b.wiring);
        this.wiringVersion = WIRING_PARTITION;
        validate();
        if (nIn > 0) {
            resolveWiring();
        }
    }

    private void validate() {
        requireAtLeast("groups", groups, 1);
        requireAtLeast("channelsPerGroup", channelsPerGroup, 1);
        requirePair("kernelSize", kernelSize, 1);
        requirePair("stride", stride, 1);
        requirePair("padding", padding, 0);
        Objects.requireNonNull(convolutionMode, "convolutionMode");
        if (nOut <= 0) {
            throw new IllegalArgumentException(name() + ": nOut must be set and >= 1, got " + nOut);
        }
        if (nOut % groups != 0) {
            throw new IllegalArgumentException(
                    name() + ": nOut (" + nOut + ") must be divisible by groups (" + groups + ")");
        }
        if (wiring != null && wiring.length != groups) {
            throw new IllegalArgumentException(
                    name() + ": wiring has " + wiring.length + " rows, expected groups = " + groups);
        }
    }

    /** Draws the wiring from the seed (if not explicit) and checks it against nIn. */
    private void resolveWiring() {
        if (channelsPerGroup > nIn) {
            throw new IllegalArgumentException(
                    name() + ": channelsPerGroup (" + channelsPerGroup + ") must be <= nIn (" + nIn + ")");
        }
        if (wiringSeed != null) {
            wiring = getWiringVersion() == WIRING_INDEPENDENT
                    ? drawIndependentWiring(wiringSeed, (int) nIn, groups, channelsPerGroup)
                    : drawWiring(wiringSeed, name(), (int) nIn, groups, channelsPerGroup);
        }
        checkWiring(wiring, (int) nIn, groups, channelsPerGroup, name());
    }

    /**
     * The partition wiring drawn from {@code seed}: one permutation of {@code 0..nIn-1} ({@link Seeds#permutation},
     * the same on every JVM), cut into {@code groups}
     * consecutive rows of {@code channelsPerGroup}, each row sorted ascending. Every channel is in exactly one row.
     *
     * @throws IllegalArgumentException unless {@code groups * channelsPerGroup == nIn}, naming the three values
     */
    public static int[][] drawWiring(long seed, int nIn, int groups, int channelsPerGroup) {
        return drawWiring(seed, "RandomChannelGroupConvolution", nIn, groups, channelsPerGroup);
    }

    private static int[][] drawWiring(long seed, String name, int nIn, int groups, int channelsPerGroup) {
        if ((long) groups * channelsPerGroup != nIn) {
            throw new IllegalArgumentException(name + ": groups (" + groups + ") x channelsPerGroup ("
                    + channelsPerGroup + ") = " + (long) groups * channelsPerGroup + " must equal nIn (" + nIn
                    + "): a drawn wiring partitions the input channels (Appendix H: each group gets a unique random "
                    + "subset); give an explicit wiring(...) for any other table");
        }
        int[] perm = Seeds.permutation(seed, nIn);
        int[][] out = new int[groups][];
        for (int g = 0; g < groups; g++) {
            out[g] = Arrays.copyOfRange(perm, g * channelsPerGroup, (g + 1) * channelsPerGroup);
            Arrays.sort(out[g]);
        }
        return out;
    }

    /**
     * The legacy wiring ({@link #WIRING_INDEPENDENT}, configurations saved before the partition rule): for each
     * group in turn, {@code channelsPerGroup} distinct channels of {@code nIn} by a partial Fisher-Yates shuffle of
     * {@code 0..nIn-1} driven by one {@link SplittableRandom}, each row sorted ascending. Groups may overlap and
     * channels may feed no group.
     */
    public static int[][] drawIndependentWiring(long seed, int nIn, int groups, int channelsPerGroup) {
        if (channelsPerGroup > nIn) {
            throw new IllegalArgumentException(
                    "channelsPerGroup (" + channelsPerGroup + ") must be <= nIn (" + nIn + ")");
        }
        SplittableRandom rng = new SplittableRandom(seed);
        int[][] out = new int[groups][];
        int[] perm = new int[nIn];
        for (int g = 0; g < groups; g++) {
            for (int i = 0; i < nIn; i++) {
                perm[i] = i;
            }
            for (int i = 0; i < channelsPerGroup; i++) {
                int j = i + rng.nextInt(nIn - i);
                int t = perm[i];
                perm[i] = perm[j];
                perm[j] = t;
            }
            out[g] = Arrays.copyOf(perm, channelsPerGroup);
            Arrays.sort(out[g]);
        }
        return out;
    }

    private static void checkWiring(int[][] wiring, int nIn, int groups, int channelsPerGroup, String name) {
        if (wiring.length != groups) {
            throw new IllegalArgumentException(name + ": wiring has " + wiring.length + " rows, expected " + groups);
        }
        for (int g = 0; g < groups; g++) {
            if (wiring[g] == null || wiring[g].length != channelsPerGroup) {
                throw new IllegalArgumentException(name + ": wiring row " + g + " must have channelsPerGroup = "
                        + channelsPerGroup + " entries, got " + (wiring[g] == null ? "null" : wiring[g].length));
            }
            boolean[] seen = new boolean[nIn];
            for (int c : wiring[g]) {
                if (c < 0 || c >= nIn) {
                    throw new IllegalArgumentException(
                            name + ": wiring row " + g + " has channel " + c + ", outside [0, nIn = " + nIn + ")");
                }
                if (seen[c]) {
                    throw new IllegalArgumentException(name + ": wiring row " + g + " lists channel " + c + " twice");
                }
                seen[c] = true;
            }
        }
    }

    private String name() {
        return "RandomChannelGroupConvolution" + (layerName == null ? "" : " '" + layerName + "'");
    }

    private static void requireAtLeast(String what, int v, int min) {
        if (v < min) {
            throw new IllegalArgumentException(what + " must be >= " + min + ", got " + v);
        }
    }

    private static void requirePair(String what, int[] v, int min) {
        if (v == null || v.length != 2 || v[0] < min || v[1] < min) {
            throw new IllegalArgumentException(what + " must be 2 values >= " + min + ", got " + Arrays.toString(v));
        }
    }

    private static int[][] deepCopy(int[][] a) {
        int[][] c = new int[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i] == null ? null : a[i].clone();
        }
        return c;
    }

    // ---------------------------------------------------------------------------------------------- DL4J hooks

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(
            NeuralNetConfiguration conf,
            Collection<TrainingListener> trainingListeners,
            int layerIndex,
            INDArray layerParamsView,
            boolean initializeParams,
            DataType networkDataType) {
        if (nIn <= 0) {
            throw new IllegalStateException(name() + ": nIn is not set (set it or give the network input types)");
        }
        if (wiring == null) {
            resolveWiring();
        }
        return LayerInstances.wire(
                new RandomChannelGroupConvolutionLayer(conf, networkDataType),
                conf,
                trainingListeners,
                layerIndex,
                layerParamsView,
                initializeParams,
                initializer());
    }

    @Override
    public ParamInitializer initializer() {
        return RandomChannelGroupParamInitializer.getInstance();
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        if (inputType == null || inputType.getType() != InputType.Type.CNN) {
            throw new IllegalStateException("Invalid input for " + name() + " (layer index " + layerIndex
                    + "): expected CNN input, got " + inputType);
        }
        return InputTypeUtil.getOutputTypeCnnLayers(
                inputType,
                kernelSize,
                stride,
                padding,
                new int[] {1, 1},
                convolutionMode,
                nOut,
                layerIndex,
                getLayerName(),
                CNN2DFormat.NCHW,
                RandomChannelGroupConvolution.class);
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        if (inputType == null || inputType.getType() != InputType.Type.CNN) {
            throw new IllegalStateException("Invalid input for " + name() + ": expected CNN input, got " + inputType);
        }
        long channels = ((InputType.InputTypeConvolutional) inputType).getChannels();
        if (nIn <= 0 || (override && nIn != channels)) {
            nIn = channels;
            if (wiringSeed != null) {
                wiring = null;
            }
            resolveWiring();
        }
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        return InputTypeUtil.getPreProcessorForInputTypeCnnLayers(inputType, getLayerName());
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        long params = initializer().numParams(this);
        long updaterState = getIUpdater() == null ? 0 : getIUpdater().stateSize(params);
        InputType.InputTypeConvolutional out = (InputType.InputTypeConvolutional) getOutputType(-1, inputType);
        InputType.InputTypeConvolutional in = (InputType.InputTypeConvolutional) inputType;
        long gathered = (long) groups * channelsPerGroup * in.getHeight() * in.getWidth();
        return new LayerMemoryReport.Builder(layerName, RandomChannelGroupConvolution.class, inputType, out)
                .standardMemory(params, updaterState)
                .workingMemory(0, gathered, 0, 2 * gathered)
                .cacheMemory(MemoryReport.CACHE_MODE_ALL_ZEROS, MemoryReport.CACHE_MODE_ALL_ZEROS)
                .build();
    }

    @Override
    public Set<String> inputWeightParams() {
        return Set.of(RandomChannelGroupParamInitializer.WEIGHT_KEY);
    }

    /** One unit = one output filter {@code W[g, j]}; its incoming weights are dims {2, 3, 4} of W. */
    @Override
    public Map<String, int[]> incomingWeightDims() {
        return Map.of(RandomChannelGroupParamInitializer.WEIGHT_KEY, new int[] {2, 3, 4});
    }

    // ---------------------------------------------------------------------------------------------- accessors

    public int getGroups() {
        return groups;
    }

    public int getChannelsPerGroup() {
        return channelsPerGroup;
    }

    /** Output filters per group, {@code nOut / groups}. */
    @JsonIgnore
    public int getFiltersPerGroup() {
        return (int) (nOut / groups);
    }

    public int[] getKernelSize() {
        return kernelSize.clone();
    }

    public int[] getStride() {
        return stride.clone();
    }

    public int[] getPadding() {
        return padding.clone();
    }

    public ConvolutionMode getConvolutionMode() {
        return convolutionMode;
    }

    public boolean hasBias() {
        return hasBias;
    }

    /** The seed the wiring was drawn from, or null if it was given explicitly. */
    public Long getWiringSeed() {
        return wiringSeed;
    }

    /**
     * How a seeded wiring is drawn: {@link #WIRING_PARTITION}, or {@link #WIRING_INDEPENDENT} for configurations
     * saved without a version.
     */
    public int getWiringVersion() {
        return wiringVersion == null ? WIRING_INDEPENDENT : wiringVersion;
    }

    /** A copy of the wiring table {@code int[groups][channelsPerGroup]}, or null while nIn is unknown. */
    public int[][] getWiring() {
        return wiring == null ? null : deepCopy(wiring);
    }

    @Override
    public RandomChannelGroupConvolution clone() {
        RandomChannelGroupConvolution c = (RandomChannelGroupConvolution) super.clone();
        c.kernelSize = kernelSize.clone();
        c.stride = stride.clone();
        c.padding = padding.clone();
        c.wiring = wiring == null ? null : deepCopy(wiring);
        return c;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof RandomChannelGroupConvolution) || !super.equals(o)) {
            return false;
        }
        RandomChannelGroupConvolution that = (RandomChannelGroupConvolution) o;
        return groups == that.groups
                && channelsPerGroup == that.channelsPerGroup
                && hasBias == that.hasBias
                && Arrays.equals(kernelSize, that.kernelSize)
                && Arrays.equals(stride, that.stride)
                && Arrays.equals(padding, that.padding)
                && convolutionMode == that.convolutionMode
                && Objects.equals(wiringSeed, that.wiringSeed)
                && Arrays.deepEquals(wiring, that.wiring)
                && getWiringVersion() == that.getWiringVersion();
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                super.hashCode(),
                groups,
                channelsPerGroup,
                hasBias,
                Arrays.hashCode(kernelSize),
                Arrays.hashCode(stride),
                Arrays.hashCode(padding),
                convolutionMode,
                wiringSeed,
                Arrays.deepHashCode(wiring));
    }

    @Override
    public String toString() {
        return "RandomChannelGroupConvolution(name=" + layerName + ", nIn=" + nIn + ", nOut=" + nOut + ", groups="
                + groups + ", channelsPerGroup=" + channelsPerGroup + ", kernel=" + Arrays.toString(kernelSize)
                + ", stride=" + Arrays.toString(stride) + ", padding=" + Arrays.toString(padding) + ", mode="
                + convolutionMode + ", bias=" + hasBias + ", wiringSeed=" + wiringSeed + ", wiringVersion="
                + getWiringVersion() + ", wiring="
                + Arrays.deepToString(wiring) + ", activation=" + activationFn + ", dropout=" + iDropout + ")";
    }

    /**
     * Builder. Required: {@code nOut}, {@code groups}, {@code channelsPerGroup}; {@code nIn} or a network input
     * type. Defaults: stride 1, padding 0, {@link ConvolutionMode#Truncate}, bias on, seed
     * {@link #DEFAULT_WIRING_SEED}.
     */
    public static class Builder extends FeedForwardLayer.Builder<Builder> {
        private int groups = -1;
        private int channelsPerGroup = -1;
        private int[] kernelSize;
        private int[] stride = {1, 1};
        private int[] padding = {0, 0};
        private ConvolutionMode convolutionMode = ConvolutionMode.Truncate;
        private boolean hasBias = true;
        private long wiringSeed = DEFAULT_WIRING_SEED;
        private int[][] wiring;

        /** @param kernelSize {kH, kW} */
        public Builder(int... kernelSize) {
            this.kernelSize = kernelSize == null ? null : kernelSize.clone();
        }

        /** Number of groups G; nOut must be divisible by G. */
        public Builder groups(int groups) {
            this.groups = groups;
            return this;
        }

        /** Input channels S each group sees; a drawn wiring needs {@code groups * S == nIn}. */
        public Builder channelsPerGroup(int channelsPerGroup) {
            this.channelsPerGroup = channelsPerGroup;
            return this;
        }

        public Builder kernelSize(int... kernelSize) {
            this.kernelSize = kernelSize.clone();
            return this;
        }

        public Builder stride(int... stride) {
            this.stride = stride.clone();
            return this;
        }

        public Builder padding(int... padding) {
            this.padding = padding.clone();
            return this;
        }

        public Builder convolutionMode(ConvolutionMode convolutionMode) {
            this.convolutionMode = convolutionMode;
            return this;
        }

        public Builder hasBias(boolean hasBias) {
            this.hasBias = hasBias;
            return this;
        }

        /** Seed of the random wiring (ignored if {@link #wiring} is given). */
        public Builder wiringSeed(long wiringSeed) {
            this.wiringSeed = wiringSeed;
            this.wiring = null;
            return this;
        }

        /**
         * An explicit wiring {@code int[groups][channelsPerGroup]} of distinct channels per row, used as given (rows
         * may share channels, and channels may be left out).
         */
        public Builder wiring(int[][] wiring) {
            this.wiring = deepCopy(wiring);
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public RandomChannelGroupConvolution build() {
            return new RandomChannelGroupConvolution(this);
        }
    }
}
