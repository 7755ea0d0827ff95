package io.github.dropout4j.dropout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropout4j.fixtures.LegacyFixtures;
import io.github.dropout4j.fixtures.LegacyModels;
import java.io.IOException;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;

/** Model zips and JSON written before the sealed retain probability (commit ea12509) still load and predict alike. */
class LegacyModelsTest {

    @Test
    void oldZipLoadsWithEveryKindOfRetainProbabilityAndGivesTheSavedOutputs() throws IOException {
        MultiLayerNetwork net = LegacyModels.restore("mlp");
        assertEquals(
                RetainProbability.fixed(0.8), Dropouts.of(net, 0).orElseThrow().retain());
        assertTrue(Dropouts.of(net, 1).orElseThrow().retain() instanceof RetainProbability.Scheduled);
        assertEquals(DropoutScaling.INVERTED, Dropouts.of(net, 2).orElseThrow().scaling());
        assertEquals(
                RetainProbability.perUnit(0.5, 0.6, 0.7, 0.8),
                Dropouts.of(net, 3).orElseThrow().retain());
        assertEquals(14, Dropouts.of(net, 3).orElseThrow().seed());
        // no training step was recorded then: the schedule is read at the counters, as that code did
        assertEquals(null, Dropouts.of(net, 1).orElseThrow().lastTrainingStep());
        LegacyModels.assertOutputsAsSaved(net, "mlp", LegacyFixtures.input(7, 6));
        DropoutPlacement.check(net.getLayerWiseConfigurations());
    }

    @Test
    void oldJsonLoadsToTheSameConfigurationAsTheZip() throws IOException {
        MultiLayerConfiguration fromJson = MultiLayerConfiguration.fromJson(LegacyModels.json("mlp"));
        assertEquals(LegacyModels.restore("mlp").getLayerWiseConfigurations(), fromJson);
        // and new JSON writes one field per kind of retain probability, which loads back equal
        String json = fromJson.toJson();
        assertTrue(!json.contains("NaN"), json);
        assertEquals(fromJson, MultiLayerConfiguration.fromJson(json));
    }

    @Test
    void oldModelsContinueTraining() throws IOException {
        MultiLayerNetwork net = LegacyModels.restore("mlp");
        net.fit(LegacyFixtures.input(7, 6), LegacyFixtures.labels(7, 3));
        assertEquals(
                new BernoulliDropout.TrainingStep(5, 0),
                Dropouts.of(net, 1).orElseThrow().lastTrainingStep());
    }
}
