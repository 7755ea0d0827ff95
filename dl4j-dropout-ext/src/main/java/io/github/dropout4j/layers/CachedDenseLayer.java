package io.github.dropout4j.layers;

import io.github.dropout4j.constraint.PerUnitWeights;
import io.github.dropout4j.layers.impl.CachedDenseLayerImpl;
import io.github.dropout4j.layers.impl.FieldCopy;
import java.util.Collection;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's {@link DenseLayer}, {@code out = activation(in W + b)} with {@code W [nIn, nOut]}, {@code in [minibatch, nIn]},
 * whose backprop reuses the pre-activations {@code z = in W + b} of the training forward pass instead of
 * recomputing them: DL4J 1.0.0-M2.1's {@code BaseLayer.backpropGradient} repeats the forward GEMM (its activation
 * overwrote {@code z} in place), a quarter of a dense network's GEMM work. Same configuration, parameters, JSON
 * fields and numbers as {@link DenseLayer} (the reused {@code z} is the one the recomputation would produce: the
 * same inputs through the same GEMM); it equals a {@code DenseLayer} with the same settings, so existing saved
 * networks compare equal. The kept {@code z} costs one {@code [minibatch, nOut]} copy per training forward pass
 * and is used once, by the next backprop of the same input; any other order (inference in between, a new input,
 * layer normalisation, a mask) falls back to DL4J's recomputation.
 *
 * <pre>{@code
 * .layer(new CachedDenseLayer.Builder().nIn(784).nOut(800).activation(Activation.RELU).build())
 * }</pre>
 */
public class CachedDenseLayer extends DenseLayer implements PerUnitWeights {

    /** For Jackson; use the {@link Builder}. */
    public CachedDenseLayer() {
        super();
    }

    /** {@link DenseLayer.Builder} whose {@code build()} gives a {@link CachedDenseLayer}. */
    public static class Builder extends DenseLayer.Builder {
        @Override
        @SuppressWarnings("unchecked")
        public CachedDenseLayer build() {
            return CachedDenseLayer.of(super.build());
        }
    }

    /** The same layer as {@code dense}, every setting copied, with the pre-activation reuse. */
    public static CachedDenseLayer of(DenseLayer dense) {
        return copySettings(dense, new CachedDenseLayer());
    }

    /** This layer as DL4J's own {@link DenseLayer}, every setting copied (for inference-only exports). */
    public DenseLayer toDenseLayer() {
        return copySettings(this, new DenseLayer());
    }

    /** Copies every field DL4J's {@code DenseLayer} and its superclasses declare (there are no others here). */
    private static <T extends DenseLayer> T copySettings(DenseLayer from, T to) {
        return FieldCopy.copy(DenseLayer.class, from, to);
    }

    /** As DL4J's dense layer: a unit's incoming weights are a column of {@code W [nIn, nOut]}. */
    @Override
    public Map<String, int[]> incomingWeightDims() {
        return Map.of("W", new int[] {0});
    }

    @Override
    public Layer instantiate(
            NeuralNetConfiguration conf,
            Collection<TrainingListener> trainingListeners,
            int layerIndex,
            INDArray layerParamsView,
            boolean initializeParams,
            DataType networkDataType) {
        LayerValidation.assertNInNOutSet("CachedDenseLayer", getLayerName(), layerIndex, getNIn(), getNOut());
        return LayerInstances.wire(
                new CachedDenseLayerImpl(conf, networkDataType),
                conf,
                trainingListeners,
                layerIndex,
                layerParamsView,
                initializeParams,
                initializer());
    }

    @Override
    public CachedDenseLayer clone() {
        return (CachedDenseLayer) super.clone();
    }

    @Override
    public String toString() {
        return "Cached" + super.toString();
    }
}
