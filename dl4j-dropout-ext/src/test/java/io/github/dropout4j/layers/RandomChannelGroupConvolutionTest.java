package io.github.dropout4j.layers;

import static io.github.dropout4j.testsupport.TestSupport.assertMessage;
import static io.github.dropout4j.testsupport.TestSupport.gradientsOk;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropout4j.constraint.PerUnitMaxNorm;
import io.github.dropout4j.dropout.BernoulliDropout;
import io.github.dropout4j.dropout.TestTimeWeightScaling;
import io.github.dropout4j.fixtures.LegacyFixtures;
import io.github.dropout4j.fixtures.LegacyModels;
import io.github.dropout4j.testsupport.TestSupport;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class RandomChannelGroupConvolutionTest {

    private DataType previous;

    @BeforeEach
    void doublePrecision() {
        previous = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @AfterEach
    void restore() {
        Nd4j.setDefaultDataTypes(previous, previous);
    }

    /** nIn 6 -> nOut 6 in 3 groups of 2 filters, each seeing 4 of the 6 channels: an explicit, shared wiring. */
    private static RandomChannelGroupConvolution.Builder grouped() {
        return new RandomChannelGroupConvolution.Builder(3, 3)
                .nOut(6)
                .groups(3)
                .channelsPerGroup(4)
                .padding(1, 1)
                .wiring(new int[][] {{0, 2, 3, 5}, {1, 2, 3, 4}, {0, 1, 4, 5}});
    }

    /** nIn 6 -> nOut 6 in 3 groups of 2 filters, each seeing its own 2 of the 6 channels: a drawn partition. */
    private static RandomChannelGroupConvolution.Builder partitioned() {
        return new RandomChannelGroupConvolution.Builder(3, 3)
                .nOut(6)
                .groups(3)
                .channelsPerGroup(2)
                .padding(1, 1)
                .wiringSeed(11);
    }

    private static MultiLayerNetwork net(org.deeplearning4j.nn.conf.layers.Layer first, IDropout outputDropout) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(3)
                .dataType(DataType.DOUBLE)
                .updater(new NoOp())
                .weightInit(WeightInit.XAVIER)
                .weightNoise(new TestTimeWeightScaling())
                .list()
                .layer(first)
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .dropOut(outputDropout)
                        .build())
                .setInputType(InputType.convolutional(5, 5, 6))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static INDArray labels(int n) {
        return TestSupport.oneHot(n, 3);
    }

    @Test
    void gradientCheckWithInputDropoutSharedChannelsAndBias() {
        Nd4j.getRandom().setSeed(1);
        MultiLayerNetwork net = net(
                grouped()
                        .activation(Activation.TANH)
                        .dropOut(BernoulliDropout.retainProbability(0.8).withSeed(5))
                        .build(),
                null);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 6, 5, 5).subi(0.5);
        assertTrue(gradientsOk(net, x, labels(2)));
        assertTrue(gradientsOk(
                net(
                        partitioned()
                                .activation(Activation.TANH)
                                .dropOut(BernoulliDropout.retainProbability(0.8).withSeed(5))
                                .build(),
                        null),
                x,
                labels(2)));
    }

    @Test
    void gradientCheckStridedSameModeWithoutBias() {
        Nd4j.getRandom().setSeed(2);
        MultiLayerNetwork net = net(
                new RandomChannelGroupConvolution.Builder(2, 3)
                        .nOut(4)
                        .groups(2)
                        .channelsPerGroup(3)
                        .stride(2, 2)
                        .convolutionMode(ConvolutionMode.Same)
                        .hasBias(false)
                        .wiringSeed(4)
                        .activation(Activation.SIGMOID)
                        .build(),
                BernoulliDropout.retainProbability(0.5).withSeed(9));
        INDArray x = Nd4j.rand(DataType.DOUBLE, 3, 6, 5, 5).subi(0.5);
        assertTrue(gradientsOk(net, x, labels(3)));
    }

    /** The identity activation's backprop needs no pre-activations (the Hinton net's conv2): gradient-checked. */
    @Test
    void gradientCheckIdentityActivationWithInputDropout() {
        Nd4j.getRandom().setSeed(3);
        MultiLayerNetwork net = net(
                partitioned()
                        .activation(Activation.IDENTITY)
                        .dropOut(BernoulliDropout.retainProbability(0.8).withSeed(6))
                        .build(),
                null);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 6, 5, 5).subi(0.5);
        assertTrue(gradientsOk(net, x, labels(2)));
    }

    /**
     * Backprop right after a training forward pass takes the kept pre-activations; backprop without one (a new
     * input set, no forward pass) recomputes them: both give the same gradients, exactly, with and without an
     * identity activation, and an inference pass in between leaves nothing stale behind.
     */
    @Test
    void backpropAfterTheForwardPassEqualsBackpropThatRecomputes() {
        for (Activation activation : new Activation[] {Activation.RELU, Activation.IDENTITY}) {
            MultiLayerNetwork net = net(grouped().activation(activation).build(), null);
            net.initGradientsView();
            org.deeplearning4j.nn.api.Layer layer = net.getLayer(0);
            LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
            Nd4j.getRandom().setSeed(4);
            INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 6, 5, 5).subi(0.5);
            INDArray other = Nd4j.rand(DataType.DOUBLE, 2, 6, 5, 5).subi(0.5);
            INDArray eps = Nd4j.rand(DataType.DOUBLE, 2, 6, 5, 5).subi(0.5);

            layer.activate(x, true, mgr);
            Pair<Gradient, INDArray> afterForward = layer.backpropGradient(eps.dup(), mgr);
            INDArray gwAfterForward =
                    afterForward.getFirst().getGradientFor("W").dup();
            INDArray gbAfterForward =
                    afterForward.getFirst().getGradientFor("b").dup();
            INDArray gxAfterForward = afterForward.getSecond().dup();

            layer.activate(other, true, mgr);
            layer.activate(x.dup(), false, mgr); // inference on a copy: nothing kept for it
            Pair<Gradient, INDArray> recomputed = layer.backpropGradient(eps.dup(), mgr);
            assertEquals(gwAfterForward, recomputed.getFirst().getGradientFor("W"), activation + ": dL/dW");
            assertEquals(gbAfterForward, recomputed.getFirst().getGradientFor("b"), activation + ": dL/db");
            assertEquals(gxAfterForward, recomputed.getSecond(), activation + ": dL/dx");
        }
    }

    /** The reference: a full convolution whose weights are zero outside the wiring computes the same function. */
    @Test
    void equalsFullConvolutionWithWeightsZeroOutsideTheWiring() {
        equalsFullConvolution(grouped());
        equalsFullConvolution(partitioned());
    }

    private static void equalsFullConvolution(RandomChannelGroupConvolution.Builder grouped) {
        MultiLayerNetwork ours = net(
                grouped.activation(Activation.RELU)
                        .dropOut(BernoulliDropout.retainProbability(0.5).withSeed(5))
                        .build(),
                null);
        MultiLayerNetwork full = net(
                new ConvolutionLayer.Builder(3, 3)
                        .nOut(6)
                        .padding(1, 1)
                        .activation(Activation.RELU)
                        .dropOut(BernoulliDropout.retainProbability(0.5).withSeed(5))
                        .build(),
                null);
        RandomChannelGroupConvolution conf =
                (RandomChannelGroupConvolution) ours.getLayer(0).conf().getLayer();
        int[][] wiring = conf.getWiring();
        INDArray w = ours.getLayer(0).getParam("W"); // [3, 2, 4, 3, 3]
        INDArray fullW = Nd4j.zeros(DataType.DOUBLE, 6, 6, 3, 3); // [nOut, nIn, kH, kW]
        for (int g = 0; g < 3; g++) {
            for (int j = 0; j < 2; j++) {
                for (int s = 0; s < wiring[g].length; s++) {
                    fullW.get(
                                    NDArrayIndex.point(g * 2 + j),
                                    NDArrayIndex.point(wiring[g][s]),
                                    NDArrayIndex.all(),
                                    NDArrayIndex.all())
                            .assign(w.get(
                                    NDArrayIndex.point(g),
                                    NDArrayIndex.point(j),
                                    NDArrayIndex.point(s),
                                    NDArrayIndex.all(),
                                    NDArrayIndex.all()));
                }
            }
        }
        ours.getLayer(0).getParam("b").assign(Nd4j.linspace(DataType.DOUBLE, -0.3, 0.2, 6));
        full.getLayer(0).setParam("W", fullW);
        full.getLayer(0).setParam("b", ours.getLayer(0).getParam("b").dup());
        full.getLayer(1).setParams(ours.getLayer(1).params().dup());

        Nd4j.getRandom().setSeed(7);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 4, 6, 5, 5).subi(0.5);
        INDArray y = labels(4);
        // test time: mean network (weights scaled by 0.5 through TestTimeWeightScaling)
        assertEquals(full.output(x), ours.output(x));
        // training: same dropout masks (same seed, iteration), same gradients on the wired weights and the input
        Pair<Gradient, INDArray> gOurs = ours.calculateGradients(x, y, null, null);
        Pair<Gradient, INDArray> gFull = full.calculateGradients(x, y, null, null);
        assertTrue(gFull.getSecond().equalsWithEps(gOurs.getSecond(), 1e-12), "input gradient");
        assertTrue(gFull.getFirst()
                .getGradientFor("0_b")
                .equalsWithEps(gOurs.getFirst().getGradientFor("0_b"), 1e-12));
        INDArray gw = gOurs.getFirst().getGradientFor("0_W");
        INDArray gfw = gFull.getFirst().getGradientFor("0_W");
        for (int g = 0; g < 3; g++) {
            for (int j = 0; j < 2; j++) {
                for (int s = 0; s < wiring[g].length; s++) {
                    INDArray a = gw.get(
                            NDArrayIndex.point(g),
                            NDArrayIndex.point(j),
                            NDArrayIndex.point(s),
                            NDArrayIndex.all(),
                            NDArrayIndex.all());
                    INDArray b = gfw.get(
                            NDArrayIndex.point(g * 2 + j),
                            NDArrayIndex.point(wiring[g][s]),
                            NDArrayIndex.all(),
                            NDArrayIndex.all());
                    assertTrue(b.equalsWithEps(a, 1e-12), "dL/dW of group " + g + " filter " + j + " input " + s);
                }
            }
        }
    }

    @Test
    void jsonAndModelSerializerRoundTripKeepTheWiring() throws IOException {
        MultiLayerNetwork net = net(
                grouped()
                        .activation(Activation.RELU)
                        .dropOut(BernoulliDropout.retainProbability(0.5).withSeed(5))
                        .constrainWeights(PerUnitMaxNorm.maxNorm(2.0))
                        .build(),
                null);
        MultiLayerConfiguration restored = MultiLayerConfiguration.fromJson(
                net.getLayerWiseConfigurations().toJson());
        assertEquals(net.getLayerWiseConfigurations(), restored);
        RandomChannelGroupConvolution a =
                (RandomChannelGroupConvolution) net.getLayer(0).conf().getLayer();
        RandomChannelGroupConvolution b =
                (RandomChannelGroupConvolution) restored.getConf(0).getLayer();
        assertArrayEquals(a.getWiring(), b.getWiring());
        assertEquals(a, b);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(net, bytes, true);
        MultiLayerNetwork back =
                ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes.toByteArray()), true);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 6, 5, 5);
        assertEquals(net.output(x), back.output(x));
        assertArrayEquals(
                a.getWiring(),
                ((RandomChannelGroupConvolution) back.getLayer(0).conf().getLayer()).getWiring());
    }

    @Test
    void explicitWiringRoundTripsAndIsUsed() {
        int[][] wiring = {{0, 5, 2, 3}, {1, 2, 3, 4}, {5, 4, 0, 1}};
        RandomChannelGroupConvolution c = grouped().wiring(wiring).build();
        MultiLayerNetwork net = net(c, null);
        RandomChannelGroupConvolution restored = (RandomChannelGroupConvolution) MultiLayerConfiguration.fromJson(
                        net.getLayerWiseConfigurations().toJson())
                .getConf(0)
                .getLayer();
        assertArrayEquals(wiring, restored.getWiring());
        assertEquals(null, restored.getWiringSeed());
    }

    @Test
    void sameSeedSameWiringDifferentSeedDifferentWiring() {
        int[][] a = RandomChannelGroupConvolution.drawWiring(42, 256, 16, 16);
        assertArrayEquals(a, RandomChannelGroupConvolution.drawWiring(42, 256, 16, 16));
        assertFalse(java.util.Arrays.deepEquals(a, RandomChannelGroupConvolution.drawWiring(43, 256, 16, 16)));
        // the layer built from nIn draws the same table
        RandomChannelGroupConvolution conf = new RandomChannelGroupConvolution.Builder(3, 3)
                .nIn(256)
                .nOut(32)
                .groups(16)
                .channelsPerGroup(16)
                .wiringSeed(42)
                .build();
        assertArrayEquals(a, conf.getWiring());
        // and a wiring set later from the input type is the same
        RandomChannelGroupConvolution late = new RandomChannelGroupConvolution.Builder(3, 3)
                .nOut(32)
                .groups(16)
                .channelsPerGroup(16)
                .wiringSeed(42)
                .build();
        late.setNIn(InputType.convolutional(8, 8, 256), false);
        assertArrayEquals(a, late.getWiring());
    }

    @Test
    void parameterCountIsTheReducedOne() {
        // nIn 8 -> nOut 12 in 4 groups, each seeing 2 channels, kernel 3x2: 12 * 2 * 3 * 2 weights + 12 biases
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .list()
                .layer(new RandomChannelGroupConvolution.Builder(3, 2)
                        .nOut(12)
                        .groups(4)
                        .channelsPerGroup(2)
                        .build())
                .layer(new OutputLayer.Builder()
                        .nOut(2)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.convolutional(6, 6, 8))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        assertEquals(12 * 2 * 3 * 2 + 12, net.getLayer(0).numParams());
        assertArrayEquals(
                new long[] {4, 3, 2, 3, 2}, net.getLayer(0).getParam("W").shape());
        assertArrayEquals(new long[] {12}, net.getLayer(0).getParam("b").shape());
        // full convolution would have 12 * 8 * 3 * 2 + 12
        assertEquals(
                12 * 8 * 3 * 2 + 12,
                new ConvolutionLayer.Builder(3, 2)
                        .nIn(8)
                        .nOut(12)
                        .build()
                        .initializer()
                        .numParams(new ConvolutionLayer.Builder(3, 2)
                                .nIn(8)
                                .nOut(12)
                                .build()));
        // output 6 - 3 + 1 = 4 by 6 - 2 + 1 = 5
        INDArray out = net.feedForward(Nd4j.rand(DataType.DOUBLE, 2, 8, 6, 6)).get(1);
        assertArrayEquals(new long[] {2, 12, 4, 5}, out.shape());
    }

    @Test
    void perUnitMaxNormBoundsEachFilter() {
        MultiLayerNetwork net = net(grouped().build(), null);
        Layer layer = net.getLayer(0);
        layer.getParam("W").muli(100);
        PerUnitMaxNorm.maxNorm(1.5).applyConstraint(layer, 0, 0);
        INDArray norms = layer.getParam("W").norm2(2, 3, 4); // [groups, filtersPerGroup]
        assertArrayEquals(new long[] {3, 2}, norms.shape());
        assertEquals(1.5, norms.maxNumber().doubleValue(), 1e-9);
        assertEquals(1.5, norms.minNumber().doubleValue(), 1e-9);
    }

    @Test
    void badConfigurationsFailWithClearMessages() {
        assertMessage(
                "channelsPerGroup (7) must be <= nIn (6)",
                () -> new RandomChannelGroupConvolution.Builder(3, 3)
                        .nIn(6)
                        .nOut(6)
                        .groups(3)
                        .channelsPerGroup(7)
                        .build());
        assertMessage(
                "nOut (10) must be divisible by groups (4)",
                () -> new RandomChannelGroupConvolution.Builder(3, 3)
                        .nOut(10)
                        .groups(4)
                        .channelsPerGroup(2)
                        .build());
        assertMessage(
                "groups must be >= 1, got 0",
                () -> new RandomChannelGroupConvolution.Builder(3, 3)
                        .nOut(10)
                        .groups(0)
                        .channelsPerGroup(2)
                        .build());
        assertMessage(
                "kernelSize must be 2 values >= 1, got [3]",
                () -> new RandomChannelGroupConvolution.Builder(3)
                        .nOut(4)
                        .groups(2)
                        .channelsPerGroup(2)
                        .build());
        assertMessage(
                "wiring row 1 lists channel 2 twice",
                () -> new RandomChannelGroupConvolution.Builder(3, 3)
                        .nIn(4)
                        .nOut(4)
                        .groups(2)
                        .channelsPerGroup(2)
                        .wiring(new int[][] {{0, 1}, {2, 2}})
                        .build());
        assertMessage(
                "wiring row 0 has channel 4, outside [0, nIn = 4)",
                () -> new RandomChannelGroupConvolution.Builder(3, 3)
                        .nIn(4)
                        .nOut(4)
                        .groups(2)
                        .channelsPerGroup(2)
                        .wiring(new int[][] {{0, 4}, {2, 3}})
                        .build());
        assertMessage(
                "wiring has 1 rows, expected groups = 2",
                () -> new RandomChannelGroupConvolution.Builder(3, 3)
                        .nIn(4)
                        .nOut(4)
                        .groups(2)
                        .channelsPerGroup(2)
                        .wiring(new int[][] {{0, 1}})
                        .build());
        // S > nIn discovered from the input type
        assertMessage(
                "channelsPerGroup (8) must be <= nIn (6)",
                () -> new NeuralNetConfiguration.Builder()
                        .list()
                        .layer(new RandomChannelGroupConvolution.Builder(3, 3)
                                .nOut(4)
                                .groups(2)
                                .channelsPerGroup(8)
                                .build())
                        .layer(new OutputLayer.Builder().nOut(2).build())
                        .setInputType(InputType.convolutional(5, 5, 6))
                        .build());
        RandomChannelGroupConvolution ok = grouped().build();
        assertNotEquals(null, ok.toString());
    }

    /** App. H: each group gets "a unique random" subset; the paper's sizes cover the input channels exactly. */
    @Test
    void drawnGroupsPartitionTheInputChannels() {
        int[][] sizes = {{64, 4, 16}, {256, 16, 16}, {512, 16, 32}, {6, 3, 2}, {5, 1, 5}};
        for (int[] c : sizes) {
            int[][] wiring = RandomChannelGroupConvolution.drawWiring(7, c[0], c[1], c[2]);
            int[] uses = new int[c[0]];
            for (int[] row : wiring) {
                assertEquals(c[2], row.length);
                for (int ch : row) {
                    uses[ch]++;
                }
            }
            for (int ch = 0; ch < c[0]; ch++) {
                assertEquals(1, uses[ch], "nIn " + c[0] + ": channel " + ch + " feeds " + uses[ch] + " groups");
            }
        }
        // the layer's own table too, and groups are not simply consecutive channels
        int[][] wiring = partitioned().nIn(6).build().getWiring();
        assertEquals(
                6,
                java.util.Arrays.stream(wiring)
                        .flatMapToInt(java.util.Arrays::stream)
                        .distinct()
                        .count());
        assertFalse(
                java.util.Arrays.deepEquals(
                        RandomChannelGroupConvolution.drawWiring(1, 64, 4, 16),
                        RandomChannelGroupConvolution.drawWiring(2, 64, 4, 16)),
                "different seeds, different partitions");
    }

    @Test
    void drawnWiringThatCannotPartitionIsRejectedNamingTheValues() {
        assertMessage(
                "groups (3) x channelsPerGroup (4) = 12 must equal nIn (6)",
                () -> new RandomChannelGroupConvolution.Builder(3, 3)
                        .nIn(6)
                        .nOut(6)
                        .groups(3)
                        .channelsPerGroup(4)
                        .build());
        assertMessage(
                "groups (2) x channelsPerGroup (2) = 4 must equal nIn (6)",
                () -> new NeuralNetConfiguration.Builder()
                        .list()
                        .layer(new RandomChannelGroupConvolution.Builder(3, 3)
                                .nOut(4)
                                .groups(2)
                                .channelsPerGroup(2)
                                .build())
                        .layer(new OutputLayer.Builder().nOut(2).build())
                        .setInputType(InputType.convolutional(5, 5, 6))
                        .build());
    }

    /**
     * A model saved before the partition rule (fixture written by commit ea12509: 3 groups of 3 of 8 channels,
     * drawn independently) loads with its old wiring and outputs; redrawn without a stored table it uses the old
     * independent draw, because its JSON has no wiringVersion.
     */
    @Test
    void legacyModelsKeepTheirIndependentWiring() throws IOException {
        MultiLayerNetwork net = LegacyModels.restore("channel-groups");
        RandomChannelGroupConvolution layer =
                (RandomChannelGroupConvolution) net.getLayer(0).conf().getLayer();
        assertArrayEquals(new int[][] {{3, 5, 7}, {3, 5, 7}, {3, 4, 6}}, layer.getWiring());
        assertEquals(RandomChannelGroupConvolution.WIRING_INDEPENDENT, layer.getWiringVersion());
        LegacyModels.assertOutputsAsSaved(net, "channel-groups", LegacyFixtures.input(3, 8, 4, 4));
        String json = LegacyModels.json("channel-groups").replaceAll("\\\"wiring\\\" : \\[[^\\n]*\\],\\n", "");
        assertFalse(json.contains("\"wiring\""), json);
        MultiLayerNetwork fresh = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(json));
        fresh.init(); // no stored table: drawn when the layer is instantiated
        RandomChannelGroupConvolution redrawn =
                (RandomChannelGroupConvolution) fresh.getLayer(0).conf().getLayer();
        assertArrayEquals(RandomChannelGroupConvolution.drawIndependentWiring(21, 8, 3, 3), redrawn.getWiring());
        assertArrayEquals(layer.getWiring(), redrawn.getWiring());
    }
}
