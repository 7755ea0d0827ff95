package io.github.dropout4j.layers.impl;

import io.github.dropout4j.layers.RandomChannelGroupConvolution;
import io.github.dropout4j.layers.RandomChannelGroupParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J runtime layer of {@link RandomChannelGroupConvolution}: thin glue around {@link RandomChannelGroupKernel}.
 * Dropout is applied to the input ({@code applyDropOutIfNecessary}) and back-propagated through
 * ({@code backpropDropOutIfPresent}); weights are read with {@code getParamWithNoise}, so
 * {@code TestTimeWeightScaling} and DL4J's weight noise see them. Masks are not supported (as for convolution).
 * Backprop does not repeat the forward convolution: it takes the pre-activations kept from the training forward
 * pass of the same input ({@link KeptPreOutput}, one copy of the output), or needs none when the activation is the
 * identity; otherwise (no training forward pass of this input) it recomputes them.
 */
public class RandomChannelGroupConvolutionLayer extends BaseLayer<RandomChannelGroupConvolution> {

    private static final String W = RandomChannelGroupParamInitializer.WEIGHT_KEY;
    private static final String B = RandomChannelGroupParamInitializer.BIAS_KEY;

    private transient RandomChannelGroupKernel kernel;
    private final KeptPreOutput kept = new KeptPreOutput();

    public RandomChannelGroupConvolutionLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private RandomChannelGroupKernel kernel() {
        if (kernel == null) {
            RandomChannelGroupConvolution c = layerConf();
            kernel = new RandomChannelGroupKernel(
                    c.getWiring(),
                    (int) c.getNIn(),
                    c.getKernelSize(),
                    c.getStride(),
                    c.getPadding(),
                    c.getConvolutionMode());
        }
        return kernel;
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
    public boolean hasBias() {
        return layerConf().hasBias();
    }

    @Override
    protected INDArray preOutput(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        return preOutput(training, workspaceMgr, ArrayType.ACTIVATIONS);
    }

    private INDArray preOutput(boolean training, LayerWorkspaceMgr workspaceMgr, ArrayType outType) {
        applyDropOutIfNecessary(training, workspaceMgr);
        INDArray w = getParamWithNoise(W, training, workspaceMgr);
        INDArray b = hasBias() ? getParamWithNoise(B, training, workspaceMgr) : null;
        INDArray x = input.castTo(dataType);
        int[] out = kernel().outputSize(x);
        INDArray z = workspaceMgr.createUninitialized(
                outType, dataType, new long[] {x.size(0), layerConf().getNOut(), out[0], out[1]}, 'c');
        return kernel().forward(x, w, b, z);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        kept.forget();
        INDArray z = preOutput(training, workspaceMgr, ArrayType.ACTIVATIONS);
        if (training && !identity()) {
            kept.keep(z, input); // input: the result of this layer's dropout
        }
        return layerConf().getActivationFn().getActivation(z, training);
    }

    private boolean identity() {
        return layerConf().getActivationFn() instanceof ActivationIdentity;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        INDArray delta;
        if (identity()) {
            applyDropOutIfNecessary(true, workspaceMgr); // done already if the forward pass was a training one
            delta = epsilon;
        } else {
            INDArray z = kept.take(input);
            if (z == null) {
                z = preOutput(true, workspaceMgr, ArrayType.BP_WORKING_MEM);
            }
            delta = layerConf().getActivationFn().backprop(z, epsilon).getFirst();
        }
        INDArray w = getParamWithNoise(W, true, workspaceMgr);
        INDArray x = input.castTo(dataType);
        INDArray epsOut = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, x.shape(), 'c');
        INDArray wGrad = gradientViews.get(W);
        INDArray bGrad = hasBias() ? gradientViews.get(B) : null;
        kernel().backward(x, w, delta, wGrad, bGrad, epsOut);

        Gradient g = new DefaultGradient();
        if (bGrad != null) {
            g.gradientForVariable().put(B, bGrad);
        }
        g.gradientForVariable().put(W, wGrad);
        weightNoiseParams.clear();
        return new Pair<>(g, backpropDropOutIfPresent(epsOut));
    }

    @Override
    public void clear() {
        super.clear();
        kept.forget();
    }
}
