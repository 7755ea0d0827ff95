package io.github.dropout4j.onednn;

import java.lang.reflect.Field;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.impl.LayerVertex;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.layers.normalization.LocalResponseNormalization;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Routes DL4J's 2-D convolution and local response normalisation layers through oneDNN, and its 2-D max/average
 * pooling layers through our Java {@link PoolingKernel}, when ND4J's oneDNN natives are loaded; does nothing
 * otherwise.
 *
 * <p><b>Why this exists.</b> DL4J 1.0.0-M2.1 ships oneDNN helpers for these layers ({@code MKLDNNConvHelper},
 * {@code MKLDNNSubsamplingHelper}), but never uses them: layer construction asks
 * {@code BaseMKLDNNHelper.mklDnnEnabled()}, which looks up {@code org.nd4j.nativeblas.Nd4jCpu$Environment
 * .isUseMKLDNN} — a class that M2.1's natives no longer have (they have
 * {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment.isUseONEDNN}). The check fails and every layer's
 * {@code helper} stays {@code null}, so convolutions run DL4J's im2col + GEMM path. With the oneDNN natives and the
 * helpers installed, the zoo's CIFAR-10 convolutions (forward + backward) ran 8.7x and 12.4x faster than DL4J's
 * im2col path in two measured runs on this project's 2-core machine (README, Benchmarks); with the generic natives the helpers would gain nothing, so we leave them off.
 *
 * <p><b>Where DL4J's helpers are wrong</b> (found by {@code OneDnnHelpersTest}): DL4J's
 * {@code MKLDNNLocalResponseNormalizationHelper} hands NCHW activations to ND4J's channels-last {@code lrn} op,
 * normalising across image columns; we install our own {@link ResponseNormalizationHelper} instead (plain Java
 * loops for FLOAT and DOUBLE, which measured faster than ND4J's ops at every size the zoo uses). Average pooling
 * with {@code avgPoolIncludePadInDivisor(true)} where windows overlap the padding gets a wrong input gradient from
 * {@code MKLDNNSubsamplingHelper} (it fails the adjoint test {@code <e, A x> = <A^T e, x>}).
 *
 * <p><b>Pooling</b> ({@code PoolingHelperTest}, {@code PoolingBench}). M2.1's {@code SubsamplingLayer} asks its helper
 * for the backward pass only, and both directions of libnd4j's pooling ops cost 0.05-0.55 ms per call at the tiny nets'
 * sizes and were slower than plain Java loops at every size measured (up to AlexNet's paper-size pool1); on
 * these natives its float {@code maxpool2d} also ignores dilation. So every {@code SubsamplingLayer} is replaced by
 * a {@code HelperSubsamplingLayer} (the same layer, asking its helper in the forward pass too) with a
 * {@code PoolingHelper}: max and average pooling, NCHW and NHWC, FLOAT and DOUBLE, all modes; the same numbers as
 * DL4J's built-in ops (bit for bit in NCHW, ties included), p-norm pooling left to DL4J.
 *
 * <p><b>Selecting the natives.</b> Put {@code org.nd4j:nd4j-native:1.0.0-M2.1:linux-x86_64-onednn-avx2} on the
 * class path and start the JVM with {@code -Dorg.bytedeco.javacpp.platform.extension=-onednn-avx2} (the shorter
 * {@code javacpp.platform.extension} is ignored by the loader). ND4J's build information then names
 * {@code HAVE_ONEDNN}; {@link #available()} checks exactly that.
 *
 * <p><b>What changes numerically.</b> Only the order of floating-point operations inside the three layers'
 * forward and backward passes, for {@code FLOAT} (and half-precision) networks; oneDNN has no double-precision
 * kernels, so for {@code DOUBLE} networks the native ops fall back to ND4J's generic code (only DL4J's Java glue
 * differs); pooling gives DL4J's numbers (above). {@code OneDnnHelpersTest} compares outputs and gradients with DL4J's im2col path at several shapes,
 * strides, paddings and modes, and runs gradient checks with the helpers installed. Runs stay reproducible on one
 * machine: the same path twice gives the same bits.
 *
 * <p><b>How it is done.</b> DL4J offers no setter for a layer's helper, so {@link #install} writes the layers'
 * protected {@code helper} field by reflection (only here, only on the exact classes named below), and puts the
 * pooling layers' replacements into the network's layer array, its by-name map (a {@code MultiLayerNetwork}'s
 * protected {@code layerMap}, by reflection) or its graph vertices. Layers keep
 * DL4J's fallback: if a helper call throws, the layer falls back to its built-in path
 * ({@code cudnnAllowFallback}, default true).
 *
 * <pre>{@code
 * MultiLayerNetwork net = new MultiLayerNetwork(conf);
 * net.init();
 * OneDnnHelpers.install(net);   // number of layers now on helpers; 0 with the generic natives
 * }</pre>
 */
public final class OneDnnHelpers {

    /** The JVM property that selects ND4J's oneDNN natives (value {@code -onednn-avx2} or {@code -onednn}). */
    public static final String PLATFORM_EXTENSION_PROPERTY = "org.bytedeco.javacpp.platform.extension";

    private static volatile Boolean available;

    private OneDnnHelpers() {}

    /**
     * Whether the loaded ND4J natives are the CPU backend built with oneDNN ({@code HAVE_ONEDNN} in
     * {@code buildInfo()}), and DL4J helpers are allowed ({@code Nd4j.getEnvironment().helpersAllowed()}).
     */
    public static boolean available() {
        Boolean a = available;
        if (a == null) {
            a = detect();
            available = a;
        }
        return a && Nd4j.getEnvironment().helpersAllowed();
    }

    private static boolean detect() {
        try {
            String backend = Nd4j.getExecutioner().getEnvironmentInformation().getProperty("backend");
            if (!"CPU".equalsIgnoreCase(backend)) {
                return false;
            }
            String info = NativeOpsHolder.getInstance().getDeviceNativeOps().buildInfo();
            return info != null && info.contains("HAVE_ONEDNN");
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /**
     * Installs oneDNN helpers on every {@code ConvolutionLayer} (2-D convolution) and {@code LocalResponseNormalization}
     * layer of an initialised network, and replaces every {@code SubsamplingLayer} (2-D pooling) by one on
     * {@link PoolingKernel}, if
     * {@link #available()}; otherwise does nothing. Subclasses of those layers (1-D/3-D, deconvolution, depthwise,
     * separable) and other layers are left alone. Call it after {@code init()} or after loading a saved network; the
     * helpers are not part of the configuration or the saved model.
     *
     * @param model a {@link MultiLayerNetwork} or {@link ComputationGraph}, initialised
     * @return the number of layers that now use a helper (0 when the natives have no oneDNN)
     * @throws IllegalArgumentException if the model is null, of another type or not initialised
     */
    public static int install(Model model) {
        Layer[] layers;
        DataType dataType;
        if (model instanceof MultiLayerNetwork) {
            layers = ((MultiLayerNetwork) model).getLayers();
            dataType = ((MultiLayerNetwork) model).getLayerWiseConfigurations().getDataType();
        } else if (model instanceof ComputationGraph) {
            layers = ((ComputationGraph) model).getLayers();
            dataType = ((ComputationGraph) model).getConfiguration().getDataType();
        } else {
            throw new IllegalArgumentException("model must be a MultiLayerNetwork or ComputationGraph, got "
                    + (model == null ? "null" : model.getClass().getName()));
        }
        if (layers == null) {
            throw new IllegalArgumentException("the network is not initialised: call init() before install()");
        }
        if (!available()) {
            return 0;
        }
        int installed = 0;
        for (int i = 0; i < layers.length; i++) {
            installed += installOn(model, layers, i, dataType) ? 1 : 0;
        }
        return installed;
    }

    /**
     * Whether a layer currently runs through one of DL4J's oneDNN helpers ({@code MKLDNN*Helper}) or one of ours
     * (response normalisation, pooling); for tests and diagnostics.
     */
    public static boolean isInstalled(Layer layer) {
        return layer.getHelper() instanceof ResponseNormalizationHelper
                || layer.getHelper() instanceof PoolingHelper
                || layer.getHelper() instanceof MKLDNNConvHelper // incl. our OneDnnConvolutionHelper
                || layer.getHelper() != null
                        && layer.getHelper().getClass().getSimpleName().startsWith("MKLDNN");
    }

    private static boolean installOn(Model model, Layer[] layers, int i, DataType dataType) {
        Layer layer = layers[i];
        if (layer.getClass() == ConvolutionLayer.class) {
            KeptConvolutionLayer replacement = new KeptConvolutionLayer((ConvolutionLayer) layer);
            setHelper(ConvolutionLayer.class, replacement, new OneDnnConvolutionHelper(dataType));
            replace(model, layers, i, replacement);
        } else if (layer instanceof KeptConvolutionLayer) {
            return true; // installed before
        } else if (layer.getClass() == SubsamplingLayer.class) {
            org.deeplearning4j.nn.conf.layers.SubsamplingLayer conf =
                    (org.deeplearning4j.nn.conf.layers.SubsamplingLayer)
                            layer.conf().getLayer();
            replace(
                    model,
                    layers,
                    i,
                    new HelperSubsamplingLayer(
                            layer.conf(), dataType, new PoolingHelper(conf.isAvgPoolIncludePadInDivisor())));
        } else if (layer instanceof HelperSubsamplingLayer) {
            return true; // installed before
        } else if (layer.getClass() == LocalResponseNormalization.class) {
            CNN2DFormat format = ((org.deeplearning4j.nn.conf.layers.LocalResponseNormalization)
                            layer.conf().getLayer())
                    .getDataFormat();
            setHelper(LocalResponseNormalization.class, layer, new ResponseNormalizationHelper(format));
        } else {
            return false;
        }
        return true;
    }

    /**
     * Puts {@code replacement} in place of {@code layers[i]} (the network's own array) and in the network's other
     * reference to it (a {@code MultiLayerNetwork}'s by-name map, a graph's layer vertex).
     */
    private static void replace(Model model, Layer[] layers, int i, Layer replacement) {
        Layer old = layers[i];
        replacement.setIndex(old.getIndex());
        replacement.setListeners(old.getListeners());
        replacement.setIterationCount(old.getIterationCount());
        replacement.setEpochCount(old.getEpochCount());
        if (model instanceof MultiLayerNetwork) {
            try {
                Field f = MultiLayerNetwork.class.getDeclaredField("layerMap");
                f.setAccessible(true);
                @SuppressWarnings("unchecked")
                Map<String, Layer> byName = (Map<String, Layer>) f.get(model);
                byName.replaceAll((name, l) -> l == old ? replacement : l);
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new IllegalStateException(
                        "cannot replace layer " + i + " of a MultiLayerNetwork (DL4J version other than 1.0.0-M2.1?)",
                        e);
            }
        } else {
            for (GraphVertex v : ((ComputationGraph) model).getVertices()) {
                if (v instanceof LayerVertex lv && lv.getLayer() == old) {
                    lv.setLayer(replacement);
                }
            }
        }
        layers[i] = replacement;
    }

    private static void setHelper(Class<?> owner, Layer layer, Object helper) {
        try {
            Field f = owner.getDeclaredField("helper");
            f.setAccessible(true);
            f.set(layer, helper);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException(
                    "cannot install " + helper.getClass().getSimpleName() + " on " + owner.getName()
                            + " (DL4J version other than 1.0.0-M2.1?)",
                    e);
        }
    }
}
