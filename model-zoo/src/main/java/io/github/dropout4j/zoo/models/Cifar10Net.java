package io.github.dropout4j.zoo.models;

import io.github.dropout4j.dropout.DropoutPlacement;
import io.github.dropout4j.onednn.OneDnnHelpers;
import java.util.Arrays;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.zoo.ModelMetaData;
import org.deeplearning4j.zoo.ZooType;

/**
 * The paper's CIFAR-10 convolutional network <b>without dropout</b> (Hinton et al. 2012, arXiv 1207.0580, Appendix G;
 * 16.6% test error in the paper). Input {@code [minibatch, 3, 32, 32]} (per-pixel-mean-subtracted, see
 * {@code io.github.dropout4j.zoo.data.PixelMeanNormalizer}); ReLU everywhere; pooling windows 3x3 with stride 2.
 * <pre>
 *  layer     type                                          output shape          parameters
 *  conv1     conv 5x5, 64 banks, Same, ReLU                [mb, 64, 32, 32]      5*5*3*64 + 64   =   4,864
 *  pool1     max 3x3 / 2, Same                             [mb, 64, 16, 16]
 *  rnorm1    response normalisation, 9 maps                [mb, 64, 16, 16]
 *  conv2     conv 5x5, 64 banks, Same, ReLU                [mb, 64, 16, 16]      5*5*64*64 + 64  = 102,464
 *  pool2     average 3x3 / 2, Same                         [mb, 64, 8, 8]
 *  rnorm2    response normalisation, 9 maps                [mb, 64, 8, 8]
 *  conv3     conv 5x5, 64 banks, Same, ReLU                [mb, 64, 8, 8]        5*5*64*64 + 64  = 102,464
 *  pool3     average 3x3 / 2, Same                         [mb, 64, 4, 4]
 *  softmax   10-way softmax on the 64*4*4 = 1024 values    [mb, 10]              1024*10 + 10    =  10,250
 *                                                                                total           = 220,042
 * </pre>
 * <b>Shapes.</b> cuda-convnet's pooling emits {@code ceil((in - 3) / 2) + 1} windows, the last one hanging over the
 * image edge: 32 -&gt; 16 -&gt; 8 -&gt; 4. DL4J's {@code ConvolutionMode.Same} with stride 2 gives {@code ceil(in / 2)},
 * the same numbers, padding one row and column at the bottom/right; average pooling divides by the pixels inside
 * the image ({@code avgPoolIncludePadInDivisor(false)}, as cuda-convnet). Convolutions use Same (2 pixels of zero
 * padding each side), as cuda-convnet's {@code padding=2}.
 *
 * <p><b>Response normalisation.</b> The paper's {@code b = a / (1 + (alpha/N) sum_{N adjacent maps} a^2)^beta}
 * with N = 9, alpha = 0.001, beta = 0.75 (cuda-convnet's cross-map {@code cmrnorm}, whose {@code scale} is divided
 * by the size). DL4J's {@code LocalResponseNormalization(k, n, alpha, beta)} computes
 * {@code a / (k + alpha sum_{n maps} a^2)^beta} <em>without</em> dividing alpha by n, so we use
 * {@code k = 1, n = 9, alpha = 0.001 / 9, beta = 0.75}.
 *
 * <p><b>Initialisation.</b> Weights {@code N(0, weightStd^2)}, hidden biases {@code hiddenBiasInit}, softmax bias 0;
 * {@link Cifar10Recipe#paper(int)} uses the paper's values, {@code N(0, 0.01^2)} and biases 1 (Appendix F.5).
 * Biases of 1 do not kill the ReLUs (every unit starts active), but at our scale they stall the first steps: with
 * inputs in [0, 1] the image-dependent part of each layer's output is a few percent of the constant the biases
 * add (measured at the locally-connected layer: mean 0.99, spread between images 0.06), so the softmax sees nearly
 * the same vector for every image. On 64 synthetic images the mean-network loss moved 2.3038 -&gt; 2.3010 in 16
 * steps at rate 0.01, and with {@code N(0, 0.05^2)} weights and biases 1 the steps diverged at rate 0.05, while
 * {@code N(0, 0.05^2)} with biases 0.1 at rate 0.02 went 2.31 -&gt; 2.19. The paper feeds centred raw RGB values,
 * 255 times larger, which {@link Cifar10Recipe#paper(int)} does ({@code pixelScale} 255); the short recipe,
 * {@code withInit(0.05, 0.1)} at rate 0.02, stays on the [0, 1] scale it was tuned on (used by short runs such as
 * {@code Cifar10TrainingTest}).
 *
 * <pre>{@code
 * MultiLayerNetwork net = new Cifar10Net(Cifar10Recipe.paper(100), 42).init();
 * }</pre>
 */
public class Cifar10Net extends PretrainedZooModel<MultiLayerNetwork> {

    /** Parameters of the network, computed by hand in the class comment. */
    public static final long PARAMETER_COUNT = 220_042L;

    private final Cifar10Recipe recipe;
    private final long seed;

    /** The paper's recipe for 100 epochs, seed 42. */
    public Cifar10Net() {
        this(Cifar10Recipe.paper(100), 42);
    }

    public Cifar10Net(Cifar10Recipe recipe, long seed) {
        super(MultiLayerNetwork.class);
        if (recipe == null) {
            throw new IllegalArgumentException("recipe must not be null");
        }
        this.recipe = recipe;
        this.seed = seed;
    }

    public Cifar10Recipe recipe() {
        return recipe;
    }

    public long seed() {
        return seed;
    }

    /** Whether the network has the locally-connected layer and dropout on the softmax input. */
    protected boolean dropout() {
        return false;
    }

    /** The configuration {@link #init()} builds, checked by {@link DropoutPlacement#check}. */
    public MultiLayerConfiguration conf() {
        MultiLayerConfiguration conf = Cifar10Layers.configuration(recipe, seed, dropout());
        DropoutPlacement.check(conf);
        return conf;
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
        return dropout() ? "cifar10-dropout" : "cifar10";
    }

    @Override
    @SuppressWarnings("deprecation")
    public ModelMetaData metaData() {
        return new ModelMetaData(
                new int[][] {{Cifar10Layers.CHANNELS, Cifar10Layers.SIZE, Cifar10Layers.SIZE}}, 1, ZooType.CNN);
    }

    /** Only {@code {{3, 32, 32}}} is accepted: the layer sizes are the paper's. */
    @Override
    public void setInputShape(int[][] inputShape) {
        int[] expected = {Cifar10Layers.CHANNELS, Cifar10Layers.SIZE, Cifar10Layers.SIZE};
        if (inputShape == null || inputShape.length != 1 || !Arrays.equals(inputShape[0], expected)) {
            throw new IllegalArgumentException(
                    modelName() + " takes input shape {{3, 32, 32}} only, got " + Arrays.deepToString(inputShape));
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + recipe + ", seed=" + seed + ")";
    }
}
