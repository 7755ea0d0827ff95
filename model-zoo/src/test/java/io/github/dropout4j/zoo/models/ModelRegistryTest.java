package io.github.dropout4j.zoo.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropout4j.constraint.PerUnitMaxNorm;
import io.github.dropout4j.dropout.BernoulliDropout;
import io.github.dropout4j.dropout.DropoutPlacement;
import io.github.dropout4j.dropout.TestTimeWeightScaling;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.junit.jupiter.api.Test;

class ModelRegistryTest {

    /** Hand-computed: sum over layers of nIn * nOut + nOut. */
    static final Map<String, Long> EXPECTED_PARAMETERS = new LinkedHashMap<>();

    static {
        long mnist800 = 784L * 800 + 800 + 800L * 800 + 800 + 800L * 10 + 10;
        long mnist1200 = 784L * 1200 + 1200 + 1200L * 1200 + 1200 + 1200L * 10 + 10;
        long mnist2000 = 784L * 2000 + 2000 + 2000L * 2000 + 2000 + 2000L * 10 + 10;
        long mnist1200x3 = 784L * 1200 + 1200 + 2 * (1200L * 1200 + 1200) + 1200L * 10 + 10;
        long reuters = 2000L * 2000 + 2000 + 2000L * 1000 + 1000 + 1000L * 50 + 50;
        long timit = 840L * 4000 + 4000 + 3 * (4000L * 4000 + 4000) + 4000L * 185 + 185;
        for (String suffix : new String[] {"", "-dropout"}) {
            EXPECTED_PARAMETERS.put("mnist-800x2" + suffix, mnist800);
            EXPECTED_PARAMETERS.put("mnist-1200x2" + suffix, mnist1200);
            EXPECTED_PARAMETERS.put("mnist-2000x2" + suffix, mnist2000);
            EXPECTED_PARAMETERS.put("mnist-1200x3" + suffix, mnist1200x3);
            EXPECTED_PARAMETERS.put("reuters-2000-1000" + suffix, reuters);
            EXPECTED_PARAMETERS.put("timit-4x4000" + suffix, timit);
        }
        // conv: k*k*cIn*cOut + cOut; locally connected: untied, 16 positions * 16 filters * (3*3*64 + 1 bias)
        long cifarConv = (5L * 5 * 3 * 64 + 64) + 2 * (5L * 5 * 64 * 64 + 64);
        long cifar = cifarConv + 1024L * 10 + 10;
        long cifarDropout = cifarConv + 16L * 16 * (3 * 3 * 64 + 1) + 256L * 10 + 10;
        // LeNet: conv 5x5x1x20, conv 5x5x20x50, dense (50*4*4)x500, softmax 500x10 (+ biases)
        long lenet = (5L * 5 * 1 * 20 + 20) + (5L * 5 * 20 * 50 + 50) + (800L * 500 + 500) + (500L * 10 + 10);
        EXPECTED_PARAMETERS.put("lenet", lenet);
        EXPECTED_PARAMETERS.put("lenet-dropout", lenet);
        EXPECTED_PARAMETERS.put("cifar10", cifar);
        EXPECTED_PARAMETERS.put("cifar10-dropout", cifarDropout);
        // Appendix H table (HintonImageNetNet's Javadoc): conv1..conv5 + fc6, fc7, output
        long hintonConv = 23_296L + 102_656 + 19_200 + 74_240 + 147_968 + 147_968;
        EXPECTED_PARAMETERS.put(
                "hinton-imagenet",
                hintonConv + (18_432L * 4096 + 4096) + (4096L * 4096 + 4096) + (4096L * 1000 + 1000));
        EXPECTED_PARAMETERS.put("hinton-imagenet-nodropout", hintonConv + 18_432L * 1000 + 1000);
        // AlexNet, two towers: conv1 11x11x3x96, conv2 5x5x48x256, conv3 3x3x256x384, conv4 3x3x192x384,
        // conv5 3x3x192x256, fc6 9216x4096, fc7 4096x4096, fc8 4096x1000 (+ biases)
        EXPECTED_PARAMETERS.put(
                "alexnet-dropout",
                (11L * 11 * 3 * 96 + 96)
                        + (5L * 5 * 48 * 256 + 256)
                        + (3L * 3 * 256 * 384 + 384)
                        + (3L * 3 * 192 * 384 + 384)
                        + (3L * 3 * 192 * 256 + 256)
                        + (9216L * 4096 + 4096)
                        + (4096L * 4096 + 4096)
                        + (4096L * 1000 + 1000));
    }

