package io.github.dropout4j.layers;

import java.util.Arrays;
import org.deeplearning4j.exception.DL4JInvalidInputException;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The DL4J layer behind {@link LocallyConnected2D} (see there for the math and shapes). Thin glue around
 * {@link LocallyConnectedKernel}: dropout on the input ({@code applyDropOutIfNecessary} / {@code
 * backpropDropOutIfPresent}), weights read through {@code getParamWithNoise} so that
 * {@link io.github.dropout4j.dropout.TestTimeWeightScaling} scales {@code W} at inference, DL4J workspaces for every
 * array. Input and output are NCHW, {@code [minibatch, channels, h, w]}.
 */
public class LocallyConnected2DLayer extends BaseLayer<LocallyConnected2D> {

    private static final String W = LocallyConnected2DParamInitializer.WEIGHT_KEY;
    private static final String B = LocallyConnected2DParamInitializer.BIAS_KEY;

    public LocallyConnected2DLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public Type type() {
        return Type.CONVOLUTIONAL;
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        applyDropOutIfNecessary(training, workspaceMgr);
        INDArray z = preOutputNchw(training, workspaceMgr, ArrayType.ACTIVATIONS);
        return layerConf().getActivationFn().getActivation(z, training);
    }

    @Override
    protected INDArray preOutput(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        applyDropOutIfNecessary(training, workspaceMgr);
        return preOutputNchw(training, workspaceMgr, ArrayType.ACTIVATIONS);
    }

    /** {@code [mb, nOut, outH, outW]} view of a position-major {@code [P, mb, nOut]} array of type {@code zType}. */
    private INDArray preOutputNchw(boolean training, LayerWorkspaceMgr workspaceMgr, ArrayType zType) {
        LocallyConnectedKernel k = layerConf().kernel();
        INDArray x = checkedInput();
        INDArray w = getParamWithNoise(W, training, workspaceMgr);
        INDArray b = getParamWithNoise(B, training, workspaceMgr);
        long mb = x.size(0);
        INDArray patches = workspaceMgr.createUninitialized(
                ArrayType.FF_WORKING_MEM, dataType, new long[] {k.positions(), mb, w.size(1)}, 'c');
        k.patches(x, patches);
        INDArray z = workspaceMgr.createUninitialized(zType, dataType, new long[] {k.positions(), mb, w.size(2)}, 'c');
        k.forward(patches, w, b, z);
        return LocallyConnectedKernel.toNchw(z, k.outHeight(), k.outWidth());
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        LocallyConnectedKernel k = layerConf().kernel();
        INDArray x = checkedInput();
        INDArray w = getParamWithNoise(W, true, workspaceMgr);
        INDArray b = getParamWithNoise(B, true, workspaceMgr);
        long mb = x.size(0);
        long kk = w.size(1);
        long nOut = w.size(2);
        if (epsilon.dataType() != dataType) {
            epsilon = epsilon.castTo(dataType);
        }

        INDArray patches = workspaceMgr.createUninitialized(
                ArrayType.BP_WORKING_MEM, dataType, new long[] {k.positions(), mb, kk}, 'c');
        k.patches(x, patches);
        INDArray z = workspaceMgr.createUninitialized(
                ArrayType.BP_WORKING_MEM, dataType, new long[] {k.positions(), mb, nOut}, 'c');
        k.forward(patches, w, b, z);
        INDArray zNchw = LocallyConnectedKernel.toNchw(z, k.outHeight(), k.outWidth());
        INDArray deltaNchw =
                layerConf().getActivationFn().backprop(zNchw, epsilon).getFirst();
        INDArray delta = LocallyConnectedKernel.fromNchw(deltaNchw);

        INDArray dW = gradientViews.get(W);
        INDArray db = gradientViews.get(B);
        k.weightGradient(patches, delta, dW);
        k.biasGradient(delta, db);

        INDArray dPatches = patches; // same shape; the forward patches are no longer needed
        INDArray epsNext = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, x.shape(), 'c');
        k.inputGradient(delta, w, dPatches, epsNext);

        Gradient g = new DefaultGradient();
        g.gradientForVariable().put(W, dW);
        g.gradientForVariable().put(B, db);
        weightNoiseParams.clear();
        epsNext = backpropDropOutIfPresent(epsNext);
        return new Pair<>(g, epsNext);
    }

    private INDArray checkedInput() {
        INDArray x = input.castTo(dataType);
        LocallyConnected2D c = layerConf();
        int[] in = c.inputSize();
        if (x.rank() != 4 || x.size(1) != c.getNIn() || x.size(2) != in[0] || x.size(3) != in[1]) {
            throw new DL4JInvalidInputException("LocallyConnected2D '" + c.getLayerName() + "' (index " + index
                    + ") expects input [minibatch, " + c.getNIn() + ", " + in[0] + ", " + in[1] + "] (NCHW), got "
                    + Arrays.toString(x.shape()));
        }
        return x;
    }

    @Override
    public boolean hasBias() {
        return true;
    }
}
