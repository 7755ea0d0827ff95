package io.github.dropout4j.layers;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/** What every {@code instantiate} of our layer configurations does after building its runtime layer. */
final class LayerInstances {
    private LayerInstances() {}

    /**
     * Gives {@code layer} its listeners, index, parameter view and parameter table (initialised by {@code params}
     * when {@code initializeParams}) and its configuration, as DL4J's own layer configurations do.
     */
    static <L extends Layer> L wire(
            L layer,
            NeuralNetConfiguration conf,
            Collection<TrainingListener> listeners,
            int layerIndex,
            INDArray paramsView,
            boolean initializeParams,
            ParamInitializer params) {
        layer.setListeners(listeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(paramsView);
        layer.setParamTable(params.init(conf, paramsView, initializeParams));
        layer.setConf(conf);
        return layer;
    }
}
