package io.github.dropout4j.zoo.models;

import io.github.dropout4j.constraint.PerUnitMaxNorm;
import io.github.dropout4j.dropout.BernoulliDropout;
import io.github.dropout4j.dropout.DropoutPlacement;
import io.github.dropout4j.dropout.TestTimeWeightScaling;
import io.github.dropout4j.layers.CachedDenseLayer;
import io.github.dropout4j.random.Seeds;
import io.github.dropout4j.zoo.pretrained.TrainedOn;
import io.github.dropout4j.zoo.pretrained.WeightsEntry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.zoo.ModelMetaData;
import org.deeplearning4j.zoo.ZooModel;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * A DL4J {@link ZooModel} for one of the paper's fully connected networks, built from an {@link MlpConfig}:
 * float32 {@code [minibatch, nIn]} in, softmax {@code [minibatch, nOut]} out, cross-entropy loss.
 *
 * <p>Layer {@code i} is a {@link DenseLayer} ({@link CachedDenseLayer}: backprop reuses the forward pass's
 * pre-activations; the last an {@link OutputLayer}) whose <em>input</em> is dropped
 * with a {@link BernoulliDropout}: retain {@code inputRetainProbability} on the first layer (the pixels),
 * {@code hiddenRetainProbability} on every later one (the hidden units), each with its own seed
 * {@link #layerDropoutSeed(long, int)}. {@link TestTimeWeightScaling} is the weight noise of every layer, so
 * {@code output(x)} is the paper's mean network; {@link PerUnitMaxNorm} (if {@code maxSquaredLength > 0})
 * bounds every hidden unit's incoming weights (Appendix A.1), and the output units' only with
 * {@link MlpConfig#withBoundOutputUnits(boolean)}. Weights start N(0, initStd^2), biases 0.
 *
 * <p>Pretrained weights, where published, come from {@link PretrainedZooModel#initPretrained(TrainedOn)} (see the
 * weights registry; {@code mnist-800x2} and {@code mnist-800x2-dropout} have them for the bundled MNIST digits and
 * for Fashion-MNIST).
 *
 * <pre>{@code
 * MultiLayerNetwork net = MnistMlp.of(MnistMlp.paper800(true)).init();
 * }</pre>
 */
public abstract class FeedForwardZooModel extends PretrainedZooModel<MultiLayerNetwork> {
    private final MlpConfig config;

    protected FeedForwardZooModel(MlpConfig config) {
        super(MultiLayerNetwork.class);
        this.config = Objects.requireNonNull(config, "config");
    }

    /** This model's configuration. */
    public MlpConfig config() {
        return config;
    }

    /**
     * The seed of layer {@code layer}'s dropout mask stream: SplitMix64 of {@code modelSeed} and the layer index,
     * so different layers (and different model seeds) never share masks.
     */
    public static long layerDropoutSeed(long modelSeed, int layer) {
        return Seeds.derive(modelSeed, layer);
    }

    /** The DL4J configuration; building it allocates no parameters. */
    public MultiLayerConfiguration conf() {
        MlpConfig c = config;
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(c.seed())
                .dataType(DataType.FLOAT)
                .updater(c.updater().clone())
                .weightInit(new NormalDistribution(0, c.initStd()))
                .biasInit(0)
                .weightNoise(new TestTimeWeightScaling())
                .list();
        int in = c.nIn();
        int layers = c.hiddenSizes().size() + 1;
        for (int i = 0; i < layers; i++) {
            boolean output = i == layers - 1;
            int out = output ? c.nOut() : c.hiddenSizes().get(i);
            FeedForwardLayer.Builder<?> b = output
                    ? new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                    : new CachedDenseLayer.Builder().activation(c.activation().dl4j());
            b.name(output ? "output" : "hidden" + (i + 1)).nIn(in).nOut(out);
            double retain = i == 0 ? c.inputRetainProbability() : c.hiddenRetainProbability();
            if (retain < 1) {
                b.dropOut(BernoulliDropout.retainProbability(retain).withSeed(layerDropoutSeed(c.seed(), i)));
            }
            if (c.maxSquaredLength() > 0 && (!output || c.boundOutputUnits())) {
                b.constrainWeights(PerUnitMaxNorm.maxSquaredLength(c.maxSquaredLength()));
            }
            list.layer(b.build());
            in = out;
        }
        MultiLayerConfiguration conf = list.build();
        DropoutPlacement.check(conf);
        return conf;
    }

    /** A new, initialised network. */
    @Override
    public MultiLayerNetwork init() {
        MultiLayerNetwork net = new MultiLayerNetwork(conf());
        net.init();
        return net;
    }

    @Override
    public String modelName() {
        return config.name();
    }

    /** The loaded network must have this configuration's layer widths (and so its parameter count). */
    @Override
    protected void checkPretrained(MultiLayerNetwork net, WeightsEntry entry) throws IOException {
        List<String> want = new ArrayList<>();
        int in = config.nIn();
        for (int h : config.hiddenSizes()) {
            want.add(in + "->" + h);
            in = h;
        }
        want.add(in + "->" + config.nOut());
        List<String> got = new ArrayList<>();
        for (int i = 0; i < net.getnLayers(); i++) {
            got.add(net.layerInputSize(i) + "->" + net.layerSize(i));
        }
        if (!want.equals(got) || net.numParams() != config.parameterCount()) {
            throw new IOException(entry.file() + " holds a " + got + " network with " + net.numParams()
                    + " parameters; " + modelName() + " is " + want + " with " + config.parameterCount());
        }
    }

    /**
     * Input shape {@code {{nIn}}}, one output. The zoo type is null: DL4J's deprecated {@code ZooType} has only
     * CNN, RNN and TEXTGENLSTM, none of which describes a fully connected network.
     */
    @Override
    public ModelMetaData metaData() {
        return new ModelMetaData(new int[][] {{config.nIn()}}, 1, null);
    }

    /** Unsupported: the input width is part of the {@link MlpConfig} (use a new config instead). */
    @Override
    public void setInputShape(int[][] inputShape) {
        throw new UnsupportedOperationException(modelName() + ": the input shape is fixed by its MlpConfig (nIn="
                + config.nIn() + "); build a model from config().withX(...) instead");
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + config + "]";
    }
}
