package io.github.dropout4j.inference;

import io.github.dropout4j.dropout.BernoulliDropout;
import io.github.dropout4j.dropout.DropoutPlacement;
import io.github.dropout4j.dropout.DropoutScaling;
import io.github.dropout4j.dropout.Dropouts;
import io.github.dropout4j.dropout.TestTimeWeightScaling;
import io.github.dropout4j.layers.CachedDenseLayer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.layers.LayerConstraint;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;

/**
 * Exports the paper's mean network as a plain DL4J network: every {@link BernoulliDropout} with
 * {@link DropoutScaling#TEST_TIME_WEIGHT_SCALING} is folded into its layer's input weights ({@code W <- p W}, or
 * each input unit's weights times its own {@code p_u}; biases unchanged; a schedule at the last training step,
 * {@link BernoulliDropout#testTimeStep}), and every Dropout4j class is removed from the configuration, so the result loads with
 * DL4J alone and predicts with no per-call overhead. Its {@code output(x)} equals the source network's
 * {@code output(x)} (up to float rounding).
 *
 * <p>What is removed: Dropout4j dropouts (training-only), {@link TestTimeWeightScaling}, Dropout4j weight
 * constraints (training-only), and Dropout4j updaters, which are replaced by {@link NoOp} (the export is for
 * deployment; DL4J's own updaters are kept). A configuration that would still name a Dropout4j class after
 * this (for example one of our custom layers) is rejected with the offending layer named.
 *
 * <pre>{@code
 * MultiLayerNetwork deployable = MeanNetwork.export(trained);
 * ModelSerializer.writeModel(deployable, file, false);   // loadable without Dropout4j
 * }</pre>
 */
public final class MeanNetwork {

    private static final String OUR_PACKAGE = "io.github.dropout4j.";

    private MeanNetwork() {}

    /** The mean network of {@code net} as a new, independent {@link MultiLayerNetwork}. */
    public static MultiLayerNetwork export(MultiLayerNetwork net) {
        return export(net, true);
    }

    /**
     * Like {@link #export(MultiLayerNetwork)}, but keeps Dropout4j's own layers (for example
     * {@code LocallyConnected2D}, which has no plain-DL4J equivalent): the retain probabilities are folded into the
     * weights and the training-only pieces removed, and loading the result needs Dropout4j on the classpath.
     */
    public static MultiLayerNetwork fold(MultiLayerNetwork net) {
        return export(net, false);
    }

    private static MultiLayerNetwork export(MultiLayerNetwork net, boolean plainDl4jOnly) {
        DropoutPlacement.check(net.getLayerWiseConfigurations());
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations().clone();
        BernoulliDropout[] folded = new BernoulliDropout[net.getnLayers()];
        for (int i = 0; i < folded.length; i++) {
            conf.getConf(i).setLayer(forInference(conf.getConf(i).getLayer()));
            folded[i] = strip(conf.getConf(i).getLayer());
        }
        if (plainDl4jOnly) {
            requireNoDropout4jClasses(conf.toJson());
        }
        MultiLayerNetwork out = new MultiLayerNetwork(conf);
        out.init(net.params().dup(), false);
        for (int i = 0; i < folded.length; i++) {
            fold(net.getLayer(i), out.getLayer(i), folded[i], net.getIterationCount(), net.getEpochCount());
        }
        return out;
    }

    /** The mean network of {@code graph} as a new, independent {@link ComputationGraph}. */
    public static ComputationGraph export(ComputationGraph graph) {
        return export(graph, true);
    }

    /**
     * Like {@link #export(ComputationGraph)}, but keeps Dropout4j's own layers (for example
     * {@code RandomChannelGroupConvolution}); loading the result needs Dropout4j on the classpath.
     */
    public static ComputationGraph fold(ComputationGraph graph) {
        return export(graph, false);
    }

