package io.github.dropout4j.inference;

import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.function.BiFunction;

/**
 * An inference-mode forward pass through a {@link MultiLayerNetwork} that lets the caller transform each layer's
 * input first (after its preprocessor). Every layer runs with {@code training = false}, so batch normalisation
 * uses its running statistics and nothing but the caller's transformation is stochastic.
 */
final class LayerwiseForward {

    private LayerwiseForward() {
    }

    /**
     * Runs layers {@code from} (inclusive) to the last, feeding {@code input} to layer {@code from} (through its
     * preprocessor only if {@code preprocessFirst}); {@code beforeLayer.apply(i, a)} may replace layer
     * {@code i}'s input.
     */
    static INDArray run(MultiLayerNetwork net, INDArray input, int from, boolean preprocessFirst,
                        BiFunction<Integer, INDArray, INDArray> beforeLayer) {
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        INDArray a = input;
        for (int i = from; i < net.getnLayers(); i++) {
            InputPreProcessor pre = conf.getInputPreProcess(i);
            if (pre != null && (i > from || preprocessFirst)) {
                a = pre.preProcess(a, (int) a.size(0), mgr);
            }
            a = beforeLayer.apply(i, a);
            a = net.getLayer(i).activate(a, false, mgr).detach();
        }
        return a;
    }

    /** The input of layer {@code layer} (after its preprocessor) in the mean network. */
    static INDArray inputOf(MultiLayerNetwork net, INDArray input, int layer) {
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        INDArray a = input;
        for (int i = 0; i <= layer; i++) {
            InputPreProcessor pre = conf.getInputPreProcess(i);
            if (pre != null) {
                a = pre.preProcess(a, (int) a.size(0), mgr);
            }
            if (i < layer) {
                a = net.getLayer(i).activate(a, false, mgr).detach();
            }
        }
        return a;
    }

    static void requireLayerIndex(MultiLayerNetwork net, int layer) {
        if (layer < 0 || layer >= net.getnLayers()) {
            throw new IllegalArgumentException("layer index must be in [0, " + net.getnLayers() + "), got " + layer);
        }
    }
}
