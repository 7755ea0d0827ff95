package io.github.dropout4j.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropout4j.dropout.BernoulliDropout;
import io.github.dropout4j.testsupport.Bits;
import java.io.File;
import java.lang.reflect.Field;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * {@link KeptConvolutionLayer}: backprop takes the training forward pass's pre-activations instead of recomputing
 * them, with the same numbers; and {@link OneDnnConvolutionHelper}'s bias gradient is the per-channel sum of delta.
 */
class KeptConvolutionLayerTest {

    private static MultiLayerNetwork net() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(5)
                .dataType(DataType.FLOAT)
                .updater(new Nesterovs(0.05, 0.9))
                .list()
                .layer(new ConvolutionLayer.Builder(3, 3)
                        .nOut(4)
                        .activation(Activation.RELU)
                        .biasInit(0.1)
                        .cudnnAllowFallback(false)
                        .build())
                .layer(new ConvolutionLayer.Builder(5, 5)
                        .convolutionMode(ConvolutionMode.Same)
                        .stride(2, 2)
                        .nOut(6)
                        .activation(Activation.TANH)
                        .dropOut(BernoulliDropout.retainProbability(0.8).withSeed(3))
                        .cudnnAllowFallback(false)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX)
                        .nOut(3)
                        .build())
                .setInputType(InputType.convolutional(9, 9, 2))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static DataSet batch(long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.rand(DataType.FLOAT, 8, 2, 9, 9).subi(0.5);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 8, 3);
        for (int i = 0; i < 8; i++) {
            y.putScalar(i, (i * 5) % 3, 1f);
        }
        return new DataSet(x, y);
    }

    /** DL4J's own layer with our helper: backprop recomputes z. */
    private static MultiLayerNetwork recomputing() throws ReflectiveOperationException {
        MultiLayerNetwork net = net();
        Field helper = org.deeplearning4j.nn.layers.convolution.ConvolutionLayer.class.getDeclaredField("helper");
        helper.setAccessible(true);
        for (int i = 0; i < 2; i++) {
            helper.set(net.getLayer(i), new OneDnnConvolutionHelper(DataType.FLOAT));
        }
        return net;
    }

    @Test
    void trainingEqualsTheRecomputingLayerBitForBit() throws Exception {
        assertTrue(OneDnnHelpers.available(), "surefire runs on the oneDNN natives");
        MultiLayerNetwork kept = net();
        assertEquals(2, OneDnnHelpers.install(kept));
        assertTrue(kept.getLayer(0) instanceof KeptConvolutionLayer);
        assertTrue(kept.getLayer(1) instanceof KeptConvolutionLayer);
        MultiLayerNetwork plain = recomputing();
        Bits.assertSameBits(plain.params(), kept.params(), "initial parameters");
        for (int step = 0; step < 6; step++) {
            DataSet d = batch(step);
            plain.fit(d);
            kept.fit(d);
            Bits.assertSameBits(plain.params(), kept.params(), "after step " + step);
        }
        Bits.assertSameBits(plain.output(batch(9).getFeatures()), kept.output(batch(9).getFeatures()), "output");
    }

    @Test
    void backpropUsesTheForwardPassPreActivationsOnlyRightAfterIt() throws Exception {
        // Forward in training, change W, backprop: the recomputing layer uses the new W, ours the forward's z, so the
        // bias gradients differ; with an inference pass in between, ours recomputes too and they agree.
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        INDArray x = batch(1).getFeatures();
        INDArray eps = Nd4j.rand(DataType.FLOAT, 8, 4, 7, 7).subi(0.5);
        for (boolean inferenceBetween : new boolean[] {false, true}) {
            INDArray[] biasGrads = new INDArray[2];
            int k = 0;
            for (MultiLayerNetwork net : new MultiLayerNetwork[] {installed(), recomputing()}) {
                net.initGradientsView();
                org.deeplearning4j.nn.api.Layer l = net.getLayer(0);
                l.activate(x.dup(), true, mgr);
                l.getParam("W").negi();
                if (inferenceBetween) {
                    l.activate(false, mgr);
                }
                biasGrads[k++] = l.backpropGradient(eps, mgr)
                        .getFirst()
                        .getGradientFor("b")
                        .dup();
            }
            if (inferenceBetween) {
                assertEquals(biasGrads[1], biasGrads[0]);
            } else {
                assertNotEquals(biasGrads[1], biasGrads[0]);
            }
        }
    }

    private static MultiLayerNetwork installed() {
        MultiLayerNetwork net = net();
        OneDnnHelpers.install(net);
        return net;
    }

    @Test
    void biasGradientIsThePerChannelSumOfDelta() {
        // b's gradient is the sum over examples and pixels of delta = eps * (1 - out^2) (tanh), by a hand loop.
        MultiLayerNetwork net = installed();
        net.initGradientsView();
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        org.deeplearning4j.nn.api.Layer l = net.getLayer(1);
        INDArray in = Nd4j.rand(DataType.FLOAT, 8, 4, 7, 7).subi(0.5);
        INDArray out = l.activate(in, true, mgr).dup();
        INDArray eps = Nd4j.rand(DataType.FLOAT, out.shape()).subi(0.5);
        INDArray gb = l.backpropGradient(eps, mgr).getFirst().getGradientFor("b");
        float[] o = out.dup('c').data().asFloat();
        float[] e = eps.dup('c').data().asFloat();
        int plane = (int) (out.size(2) * out.size(3));
        double[] expected = new double[6];
        for (int i = 0; i < o.length; i++) {
            expected[(i / plane) % 6] += e[i] * (1 - (double) o[i] * o[i]);
        }
        for (int c = 0; c < 6; c++) {
            assertEquals(expected[c], gb.getDouble(c), 1e-5 * (1 + Math.abs(expected[c])), "channel " + c);
        }
    }

    @Test
    void copyingFieldsOfAnotherClassIsRefusedByName() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class,
                () -> io.github.dropout4j.layers.impl.FieldCopy.copy(
                        org.deeplearning4j.nn.layers.convolution.ConvolutionLayer.class,
                        "not a layer",
                        net().getLayer(0)));
        assertTrue(e.getMessage().contains("java.lang.String"), e.getMessage());
    }

    @Test
    void installKeepsConfigurationParametersAndSavedModel(@TempDir File dir) throws Exception {
        MultiLayerNetwork net = net();
        INDArray params = net.params();
        org.deeplearning4j.nn.api.Layer old = net.getLayer(0);
        assertEquals(2, OneDnnHelpers.install(net));
        assertEquals(2, OneDnnHelpers.install(net), "installing twice");
        assertSame(params, net.params());
        assertSame(old.getParam("W"), net.getLayer(0).getParam("W"), "the same parameter view");
        assertSame(
                net.getLayer(0), net.getLayer(net.getLayer(0).conf().getLayer().getLayerName()));
        assertTrue(OneDnnHelpers.isInstalled(net.getLayer(1)));
        net.fit(batch(2));
        File f = new File(dir, "net.zip");
        ModelSerializer.writeModel(net, f, true);
        MultiLayerNetwork back = ModelSerializer.restoreMultiLayerNetwork(f, true);
        assertEquals(
                net.getLayerWiseConfigurations().toJson(),
                back.getLayerWiseConfigurations().toJson());
        assertEquals(net.params(), back.params());
        assertEquals(
                org.deeplearning4j.nn.layers.convolution.ConvolutionLayer.class,
                back.getLayer(0).getClass());
    }
}
