package io.github.dropout4j.layers;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Parameters of a {@link Standout} layer, in this order in the flattened view: {@code "W"} [nIn, nOut],
 * {@code "b"} [nOut], and for {@link Standout.OverlayWeights#SEPARATE} also {@code "Ws"} [nIn, nOut] (initialised
 * with the layer's weight init) and {@code "bs"} [nOut] (initialised with its bias init).
 */
public final class StandoutParamInitializer extends DefaultParamInitializer {

    private static final StandoutParamInitializer INSTANCE = new StandoutParamInitializer();

    public static StandoutParamInitializer getInstance() {
        return INSTANCE;
    }

    private static boolean separate(Layer layer) {
        return ((Standout) layer).getOverlay() == Standout.OverlayWeights.SEPARATE;
    }

    @Override
    public long numParams(Layer layer) {
        Standout s = (Standout) layer;
        long one = s.getNIn() * s.getNOut() + s.getNOut();
        return separate(layer) ? 2 * one : one;
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        return separate(layer)
                ? List.of(WEIGHT_KEY, BIAS_KEY, Standout.OVERLAY_WEIGHT_KEY, Standout.OVERLAY_BIAS_KEY)
                : List.of(WEIGHT_KEY, BIAS_KEY);
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return separate(layer) ? List.of(WEIGHT_KEY, Standout.OVERLAY_WEIGHT_KEY) : List.of(WEIGHT_KEY);
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return separate(layer) ? List.of(BIAS_KEY, Standout.OVERLAY_BIAS_KEY) : List.of(BIAS_KEY);
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
        return WEIGHT_KEY.equals(key) || Standout.OVERLAY_WEIGHT_KEY.equals(key);
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return BIAS_KEY.equals(key) || Standout.OVERLAY_BIAS_KEY.equals(key);
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
        Standout layer = (Standout) conf.getLayer();
        long expected = numParams(layer);
        if (paramsView.length() != expected) {
            throw new IllegalStateException(
                    "Standout expects a parameter view of length " + expected + ", got " + paramsView.length());
        }
        Map<String, INDArray> views = views(layer, paramsView.reshape(paramsView.length()), false);
        Map<String, INDArray> params = Collections.synchronizedMap(new LinkedHashMap<>());
        for (Map.Entry<String, INDArray> e : views.entrySet()) {
            INDArray view = e.getValue();
            INDArray p = isWeightParam(layer, e.getKey())
                    ? createWeightMatrix(
                            layer.getNIn(),
                            layer.getNOut(),
                            initializeParams ? layer.getWeightInitFn() : null,
                            view,
                            initializeParams)
                    : createBias(layer.getNOut(), layer.getBiasInit(), view, initializeParams);
            params.put(e.getKey(), p);
            conf.addVariable(e.getKey());
        }
        return params;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        return views((Standout) conf.getLayer(), gradientView.reshape(gradientView.length()), true);
    }

    /** Views of a flat vector: weights [nIn, nOut] in 'f' order when {@code reshapeWeights}, biases flat. */
    private Map<String, INDArray> views(Standout layer, INDArray flat, boolean reshapeWeights) {
        long nIn = layer.getNIn();
        long nOut = layer.getNOut();
        Map<String, INDArray> out = new LinkedHashMap<>();
        long offset = 0;
        for (String key : paramKeys(layer)) {
            long n = isWeightParam(layer, key) ? nIn * nOut : nOut;
            INDArray v = flat.get(NDArrayIndex.interval(offset, offset + n));
            if (isWeightParam(layer, key) && reshapeWeights) {
                v = v.reshape('f', nIn, nOut);
            }
            out.put(key, v);
            offset += n;
        }
        return out;
    }
}
