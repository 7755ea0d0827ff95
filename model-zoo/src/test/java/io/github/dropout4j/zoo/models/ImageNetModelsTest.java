package io.github.dropout4j.zoo.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropout4j.layers.RandomChannelGroupConvolution;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Full-size nets are only configured and counted here, never allocated. */
class ImageNetModelsTest {

    private static Map<String, Long> hintonByHand(boolean dropout) {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("conv1", 64L * 3 * 11 * 11 + 64);
        m.put("conv2", 256L * 16 * 5 * 5 + 256); // reduced: 16 of 64 channels per group
        m.put("conv2sub", 256L * 3 * 5 * 5); // no bias: conv2 has one
        m.put("conv3", 512L * 16 * 3 * 3 + 512);
        m.put("conv4", 512L * 32 * 3 * 3 + 512);
        m.put("conv5", 512L * 32 * 3 * 3 + 512);
        if (dropout) {
            m.put("fc6", 512L * 6 * 6 * 4096 + 4096);
            m.put("fc7", 4096L * 4096 + 4096);
            m.put("output", 4096L * 1000 + 1000);
        } else {
            m.put("output", 512L * 6 * 6 * 1000 + 1000);
        }
        return m;
    }

    private static Map<String, Long> withoutZeros(Map<String, Long> m) {
        Map<String, Long> out = new LinkedHashMap<>(m);
        out.values().removeIf(v -> v == 0);
        return out;
    }

    @Test
    void hintonNetParameterCountsMatchHandComputation() {
        HintonImageNetNet net = HintonImageNetNet.builder().build();
        assertEquals(hintonByHand(true), withoutZeros(net.parameterCounts()));
        assertEquals(96_895_208L, net.parameterCount());
        HintonImageNetNet noDropout = HintonImageNetNet.builder().dropout(false).build();
        assertEquals(hintonByHand(false), withoutZeros(noDropout.parameterCounts()));
        assertEquals(18_948_328L, noDropout.parameterCount());
    }

    @Test
    void hintonNetLayerShapesAsDocumented() {
        ComputationGraphConfiguration conf = HintonImageNetNet.builder().build().conf();
        Map<String, InputType> t = ConfigurationSummary.activationTypes(
                conf, InputType.convolutional(224, 224, 3), InputType.convolutional(56, 56, 3));
        assertEquals(InputType.convolutional(55, 55, 64), t.get("conv1"));
        assertEquals(InputType.convolutional(27, 27, 64), t.get("norm1"));
        assertEquals(InputType.convolutional(27, 27, 256), t.get("conv2"));
        assertEquals(InputType.convolutional(27, 27, 256), t.get("conv2sub"));
        assertEquals(InputType.convolutional(27, 27, 256), t.get("conv2sum"));
        assertEquals(InputType.convolutional(13, 13, 256), t.get("norm2"));
        assertEquals(InputType.convolutional(13, 13, 512), t.get("conv3"));
        assertEquals(InputType.convolutional(13, 13, 512), t.get("conv5"));
        assertEquals(InputType.convolutional(6, 6, 512), t.get("pool5"));
        assertEquals(InputType.feedForward(4096), t.get("fc7"));
        assertEquals(InputType.feedForward(1000), t.get("output"));
    }

    @Test
    void hintonNetWiringIsSeededAndSavedInTheConfiguration() {
        ComputationGraphConfiguration a =
                HintonImageNetNet.builder().seed(5).build().conf();
        ComputationGraphConfiguration b =
                HintonImageNetNet.builder().seed(5).build().conf();
        ComputationGraphConfiguration c =
                HintonImageNetNet.builder().seed(6).build().conf();
        assertArrayEquals(wiring(a, "conv2"), wiring(b, "conv2"));
        assertFalse(java.util.Arrays.deepEquals(wiring(a, "conv2"), wiring(c, "conv2")));
        assertFalse(java.util.Arrays.deepEquals(wiring(a, "conv4"), wiring(a, "conv5")), "layers drawn apart");
        assertEquals(4, wiring(a, "conv2").length);
        assertEquals(16, wiring(a, "conv2")[0].length);
        assertEquals(16, wiring(a, "conv3").length);
        assertEquals(32, wiring(a, "conv4")[0].length);
        ComputationGraphConfiguration restored = ComputationGraphConfiguration.fromJson(a.toJson());
        for (String layer : new String[] {"conv2", "conv3", "conv4", "conv5"}) {
            assertArrayEquals(wiring(a, layer), wiring(restored, layer), layer);
        }
        assertEquals(a, restored);
    }

    private static int[][] wiring(ComputationGraphConfiguration conf, String layer) {
        return ((RandomChannelGroupConvolution)
                        ((LayerVertex) conf.getVertices().get(layer))
                                .getLayerConf()
                                .getLayer())
                .getWiring();
    }

