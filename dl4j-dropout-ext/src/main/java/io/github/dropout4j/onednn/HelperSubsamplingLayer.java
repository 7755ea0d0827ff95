package io.github.dropout4j.onednn;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingHelper;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.exception.ND4JOpProfilerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DL4J's {@code SubsamplingLayer} whose forward pass asks its helper first, as its backward pass does. DL4J
 * 1.0.0-M2.1's {@code SubsamplingLayer.activate} never calls the helper (earlier versions did), so a
 * {@code SubsamplingHelper} alone speeds up backprop only. Same configuration, no parameters; with a null helper, a
 * helper that returns null, or after a helper failure with {@code cudnnAllowFallback} (default), it is DL4J's layer.
 * {@link OneDnnHelpers#install} swaps it in for {@code SubsamplingLayer} instances.
 */
final class HelperSubsamplingLayer extends SubsamplingLayer {

    private static final Logger LOG = LoggerFactory.getLogger(HelperSubsamplingLayer.class);

    HelperSubsamplingLayer(NeuralNetConfiguration conf, DataType dataType, SubsamplingHelper helper) {
        super(conf, dataType);
        this.helper = helper;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (helper != null
                && input != null
                && input.rank() == 4
                && (helperCountFail == 0 || !layerConf().isCudnnAllowFallback())) {
            INDArray ret = null;
            try {
                ret = helper.activate(
                        input.castTo(dataType),
                        training,
                        layerConf().getKernelSize(),
                        layerConf().getStride(),
                        layerConf().getPadding(),
                        layerConf().getPoolingType(),
                        convolutionMode,
                        layerConf().getDilation(),
                        layerConf().getCnn2dDataFormat() == null
                                ? CNN2DFormat.NCHW
                                : layerConf().getCnn2dDataFormat(),
                        workspaceMgr);
            } catch (ND4JOpProfilerException e) {
                throw e;
            } catch (RuntimeException e) {
                if (e.getMessage() != null && e.getMessage().contains("Failed to allocate")
                        || !layerConf().isCudnnAllowFallback()) {
                    throw e;
                }
                helperCountFail++;
                LOG.warn("pooling helper failed, falling back on DL4J's built-in implementation", e);
            }
            if (ret != null) {
                return ret;
            }
        }
        return super.activate(training, workspaceMgr);
    }
}
