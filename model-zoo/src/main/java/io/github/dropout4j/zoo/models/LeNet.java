package io.github.dropout4j.zoo.models;

import io.github.dropout4j.constraint.PerUnitMaxNorm;
import io.github.dropout4j.dropout.BernoulliDropout;
import io.github.dropout4j.dropout.DropoutPlacement;
import io.github.dropout4j.dropout.Probabilities;
import io.github.dropout4j.dropout.TestTimeWeightScaling;
import io.github.dropout4j.onednn.OneDnnHelpers;
import io.github.dropout4j.updater.DampedMomentum;
import io.github.dropout4j.updater.LinearRampSchedule;
import io.github.dropout4j.zoo.training.Recipe;
import java.util.Arrays;
import java.util.Objects;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.zoo.ModelMetaData;
import org.deeplearning4j.zoo.ZooType;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

/**
 * A LeNet-like convolutional network for the 28x28 digits, the practitioners' first dropout experiment (dropout
 * rate x max-norm bound x seeds, PAPER-NOTES section 7; {@code ./dropout4j sweep --model lenet}). The layers are
 * Caffe's LeNet ({@code examples/mnist/lenet_train_test.prototxt}): linear convolutions, max pooling, one ReLU
 * layer. Input {@code [minibatch, 784]} pixels in [0, 1] (as the MNIST MLPs; reshaped to
 * {@code [minibatch, 1, 28, 28]} by DL4J's preprocessor), output softmax {@code [minibatch, 10]}:
 * <pre>
 *  layer    type                                       output shape        parameters
 *  conv1    conv 5x5, 20 banks, stride 1, no padding   [mb, 20, 24, 24]    5*5*1*20 + 20   =     520
 *  pool1    max 2x2 / 2                                [mb, 20, 12, 12]
 *  conv2    conv 5x5, 50 banks, stride 1, no padding   [mb, 50, 8, 8]      5*5*20*50 + 50  =  25,050
 *  pool2    max 2x2 / 2                                [mb, 50, 4, 4]
 *  dense    500 ReLU units on the 50*4*4 = 800 values  [mb, 500]           800*500 + 500   = 400,500
 *  softmax  10-way softmax                             [mb, 10]            500*10 + 10     =   5,010
 *                                                                          total           = 431,080
 * </pre>
 * <b>Dropout</b> ({@link BernoulliDropout}, the paper's convention): the inputs of {@code dense} (the 800 pooled
 * features) and of {@code softmax} (the 500 hidden units) are each kept with {@code retainProbability}, masks
 * seeded per layer ({@link FeedForwardZooModel#layerDropoutSeed}); at test time {@link TestTimeWeightScaling}
 * multiplies those two layers' input weights by it, so {@code output(x)} is the mean network. The convolutions'
 * inputs are not dropped.
 *
 * <p><b>Max-norm</b> ({@link PerUnitMaxNorm}, if {@code maxSquaredLength > 0}): every unit's incoming weight vector,
 * on all four weight layers (a convolution unit is one filter, {@code [in channels, 5, 5]}; a dense or softmax
 * unit one column of {@code [nIn, nOut]}), as in the practitioners' sweeps.
 *
 * <p><b>Training</b>: the MNIST recipes' optimiser, the paper's {@link DampedMomentum} with its schedules
 * ({@link #updater}: the same update rule as the MLPs, so a sweep compares dropout and bounds, not optimisers), at
 * a smaller short-run rate, minibatches of 100. <b>Initialisation</b>: Caffe's LeNet "xavier",
 * {@code N(0, 1/fanIn)} ({@link WeightInit#XAVIER_FAN_IN}; fan-in 25, 500, 800, 500), biases 0: the MLPs'
 * {@code N(0, 0.01^2)} would scale the signal's spread by {@code 0.01 sqrt(fanIn)} per layer, 0.05 * 0.22 * 0.28 *
 * 0.22 ~= 7e-4 through the four (pooling and ReLU aside).
 *
 * <pre>{@code
 * MultiLayerNetwork net = LeNet.of(LeNet.dropout()).init();   // 431,080 parameters, on oneDNN where available
 * }</pre>
 */
public final class LeNet extends PretrainedZooModel<MultiLayerNetwork> {
    /** 28 x 28 pixels, one channel. */
    public static final int SIZE = 28;
    /** Digits 0-9. */
    public static final int CLASSES = 10;
    /** Parameters, computed by hand in the class comment. */
    public static final long PARAMETER_COUNT = 431_080L;
    /** Retain probability of {@link #dropout()}: the paper's 50% for hidden units. */
    public static final double DROPOUT_RETAIN = 0.5;

    private final Config config;

    private LeNet(Config config) {
        super(MultiLayerNetwork.class);
        this.config = Objects.requireNonNull(config, "config");
    }

