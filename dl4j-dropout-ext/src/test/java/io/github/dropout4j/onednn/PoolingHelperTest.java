package io.github.dropout4j.onednn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * {@link PoolingHelper} inside DL4J networks, through {@link OneDnnHelpers#install}: the same bits as DL4J's built-in
 * pooling ops (libnd4j's {@code maxpool2d}/{@code avgpool2d} and their {@code _bp}, on the oneDNN natives surefire
 * loads), forward and backward, on ReLU-like inputs full of tied maxima; finite-difference gradients; the swapped
 * layer reachable by index, by name and through a graph's vertex; configurations and saved models unchanged.
 */
class PoolingHelperTest {

    /** kH, kW, sH, sW, pH, pW, dH, dW, mode (0 Truncate, 1 Same, 2 Strict), c, h, w. */
    private static final int[][] CASES = {
        {3, 3, 2, 2, 0, 0, 1, 1, 0, 3, 15, 15}, // ImageNet nets (AlexNet's pool1 at the CLI's size)
        {3, 3, 2, 2, 0, 0, 1, 1, 1, 4, 16, 16}, // CIFAR-10's
        {3, 3, 2, 2, 0, 0, 1, 1, 1, 2, 7, 9},
        {2, 2, 2, 2, 0, 0, 1, 1, 2, 3, 8, 6}, // LeNet's, Strict
        {3, 2, 1, 2, 1, 1, 1, 1, 0, 2, 6, 8},
        {3, 3, 2, 1, 2, 1, 2, 2, 0, 2, 11, 10}, // dilation
    };

    @Test
    void sameBitsAsDl4jsBuiltInPoolingOnTiedInputs() {
        int compared = 0;
        for (int[] c : CASES) {
            for (PoolingType type : new PoolingType[] {PoolingType.MAX, PoolingType.AVG}) {
                for (boolean padInDivisor :
                        type == PoolingType.MAX ? new boolean[] {false} : new boolean[] {false, true}) {
                    for (DataType dataType : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
                        for (CNN2DFormat format : new CNN2DFormat[] {CNN2DFormat.NCHW, CNN2DFormat.NHWC}) {
                            if (dataType == DataType.FLOAT && (c[6] > 1 || c[7] > 1)) {
                                continue; // DL4J's float path ignores dilation here, see dilatedFloatPooling...
                            }
                            String what = Arrays.toString(c) + " " + type + " padInDivisor " + padInDivisor + " "
                                    + dataType + " " + format;
                            compareWithBuiltIn(c, type, padInDivisor, dataType, format, what);
                            compared++;
                        }
                    }
                }
            }
        }
        assertEquals((CASES.length * 2 - 1) * 3 * 2, compared);
    }

    /**
     * On ND4J's oneDNN natives, libnd4j's float {@code maxpool2d} ignores dilation (its double op, on libnd4j's
     * generic code, does not): a DL4J bug that the helper avoids. 3x3 windows with dilation 2 and padding (2, 1) on
     * {@code x[h][w] = 10 h + w}: the first window's taps are rows 0 and 2, columns 1 and 3, so its max is 23.
     */
    @Test
    void dilatedFloatPoolingIsRightWithTheHelperAndWrongInDl4jsOneDnnPath() {
        int[] c = {3, 3, 2, 1, 2, 1, 2, 2, 0, 1, 11, 10};
        double[] first = new double[3];
        int i = 0;
        for (DataType dataType : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
            for (boolean helper : dataType == DataType.FLOAT ? new boolean[] {false, true} : new boolean[] {false}) {
                MultiLayerNetwork net =
                        net(dataType, c, CNN2DFormat.NCHW, pool(c, PoolingType.MAX, false, CNN2DFormat.NCHW));
                if (helper) {
                    OneDnnHelpers.install(net);
                }
                INDArray x = Nd4j.create(DataType.DOUBLE, 1, 1, 11, 10);
                for (int h = 0; h < 11; h++) {
                    for (int w = 0; w < 10; w++) {
                        x.putScalar(new long[] {0, 0, h, w}, 10 * h + w);
                    }
                }
                first[i++] = net.output(x.castTo(dataType)).getDouble(0, 0, 0, 0);
            }
        }
        assertEquals(23, first[0], "DL4J, double");
        assertEquals(23, first[2], "helper, float");
        assertTrue(first[1] != 23, "DL4J, float on oneDNN: if this fails, DL4J's float path was fixed");
    }

    private static void compareWithBuiltIn(
            int[] c, PoolingType type, boolean padInDivisor, DataType dataType, CNN2DFormat format, String what) {
        MultiLayerNetwork builtIn = net(dataType, c, format, pool(c, type, padInDivisor, format));
        MultiLayerNetwork helped = net(dataType, c, format, pool(c, type, padInDivisor, format));
        assertEquals(1, OneDnnHelpers.install(helped), what);
        assertTrue(helped.getLayer(0) instanceof HelperSubsamplingLayer, what);
        assertTrue(helped.getLayer(0).getHelper() instanceof PoolingHelper, what);
        long[] shape =
                format == CNN2DFormat.NCHW ? new long[] {3, c[9], c[10], c[11]} : new long[] {3, c[10], c[11], c[9]};
        Random random = new Random(Arrays.hashCode(c));
        double[] v = new double[(int) (shape[0] * shape[1] * shape[2] * shape[3])];
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.max(0, random.nextInt(5) - 2); // a ReLU of small integers: windows of zeros, tied maxima
        }
        INDArray x = Nd4j.create(v, shape, DataType.DOUBLE).castTo(dataType);
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        Layer a = builtIn.getLayer(0);
        Layer b = helped.getLayer(0);
        a.setInput(x.dup(), mgr);
        b.setInput(x.dup(), mgr);
        INDArray ya = a.activate(true, mgr).dup();
        INDArray yb = b.activate(true, mgr).dup();
        assertArrayEquals(
                ya.dup('c').reshape(-1).toDoubleVector(),
                yb.dup('c').reshape(-1).toDoubleVector(),
                0.0,
                what + ": forward");
        INDArray e = Nd4j.rand(dataType, ya.shape()).subi(0.5);
        INDArray ga = a.backpropGradient(e.dup(), mgr).getSecond().dup();
        INDArray gb = b.backpropGradient(e.dup(), mgr).getSecond().dup();
        // libnd4j's float average-pooling backward on channels-last arrays rounds differently (1 ulp seen); there
        // our kernel equals the definition (PoolingKernelTest), so allow float rounding for that case only
        double tolerance = type == PoolingType.AVG && format == CNN2DFormat.NHWC && dataType == DataType.FLOAT
                ? 1e-6 * (ga.amaxNumber().doubleValue() + 1)
                : 0.0;
        assertArrayEquals(
                ga.dup('c').reshape(-1).toDoubleVector(),
                gb.dup('c').reshape(-1).toDoubleVector(),
                tolerance,
                what + ": input gradient");
    }

    /** Finite differences through a small net on the helper (continuous inputs: maxima unique within windows). */
    @Test
    void gradientsMatchFiniteDifferences() {
        DataType previous = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            for (CNN2DFormat format : new CNN2DFormat[] {CNN2DFormat.NCHW, CNN2DFormat.NHWC}) {
                int[] shape = {0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 9, 9};
                MultiLayerNetwork net = net(
                        DataType.DOUBLE,
                        shape,
                        format,
                        new ConvolutionLayer.Builder(3, 3)
                                .nOut(3)
                                .convolutionMode(ConvolutionMode.Same)
                                .dataFormat(format)
                                .activation(Activation.TANH)
                                .build(),
                        pool(new int[] {3, 3, 2, 2, 0, 0, 1, 1, 1}, PoolingType.MAX, false, format),
                        pool(new int[] {2, 2, 1, 1, 1, 1, 1, 1, 0}, PoolingType.AVG, true, format),
                        pool(new int[] {2, 2, 1, 1, 0, 0, 1, 1, 0}, PoolingType.AVG, false, format),
                        new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                                .nOut(3)
                                .activation(Activation.SOFTMAX)
                                .build());
                OneDnnHelpers.install(net);
                for (int i = 1; i <= 3; i++) {
                    assertTrue(net.getLayer(i).getHelper() instanceof PoolingHelper, format + " layer " + i);
                }
                Nd4j.getRandom().setSeed(13);
                long[] in = format == CNN2DFormat.NCHW ? new long[] {2, 2, 9, 9} : new long[] {2, 9, 9, 2};
                INDArray x = Nd4j.rand(DataType.DOUBLE, in).subi(0.5);
                INDArray y = Nd4j.zeros(DataType.DOUBLE, 2, 3);
                y.putScalar(0, 1, 1.0);
                y.putScalar(1, 2, 1.0);
                boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig()
                        .net(net)
                        .input(x)
                        .labels(y)
                        .epsilon(1e-6)
                        .maxRelError(1e-5)
                        .minAbsoluteError(1e-9));
                assertTrue(ok, format.toString());
            }
        } finally {
            Nd4j.setDefaultDataTypes(previous, previous);
        }
    }

    /**
     * The swapped-in layer is what the network runs and what every lookup returns; the configuration and the saved
     * model do not change (helpers are not part of either).
     */
    @Test
    void installSwapsTheLayerEverywhereAndLeavesConfigurationAndSavedModelAlone() throws Exception {
        int[] c = {3, 3, 2, 2, 0, 0, 1, 1, 1, 2, 8, 8};
        MultiLayerNetwork net = net(
                DataType.FLOAT,
                c,
                CNN2DFormat.NCHW,
                new ConvolutionLayer.Builder(3, 3).nOut(2).name("conv").build(),
                new SubsamplingLayer.Builder(PoolingType.MAX)
                        .kernelSize(3, 3)
                        .stride(2, 2)
                        .convolutionMode(ConvolutionMode.Same)
                        .name("pool")
                        .build(),
                new OutputLayer.Builder().nOut(2).activation(Activation.SOFTMAX).build());
        String json = net.getLayerWiseConfigurations().toJson();
        net.setListeners(new org.deeplearning4j.optimize.listeners.ScoreIterationListener(100));
        assertEquals(2, OneDnnHelpers.install(net));
        Layer pool = net.getLayer(1);
        assertTrue(pool instanceof HelperSubsamplingLayer);
        assertSame(pool, net.getLayer("pool"));
        assertSame(pool, net.getLayers()[1]);
        assertEquals(1, pool.getIndex());
        assertEquals(net.getListeners().size(), pool.getListeners().size());
        assertEquals(2, OneDnnHelpers.install(net), "installing twice counts the same layers");
        assertSame(pool, net.getLayer(1));
        assertEquals(json, net.getLayerWiseConfigurations().toJson());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(net, bytes, false);
        MultiLayerNetwork restored =
                ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes.toByteArray()));
        assertEquals(json, restored.getLayerWiseConfigurations().toJson());
        assertEquals(
                org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer.class,
                restored.getLayer(1).getClass());
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 2, 8, 8);
        assertArrayEquals(
                restored.output(x).dup('c').reshape(-1).toFloatVector(),
                net.output(x).dup('c').reshape(-1).toFloatVector());

        ComputationGraphConfiguration gc = new NeuralNetConfiguration.Builder()
                .seed(1)
                .graphBuilder()
                .addInputs("in")
                .addLayer(
                        "pool",
                        new SubsamplingLayer.Builder(PoolingType.MAX, new int[] {3, 3}, new int[] {2, 2}).build(),
                        "in")
                .addLayer(
                        "out",
                        new OutputLayer.Builder()
                                .nOut(2)
                                .activation(Activation.SOFTMAX)
                                .build(),
                        "pool")
                .setOutputs("out")
                .setInputTypes(InputType.convolutional(7, 7, 2))
                .build();
        ComputationGraph graph = new ComputationGraph(gc);
        graph.init();
        ComputationGraph plain = new ComputationGraph(gc.clone());
        plain.init();
        plain.setParams(graph.params());
        assertEquals(1, OneDnnHelpers.install(graph));
        assertTrue(graph.getLayer("pool") instanceof HelperSubsamplingLayer);
        assertSame(graph.getLayer("pool"), graph.getVertex("pool").getLayer());
        INDArray xg = Nd4j.rand(DataType.FLOAT, 2, 2, 7, 7);
        assertArrayEquals(
                plain.outputSingle(xg).dup('c').reshape(-1).toFloatVector(),
                graph.outputSingle(xg).dup('c').reshape(-1).toFloatVector());
    }

    private static SubsamplingLayer pool(int[] c, PoolingType type, boolean padInDivisor, CNN2DFormat format) {
        ConvolutionMode mode =
                c[8] == 1 ? ConvolutionMode.Same : c[8] == 2 ? ConvolutionMode.Strict : ConvolutionMode.Truncate;
        SubsamplingLayer.Builder b = new SubsamplingLayer.Builder(type)
                .kernelSize(c[0], c[1])
                .stride(c[2], c[3])
                .dilation(c[6], c[7])
                .convolutionMode(mode)
                .avgPoolIncludePadInDivisor(padInDivisor)
                .dataFormat(format)
                .cudnnAllowFallback(false);
        if (mode != ConvolutionMode.Same) {
            b.padding(c[4], c[5]);
        }
        return b.build();
    }

    private static MultiLayerNetwork net(
            DataType dataType, int[] c, CNN2DFormat format, org.deeplearning4j.nn.conf.layers.Layer... layers) {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(3)
                .dataType(dataType)
                .updater(new NoOp())
                .weightInit(WeightInit.XAVIER)
                .list();
        for (org.deeplearning4j.nn.conf.layers.Layer l : layers) {
            list.layer(l);
        }
        MultiLayerNetwork net =
                new MultiLayerNetwork(list.setInputType(InputType.convolutional(c[10], c[11], c[9], format))
                        .build());
        net.init();
        net.initGradientsView();
        return net;
    }
}