    @Test
    void handComputedCountsMatchThePapersArithmetic() {
        assertEquals(1_276_810L, EXPECTED_PARAMETERS.get("mnist-800x2"));
        assertEquals(2_395_210L, EXPECTED_PARAMETERS.get("mnist-1200x2"));
        assertEquals(5_592_010L, EXPECTED_PARAMETERS.get("mnist-2000x2"));
        assertEquals(3_836_410L, EXPECTED_PARAMETERS.get("mnist-1200x3"));
        assertEquals(6_053_050L, EXPECTED_PARAMETERS.get("reuters-2000-1000"));
        assertEquals(52_116_185L, EXPECTED_PARAMETERS.get("timit-4x4000"));
        assertEquals(431_080L, EXPECTED_PARAMETERS.get("lenet"));
        assertEquals(220_042L, EXPECTED_PARAMETERS.get("cifar10"));
        assertEquals(360_074L, EXPECTED_PARAMETERS.get("cifar10-dropout"));
        assertEquals(96_895_208L, EXPECTED_PARAMETERS.get("hinton-imagenet"));
        assertEquals(18_948_328L, EXPECTED_PARAMETERS.get("hinton-imagenet-nodropout"));
        assertEquals(60_965_224L, EXPECTED_PARAMETERS.get("alexnet-dropout"));
    }

    @Test
    void registryListsEveryModelWithItsHandComputedParameterCount() {
        List<ZooEntry> entries = ModelRegistry.standard().entries();
        assertEquals(
                EXPECTED_PARAMETERS.keySet(),
                new HashSet<>(entries.stream().map(ZooEntry::name).toList()));
        for (ZooEntry e : entries) {
            assertEquals(EXPECTED_PARAMETERS.get(e.name()), e.parameterCount(), e.name());
        }
    }

    /** The count DL4J's own ParamInitializers give for the built configuration, without allocating parameters. */
    @Test
    void dl4jConfigurationHasTheRegisteredParameterCount() {
        for (ZooEntry e : ModelRegistry.standard().entries()) {
            MultiLayerConfiguration conf;
            if (e.create(1) instanceof FeedForwardZooModel f) {
                conf = f.conf();
            } else if (e.create(1) instanceof LeNet l) {
                conf = l.conf();
            } else {
                continue; // the other convolutional nets' counts are checked against their configurations in their
                // tests
            }
            long total = 0;
            for (NeuralNetConfiguration layer : conf.getConfs()) {
                total += layer.getLayer().initializer().numParams(layer);
            }
            assertEquals(e.parameterCount(), total, e.name());
        }
    }

    /**
     * Every zoo configuration passes the library's configuration-time check (dropout only on layers DL4J applies it
     * to, TestTimeWeightScaling wherever dropout is scaled at test time, explicit seeds, unit axes known), and the
     * check, run again, changes nothing: conf() has already completed it.
     */
    @Test
    void everyZooConfigurationPassesTheDropoutPlacementCheckAndIsComplete() {
        int checked = 0;
        for (ZooEntry e : ModelRegistry.standard().entries()) {
            Object model = e.create(1);
            String json;
            if (model instanceof FeedForwardZooModel m) {
                MultiLayerConfiguration conf = m.conf();
                json = conf.toJson();
                DropoutPlacement.check(conf);
                assertEquals(json, conf.toJson(), e.name());
            } else if (model instanceof LeNet m) {
                MultiLayerConfiguration conf = m.conf();
                json = conf.toJson();
                DropoutPlacement.check(conf);
                assertEquals(json, conf.toJson(), e.name());
            } else if (model instanceof Cifar10Net m) {
                MultiLayerConfiguration conf = m.conf();
                json = conf.toJson();
                DropoutPlacement.check(conf);
                assertEquals(json, conf.toJson(), e.name());
            } else if (model instanceof AlexNetDropout m) {
                MultiLayerConfiguration conf = m.conf();
                json = conf.toJson();
                DropoutPlacement.check(conf);
                assertEquals(json, conf.toJson(), e.name());
            } else if (model instanceof HintonImageNetNet m) {
                ComputationGraphConfiguration conf = m.conf();
                json = conf.toJson();
                DropoutPlacement.check(conf);
                assertEquals(json, conf.toJson(), e.name());
            } else {
                continue;
            }
            checked++;
        }
        assertTrue(checked >= 8, "checked " + checked + " zoo configurations");
    }

