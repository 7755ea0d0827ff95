package io.github.dropout4j.layers;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.weights.WeightInitUtil;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Parameters of {@link LocallyConnected2D}, in this order in the flat parameter vector:
 * <ul>
 *   <li>{@code "W"}: {@code [P, nIn*kH*kW, nOut]} c-order, {@code P = outH*outW} positions in row-major
 *       {@code (oy, ox)} order, the middle dimension in {@code (channel, ky, kx)} order. Initialised by the
 *       layer's weight init with {@code fanIn = nIn*kH*kW}, {@code fanOut = nOut*kH*kW / (sH*sW)} (as DL4J's
 *       convolution).</li>
 *   <li>{@code "b"}: {@code [P, nOut]}, one bias per filter per position, initialised to the layer's
 *       {@code biasInit}.</li>
 * </ul>
 * Total {@code P * nOut * (nIn*kH*kW + 1)}.
 */
public final class LocallyConnected2DParamInitializer implements ParamInitializer {

    public static final String WEIGHT_KEY = "W";
    public static final String BIAS_KEY = "b";

    private static final LocallyConnected2DParamInitializer INSTANCE = new LocallyConnected2DParamInitializer();
    private static final List<String> KEYS = List.of(WEIGHT_KEY, BIAS_KEY);

    private LocallyConnected2DParamInitializer() {}

    public static LocallyConnected2DParamInitializer getInstance() {
        return INSTANCE;
    }

    /** @return {@code {P, nIn*kH*kW, nOut}} */
    public static long[] weightShape(LocallyConnected2D l) {
        int[] k = l.kernelSize();
        return new long[] {l.kernel().positions(), l.getNIn() * k[0] * k[1], l.getNOut()};
    }

    /** @return {@code {P, nOut}} */
    public static long[] biasShape(LocallyConnected2D l) {
        return new long[] {l.kernel().positions(), l.getNOut()};
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        LocallyConnected2D l = (LocallyConnected2D) layer;
        long[] w = weightShape(l);
        return w[0] * w[1] * w[2] + w[0] * w[2];
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        return KEYS;
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return Collections.singletonList(WEIGHT_KEY);
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return Collections.singletonList(BIAS_KEY);
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
        return WEIGHT_KEY.equals(key);
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return BIAS_KEY.equals(key);
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
        LocallyConnected2D l = (LocallyConnected2D) conf.getLayer();
        Map<String, INDArray> views = views(l, paramsView);
        if (initializeParams) {
            int[] k = l.kernelSize();
            int[] s = l.stride();
            double fanIn = l.getNIn() * k[0] * k[1];
            double fanOut = l.getNOut() * k[0] * k[1] / ((double) s[0] * s[1]);
            INDArray w = views.get(WEIGHT_KEY);
            l.getWeightInitFn().init(fanIn, fanOut, w.shape(), 'c', w);
            views.get(BIAS_KEY).assign(l.getBiasInit());
        }
        conf.addVariable(WEIGHT_KEY);
        conf.addVariable(BIAS_KEY);
        return views;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        return views((LocallyConnected2D) conf.getLayer(), gradientView);
    }

    private static Map<String, INDArray> views(LocallyConnected2D l, INDArray flat) {
        long[] ws = weightShape(l);
        long[] bs = biasShape(l);
        long nW = ws[0] * ws[1] * ws[2];
        long nB = bs[0] * bs[1];
        INDArray v = flat.reshape(flat.length());
        if (v.length() != nW + nB) {
            throw new IllegalStateException("LocallyConnected2D '" + l.getLayerName() + "': expected " + (nW + nB)
                    + " parameters, got a view of " + v.length());
        }
        Map<String, INDArray> out = new LinkedHashMap<>();
        out.put(WEIGHT_KEY, WeightInitUtil.reshapeWeights(ws, v.get(NDArrayIndex.interval(0, nW)), 'c'));
        out.put(BIAS_KEY, v.get(NDArrayIndex.interval(nW, nW + nB)).reshape('c', bs));
        return out;
    }
}
