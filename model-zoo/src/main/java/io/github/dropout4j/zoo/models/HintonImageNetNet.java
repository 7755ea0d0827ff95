package io.github.dropout4j.zoo.models;

import io.github.dropout4j.constraint.PerUnitMaxNorm;
import io.github.dropout4j.dropout.BernoulliDropout;
import io.github.dropout4j.dropout.DropoutPlacement;
import io.github.dropout4j.dropout.TestTimeWeightScaling;
import io.github.dropout4j.layers.RandomChannelGroupConvolution;
import io.github.dropout4j.updater.DampedMomentum;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LocalResponseNormalization;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The ImageNet 2010 network of Hinton et al. 2012 (arXiv 1207.0580, Appendix H), as a two-input DL4J
 * {@link ComputationGraph}: input {@value #CROP_INPUT} is the {@code [mb, 3, 224, 224]} crop, input
 * {@value #SUBSAMPLED_INPUT} the same crop subsampled 4x to {@code [mb, 3, 56, 56]}. All layers NCHW, ReLU,
 * Truncate convolution mode; {@link PerUnitMaxNorm} on the incoming weights of every unit of every layer;
 * {@link TestTimeWeightScaling} for the mean network at test time.
 *
 * <table>
 *   <caption>Layers, output shapes (channels x height x width) and parameters at cropSize 224, 1000 classes</caption>
 *   <tr><th>vertex</th><th>what</th><th>output</th><th>parameters</th></tr>
 *   <tr><td>conv1</td><td>64 filters 11x11 stride 4 pad 2, on crop</td><td>64x55x55</td><td>64*3*121+64 = 23,296</td></tr>
 *   <tr><td>pool1</td><td>max 3x3 stride 2</td><td>64x27x27</td><td>0</td></tr>
 *   <tr><td>norm1</td><td>response normalisation (k 2, n 5, alpha 1e-4, beta 0.75)</td><td>64x27x27</td><td>0</td></tr>
 *   <tr><td>conv2</td><td>{@link RandomChannelGroupConvolution} 256 filters 5x5 pad 2, 4 groups of 64, each wired to a unique random 16 of the 64 channels (the groups partition them), linear</td><td>256x27x27</td><td>256*16*25+256 = 102,656</td></tr>
 *   <tr><td>conv2sub</td><td>256 filters 5x5 stride 2 pad 1 on the 56x56 input, no bias, linear</td><td>256x27x27</td><td>256*3*25 = 19,200</td></tr>
 *   <tr><td>conv2sum, relu2</td><td>element-wise sum, then ReLU</td><td>256x27x27</td><td>0</td></tr>
 *   <tr><td>pool2, norm2</td><td>max 3x3 stride 2; response normalisation</td><td>256x13x13</td><td>0</td></tr>
 *   <tr><td>conv3</td><td>512 filters 3x3 pad 1, 16 groups of 32, each wired to 16 of 256</td><td>512x13x13</td><td>512*16*9+512 = 74,240</td></tr>
 *   <tr><td>conv4</td><td>512 filters 3x3 pad 1, 16 groups of 32, each wired to 32 of 512</td><td>512x13x13</td><td>512*32*9+512 = 147,968</td></tr>
 *   <tr><td>conv5</td><td>same as conv4</td><td>512x13x13</td><td>147,968</td></tr>
 *   <tr><td>pool5</td><td>max 3x3 stride 2</td><td>512x6x6 = 18,432</td><td>0</td></tr>
 *   <tr><td>fc6</td><td>4096 ReLU units</td><td>4096</td><td>18432*4096+4096 = 75,501,568</td></tr>
 *   <tr><td>fc7</td><td>4096 ReLU units, 50% dropout on its input (fc6's units)</td><td>4096</td><td>4096*4096+4096 = 16,781,312</td></tr>
 *   <tr><td>output</td><td>1000-way softmax, 50% dropout on its input (fc7's units)</td><td>1000</td><td>4096*1000+1000 = 4,097,000</td></tr>
 * </table>
 * Total with dropout: <b>96,895,208</b> parameters. The no-dropout variant ({@link Builder#dropout(boolean)} false,
 * the paper's 48.6% baseline) has no fc6/fc7: output = softmax on pool5, 18432*1000+1000 = 18,433,000, total
 * <b>18,948,328</b>.
 *
 * <p>Choices where Appendix H is silent (documented so they can be changed): conv1 padding 2 (224 -&gt; 55, as
 * AlexNet's effective 227 input); conv2sub padding 1 so its output matches conv2's 27x27 (computed for any
 * cropSize); 3x3 kernels with padding 1 for conv3-5 (as AlexNet); DL4J's response-normalisation defaults, which are
 * AlexNet's; weights N(0, 0.01^2), biases 1 in conv2, conv4, conv5 and fc6/fc7 and 0 elsewhere, classical momentum
 * 0.9 with learning rate 0.01 (AlexNet's recipe; as {@code DampedMomentum(0.1, 0.9)}, see {@link AlexNetDropout};
 * the rate is constant here, {@code train imagenet --recipe paper} divides it by 10 on validation plateaus, batch
 * 128, crops and reflections without PCA colour noise);
 * max-norm bound {@code c = sqrt(15)} (the paper's MNIST value; none is given for ImageNet). conv2's units have
 * two sets of incoming weights, conv2's {@code [256, 16, 5, 5]} on the pooled conv1 maps and conv2sub's
 * {@code [256, 3, 5, 5]} on the subsampled image, summed before the ReLU; the bound is applied to each layer
 * separately (DL4J constraints see one layer's parameters), so a conv2 unit's joint incoming vector may reach norm
 * {@code sqrt(2) c}, not {@code c}. A joint bound would need a constraint spanning two layers, which DL4J's
 * per-layer {@code IConstraint} cannot express; we document the departure instead. The 56x56 input is the
 * crop averaged over 4x4 blocks (see {@code ImageNetPreprocessor}). The random wiring of conv2-5 is drawn from
 * {@code seed} and stored in the configuration, so it is saved and restored with the model.
 *
 * <p>Small variants for tests: {@link Builder#cropSize(int)} (a multiple of 4, e.g. 64 with 16x16 subsampled
 * input), {@link Builder#widthDivisor(int)} (divides every channel count and wiring size), {@link Builder#fcUnits}.
 *
 * <pre>{@code
 * ComputationGraph net = HintonImageNetNet.builder().numClasses(1000).seed(42).build().init();
 * INDArray probs = net.output(crop, subsampled)[0];
 * }</pre>
 */
public final class HintonImageNetNet extends ImageNetZooModel<ComputationGraph> {

    public static final String CROP_INPUT = "crop";
    public static final String SUBSAMPLED_INPUT = "subsampled";
    public static final String OUTPUT = "output";
    /** The minibatch of the papers' ImageNet recipe (Krizhevsky et al. 2012, section 5). */
    public static final int PAPER_BATCH_SIZE = 128;
    /** Factor by which the second input is subsampled from the crop: 224 / 56. */
    public static final int SUBSAMPLE_FACTOR = 4;

    private final boolean dropout;
    private final double maxNorm;
    private final double hiddenBias;

    private HintonImageNetNet(Builder b) {
        super(ComputationGraph.class, b);
        if (b.cropSize < 32 || b.cropSize % SUBSAMPLE_FACTOR != 0) {
            throw new IllegalArgumentException("cropSize must be a multiple of 4 and >= 32, got " + b.cropSize);
        }
        if (16 % b.widthDivisor != 0) {
            throw new IllegalArgumentException("widthDivisor must divide 16 (1, 2, 4, 8 or 16), got " + b.widthDivisor);
        }
        if (!(b.maxNorm > 0) || Double.isInfinite(b.maxNorm)) {
            throw new IllegalArgumentException("maxNorm must be finite and > 0, got " + b.maxNorm);
        }
        this.dropout = b.dropout;
        this.maxNorm = b.maxNorm;
        this.hiddenBias = b.hiddenBias;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Spatial size of conv1's output: {@code (crop + 4 - 11) / 4 + 1}. */
    static int conv1Size(int crop) {
        return (crop + 4 - 11) / 4 + 1;
    }

    static int poolSize(int in) {
        return (in - 3) / 2 + 1;
    }

    /** Padding of the 5x5 stride-2 filtering of the subsampled input that makes its output match conv2's size. */
    static int subsampleBranchPadding(int cropSize) {
        int target = poolSize(conv1Size(cropSize));
        int sub = cropSize / SUBSAMPLE_FACTOR;
        for (int p = 0; p <= 4; p++) {
            if ((sub + 2 * p - 5) / 2 + 1 == target && sub + 2 * p >= 5) {
                return p;
            }
        }
        throw new IllegalArgumentException("cropSize " + cropSize + ": conv2 maps are " + target + "x" + target
                + " but no padding of a 5x5 stride-2 filter on " + sub + "x" + sub + " gives that size");
    }

    /** The configuration (parameters not allocated), checked by {@link DropoutPlacement#check}. */
    public ComputationGraphConfiguration conf() {
        int d = widthDivisor;
        int c1 = 64 / d, c2 = 256 / d, c3 = 512 / d;
        int sub = cropSize / SUBSAMPLE_FACTOR;
        if (poolSize(poolSize(conv1Size(cropSize))) < 3) {
            throw new IllegalArgumentException(
                    "cropSize " + cropSize + " is too small: pool5 needs conv5 maps of" + " at least 3x3 (use >= 64)");
        }
        BernoulliDropout half = BernoulliDropout.retainProbability(0.5);
        ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(updater)
                .weightInit(weightInit)
                .activation(Activation.RELU)
                .weightNoise(new TestTimeWeightScaling())
                .constrainWeights(PerUnitMaxNorm.maxNorm(maxNorm))
                .graphBuilder()
                .addInputs(CROP_INPUT, SUBSAMPLED_INPUT)
                .setInputTypes(InputType.convolutional(cropSize, cropSize, 3), InputType.convolutional(sub, sub, 3))
                .addLayer(
                        "conv1",
                        new ConvolutionLayer.Builder(11, 11)
                                .stride(4, 4)
                                .padding(2, 2)
                                .nOut(c1)
                                .biasInit(0)
                                .build(),
                        CROP_INPUT)
                .addLayer("pool1", maxPool(), "conv1")
                .addLayer("norm1", new LocalResponseNormalization.Builder().build(), "pool1")
                .addLayer(
                        "conv2",
                        new RandomChannelGroupConvolution.Builder(5, 5)
                                .padding(2, 2)
                                .nOut(c2)
                                .groups(4)
                                .channelsPerGroup(16 / d)
                                .wiringSeed(seed * 31 + 2)
                                .biasInit(hiddenBias)
                                .activation(Activation.IDENTITY)
                                .build(),
                        "norm1")
                .addLayer(
                        "conv2sub",
                        new ConvolutionLayer.Builder(5, 5)
                                .stride(2, 2)
                                .padding(subsampleBranchPadding(cropSize), subsampleBranchPadding(cropSize))
                                .nOut(c2)
                                .hasBias(false)
                                .activation(Activation.IDENTITY)
                                .build(),
                        SUBSAMPLED_INPUT)
                .addVertex("conv2sum", new ElementWiseVertex(ElementWiseVertex.Op.Add), "conv2", "conv2sub")
                .addLayer(
                        "relu2",
                        new ActivationLayer.Builder()
                                .activation(Activation.RELU)
                                .build(),
                        "conv2sum")
                .addLayer("pool2", maxPool(), "relu2")
                .addLayer("norm2", new LocalResponseNormalization.Builder().build(), "pool2")
                .addLayer("conv3", grouped(c3, 16, 16 / d, 3, 0), "norm2")
                .addLayer("conv4", grouped(c3, 16, 32 / d, 4, hiddenBias), "conv3")
                .addLayer("conv5", grouped(c3, 16, 32 / d, 5, hiddenBias), "conv4")
                .addLayer("pool5", maxPool(), "conv5");
        String last = "pool5";
        if (dropout) {
            g.addLayer(
                            "fc6",
                            new DenseLayer.Builder()
                                    .nOut(fcUnits)
                                    .biasInit(hiddenBias)
                                    .build(),
                            "pool5")
                    .addLayer(
                            "fc7",
                            new DenseLayer.Builder()
                                    .nOut(fcUnits)
                                    .biasInit(hiddenBias)
                                    .dropOut(half.withSeed(seed * 31 + 7))
                                    .build(),
                            "fc6");
            last = "fc7";
        }
        OutputLayer.Builder out = new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .nOut(numClasses)
                .activation(Activation.SOFTMAX)
                .biasInit(0);
        if (dropout) {
            out.dropOut(half.withSeed(seed * 31 + 8));
        }
        ComputationGraphConfiguration conf =
                g.addLayer(OUTPUT, out.build(), last).setOutputs(OUTPUT).build();
        DropoutPlacement.check(conf);
        return conf;
    }

    private RandomChannelGroupConvolution grouped(int nOut, int groups, int channelsPerGroup, int layer, double bias) {
        return new RandomChannelGroupConvolution.Builder(3, 3)
                .padding(1, 1)
                .nOut(nOut)
                .groups(groups)
                .channelsPerGroup(channelsPerGroup)
                .wiringSeed(seed * 31 + layer)
                .biasInit(bias)
                .build();
    }

    private static SubsamplingLayer maxPool() {
        return new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX, new int[] {3, 3}, new int[] {2, 2})
                .build();
    }

    @Override
    ComputationGraph newNetwork() {
        return new ComputationGraph(conf());
    }

    /** Parameters per layer, from the configuration alone (~390 MB in float32 at full size once initialised). */
    @Override
    public Map<String, Long> parameterCounts() {
        return ConfigurationSummary.parameterCounts(conf());
    }

    @Override
    int[][] inputShapes() {
        return new int[][] {{3, cropSize, cropSize}, {3, subsampledSize(), subsampledSize()}};
    }

    public int subsampledSize() {
        return cropSize / SUBSAMPLE_FACTOR;
    }

    public boolean hasDropout() {
        return dropout;
    }

    @Override
    public String modelName() {
        return dropout ? "hinton-imagenet-dropout" : "hinton-imagenet-nodropout";
    }

    @Override
    public String toString() {
        return "HintonImageNetNet(numClasses=" + numClasses + ", cropSize=" + cropSize + ", widthDivisor="
                + widthDivisor + ", fcUnits=" + fcUnits + ", dropout=" + dropout + ", seed=" + seed + ", maxNorm="
                + maxNorm + ", updater=" + updater + ")";
    }

    /** Defaults are the paper's network: 1000 classes, 224 crops, full widths, 4096-unit layers, dropout on. */
    public static final class Builder extends ImageNetZooModel.Builder<HintonImageNetNet, Builder> {
        private boolean dropout = true;
        private double maxNorm = Math.sqrt(15);
        private double hiddenBias = 1.0;

        private Builder() {
            super(new DampedMomentum(0.1, 0.9));
        }

        @Override
        Builder self() {
            return this;
        }

        /** True: the paper's dropout net; false: the baseline without the two 4096-unit layers. */
        public Builder dropout(boolean dropout) {
            this.dropout = dropout;
            return this;
        }

        /** Bound c on every unit's incoming-weight L2 norm. */
        public Builder maxNorm(double maxNorm) {
            this.maxNorm = maxNorm;
            return this;
        }

        /** Bias of conv2, conv4, conv5, fc6, fc7 (1 as in AlexNet); the others start at 0. */
        public Builder hiddenBias(double hiddenBias) {
            this.hiddenBias = hiddenBias;
            return this;
        }

        /** Adam(2e-3), He initialisation, hidden biases 0.1. */
        @Override
        Builder shortRecipe() {
            return updater(new Adam(2e-3))
                    .weightInit(WeightInit.RELU.getWeightInitFunction())
                    .hiddenBias(0.1);
        }

        @Override
        public HintonImageNetNet build() {
            return new HintonImageNetNet(this);
        }
    }
}
