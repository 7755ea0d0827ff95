package io.github.dropout4j.dropout;

import java.util.Set;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.weightnoise.IWeightNoise;
import org.deeplearning4j.nn.params.CenterLossParamInitializer;
import org.deeplearning4j.nn.params.Convolution3DParamInitializer;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.params.Deconvolution3DParamInitializer;
import org.deeplearning4j.nn.params.DeconvolutionParamInitializer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.params.DepthwiseConvolutionParamInitializer;
import org.deeplearning4j.nn.params.GravesLSTMParamInitializer;
import org.deeplearning4j.nn.params.LSTMParamInitializer;
import org.deeplearning4j.nn.params.SeparableConvolutionParamInitializer;
import org.deeplearning4j.nn.params.SimpleRnnParamInitializer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.annotation.JsonAutoDetect;

/**
 * The test-time half of the paper's dropout: at inference, the parameters that multiply a layer's input act
 * multiplied by that layer's retain probability {@code p}, so {@code net.output(x)} is the paper's mean network
 * {@code f((p W) x + b)} (arXiv:1207.0580, p. 2: "we use the mean network that contains all of the hidden units
 * but with their outgoing weights halved"). Biases and recurrent weights are never scaled.
 *
 * <p>Why a weight noise: DL4J applies an {@code IDropout} to a layer's input only when training and never calls
 * it at inference, while a layer's {@link IWeightNoise} is consulted on <em>every</em> forward pass, training or
 * not, and is serialized with the configuration. So this class makes plain {@code output()}, evaluation,
 * {@code ModelSerializer} and transfer learning all see the mean network, with no extra step at prediction time.
 * The stored parameters stay the trained (unscaled) weights; {@link io.github.dropout4j.inference.MeanNetwork}
 * folds {@code p} into them for zero-overhead deployment.
 *
 * <p>It reads {@code p} from the layer's own {@link BernoulliDropout} (a schedule at the last training step the
 * dropout recorded, {@link BernoulliDropout#testTimeStep}; DL4J's counters have already moved one step past it)
 * and is the identity in training and on layers whose dropout is absent or {@link DropoutScaling#INVERTED}, so it
 * can be set once on the global configuration:
 * <pre>{@code
 * new NeuralNetConfiguration.Builder().weightNoise(new TestTimeWeightScaling()) ...
 * }</pre>
 * Cost at inference: one multiplication of the input weights per forward pass. A layer whose test-time-scaled
 * dropout lacks this weight noise, or whose implementation never reads its weights through weight noise, is
 * rejected by {@link DropoutPlacement#check}.
 */
@JsonAutoDetect(
        fieldVisibility = JsonAutoDetect.Visibility.NONE,
        getterVisibility = JsonAutoDetect.Visibility.NONE,
        isGetterVisibility = JsonAutoDetect.Visibility.NONE,
        setterVisibility = JsonAutoDetect.Visibility.NONE)
public final class TestTimeWeightScaling implements IWeightNoise {

    private static final long serialVersionUID = 1L;
    private static final Set<String> W = Set.of("W");
    private static final Set<Class<? extends ParamInitializer>> INPUT_WEIGHT_W = Set.of(
            DefaultParamInitializer.class,
            CenterLossParamInitializer.class,
            ConvolutionParamInitializer.class,
            Convolution3DParamInitializer.class,
            DeconvolutionParamInitializer.class,
            Deconvolution3DParamInitializer.class,
            DepthwiseConvolutionParamInitializer.class,
            SeparableConvolutionParamInitializer.class,
            LSTMParamInitializer.class,
            GravesLSTMParamInitializer.class,
            SimpleRnnParamInitializer.class);

