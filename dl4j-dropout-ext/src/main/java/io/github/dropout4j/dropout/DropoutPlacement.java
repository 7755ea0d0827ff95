package io.github.dropout4j.dropout;

import io.github.dropout4j.layers.CachedDenseLayer;
import io.github.dropout4j.layers.LocallyConnected2D;
import io.github.dropout4j.layers.RandomChannelGroupConvolution;
import io.github.dropout4j.layers.Standout;
import io.github.dropout4j.random.Seeds;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer;
import org.deeplearning4j.nn.conf.layers.CenterLossOutputLayer;
import org.deeplearning4j.nn.conf.layers.Convolution1D;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.Convolution2D;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.Deconvolution3D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GravesLSTM;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PReLULayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;
import org.deeplearning4j.nn.conf.layers.SpaceToBatchLayer;
import org.deeplearning4j.nn.conf.layers.SpaceToDepthLayer;
import org.deeplearning4j.nn.conf.layers.Subsampling3DLayer;
import org.deeplearning4j.nn.conf.layers.Upsampling1D;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.deeplearning4j.nn.conf.layers.Upsampling3D;
import org.deeplearning4j.nn.conf.layers.misc.ElementWiseMultiplicationLayer;
import org.deeplearning4j.nn.conf.layers.misc.RepeatVector;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.conf.ocnn.OCNNOutputLayer;

/**
 * The configuration-time check of every dropout in a network: that DL4J will apply it, that its test-time half
 * will happen, and where its units are.
 *
 * <ol>
 *   <li><b>DL4J applies it.</b> DL4J 1.0.0-M2.1 accepts {@code .dropOut(...)} on every layer, but many layer
 *       implementations never call {@code applyDropOutIfNecessary}, so the setting is silently ignored (pooling,
 *       normalisation, activation, padding, cropping, masking, loss layers, wrappers, and every SameDiff layer such
 *       as DL4J's own {@code LocallyConnected2D}). So this is an allow-list: a layer with a dropout must be one of
 *       the configuration classes in {@link #APPLIES_DROPOUT}, each checked against DL4J's sources to call it;
 *       anything else (including subclasses and unknown custom layers) is rejected, naming the layer.</li>
 *   <li><b>The mean network happens.</b> A {@link BernoulliDropout} with
 *       {@link DropoutScaling#TEST_TIME_WEIGHT_SCALING} needs {@link TestTimeWeightScaling} as the layer's weight
 *       noise and a layer whose implementation reads its input weights through weight noise
 *       ({@link #READS_WEIGHT_NOISE}; not, for example, {@code Convolution1DLayer} or {@code PReLULayer}, which
 *       read them directly). Otherwise {@code output()} would silently use unscaled weights.</li>
 *   <li><b>Seeds are explicit.</b> A {@link BernoulliDropout} built without a seed gets one derived from the
 *       network's seed and the layer's position (index, or vertex name in a graph), never from construction
 *       order.</li>
 *   <li><b>Units are read from the data format.</b> A per-unit {@link BernoulliDropout} without a
 *       {@link UnitAxis} is completed from the layer's data format (NCHW/NCW/NCDHW: dimension 1; NHWC/NWC/NDHWC:
 *       the last), by replacing the layer's dropout with {@code withUnitAxis(...)}; an explicit axis that
 *       contradicts the layer's format is rejected.</li>
 * </ol>
 *
 * <pre>{@code
 * DropoutPlacement.check(conf);   // IllegalArgumentException naming the layer, or nothing
 * }</pre>
 * Dropout4j's inference helpers ({@code MeanNetwork}, {@code MonteCarloDropout}, {@code ExactSubnetworkAverage},
 * {@code AdaptiveDropout}) run it on the network they are given.
 */
public final class DropoutPlacement {