    @Test
    void tinyHintonNetRunsAndRoundTripsThroughModelSerializer() throws Exception {
        HintonImageNetNet tiny = HintonImageNetNet.builder()
                .cropSize(64)
                .widthDivisor(8)
                .fcUnits(16)
                .numClasses(5)
                .build();
        ComputationGraph net = tiny.init();
        assertEquals(tiny.parameterCount(), net.numParams());
        Nd4j.getRandom().setSeed(3);
        INDArray crop = Nd4j.rand(DataType.FLOAT, 2, 3, 64, 64);
        INDArray sub = Nd4j.rand(DataType.FLOAT, 2, 3, 16, 16);
        INDArray out = net.output(crop, sub)[0];
        assertArrayEquals(new long[] {2, 5}, out.shape());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(net, bytes, true);
        ComputationGraph back =
                ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(bytes.toByteArray()), true);
        assertEquals(out, back.output(crop, sub)[0]);
        assertArrayEquals(wiring(net.getConfiguration(), "conv3"), wiring(back.getConfiguration(), "conv3"));
    }

    @Test
    void alexNetParameterCountsMatchThePaper() {
        AlexNetDropout twoTowers = AlexNetDropout.builder().build();
        Map<String, Long> m = withoutZeros(twoTowers.parameterCounts());
        assertEquals(96L * 3 * 121 + 96, m.get("conv1"));
        assertEquals(256L * 48 * 25 + 256, m.get("conv2"));
        assertEquals(384L * 256 * 9 + 384, m.get("conv3"));
        assertEquals(384L * 192 * 9 + 384, m.get("conv4"));
        assertEquals(256L * 192 * 9 + 256, m.get("conv5"));
        assertEquals(9216L * 4096 + 4096, m.get("fc6"));
        assertEquals(4096L * 4096 + 4096, m.get("fc7"));
        assertEquals(4096L * 1000 + 1000, m.get("output"));
        assertEquals(60_965_224L, twoTowers.parameterCount());
        assertEquals(
                62_378_344L, AlexNetDropout.builder().twoTowers(false).build().parameterCount());
        Map<String, InputType> t =
                ConfigurationSummary.activationTypes(twoTowers.conf(), InputType.convolutional(224, 224, 3));
        assertEquals(InputType.convolutional(55, 55, 96), t.get("conv1"));
        assertEquals(InputType.convolutional(27, 27, 256), t.get("conv2"));
        assertEquals(InputType.convolutional(13, 13, 384), t.get("conv4"));
        assertEquals(InputType.convolutional(6, 6, 256), t.get("pool5"));
        assertEquals(InputType.feedForward(1000), t.get("output"));
    }

    /** The CLI's small AlexNet: every channel count / 16, fc 64, 64x64 crops, 5 classes; hand-counted. */
    @Test
    void narrowAlexNetShapesAndParameterCount() {
        AlexNetDropout narrow = AlexNetDropout.builder()
                .widthDivisor(16)
                .fcUnits(64)
                .cropSize(64)
                .numClasses(5)
                .build();
        Map<String, InputType> t =
                ConfigurationSummary.activationTypes(narrow.conf(), InputType.convolutional(64, 64, 3));
        assertEquals(InputType.convolutional(15, 15, 6), t.get("conv1")); // (64 + 4 - 11) / 4 + 1
        assertEquals(InputType.convolutional(7, 7, 16), t.get("conv2"));
        assertEquals(InputType.convolutional(3, 3, 24), t.get("conv4"));
        assertEquals(InputType.convolutional(1, 1, 16), t.get("pool5"));
        long expected = (6 * 3 * 121 + 6)
                + (16 * 3 * 25 + 16)
                + (24 * 16 * 9 + 24)
                + (24 * 12 * 9 + 24)
                + (16 * 12 * 9 + 16)
                + (16 * 64 + 64)
                + (64 * 64 + 64)
                + (64 * 5 + 5);
        assertEquals(16_813L, expected);
        assertEquals(expected, narrow.parameterCount());
        assertEquals(expected, narrow.init().numParams());
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> AlexNetDropout.builder().widthDivisor(32).build());
        assertTrue(e.getMessage().contains("widthDivisor 32"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> AlexNetDropout.builder().fcUnits(0).build());
    }

    @Test
    void alexNetRecipe() {
        var conf = AlexNetDropout.builder().build().conf();
        var fc7 = (org.deeplearning4j.nn.conf.layers.BaseLayer) conf.getConf(11).getLayer();
        assertEquals("fc7", fc7.getLayerName());
        assertEquals(1.0, fc7.getBiasInit());
        assertEquals(0.5, ((io.github.dropout4j.dropout.BernoulliDropout) fc7.getIDropout()).retainProbability());
        var conv3 =
                (org.deeplearning4j.nn.conf.layers.BaseLayer) conf.getConf(6).getLayer();
        assertEquals(0.0, conv3.getBiasInit());
        assertEquals(
                1.0,
                ((org.deeplearning4j.nn.conf.layers.BaseLayer) conf.getConf(3).getLayer()).getBiasInit());
        assertTrue(
                fc7.getRegularization().toString().contains("0.0005")
                        || fc7.getRegularization().toString().contains("5.0E-4"),
                fc7.getRegularization().toString());
        var updater = (io.github.dropout4j.updater.DampedMomentum) fc7.getIUpdater();
        // (1 - p) * eps' = 0.01: the paper's undamped momentum at learning rate 0.01
        assertEquals(0.01, (1 - updater.momentumAt(0, 0)) * updater.getLearningRate(0, 0), 1e-12);
    }

    @Test
    void badSizesFailClearly() {
        assertThrows(
                IllegalArgumentException.class,
                () -> HintonImageNetNet.builder().cropSize(30).build());
        assertThrows(
                IllegalArgumentException.class,
                () -> HintonImageNetNet.builder().widthDivisor(3).build());
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> HintonImageNetNet.builder().cropSize(40).build().conf());
        assertTrue(e.getMessage().contains("too small"), e.getMessage());
    }
}