    /** A zoo model for {@code config}. */
    public static LeNet of(Config config) {
        return new LeNet(config);
    }

    /**
     * eps_0 of {@link #updater}({@code SHORT}): on the bundled digits (one epoch of 8,000, seed 1, no dropout),
     * eps_0 = 1 (the MLPs' short rate) collapsed to one class (10.8% validation accuracy); in a one-off loop 0.03, 0.1
     * and 0.3 gave 152, 115 and 68 validation errors of 1,000 (model-zoo/README-cli.md, {@code sweep --model lenet}).
     */
    public static final double SHORT_INITIAL_LEARNING_RATE = 0.3;

    /**
     * The MNIST recipes' optimiser, {@link DampedMomentum} with eps_t = eps_0 * 0.998^epoch and momentum 0.5 -&gt; 0.99
     * over 500 epochs (Appendix A.1): {@code PAPER} with the paper's eps_0 = 10, {@code SHORT} with
     * {@link #SHORT_INITIAL_LEARNING_RATE}.
     */
    public static IUpdater updater(Recipe recipe) {
        return recipe == Recipe.PAPER
                ? recipe.updater()
                : new DampedMomentum(
                        new ExponentialSchedule(
                                ScheduleType.EPOCH,
                                SHORT_INITIAL_LEARNING_RATE,
                                DampedMomentum.MNIST_LEARNING_RATE_DECAY),
                        new LinearRampSchedule(
                                ScheduleType.EPOCH,
                                DampedMomentum.MNIST_INITIAL_MOMENTUM,
                                DampedMomentum.MNIST_FINAL_MOMENTUM,
                                recipe.momentumRampEpochs()));
    }

    /** One line: what {@code train} runs for {@code --recipe short} and {@code paper}. */
    public static String describeRecipes() {
        return "train default: --recipe short: DampedMomentum eps_t = " + SHORT_INITIAL_LEARNING_RATE
                + " * 0.998^epoch, "
                + "momentum 0.5 -> 0.99 linearly over 500 epochs; --recipe paper: the same with eps_0 = 10 (Appendix A.1); "
                + "batch 100";
    }

    /** {@code lenet}: no dropout, no bound; {@link #updater}({@code SHORT}). */
    public static Config standard() {
        return new Config("lenet", 1.0, 0, updater(Recipe.SHORT), MlpConfig.DEFAULT_SEED);
    }

    /**
     * {@code lenet-dropout}: retain 0.5 on the inputs of {@code dense} and {@code softmax}, and the paper's MNIST
     * bound, squared length 15 (Appendix A.1), on every unit; {@link #updater}({@code SHORT}).
     */
    public static Config dropout() {
        return new Config(
                "lenet-dropout",
                DROPOUT_RETAIN,
                MlpConfig.PAPER_MAX_SQUARED_LENGTH,
                updater(Recipe.SHORT),
                MlpConfig.DEFAULT_SEED);
    }

    /**
     * The configuration of a LeNet: an immutable value.
     *
     * @param name              registry name, e.g. {@code lenet-dropout}
     * @param retainProbability probability of keeping each input unit of {@code dense} and of {@code softmax}, in
     *                          (0, 1]; 1 = no dropout
     * @param maxSquaredLength  bound on the squared L2 norm of every unit's incoming weights, &gt; 0, or 0 for none
     * @param updater           the optimiser ({@link #updater}: the MNIST recipes' {@link DampedMomentum})
     * @param seed              seed of the weights; the dropout masks' seeds derive from it
     */
    public record Config(String name, double retainProbability, double maxSquaredLength, IUpdater updater, long seed) {
        public Config {
            Objects.requireNonNull(name, "name");
            Probabilities.requireRetain("retainProbability", retainProbability);
            if (!(maxSquaredLength >= 0) || Double.isInfinite(maxSquaredLength)) {
                throw new IllegalArgumentException(
                        "maxSquaredLength must be finite and >= 0 (0 = no bound), got " + maxSquaredLength);
            }
            Objects.requireNonNull(updater, "updater");
        }

        public Config withName(String name) {
            return new Config(name, retainProbability, maxSquaredLength, updater, seed);
        }

        /** @param dropProbability probability of dropping each input unit of {@code dense} and {@code softmax} */
        public Config withDropProbability(double dropProbability) {
            return withRetainProbability(1.0 - Probabilities.requireDrop("dropProbability", dropProbability));
        }

        public Config withRetainProbability(double retainProbability) {
            return new Config(name, retainProbability, maxSquaredLength, updater, seed);
        }