    /**
     * Layer configurations (exact classes) whose DL4J 1.0.0-M2.1 implementation applies the layer's dropout in
     * training ({@code applyDropOutIfNecessary} in {@code BaseLayer.preOutput} or the layer's own forward pass), plus
     * Dropout4j's layers, whose implementations call it too.
     */
    public static final Set<Class<? extends Layer>> APPLIES_DROPOUT = Set.of(
            DenseLayer.class,
            OutputLayer.class,
            CenterLossOutputLayer.class,
            RnnOutputLayer.class,
            ConvolutionLayer.class,
            Convolution2D.class,
            Convolution1DLayer.class,
            Convolution1D.class,
            Convolution3D.class,
            Deconvolution2D.class,
            Deconvolution3D.class,
            DepthwiseConvolution2D.class,
            SeparableConvolution2D.class,
            LSTM.class,
            GravesLSTM.class,
            SimpleRnn.class,
            PReLULayer.class,
            ElementWiseMultiplicationLayer.class,
            OCNNOutputLayer.class,
            DropoutLayer.class,
            RepeatVector.class,
            SpaceToBatchLayer.class,
            SpaceToDepthLayer.class,
            Upsampling1D.class,
            Upsampling2D.class,
            Upsampling3D.class,
            Subsampling3DLayer.class,
            LocallyConnected2D.class,
            RandomChannelGroupConvolution.class,
            Standout.class,
            CachedDenseLayer.class);

    /**
     * Layer configurations (exact classes) whose implementation reads the parameters that multiply its input through
     * {@code getParamWithNoise}, so {@link TestTimeWeightScaling} can scale them at test time.
     */
    public static final Set<Class<? extends Layer>> READS_WEIGHT_NOISE = Set.of(
            DenseLayer.class,
            OutputLayer.class,
            CenterLossOutputLayer.class,
            RnnOutputLayer.class,
            ConvolutionLayer.class,
            Convolution2D.class,
            Convolution3D.class,
            Deconvolution2D.class,
            Deconvolution3D.class,
            DepthwiseConvolution2D.class,
            SeparableConvolution2D.class,
            LSTM.class,
            GravesLSTM.class,
            SimpleRnn.class,
            LocallyConnected2D.class,
            RandomChannelGroupConvolution.class,
            Standout.class,
            CachedDenseLayer.class);

    private DropoutPlacement() {}

    /**
     * Checks (and completes: unit axes, seeds) every layer's dropout; an unseeded {@link BernoulliDropout} of layer
     * {@code i} gets the seed {@code Seeds.derive(networkSeed, i)}.
     *
     * @throws IllegalArgumentException naming the first layer whose dropout would not act as configured
     */
    public static void check(MultiLayerConfiguration conf) {
        for (int i = 0; i < conf.getConfs().size(); i++) {
            check(
                    conf.getConf(i).getLayer(),
                    "layer " + i,
                    Seeds.derive(conf.getConf(i).getSeed(), i));
        }
    }

    /**
     * As {@link #check(MultiLayerConfiguration)}; an unseeded {@link BernoulliDropout} of the layer vertex named
     * {@code name} gets the seed {@code Seeds.derive(networkSeed, Seeds.of(name))}.
     *
     * @throws IllegalArgumentException naming the first layer vertex whose dropout would not act as configured
     */
    public static void check(ComputationGraphConfiguration conf) {
        long networkSeed = conf.getDefaultConfiguration().getSeed();
        for (Map.Entry<String, GraphVertex> e : conf.getVertices().entrySet()) {
            if (e.getValue() instanceof LayerVertex) {
                check(
                        ((LayerVertex) e.getValue()).getLayerConf().getLayer(),
                        "vertex '" + e.getKey() + "'",
                        Seeds.derive(networkSeed, Seeds.of(e.getKey())));
            }
        }
    }