    private static ComputationGraph export(ComputationGraph graph, boolean plainDl4jOnly) {
        DropoutPlacement.check(graph.getConfiguration());
        ComputationGraphConfiguration conf = graph.getConfiguration().clone();
        Map<String, GraphVertex> vertices = conf.getVertices();
        Map<String, BernoulliDropout> folded = new java.util.HashMap<>();
        for (Map.Entry<String, GraphVertex> e : vertices.entrySet()) {
            if (e.getValue() instanceof LayerVertex) {
                NeuralNetConfiguration layerConf = ((LayerVertex) e.getValue()).getLayerConf();
                layerConf.setLayer(forInference(layerConf.getLayer()));
                org.deeplearning4j.nn.conf.layers.Layer layer = layerConf.getLayer();
                folded.put(e.getKey(), strip(layer));
            }
        }
        if (plainDl4jOnly) {
            requireNoDropout4jClasses(conf.toJson());
        }
        ComputationGraph out = new ComputationGraph(conf);
        out.init(graph.params().dup(), false);
        for (Map.Entry<String, BernoulliDropout> e : folded.entrySet()) {
            fold(
                    graph.getLayer(e.getKey()),
                    out.getLayer(e.getKey()),
                    e.getValue(),
                    conf.getIterationCount(),
                    conf.getEpochCount());
        }
        return out;
    }

    /** DL4J's own dense layer for a {@link CachedDenseLayer} (its cache only serves training), else {@code layer}. */
    private static org.deeplearning4j.nn.conf.layers.Layer forInference(org.deeplearning4j.nn.conf.layers.Layer layer) {
        return layer instanceof CachedDenseLayer c ? c.toDenseLayer() : layer;
    }

    /**
     * Removes Dropout4j training pieces from {@code layer}; returns the test-time-scaled dropout whose retain
     * probabilities must be folded into its input weights, or null.
     */
    private static BernoulliDropout strip(org.deeplearning4j.nn.conf.layers.Layer layer) {
        BernoulliDropout fold = Dropouts.of(layer)
                .filter(d -> d.scaling() == DropoutScaling.TEST_TIME_WEIGHT_SCALING)
                .orElse(null);
        IDropout d = layer.getIDropout();
        if (isOurs(d)) {
            layer.setIDropout(null);
        }
        if (layer.getConstraints() != null) {
            List<LayerConstraint> kept = new ArrayList<>();
            for (LayerConstraint c : layer.getConstraints()) {
                if (!isOurs(c)) {
                    kept.add(c);
                }
            }
            layer.setConstraints(kept.isEmpty() ? null : kept);
        }
        if (layer instanceof BaseLayer) {
            BaseLayer base = (BaseLayer) layer;
            if (isOurs(base.getWeightNoise())) {
                base.setWeightNoise(null);
            }
            if (isOurs(base.getIUpdater())) {
                base.setIUpdater(new NoOp());
            }
            IUpdater biasUpdater = base.getBiasUpdater();
            if (isOurs(biasUpdater)) {
                base.setBiasUpdater(new NoOp());
            }
        }
        return fold;
    }

    private static void fold(Layer source, Layer target, BernoulliDropout dropout, int iteration, int epoch) {
        if (dropout == null) {
            return;
        }
        for (String key : TestTimeWeightScaling.inputWeightParams(source)) {
            INDArray w = target.getParam(key);
            w.assign(TestTimeWeightScaling.scaledInputWeight(source, key, w.dup(), dropout, iteration, epoch));
        }
    }

    private static boolean isOurs(Object o) {
        return o != null && o.getClass().getName().startsWith(OUR_PACKAGE);
    }

    private static void requireNoDropout4jClasses(String json) {
        int at = json.indexOf("\"" + OUR_PACKAGE);
        if (at >= 0) {
            int end = json.indexOf('"', at + 1);
            throw new IllegalStateException("cannot export a plain DL4J mean network: the configuration still uses "
                    + json.substring(at + 1, end) + ", which has no plain DL4J equivalent; "
                    + "MeanNetwork.fold keeps Dropout4j's layers");
        }
    }
}
