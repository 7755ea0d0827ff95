package io.github.dropout4j.layers.impl;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The runtime layer of {@link io.github.dropout4j.layers.CachedDenseLayer}: DL4J's dense layer, plus a copy of
 * the pre-activations {@code z} of the last training forward pass (outside workspaces, reused while the shape
 * holds), handed to the next backprop of the same input instead of recomputing {@code in W + b}.
 */
public class CachedDenseLayerImpl extends DenseLayer {

    private final KeptPreOutput kept = new KeptPreOutput();

    public CachedDenseLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        kept.forget();
        if (!training || hasLayerNorm() || maskArray != null) {
            return super.activate(training, workspaceMgr);
        }
        INDArray z = preOutput(true, workspaceMgr); // applies the input dropout: this.input is its result
        kept.keep(z, input);
        return layerConf().getActivationFn().getActivation(z, true);
    }

    @Override
    protected Pair<INDArray, INDArray> preOutputWithPreNorm(
            boolean training, boolean forBackprop, LayerWorkspaceMgr workspaceMgr) {
        INDArray z = forBackprop && maskArray == null ? kept.take(input) : null;
        if (z != null) {
            return new Pair<>(z, z);
        }
        return super.preOutputWithPreNorm(training, forBackprop, workspaceMgr);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        try {
            return super.backpropGradient(epsilon, workspaceMgr);
        } finally {
            kept.forget();
        }
    }

    @Override
    public void clear() {
        super.clear();
        kept.forget();
    }
}
