package io.github.dropout4j.zoo.models;

import io.github.dropout4j.dropout.BernoulliDropout;
import io.github.dropout4j.dropout.DropoutPlacement;
import io.github.dropout4j.dropout.TestTimeWeightScaling;
import io.github.dropout4j.layers.RandomChannelGroupConvolution;
import io.github.dropout4j.updater.DampedMomentum;
import java.util.Map;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LocalResponseNormalization;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * AlexNet (Krizhevsky, Sutskever and Hinton 2012, sections 3.5, 4.2, 5) with the paper's dropout, as a DL4J
 * {@link MultiLayerNetwork}; input {@code [mb, 3, 224, 224]} NCHW, ReLU everywhere, Truncate convolution mode.
 *
 * <table>
 *   <caption>Layers, output shapes and parameters at 224x224, 1000 classes, two-tower grouping</caption>
 *   <tr><th>layer</th><th>what</th><th>output</th><th>parameters</th></tr>
 *   <tr><td>conv1</td><td>96 filters 11x11 stride 4 pad 2, bias 0</td><td>96x55x55</td><td>96*3*121+96 = 34,944</td></tr>
 *   <tr><td>norm1, pool1</td><td>response norm (k 2, n 5, alpha 1e-4, beta 0.75); max 3x3/2</td><td>96x27x27</td><td>0</td></tr>
 *   <tr><td>conv2</td><td>256 filters 5x5 pad 2, 2 groups (towers) of 128, each on its tower's 48 channels, bias 1</td><td>256x27x27</td><td>256*48*25+256 = 307,456</td></tr>
 *   <tr><td>norm2, pool2</td><td>response norm; max 3x3/2</td><td>256x13x13</td><td>0</td></tr>
 *   <tr><td>conv3</td><td>384 filters 3x3 pad 1, all 256 channels (crosses towers), bias 0</td><td>384x13x13</td><td>384*256*9+384 = 885,120</td></tr>
 *   <tr><td>conv4</td><td>384 filters 3x3 pad 1, 2 groups on 192 channels each, bias 1</td><td>384x13x13</td><td>384*192*9+384 = 663,936</td></tr>
 *   <tr><td>conv5</td><td>256 filters 3x3 pad 1, 2 groups on 192 channels each, bias 1</td><td>256x13x13</td><td>256*192*9+256 = 442,624</td></tr>
 *   <tr><td>pool5</td><td>max 3x3/2</td><td>256x6x6 = 9216</td><td>0</td></tr>
 *   <tr><td>fc6</td><td>4096, bias 1</td><td>4096</td><td>9216*4096+4096 = 37,752,832</td></tr>
 *   <tr><td>fc7</td><td>4096, bias 1, dropout 0.5 on its input</td><td>4096</td><td>4096*4096+4096 = 16,781,312</td></tr>
 *   <tr><td>output</td><td>1000-way softmax, bias 0, dropout 0.5 on its input</td><td>1000</td><td>4096*1000+1000 = 4,097,000</td></tr>
 * </table>
 * Total <b>60,965,224</b> parameters (the paper's "60 million"). With {@link Builder#twoTowers(boolean)} false
 * (single tower: conv2, conv4, conv5 see all channels) conv2 has 614,656, conv4 1,327,488, conv5 884,992; total
 * <b>62,378,344</b>. The two-GPU grouping is reproduced exactly with {@link RandomChannelGroupConvolution} given an
 * explicit wiring (group g = tower g's half of the channels), so it costs the paper's parameters and FLOPs.
 *
 * <p><b>Dropout</b>: the paper sets "to zero the output of each hidden neuron with probability 0.5" in the first two
 * fully connected layers, and at test time "multiplies their outputs by 0.5". Here that is
 * {@code BernoulliDropout.retainProbability(0.5)} on the <em>input</em> of fc7 and of the output layer (fc6's and
 * fc7's outputs), with {@link TestTimeWeightScaling}: at test time the weights that read those outputs are
 * multiplied by 0.5. Since fc7's and the output's pre-activations are linear in their inputs,
 * {@code (0.5 W) h = W (0.5 h)}: scaling the outgoing weights is exactly scaling the outputs.
 *
 * <p><b>Optimisation</b> (section 5): {@code v <- 0.9 v - 0.0005 eps w - eps <dL/dw>}, {@code w <- w + v},
 * eps = 0.01. DL4J's L2 adds {@code 0.0005 w} to the gradient before the updater (weights only, not biases), and
 * {@code DampedMomentum(eps', p)} computes {@code v <- p v - (1 - p) eps' g}; with {@code eps' = eps / (1 - p) = 0.1}
 * this is the paper's undamped momentum exactly. Weights N(0, 0.01^2). The network itself holds a constant rate;
 * the paper's "divide the learning rate by 10 when the validation error stopped improving" is done by the
 * command line's {@code train alexnet --recipe paper} ({@code io.github.dropout4j.zoo.training.LearningRatePlateau}
 * in a {@code TrainingRun.EpochHook}, via {@code setLearningRate}), not by this class.
 *
 * <p>conv1 padding 2 maps 224 to 55 (the paper's 224 with 11x11 stride 4 only gives 55 for a 227 input).
 */
public final class AlexNetDropout extends ImageNetZooModel<MultiLayerNetwork> {

    /** Learning rate eps of the paper. */
    public static final double LEARNING_RATE = 0.01;

    public static final double MOMENTUM = 0.9;
    public static final double WEIGHT_DECAY = 0.0005;

    private final boolean twoTowers;

    private AlexNetDropout(Builder b) {
        super(MultiLayerNetwork.class, b);
        if (b.cropSize < 64) {
            throw new IllegalArgumentException("cropSize must be >= 64, got " + b.cropSize);
        }
        for (int width : new int[] {96, 256, 384}) {
            if (width % b.widthDivisor != 0 || (b.twoTowers && (width / b.widthDivisor) % 2 != 0)) {
                throw new IllegalArgumentException("widthDivisor " + b.widthDivisor + " must divide AlexNet's "
                        + "channel counts 96, 256, 384" + (b.twoTowers ? " into even numbers (two towers)" : "")
                        + ": 1, 2, 4, 8 or 16");
            }
        }
        this.twoTowers = b.twoTowers;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The paper's optimiser: classical momentum 0.9 at learning rate 0.01 (see class doc). */
    public static DampedMomentum paperUpdater(double learningRate) {
        return new DampedMomentum(learningRate / (1 - MOMENTUM), MOMENTUM);
    }

    /** The configuration (parameters not allocated), checked by {@link DropoutPlacement#check}. */
    public MultiLayerConfiguration conf() {
        BernoulliDropout half = BernoulliDropout.retainProbability(0.5);
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(updater)
                .l2(WEIGHT_DECAY)
                .weightInit(weightInit)
                .activation(Activation.RELU)
                .weightNoise(new TestTimeWeightScaling())
                .list()
                .layer(new ConvolutionLayer.Builder(11, 11)
                        .stride(4, 4)
                        .padding(2, 2)
                        .nOut(w(96))
                        .biasInit(0)
                        .name("conv1")
                        .build())
                .layer(new LocalResponseNormalization.Builder().name("norm1").build())
                .layer(maxPool("pool1"))
                .layer(maybeGrouped("conv2", 5, 2, w(96), w(256), 1))
                .layer(new LocalResponseNormalization.Builder().name("norm2").build())
                .layer(maxPool("pool2"))
                .layer(new ConvolutionLayer.Builder(3, 3)
                        .padding(1, 1)
                        .nOut(w(384))
                        .biasInit(0)
                        .name("conv3")
                        .build())
                .layer(maybeGrouped("conv4", 3, 1, w(384), w(384), 1))
                .layer(maybeGrouped("conv5", 3, 1, w(384), w(256), 1))
                .layer(maxPool("pool5"))
                .layer(new DenseLayer.Builder()
                        .nOut(fcUnits)
                        .biasInit(1)
                        .name("fc6")
                        .build())
                .layer(new DenseLayer.Builder()
                        .nOut(fcUnits)
                        .biasInit(1)
                        .dropOut(half.withSeed(seed * 31 + 7))
                        .name("fc7")
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(numClasses)
                        .activation(Activation.SOFTMAX)
                        .biasInit(0)
                        .dropOut(half.withSeed(seed * 31 + 8))
                        .name("output")
                        .build())
                .setInputType(InputType.convolutional(cropSize, cropSize, 3))
                .build();
        DropoutPlacement.check(conf);
        return conf;
    }

    /** A channel count of the paper divided by {@code widthDivisor}. */
    private int w(int paperChannels) {
        return paperChannels / widthDivisor;
    }

    private Layer maybeGrouped(String name, int k, int pad, int nIn, int nOut, double bias) {
        if (!twoTowers) {
            return new ConvolutionLayer.Builder(k, k)
                    .padding(pad, pad)
                    .nOut(nOut)
                    .biasInit(bias)
                    .name(name)
                    .build();
        }
        int half = nIn / 2;
        int[][] towers = new int[2][half];
        for (int i = 0; i < half; i++) {
            towers[0][i] = i;
            towers[1][i] = half + i;
        }
        return new RandomChannelGroupConvolution.Builder(k, k)
                .padding(pad, pad)
                .nIn(nIn)
                .nOut(nOut)
                .groups(2)
                .channelsPerGroup(half)
                .wiring(towers)
                .biasInit(bias)
                .name(name)
                .build();
    }

    private static SubsamplingLayer maxPool(String name) {
        return new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX, new int[] {3, 3}, new int[] {2, 2})
                .name(name)
                .build();
    }

    @Override
    MultiLayerNetwork newNetwork() {
        return new MultiLayerNetwork(conf());
    }

    @Override
    public Map<String, Long> parameterCounts() {
        return ConfigurationSummary.parameterCounts(conf());
    }

    @Override
    int[][] inputShapes() {
        return new int[][] {{3, cropSize, cropSize}};
    }

    @Override
    public String modelName() {
        return twoTowers ? "alexnet-dropout" : "alexnet-dropout-single-tower";
    }

    @Override
    public String toString() {
        return "AlexNetDropout(numClasses=" + numClasses + ", cropSize=" + cropSize + ", twoTowers=" + twoTowers
                + ", widthDivisor=" + widthDivisor + ", fcUnits=" + fcUnits + ", seed=" + seed + ", updater=" + updater
                + ")";
    }

    /** Defaults: 1000 classes, 224 crops, two-tower grouping, the paper's widths and optimiser. */
    public static final class Builder extends ImageNetZooModel.Builder<AlexNetDropout, Builder> {
        private boolean twoTowers = true;

        private Builder() {
            super(paperUpdater(LEARNING_RATE));
        }

        @Override
        Builder self() {
            return this;
        }

        /** True: conv2, conv4, conv5 grouped as on the paper's two GPUs; false: one tower, full connectivity. */
        public Builder twoTowers(boolean twoTowers) {
            this.twoTowers = twoTowers;
            return this;
        }

        /** Adam(1e-3), He initialisation. */
        @Override
        Builder shortRecipe() {
            return updater(new Adam(1e-3)).weightInit(WeightInit.RELU.getWeightInitFunction());
        }

        @Override
        public AlexNetDropout build() {
            return new AlexNetDropout(this);
        }
    }
}
