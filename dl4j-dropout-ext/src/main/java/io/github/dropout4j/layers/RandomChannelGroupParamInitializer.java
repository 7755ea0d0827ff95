package io.github.dropout4j.layers;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Parameters of {@link RandomChannelGroupConvolution}: bias {@code "b"} {@code [nOut]} first, then weights
 * {@code "W"} {@code [groups, nOut/groups, channelsPerGroup, kH, kW]} ('c' order), in one flat view of
 * {@code nOut * (channelsPerGroup * kH * kW + 1)} values (without bias: {@code nOut * channelsPerGroup * kH * kW}).
 * Weight initialisation sees a group's fan-in {@code channelsPerGroup * kH * kW} and fan-out
 * {@code (nOut/groups) * kH * kW / (sH * sW)}, as DL4J's convolution does for a full layer.
 */
public final class RandomChannelGroupParamInitializer implements ParamInitializer {

    public static final String WEIGHT_KEY = DefaultParamInitializer.WEIGHT_KEY;
    public static final String BIAS_KEY = DefaultParamInitializer.BIAS_KEY;
    private static final RandomChannelGroupParamInitializer INSTANCE = new RandomChannelGroupParamInitializer();

    private RandomChannelGroupParamInitializer() {}

    public static RandomChannelGroupParamInitializer getInstance() {
        return INSTANCE;
    }

    /** {@code nOut * channelsPerGroup * kH * kW + (bias ? nOut : 0)}. */
    public static long numParams(long nOut, int channelsPerGroup, int[] kernel, boolean bias) {
        return nOut * channelsPerGroup * kernel[0] * kernel[1] + (bias ? nOut : 0);
    }

    private static RandomChannelGroupConvolution conf(Layer l) {
        return (RandomChannelGroupConvolution) l;
    }

    private static long[] weightShape(RandomChannelGroupConvolution c) {
        int[] k = c.getKernelSize();
        return new long[] {c.getGroups(), c.getFiltersPerGroup(), c.getChannelsPerGroup(), k[0], k[1]};
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        RandomChannelGroupConvolution c = conf(layer);
        return numParams(c.getNOut(), c.getChannelsPerGroup(), c.getKernelSize(), c.hasBias());
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        return conf(layer).hasBias() ? List.of(WEIGHT_KEY, BIAS_KEY) : List.of(WEIGHT_KEY);
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return List.of(WEIGHT_KEY);
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return conf(layer).hasBias() ? List.of(BIAS_KEY) : Collections.emptyList();
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
        RandomChannelGroupConvolution c = conf(conf.getLayer());
        Map<String, INDArray> out = split(c, paramsView);
        if (initializeParams) {
            if (c.hasBias()) {
                out.get(BIAS_KEY).assign(c.getBiasInit());
            }
            int[] k = c.getKernelSize();
            int[] s = c.getStride();
            double fanIn = (double) c.getChannelsPerGroup() * k[0] * k[1];
            double fanOut = (double) c.getFiltersPerGroup() * k[0] * k[1] / ((double) s[0] * s[1]);
            INDArray w = out.get(WEIGHT_KEY);
            INDArray initialised = c.getWeightInitFn().init(fanIn, fanOut, weightShape(c), 'c', w);
            if (initialised != w) {
                w.assign(initialised.reshape('c', weightShape(c)));
            }
        }
        if (c.hasBias()) {
            conf.addVariable(BIAS_KEY);
        }
        conf.addVariable(WEIGHT_KEY);
        return out;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        return split(conf(conf.getLayer()), gradientView);
    }

    private static Map<String, INDArray> split(RandomChannelGroupConvolution c, INDArray view) {
        INDArray flat = view.reshape(view.length());
        long nOut = c.getNOut();
        long total = numParams(nOut, c.getChannelsPerGroup(), c.getKernelSize(), c.hasBias());
        Map<String, INDArray> out = Collections.synchronizedMap(new LinkedHashMap<>());
        long wStart = 0;
        if (c.hasBias()) {
            out.put(BIAS_KEY, flat.get(NDArrayIndex.interval(0, nOut)));
            wStart = nOut;
        }
        out.put(WEIGHT_KEY, flat.get(NDArrayIndex.interval(wStart, total)).reshape('c', weightShape(c)));
        return out;
    }
}
