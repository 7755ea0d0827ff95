package io.github.dropout4j.inference;

import java.util.function.BiFunction;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An inference-mode forward pass through a {@link MultiLayerNetwork} that lets the caller transform each layer's
 * input first (after its preprocessor). Every layer runs with {@code training = false}, so batch normalisation
 * uses its running statistics and nothing but the caller's transformation is stochastic. Used by Monte-Carlo and
 * exact sub-network averaging and by adaptive dropout's masked passes.
 */
public final class LayerwiseForward {

    /** The identity transformation: the mean network. */
    public static final BiFunction<Integer, INDArray, INDArray> NONE = (i, a) -> a;

    private LayerwiseForward() {}

    /**
     * Runs layers {@code from} (inclusive) to the last, feeding {@code input} to layer {@code from} (through its
     * preprocessor only if {@code preprocessFirst}); {@code beforeLayer.apply(i, a)} may replace layer
     * {@code i}'s input.
     *
     * @return the last layer's output
     */
    public static INDArray run(
            MultiLayerNetwork net,
            INDArray input,
            int from,
            boolean preprocessFirst,
            BiFunction<Integer, INDArray, INDArray> beforeLayer) {
        INDArray a = forward(net, input, from, net.getnLayers() - 1, preprocessFirst, beforeLayer);
        return net.getLayer(net.getnLayers() - 1)
                .activate(a, false, LayerWorkspaceMgr.noWorkspaces())
                .detach();
    }

    /** The input of layer {@code layer} (after its preprocessor) in the mean network. */
    public static INDArray inputOf(MultiLayerNetwork net, INDArray input, int layer) {
        return inputOf(net, input, layer, NONE);
    }

    /**
     * The input of layer {@code layer}, after its preprocessor and {@code beforeLayer.apply(layer, a)}, when every
     * earlier layer {@code i} runs at inference on {@code beforeLayer.apply(i, its input)}.
     */
    public static INDArray inputOf(
            MultiLayerNetwork net, INDArray input, int layer, BiFunction<Integer, INDArray, INDArray> beforeLayer) {
        requireLayerIndex(net, layer);
        return forward(net, input, 0, layer, true, beforeLayer);
    }

    /** Layers {@code from .. to - 1} run; returns layer {@code to}'s transformed input. */
    private static INDArray forward(
            MultiLayerNetwork net,
            INDArray input,
            int from,
            int to,
            boolean preprocessFirst,
            BiFunction<Integer, INDArray, INDArray> beforeLayer) {
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        INDArray a = input;
        for (int i = from; i <= to; i++) {
            InputPreProcessor pre = conf.getInputPreProcess(i);
            if (pre != null && (i > from || preprocessFirst)) {
                a = pre.preProcess(a, (int) a.size(0), mgr);
            }
            a = beforeLayer.apply(i, a);
            if (i < to) {
                a = net.getLayer(i).activate(a, false, mgr).detach();
            }
        }
        return a;
    }

    /** @throws IllegalArgumentException unless {@code layer} is a layer index of {@code net} */
    public static void requireLayerIndex(MultiLayerNetwork net, int layer) {
        if (layer < 0 || layer >= net.getnLayers()) {
            throw new IllegalArgumentException("layer index must be in [0, " + net.getnLayers() + "), got " + layer);
        }
    }
}