    private static void check(Layer layer, String where, long derivedSeed) {
        IDropout dropout = layer.getIDropout();
        if (dropout == null) {
            return;
        }
        String name = where + " (" + layer.getClass().getSimpleName()
                + (layer.getLayerName() == null ? "" : " '" + layer.getLayerName() + "'") + ")";
        if (!APPLIES_DROPOUT.contains(layer.getClass())) {
            throw new IllegalArgumentException(name + " has dropout " + dropout + ", but DL4J never applies dropout "
                    + "on this layer type (it is not on DropoutPlacement.APPLIES_DROPOUT); set it on the next layer "
                    + "with weights");
        }
        if (!(dropout instanceof BernoulliDropout)) {
            return;
        }
        BernoulliDropout bernoulli = (BernoulliDropout) dropout;
        if (!bernoulli.isSeeded()) {
            bernoulli = bernoulli.withSeed(derivedSeed);
            layer.setIDropout(bernoulli);
        }
        if (bernoulli.scaling() == DropoutScaling.TEST_TIME_WEIGHT_SCALING) {
            if (!READS_WEIGHT_NOISE.contains(layer.getClass())) {
                throw new IllegalArgumentException(name + " has " + bernoulli + ", but this layer type does not read "
                        + "its input weights through weight noise, so TestTimeWeightScaling cannot make its mean "
                        + "network; use BernoulliDropout...inverted() on this layer");
            }
            if (!(((BaseLayer) layer).getWeightNoise() instanceof TestTimeWeightScaling)) {
                throw new IllegalArgumentException(name + " has " + bernoulli + " but its weight noise is "
                        + ((BaseLayer) layer).getWeightNoise() + ", so output() would use unscaled weights. Add "
                        + ".weightNoise(new TestTimeWeightScaling()) to the layer (or the global configuration), "
                        + "or use BernoulliDropout...inverted()");
            }
        }
        if (bernoulli.isPerUnit()) {
            UnitAxis format = unitAxisOf(layer);
            if (format != null && bernoulli.unitAxis() == null) {
                layer.setIDropout(bernoulli.withUnitAxis(format));
            } else if (format != null && bernoulli.unitAxis() != format) {
                throw new IllegalArgumentException(name + " has per-unit dropout along " + bernoulli.unitAxis()
                        + " but the layer's data format puts its units " + format);
            }
        }
    }

    /** Where the layer's input units are, from its data format; null if the layer does not say. */
    static UnitAxis unitAxisOf(Layer layer) {
        if (layer instanceof Convolution1DLayer) {
            return ((Convolution1DLayer) layer).getRnnDataFormat() == RNNFormat.NWC
                    ? UnitAxis.CHANNELS_LAST
                    : UnitAxis.CHANNELS_FIRST;
        }
        if (layer instanceof Convolution3D) {
            return ((Convolution3D) layer).getDataFormat() == Convolution3D.DataFormat.NDHWC
                    ? UnitAxis.CHANNELS_LAST
                    : UnitAxis.CHANNELS_FIRST;
        }
        if (layer instanceof Deconvolution3D) {
            return ((Deconvolution3D) layer).getDataFormat() == Convolution3D.DataFormat.NDHWC
                    ? UnitAxis.CHANNELS_LAST
                    : UnitAxis.CHANNELS_FIRST;
        }
        if (layer instanceof ConvolutionLayer) {
            return ((ConvolutionLayer) layer).getCnn2dDataFormat() == CNN2DFormat.NHWC
                    ? UnitAxis.CHANNELS_LAST
                    : UnitAxis.CHANNELS_FIRST;
        }
        if (layer instanceof BaseRecurrentLayer) {
            return ((BaseRecurrentLayer) layer).getRnnDataFormat() == RNNFormat.NWC
                    ? UnitAxis.CHANNELS_LAST
                    : UnitAxis.CHANNELS_FIRST;
        }
        if (layer instanceof RnnOutputLayer) {
            return ((RnnOutputLayer) layer).getRnnDataFormat() == RNNFormat.NWC
                    ? UnitAxis.CHANNELS_LAST
                    : UnitAxis.CHANNELS_FIRST;
        }
        if (layer instanceof DenseLayer
                || layer instanceof OutputLayer
                || layer instanceof CenterLossOutputLayer
                || layer instanceof RandomChannelGroupConvolution
                || layer instanceof LocallyConnected2D
                || layer instanceof Standout) {
            return UnitAxis.CHANNELS_FIRST; // [minibatch, nIn], or NCHW (our layers support NCHW only)
        }
        return null;
    }
}
