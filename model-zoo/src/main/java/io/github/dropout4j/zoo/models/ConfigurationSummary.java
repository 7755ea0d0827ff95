package io.github.dropout4j.zoo.models;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Layer;

/**
 * Parameter counts and activation shapes read from a configuration alone, without allocating the network's
 * parameters (the full ImageNet nets hold ~60-100M parameters; counting them needs no memory).
 */
public final class ConfigurationSummary {

    private ConfigurationSummary() {}

    /** Per layer name, in the order the layers were added: {@code initializer().numParams(layer)} (no params: 0). */
    public static Map<String, Long> parameterCounts(ComputationGraphConfiguration conf) {
        Map<String, Long> out = new LinkedHashMap<>();
        Map<String, GraphVertex> vertices = conf.getVertices();
        for (Map.Entry<String, GraphVertex> e : vertices.entrySet()) {
            String name = e.getKey();
            GraphVertex v = e.getValue();
            if (v instanceof LayerVertex) {
                Layer l = ((LayerVertex) v).getLayerConf().getLayer();
                out.put(name, l.initializer().numParams(l));
            }
        }
        return out;
    }

    /** Per layer (name, or index if unnamed), in order. */
    public static Map<String, Long> parameterCounts(MultiLayerConfiguration conf) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (int i = 0; i < conf.getConfs().size(); i++) {
            Layer l = conf.getConf(i).getLayer();
            out.put(
                    l.getLayerName() == null ? String.valueOf(i) : l.getLayerName(),
                    l.initializer().numParams(l));
        }
        return out;
    }

    public static long totalParameters(Map<String, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Output type of every vertex for the given network inputs (e.g. {@code InputTypeConvolutional(h=55,w=55,c=64)}). */
    public static Map<String, InputType> activationTypes(ComputationGraphConfiguration conf, InputType... inputs) {
        return conf.getLayerActivationTypes(inputs);
    }

    /** Output type of every layer, keyed as {@link #parameterCounts(MultiLayerConfiguration)}. */
    public static Map<String, InputType> activationTypes(MultiLayerConfiguration conf, InputType input) {
        List<InputType> types = conf.getLayerActivationTypes(input);
        Map<String, InputType> out = new LinkedHashMap<>();
        for (int i = 0; i < types.size(); i++) {
            Layer l = conf.getConf(i).getLayer();
            out.put(l.getLayerName() == null ? String.valueOf(i) : l.getLayerName(), types.get(i));
        }
        return out;
    }
}
