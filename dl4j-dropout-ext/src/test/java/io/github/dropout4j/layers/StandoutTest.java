package io.github.dropout4j.layers;

import static io.github.dropout4j.testsupport.TestSupport.oneHot;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropout4j.dropout.BernoulliDropout;
import io.github.dropout4j.dropout.TestTimeWeightScaling;
import io.github.dropout4j.testsupport.TestSupport;
import java.io.File;
import java.io.IOException;
import java.util.Set;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Standout (Ba &amp; Frey 2013): retain probabilities that are a learned function of the input. */
class StandoutTest {

    private static MultiLayerNetwork net(
            int nIn,
            int nOut,
            Standout.OverlayWeights overlay,
            double alpha,
            double beta,
            IUpdater updater,
            BernoulliDropout inputDropout) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(5)
                .dataType(DataType.DOUBLE)
                .updater(updater)
                .weightInit(WeightInit.XAVIER)
                .weightNoise(new TestTimeWeightScaling())
                .list()
                .layer(new Standout.Builder()
                        .nIn(nIn)
                        .nOut(nOut)
                        .activation(Activation.TANH)
                        .alpha(alpha)
                        .beta(beta)
                        .overlay(overlay)
                        .seed(17)
                        .dropOut(inputDropout)
                        .biasInit(0.1)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(nOut)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static boolean gradientsOk(MultiLayerNetwork net, INDArray x, INDArray y, Set<String> exclude) {
        // masks depend on (seed, iteration, epoch) only, so every perturbed pass sees the same sample
        return TestSupport.gradientsOk(net, x, y, exclude.toArray(new String[0]));
    }

    @Test
    void gradientCheckSharedOverlayIncludingInputDropout() {
        Nd4j.getRandom().setSeed(1);
        MultiLayerNetwork net = net(
                4,
                6,
                Standout.OverlayWeights.SHARED,
                1.0,
                0.0,
                new NoOp(),
                BernoulliDropout.retainProbability(0.8).withSeed(3));
        assertTrue(gradientsOk(net, Nd4j.rand(DataType.DOUBLE, 5, 4).subi(0.5).muli(4), oneHot(5, 3), Set.of()));
    }

    @Test
    void gradientCheckSeparateOverlayMainPathAndStraightThroughOverlayGradient() {
        Nd4j.getRandom().setSeed(2);
        MultiLayerNetwork net = net(4, 6, Standout.OverlayWeights.SEPARATE, 1.5, 0.25, new NoOp(), null);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 5, 4).subi(0.5).muli(4);
        INDArray y = oneHot(5, 3);
        // W, b and the output layer: the exact gradient of the sampled loss (the overlay's is 0 almost everywhere)
        assertTrue(gradientsOk(net, x, y, Set.of("0_Ws", "0_bs")));

        // The overlay's straight-through gradient, by hand: x^T [dL/dy * a * alpha * pi (1 - pi)]
        net.setInput(x);
        net.setLabels(y);
        net.computeGradientAndScore();
        Gradient g = net.gradient();
        StandoutLayer layer = (StandoutLayer) net.getLayer(0);
        INDArray a = Transforms.tanh(x.mmul(layer.getParam("W")).addiRowVector(layer.getParam("b")));
        INDArray pi = Transforms.sigmoid(x.mmul(layer.getParam("Ws"))
                .addiRowVector(layer.getParam("bs"))
                .muli(1.5)
                .addi(0.25));
        INDArray m = io.github.dropout4j.dropout.BernoulliMaskKernel.bernoulli(pi, layer.maskKey());
        INDArray h = a.mul(m);
        INDArray w2 = net.getLayer(1).getParam("W");
        INDArray q = Transforms.softmax(h.mmul(w2).addiRowVector(net.getLayer(1).getParam("b")), true);
        INDArray dLdy = q.sub(y).mmul(w2.transpose()); // MCXENT + softmax, summed (DL4J's updater divides by minibatch)
        INDArray dS = dLdy.mul(a).muli(pi).muli(pi.rsub(1.0)).muli(1.5);
        assertTrue(g.getGradientFor("0_Ws").equalsWithEps(x.transpose().mmul(dS), 1e-10), "Ws gradient");
        assertTrue(g.getGradientFor("0_bs").reshape(6).equalsWithEps(dS.sum(0), 1e-10), "bs gradient");
        assertTrue(dS.norm2Number().doubleValue() > 1e-4, "the overlay must actually receive a gradient");
    }

    @Test
    void testTimeOutputIsActivationTimesRetainProbabilityExactly() {
        Nd4j.getRandom().setSeed(3);
        for (Standout.OverlayWeights overlay : Standout.OverlayWeights.values()) {
            MultiLayerNetwork net = net(4, 6, overlay, 2.0, -0.5, new NoOp(), null);
            StandoutLayer layer = (StandoutLayer) net.getLayer(0);
            INDArray x = Nd4j.rand(DataType.DOUBLE, 7, 4).subi(0.5);
            INDArray z = x.mmul(layer.getParam("W")).addiRowVector(layer.getParam("b"));
            INDArray s = overlay == Standout.OverlayWeights.SHARED
                    ? z
                    : x.mmul(layer.getParam("Ws")).addiRowVector(layer.getParam("bs"));
            INDArray pi = Transforms.sigmoid(s.mul(2.0).addi(-0.5), true);
            INDArray expected = Transforms.tanh(z, true).muli(pi);
            INDArray out = layer.activate(x, false, LayerWorkspaceMgr.noWorkspaces());
            assertArrayEquals(expected.data().asDouble(), out.dup().data().asDouble(), 0.0, overlay.name());
            assertArrayEquals(
                    pi.data().asDouble(),
                    layer.retainProbabilities(false, LayerWorkspaceMgr.noWorkspaces())
                            .dup()
                            .data()
                            .asDouble(),
                    0.0);
        }
    }

