package io.github.dropout4j.adaptive;

import io.github.dropout4j.dropout.BernoulliDropout;
import io.github.dropout4j.dropout.BernoulliMaskKernel;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * One dropout sub-network's per-example losses: an inference-mode forward pass in which chosen layers' inputs are
 * multiplied by given per-example unit masks, every other dropout layer samples its own mask, and the output
 * layer scores each example. Masks are given in the inverted form {@code m / p} (row {@code b}, column {@code u}
 * for example {@code b}, input unit {@code u}): a layer at inference (input weights times {@code p} under
 * test-time scaling, unscaled when inverted) then computes exactly the training-time sub-network.
 */
final class MaskedForward {

    private MaskedForward() {
    }

    /**
     * @param scaledMasks layer index to {@code m / p} of shape [minibatch, units of that layer's input]
     * @param otherKey    key from which layers not in {@code scaledMasks} derive their masks
     * @return per-example loss (without regularisation), shape [minibatch]
     */
    static INDArray losses(MultiLayerNetwork net, INDArray features, INDArray labels,
                           Map<Integer, INDArray> scaledMasks, long otherKey) {
        return run(net, features, labels, scaledMasks, otherKey, true);
    }

    /** Per-example losses of the mean network (no layer sampled), shape [minibatch]. */
    static INDArray meanNetworkLosses(MultiLayerNetwork net, INDArray features, INDArray labels) {
        return run(net, features, labels, Map.of(), 0L, false);
    }

    private static INDArray run(MultiLayerNetwork net, INDArray features, INDArray labels,
                                Map<Integer, INDArray> scaledMasks, long otherKey, boolean sampleOthers) {
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        int last = net.getnLayers() - 1;
        INDArray a = features;
        for (int i = 0; i <= last; i++) {
            InputPreProcessor pre = conf.getInputPreProcess(i);
            if (pre != null) {
                a = pre.preProcess(a, (int) a.size(0), mgr);
            }
            INDArray mask = scaledMasks.get(i);
            if (mask != null) {
                if (a.rank() != 2 || a.size(1) != mask.size(1)) {
                    throw new IllegalStateException("adaptive dropout supports dense layer inputs [minibatch, "
                            + mask.size(1) + "]; layer " + i + " has input shape " + java.util.Arrays.toString(a.shape()));
                }
                a = a.mul(mask.castTo(a.dataType()));
            } else if (sampleOthers) {
                a = sampleOther(net, i, a, BernoulliMaskKernel.key(otherKey, i, 0));
            }
            Layer layer = net.getLayer(i);
            if (i < last) {
                a = layer.activate(a, false, mgr).detach();
            } else {
                if (!(layer instanceof IOutputLayer)) {
                    throw new IllegalStateException("adaptive dropout needs an output layer with a loss function as "
                            + "the network's last layer, got " + layer.getClass().getSimpleName());
                }
                IOutputLayer out = (IOutputLayer) layer;
                layer.setInput(a, mgr);
                out.setLabels(labels);
                INDArray scores = out.computeScoreForExamples(0.0, mgr).detach();
                layer.clear();
                return scores.reshape(scores.length());
            }
        }
        throw new IllegalStateException("empty network");
    }

    private static INDArray sampleOther(MultiLayerNetwork net, int layer, INDArray a, long key) {
        IDropout d = net.getLayer(layer).conf().getLayer().getIDropout();
        if (d == null) {
            return a;
        }
        if (d instanceof BernoulliDropout) {
            return ((BernoulliDropout) d).sampleSubnetworkInput(a, a.ulike(), key, net.getIterationCount(),
                    net.getEpochCount());
        }
        return d.clone().applyDropout(a, a.ulike(), (int) key, 0, LayerWorkspaceMgr.noWorkspaces());
    }
}
