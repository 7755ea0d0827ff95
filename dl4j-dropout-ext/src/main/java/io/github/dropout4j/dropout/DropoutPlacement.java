package io.github.dropout4j.dropout;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LocalResponseNormalization;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;

import java.util.List;
import java.util.Map;

/**
 * Checks that every dropout in a configuration will actually run. DL4J 1.0.0-M2.1 accepts {@code .dropOut(...)}
 * on every layer, but these layer implementations never apply it, so the setting is silently ignored:
 * {@link SubsamplingLayer} (and its 1D form), {@link BatchNormalization}, {@link LocalResponseNormalization},
 * {@link ActivationLayer}, {@link GlobalPoolingLayer} and {@link ZeroPaddingLayer}. Put the dropout on the next
 * layer with weights instead (dropout acts on a layer's <em>input</em>).
 *
 * <pre>{@code
 * DropoutPlacement.check(conf);   // IllegalArgumentException naming the layer, or nothing
 * }</pre>
 */
public final class DropoutPlacement {

    private static final List<Class<? extends Layer>> IGNORES_DROPOUT = List.of(SubsamplingLayer.class,
            BatchNormalization.class, LocalResponseNormalization.class, ActivationLayer.class,
            GlobalPoolingLayer.class, ZeroPaddingLayer.class);

    private DropoutPlacement() {
    }

    /** @throws IllegalArgumentException naming the first layer whose dropout DL4J would ignore */
    public static void check(MultiLayerConfiguration conf) {
        for (int i = 0; i < conf.getConfs().size(); i++) {
            check(conf.getConf(i).getLayer(), "layer " + i);
        }
    }

    /** @throws IllegalArgumentException naming the first layer vertex whose dropout DL4J would ignore */
    public static void check(ComputationGraphConfiguration conf) {
        for (Map.Entry<String, GraphVertex> e : conf.getVertices().entrySet()) {
            if (e.getValue() instanceof LayerVertex) {
                check(((LayerVertex) e.getValue()).getLayerConf().getLayer(), "vertex '" + e.getKey() + "'");
            }
        }
    }

    private static void check(Layer layer, String where) {
        if (layer.getIDropout() == null) {
            return;
        }
        for (Class<? extends Layer> c : IGNORES_DROPOUT) {
            if (c.isInstance(layer)) {
                throw new IllegalArgumentException(where + " (" + layer.getClass().getSimpleName()
                        + (layer.getLayerName() == null ? "" : " '" + layer.getLayerName() + "'") + ") has dropout "
                        + layer.getIDropout() + ", but DL4J never applies dropout on this layer type; "
                        + "set it on the next layer with weights");
            }
        }
    }
}
