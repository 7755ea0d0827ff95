package io.github.dropout4j.onednn;

import io.github.dropout4j.layers.impl.FieldCopy;
import io.github.dropout4j.layers.impl.KeptPreOutput;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's {@code ConvolutionLayer} whose backprop does not repeat the forward convolution. DL4J 1.0.0-M2.1's
 * {@code backpropGradient} recomputes the pre-activations {@code z} (the activation overwrote them in place), one
 * of the convolution's three passes (forward, backward data, backward weights) done twice. Here a training forward
 * pass keeps a copy of {@code z} ({@link KeptPreOutput}, outside workspaces, one copy of the layer's output), and
 * the next backprop of the same input takes it; anything else (inference in between, a new input) recomputes as
 * DL4J does. The kept {@code z} is the array the recomputation would give: the same call on the same input and
 * parameters. Same configuration and parameters (the fields of the layer it replaces are copied); it only exists at
 * run time, put in place by {@link OneDnnHelpers#install}.
 */
final class KeptConvolutionLayer extends ConvolutionLayer {

    private final KeptPreOutput kept = new KeptPreOutput();

    /** A layer with every field of {@code layer} (configuration, parameter and gradient views, counters). */
    KeptConvolutionLayer(ConvolutionLayer layer) {
        super(layer.conf(), layer.getDataType());
        FieldCopy.copy(ConvolutionLayer.class, layer, this);
    }

    @Override
    protected Pair<INDArray, INDArray> preOutput(
            boolean training, boolean forBackprop, LayerWorkspaceMgr workspaceMgr) {
        if (forBackprop) {
            INDArray z = kept.take(input);
            return z != null ? new Pair<>(z, null) : super.preOutput(training, true, workspaceMgr);
        }
        kept.forget();
        Pair<INDArray, INDArray> p = super.preOutput(training, false, workspaceMgr);
        if (training) {
            kept.keep(p.getFirst(), input); // input: the result of this layer's dropout
        }
        return p;
    }

    @Override
    public void clear() {
        super.clear();
        kept.forget();
    }
}