        /** @param maxNorm bound c on every unit's incoming-weight L2 norm (not squared), or 0 for none */
        public Config withMaxNorm(double maxNorm) {
            if (!(maxNorm >= 0) || Double.isInfinite(maxNorm)) {
                throw new IllegalArgumentException("maxNorm must be finite and >= 0 (0 = no bound), got " + maxNorm);
            }
            return withMaxSquaredLength(maxNorm * maxNorm);
        }

        public Config withMaxSquaredLength(double maxSquaredLength) {
            return new Config(name, retainProbability, maxSquaredLength, updater, seed);
        }

        public Config withUpdater(IUpdater updater) {
            return new Config(name, retainProbability, maxSquaredLength, updater, seed);
        }

        public Config withSeed(long seed) {
            return new Config(name, retainProbability, maxSquaredLength, updater, seed);
        }

        /** Whether any input is dropped. */
        public boolean usesDropout() {
            return retainProbability < 1;
        }

        /** The layer sizes in one word: {@code conv5x5x20-pool2-conv5x5x50-pool2-500-10}. */
        public String architecture() {
            return "conv5x5x20-pool2-conv5x5x50-pool2-500-10";
        }
    }

    public Config config() {
        return config;
    }

    /** The DL4J configuration (checked by {@link DropoutPlacement#check}); building it allocates no parameters. */
    public MultiLayerConfiguration conf() {
        Config c = config;
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(c.seed())
                .dataType(DataType.FLOAT)
                .updater(c.updater().clone())
                .weightInit(WeightInit.XAVIER_FAN_IN)
                .biasInit(0)
                .convolutionMode(ConvolutionMode.Truncate)
                .weightNoise(new TestTimeWeightScaling())
                .list()
                .layer(layer(
                        new ConvolutionLayer.Builder(5, 5)
                                .name("conv1")
                                .nOut(20)
                                .stride(1, 1)
                                .activation(Activation.IDENTITY),
                        0)) // [mb, 20, 24, 24]
                .layer(pool("pool1")) // [mb, 20, 12, 12]
                .layer(layer(
                        new ConvolutionLayer.Builder(5, 5)
                                .name("conv2")
                                .nOut(50)
                                .stride(1, 1)
                                .activation(Activation.IDENTITY),
                        2)) // [mb, 50, 8, 8]
                .layer(pool("pool2")) // [mb, 50, 4, 4]
                .layer(layer(
                        new DenseLayer.Builder().name("dense").nOut(500).activation(Activation.RELU), 4)) // [mb, 500]
                .layer(layer(
                        new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                                .name("softmax")
                                .nOut(CLASSES)
                                .activation(Activation.SOFTMAX),
                        5)) // [mb, 10]
                .setInputType(InputType.convolutionalFlat(SIZE, SIZE, 1))
                .build();
        DropoutPlacement.check(conf);
        return conf;
    }

    /**
     * Layer {@code index} built with the bound (if any) on its weights, and with dropout on its input if it is
     * {@code dense} or {@code softmax} (indices 4 and 5) and the configuration drops.
     */
    private BaseLayer layer(BaseLayer.Builder<?> b, int index) {
        if (config.maxSquaredLength() > 0) {
            b.constrainWeights(PerUnitMaxNorm.maxSquaredLength(config.maxSquaredLength()));
        }
        if (index >= 4 && config.usesDropout()) {
            b.dropOut(BernoulliDropout.retainProbability(config.retainProbability())
                    .withSeed(FeedForwardZooModel.layerDropoutSeed(config.seed(), index)));
        }
        return b.build();
    }

    private static SubsamplingLayer pool(String name) {
        return new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                .name(name)
                .kernelSize(2, 2)
                .stride(2, 2)
                .build();
    }

    /** Builds and initialises the network, on oneDNN where ND4J's oneDNN natives are loaded ({@link OneDnnHelpers}). */
    @Override
    public MultiLayerNetwork init() {
        MultiLayerNetwork net = new MultiLayerNetwork(conf());
        net.init();
        OneDnnHelpers.install(net);
        return net;
    }

    @Override
    public String modelName() {
        return config.name();
    }

    @Override
    @SuppressWarnings("deprecation")
    public ModelMetaData metaData() {
        return new ModelMetaData(new int[][] {{SIZE * SIZE}}, 1, ZooType.CNN);
    }

    /** Only {@code {{784}}} is accepted: the layer sizes are fixed. */
    @Override
    public void setInputShape(int[][] inputShape) {
        if (inputShape == null || inputShape.length != 1 || !Arrays.equals(inputShape[0], new int[] {SIZE * SIZE})) {
            throw new IllegalArgumentException(
                    modelName() + " takes input shape {{784}} only, got " + Arrays.deepToString(inputShape));
        }
    }

    @Override
    public String toString() {
        return "LeNet[" + config + "]";
    }
}
