package io.github.dropout4j.onednn;

import io.github.dropout4j.kernel.ChannelSums;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's oneDNN convolution helper ({@code MKLDNNConvHelper}: libnd4j's {@code conv2d} / {@code conv2d_bp}, oneDNN's
 * on the oneDNN natives) with the bias gradient taken out of {@code conv2d_bp}: the convolution's backward pass runs
 * without a bias, and the bias gradient (the per-channel sums of {@code delta}) is summed by {@link ChannelSums}.
 * Inside {@code conv2d_bp} those sums are a reduction on libnd4j's thread pool that cost milliseconds per call of
 * waiting between the 2 threads at the tiny nets' sizes, several times the convolution itself; the weight and input
 * gradients are the same call as before.
 */
final class OneDnnConvolutionHelper extends MKLDNNConvHelper {

    OneDnnConvolutionHelper(DataType dataType) {
        super(dataType);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(
            INDArray input,
            INDArray weights,
            INDArray bias,
            INDArray delta,
            int[] kernel,
            int[] strides,
            int[] pad,
            INDArray biasGradView,
            INDArray weightGradView,
            IActivation afn,
            ConvolutionLayer.AlgoMode mode,
            ConvolutionLayer.BwdFilterAlgo bwdFilterAlgo,
            ConvolutionLayer.BwdDataAlgo bwdDataAlgo,
            ConvolutionMode convolutionMode,
            int[] dilation,
            CNN2DFormat format,
            LayerWorkspaceMgr workspaceMgr) {
        if (biasGradView == null || format != CNN2DFormat.NCHW || !ChannelSums.supports(delta)) {
            return super.backpropGradient(
                    input,
                    weights,
                    bias,
                    delta,
                    kernel,
                    strides,
                    pad,
                    biasGradView,
                    weightGradView,
                    afn,
                    mode,
                    bwdFilterAlgo,
                    bwdDataAlgo,
                    convolutionMode,
                    dilation,
                    format,
                    workspaceMgr);
        }
        Pair<Gradient, INDArray> p = super.backpropGradient(
                input,
                weights,
                null,
                delta,
                kernel,
                strides,
                pad,
                null,
                weightGradView,
                afn,
                mode,
                bwdFilterAlgo,
                bwdDataAlgo,
                convolutionMode,
                dilation,
                format,
                workspaceMgr);
        if (p == null) {
            return null; // not FLOAT: DL4J's built-in path
        }
        ChannelSums.biasGradient(delta, biasGradView);
        Gradient g = new DefaultGradient(); // the order of MKLDNNConvHelper's: bias, then weights
        g.gradientForVariable().put(ConvolutionParamInitializer.BIAS_KEY, biasGradView);
        g.gradientForVariable()
                .put(
                        ConvolutionParamInitializer.WEIGHT_KEY,
                        p.getFirst().getGradientFor(ConvolutionParamInitializer.WEIGHT_KEY));
        return new Pair<>(g, p.getSecond());
    }
}