    @Test
    void dropoutModelsFollowThePapersRecipeAndStandardOnesHaveNoDropoutOrBound() {
        MultiLayerConfiguration dropout = MnistMlp.of(MnistMlp.paper800(true)).conf();
        List<NeuralNetConfiguration> layers = dropout.getConfs();
        assertEquals(3, layers.size());
        assertEquals(0.8, ((BernoulliDropout) layers.get(0).getLayer().getIDropout()).retainProbability());
        assertEquals(0.5, ((BernoulliDropout) layers.get(1).getLayer().getIDropout()).retainProbability());
        assertEquals(0.5, ((BernoulliDropout) layers.get(2).getLayer().getIDropout()).retainProbability());
        Set<Long> seeds = new HashSet<>();
        for (NeuralNetConfiguration layer : layers) {
            BaseLayer l = (BaseLayer) layer.getLayer();
            seeds.add(((BernoulliDropout) l.getIDropout()).seed());
            assertTrue(l.getWeightNoise() instanceof TestTimeWeightScaling);
            if (layer == layers.get(2)) {
                assertTrue(
                        l.getConstraints() == null || l.getConstraints().isEmpty(), "Appendix A.1 bounds hidden units");
                continue;
            }
            assertEquals(1, l.getConstraints().size());
            assertEquals(15.0, ((PerUnitMaxNorm) l.getConstraints().get(0)).getMaxSquaredLength(), 1e-12);
        }
        assertEquals(3, seeds.size(), "every layer has its own dropout seed");

        for (NeuralNetConfiguration layer :
                MnistMlp.of(MnistMlp.paper800(false)).conf().getConfs()) {
            BaseLayer l = (BaseLayer) layer.getLayer();
            assertEquals(null, l.getIDropout());
            assertTrue(l.getConstraints() == null || l.getConstraints().isEmpty());
        }
    }

    @Test
    void layerDropoutSeedsDependOnModelSeedAndLayer() {
        assertNotEquals(FeedForwardZooModel.layerDropoutSeed(1, 0), FeedForwardZooModel.layerDropoutSeed(1, 1));
        assertNotEquals(FeedForwardZooModel.layerDropoutSeed(1, 0), FeedForwardZooModel.layerDropoutSeed(2, 0));
        assertEquals(FeedForwardZooModel.layerDropoutSeed(7, 2), FeedForwardZooModel.layerDropoutSeed(7, 2));
    }

    @Test
    void logisticOptionAndTimitFilterBanksChangeTheNetwork() {
        MlpConfig logistic = MnistMlp.paper800(true).withActivation(HiddenActivation.LOGISTIC);
        assertEquals(
                org.nd4j.linalg.activations.Activation.SIGMOID.getActivationFunction(),
                ((BaseLayer) MnistMlp.of(logistic).conf().getConf(0).getLayer()).getActivationFn());
        MlpConfig f26 = TimitMlp.paper(true, 26);
        assertEquals(21 * 26, f26.nIn());
        assertEquals("timit-4x4000-f26-dropout", f26.name());
    }

    @Test
    void badConfigurationsAndUnknownNamesAreRejectedWithTheValue() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> MnistMlp.paper800(true).withRetainProbabilities(1.5, 0.5));
        assertEquals("inputRetainProbability must be in (0, 1], got 1.5", e.getMessage());
        assertThrows(
                IllegalArgumentException.class, () -> MnistMlp.paper800(true).withHiddenSizes(List.of()));
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> ModelRegistry.standard().require("resnet50"))
                .getMessage()
                .contains("mnist-800x2-dropout"));
    }
}
