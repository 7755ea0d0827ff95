package io.github.dropout4j.layers.impl;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The runtime layer of {@link io.github.dropout4j.layers.CachedDenseLayer}: DL4J's dense layer, plus a copy of
 * the pre-activations {@code z} of the last training forward pass (outside workspaces, reused while the shape
 * holds), handed to the next backprop of the same input instead of recomputing {@code in W + b}.
 */
public class CachedDenseLayerImpl extends DenseLayer {

    private INDArray keptZ;
    private INDArray keptFor;

    public CachedDenseLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        keptFor = null;
        if (!training || hasLayerNorm() || maskArray != null) {
            return super.activate(training, workspaceMgr);
        }
        INDArray z = preOutput(true, workspaceMgr); // applies the input dropout: this.input is its result
        keep(z);
        return layerConf().getActivationFn().getActivation(z, true);
    }

    private void keep(INDArray z) {
        if (keptZ == null || keptZ.dataType() != z.dataType() || !Arrays.equals(keptZ.shape(), z.shape())) {
            try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                keptZ = Nd4j.createUninitialized(z.dataType(), z.shape(), 'c');
            }
        }
        keptZ.assign(z);
        keptFor = input;
    }

    @Override
    protected Pair<INDArray, INDArray> preOutputWithPreNorm(
            boolean training, boolean forBackprop, LayerWorkspaceMgr workspaceMgr) {
        if (forBackprop && keptFor != null && keptFor == input && maskArray == null) {
            keptFor = null; // used once: the activation's backprop may overwrite it
            return new Pair<>(keptZ, keptZ);
        }
        return super.preOutputWithPreNorm(training, forBackprop, workspaceMgr);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        try {
            return super.backpropGradient(epsilon, workspaceMgr);
        } finally {
            keptFor = null;
        }
    }

    @Override
    public void clear() {
        super.clear();
        keptFor = null;
    }
}
