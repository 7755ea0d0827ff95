package io.github.dropout4j.adaptive;

import io.github.dropout4j.inference.LayerwiseForward;
import io.github.dropout4j.inference.Subnetworks;
import io.github.dropout4j.random.Seeds;
import java.util.Map;
import java.util.function.BiConsumer;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One dropout sub-network's per-example losses: an inference-mode forward pass ({@link LayerwiseForward}) in which
 * chosen layers' inputs are multiplied by given per-example unit masks, every other dropout layer samples its own
 * mask ({@link Subnetworks#sample}), and the output layer scores each example. Masks are given in the inverted form
 * {@code m / p} (row {@code b}, column {@code u} for example {@code b}, input unit {@code u}): a layer at inference
 * (input weights times {@code p} under test-time scaling, unscaled when inverted) then computes exactly the
 * training-time sub-network.
 */
final class MaskedForward {

    private MaskedForward() {}

    /**
     * @param scaledMasks layer index to {@code m / p} of shape [minibatch, units of that layer's input]
     * @param otherKey    key from which layers not in {@code scaledMasks} derive their masks
     * @param unmasked    called with (layer, input before its mask) for each layer in {@code scaledMasks}
     * @return per-example loss (without regularisation), shape [minibatch]
     */
    static INDArray losses(
            MultiLayerNetwork net,
            INDArray features,
            INDArray labels,
            Map<Integer, INDArray> scaledMasks,
            long otherKey,
            BiConsumer<Integer, INDArray> unmasked) {
        return score(net, labels, LayerwiseForward.inputOf(net, features, net.getnLayers() - 1, (i, a) -> {
            INDArray mask = scaledMasks.get(i);
            if (mask == null) {
                long key = Seeds.key(otherKey, i, 0);
                return Subnetworks.sample(net, i, a, key, (int) key);
            }
            if (a.rank() != 2 || a.size(1) != mask.size(1)) {
                throw new IllegalStateException("adaptive dropout supports dense layer inputs [minibatch, "
                        + mask.size(1) + "]; layer " + i + " has input shape " + java.util.Arrays.toString(a.shape()));
            }
            unmasked.accept(i, a);
            return a.mul(mask.castTo(a.dataType()));
        }));
    }

    /** Per-example losses of the mean network (no layer sampled), shape [minibatch]. */
    static INDArray meanNetworkLosses(MultiLayerNetwork net, INDArray features, INDArray labels) {
        return score(net, labels, LayerwiseForward.inputOf(net, features, net.getnLayers() - 1));
    }

    private static INDArray score(MultiLayerNetwork net, INDArray labels, INDArray lastInput) {
        Layer layer = net.getLayer(net.getnLayers() - 1);
        if (!(layer instanceof IOutputLayer)) {
            throw new IllegalStateException("adaptive dropout needs an output layer with a loss function as "
                    + "the network's last layer, got " + layer.getClass().getSimpleName());
        }
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        IOutputLayer out = (IOutputLayer) layer;
        layer.setInput(lastInput, mgr);
        out.setLabels(labels);
        INDArray scores = out.computeScoreForExamples(0.0, mgr).detach();
        layer.clear();
        return scores.reshape(scores.length());
    }
}