    @Test
    void keptFractionTracksRetainProbabilityWithinBinomialBound() {
        Nd4j.getRandom().setSeed(4);
        MultiLayerNetwork net = net(5, 8, Standout.OverlayWeights.SHARED, 1.0, 0.0, new NoOp(), null);
        StandoutLayer layer = (StandoutLayer) net.getLayer(0);
        int n = 4000;
        INDArray x = Nd4j.randn(DataType.DOUBLE, n, 5).muli(2);
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        layer.setInput(x, mgr);
        INDArray pi = layer.retainProbabilities(true, mgr).dup();
        INDArray kept = layer.activate(x, true, mgr).neq(0).castTo(DataType.DOUBLE);
        double spread = pi.maxNumber().doubleValue() - pi.minNumber().doubleValue();
        assertTrue(spread > 0.8, "inputs should give a wide range of retain probabilities, got spread " + spread);
        // Kept count of a set of independent Bernoulli(pi_i): mean sum pi_i, variance sum pi_i (1 - pi_i).
        // 4.5 standard deviations: each of the 1 + 8 + 2 checks fails with probability < 1e-5.
        assertWithinBound(kept, pi, "all elements");
        for (int u = 0; u < 8; u++) {
            assertWithinBound(kept.getColumn(u), pi.getColumn(u), "unit " + u);
        }
        INDArray low = pi.lt(0.3).castTo(DataType.DOUBLE);
        INDArray high = pi.gt(0.7).castTo(DataType.DOUBLE);
        assertWithinBound(kept.mul(low), pi.mul(low), "elements with pi < 0.3");
        assertWithinBound(kept.mul(high), pi.mul(high), "elements with pi > 0.7");
    }

    private static void assertWithinBound(INDArray kept, INDArray pi, String what) {
        double expected = pi.sumNumber().doubleValue();
        double sd = Math.sqrt(pi.mul(pi.rsub(1.0)).sumNumber().doubleValue());
        double k = kept.sumNumber().doubleValue();
        assertTrue(Math.abs(k - expected) <= 4.5 * sd, what + ": kept " + k + ", expected " + expected + " +- " + sd);
    }

    @Test
    void masksAreAFunctionOfSeedIterationAndEpoch() {
        MultiLayerNetwork a = net(4, 6, Standout.OverlayWeights.SHARED, 1.0, 0.0, new NoOp(), null);
        MultiLayerNetwork b = net(4, 6, Standout.OverlayWeights.SHARED, 1.0, 0.0, new NoOp(), null);
        b.setParams(a.params());
        INDArray x = Nd4j.rand(DataType.DOUBLE, 50, 4);
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        INDArray first = a.getLayer(0).activate(x, true, mgr).dup();
        assertEquals(first, b.getLayer(0).activate(x, true, mgr));
        a.setIterationCount(1);
        a.getLayer(0).setIterationCount(1);
        assertNotEquals(first, a.getLayer(0).activate(x, true, mgr));
    }

    @Test
    void jsonAndModelSerializerRoundTrips(@TempDir File dir) throws IOException {
        MultiLayerNetwork net = net(
                4,
                6,
                Standout.OverlayWeights.SEPARATE,
                1.5,
                -0.25,
                new Nesterovs(0.1, 0.9),
                BernoulliDropout.retainProbability(0.8).withSeed(9));
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        String json = conf.toJson();
        assertTrue(json.contains("io.github.dropout4j.layers.Standout") && json.contains("SEPARATE"), json);
        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(json);
        assertEquals(conf, back);
        Standout restoredLayer = (Standout) back.getConf(0).getLayer();
        assertEquals(1.5, restoredLayer.getAlpha());
        assertEquals(-0.25, restoredLayer.getBeta());
        assertEquals(17, restoredLayer.getSeed());
        assertNotEquals(
                conf.getConf(0).getLayer(),
                new Standout.Builder().nIn(4).nOut(6).build());

        INDArray x = Nd4j.rand(DataType.DOUBLE, 9, 4);
        INDArray y = oneHot(9, 3);
        net.fit(x, y);
        File file = new File(dir, "standout.zip");
        ModelSerializer.writeModel(net, file, true);
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(file, true);
        assertEquals(net.getLayerWiseConfigurations(), restored.getLayerWiseConfigurations());
        assertEquals(net.output(x), restored.output(x));
        net.fit(x, y);
        restored.fit(x, y);
        assertEquals(net.params(), restored.params(), "training continues identically (seeded masks)");
        assertFalse(net.params().isNaN().any());
    }

    @Test
    void badHyperParametersAreRejected() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new Standout.Builder().nIn(2).nOut(2).alpha(Double.NaN).build());
        assertTrue(e.getMessage().contains("alpha") && e.getMessage().contains("NaN"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> new Standout.Builder()
                        .nIn(2)
                        .nOut(2)
                        .beta(Double.POSITIVE_INFINITY)
                        .build());
        assertTrue(e.getMessage().contains("beta") && e.getMessage().contains("Infinity"), e.getMessage());
    }
}