    @Override
    public INDArray getParameter(
            Layer layer, String paramKey, int iteration, int epoch, boolean train, LayerWorkspaceMgr workspaceMgr) {
        INDArray param = layer.getParam(paramKey);
        if (train) {
            return param;
        }
        BernoulliDropout dropout = Dropouts.of(layer).orElse(null);
        if (dropout == null
                || dropout.scaling() != DropoutScaling.TEST_TIME_WEIGHT_SCALING
                || !inputWeightParams(layer).contains(paramKey)) {
            return param;
        }
        return scaledInputWeight(layer, paramKey, param, dropout, iteration, epoch);
    }

    /**
     * {@code param} (an input weight of {@code layer}) multiplied by the test-time retain probabilities of
     * {@code dropout} ({@link BernoulliDropout#testTimeRetainProbabilities}: a schedule at the last training step):
     * by {@code p}, or for per-unit probabilities, each input unit's slice by its own {@code p_u}. Returns
     * {@code param} itself when every probability is 1, else a new array.
     *
     * @param iteration the layer's iteration counter, used only when the dropout recorded no training step
     * @param epoch     the layer's epoch counter, likewise
     */
    public static INDArray scaledInputWeight(
            Layer layer, String paramKey, INDArray param, BernoulliDropout dropout, int iteration, int epoch) {
        if (!dropout.isPerUnit()) {
            double p = dropout.testTimeRetainProbabilities(1, iteration, epoch)[0];
            return p == 1.0 ? param : param.mul(p);
        }
        int dim = inputUnitDimension(layer, paramKey);
        double[] p = dropout.testTimeRetainProbabilities((int) param.size(dim), iteration, epoch);
        INDArray out = param.ulike();
        Nd4j.getExecutioner()
                .exec(new BroadcastMulOp(param, Nd4j.createFromArray(p).castTo(param.dataType()), out, dim));
        return out;
    }

    /** The dimension of input weight {@code paramKey} of {@code layer} that indexes its input units. */
    static int inputUnitDimension(Layer layer, String paramKey) {
        org.deeplearning4j.nn.conf.layers.Layer conf = layer.conf().getLayer();
        if (conf instanceof InputWeightParams) {
            return ((InputWeightParams) conf).inputUnitDimension(paramKey);
        }
        Class<?> init = conf.initializer().getClass();
        if (init == ConvolutionParamInitializer.class) {
            return 1; // [nOut, nIn, kH, kW]
        }
        if (init == DefaultParamInitializer.class
                || init == CenterLossParamInitializer.class
                || init == LSTMParamInitializer.class
                || init == GravesLSTMParamInitializer.class
                || init == SimpleRnnParamInitializer.class) {
            return 0; // [nIn, nOut] and [nIn, 4 nOut]
        }
        throw new IllegalStateException("per-unit retain probabilities are not supported on layer '"
                + conf.getLayerName() + "' (" + conf.getClass().getSimpleName() + ")");
    }

    /**
     * The keys of {@code layer}'s parameters that multiply its input.
     *
     * @throws IllegalStateException for a layer type whose input weights are not known
     */
    public static Set<String> inputWeightParams(Layer layer) {
        org.deeplearning4j.nn.conf.layers.Layer conf = layer.conf().getLayer();
        if (conf instanceof InputWeightParams) {
            return ((InputWeightParams) conf).inputWeightParams();
        }
        if (INPUT_WEIGHT_W.contains(conf.initializer().getClass())) {
            return W;
        }
        throw new IllegalStateException("TestTimeWeightScaling does not know which parameters of layer '"
                + conf.getLayerName() + "' (" + conf.getClass().getSimpleName() + ") multiply its input; use "
                + "BernoulliDropout...inverted() on this layer, or implement InputWeightParams on its configuration");
    }

    @Override
    public TestTimeWeightScaling clone() {
        return new TestTimeWeightScaling();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TestTimeWeightScaling;
    }

    @Override
    public int hashCode() {
        return TestTimeWeightScaling.class.hashCode();
    }

    @Override
    public String toString() {
        return "TestTimeWeightScaling()";
    }
}
