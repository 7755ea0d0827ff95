package io.github.dropout4j.zoo.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunManifestTest {

    private static RunManifest sample() {
        return RunManifest.fresh(
                        "cifar10-dropout",
                        "cifar10",
                        "first 32 training images",
                        "short",
                        Map.of("seed", "5", "batch", "16"))
                .withPreprocessing("pixelMean", "objects/dropout4j-cifar10-pixel-mean")
                .withClassNames(List.of("airplane", "automobile"))
                .plus(new EpochRecord(1, 0, 0, 431, 500, 2.2925, 0.02, 32, 1.5))
                .plus(new EpochRecord(2, 3, 10, 400, 500, 4.5));
    }

    @Test
    void jsonRoundTripKeepsEveryFieldIncludingUnmeasuredValues() throws IOException {
        RunManifest m = sample();
        RunManifest back = RunManifest.fromJson(m.toJson(), "m.zip");
        assertEquals(m, back);
        assertTrue(Double.isNaN(back.history().get(1).trainLoss()), "NaN (not recorded) survives as JSON null");
        assertTrue(m.toJson().contains("\"formatVersion\" : 1"), m.toJson());
    }

    @Test
    void unknownVersionOrMissingFieldIsAnErrorNamingTheFile() {
        String json = sample().toJson();
        IOException version = assertThrows(
                IOException.class,
                () -> RunManifest.fromJson(
                        json.replace("\"formatVersion\" : 1", "\"formatVersion\" : 2"), "runs/a/model.zip"));
        assertTrue(
                version.getMessage().startsWith("runs/a/model.zip")
                        && version.getMessage().contains("formatVersion 2"),
                version.getMessage());
        IOException missing = assertThrows(
                IOException.class,
                () -> RunManifest.fromJson(json.replace("\"recipe\"", "\"recipeName\""), "runs/b/model.zip"));
        assertTrue(
                missing.getMessage().startsWith("runs/b/model.zip")
                        && missing.getMessage().contains("'recipe'"),
                missing.getMessage());
        IOException notJson = assertThrows(IOException.class, () -> RunManifest.fromJson("{oops", "c.zip"));
        assertTrue(notJson.getMessage().startsWith("c.zip"), notJson.getMessage());
        IOException other = assertThrows(IOException.class, () -> RunManifest.fromJson("{\"format\": \"x\"}", "d.zip"));
        assertTrue(other.getMessage().contains("not a dropout4j run manifest"), other.getMessage());
    }

    @Test
    void resumingRequiresTheSameRunAndNamesEachDifference() {
        RunManifest saved = sample();
        RunManifest same = RunManifest.fresh(
                "cifar10-dropout", "cifar10", "first 32 training images", "short", Map.of("seed", "5", "batch", "16"));
        same.requireSameRunAs(saved, "m.zip");
        RunManifest other = RunManifest.fresh(
                "cifar10-dropout", "cifar10", "first 32 training images", "paper", Map.of("seed", "6", "batch", "16"));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> other.requireSameRunAs(saved, "m.zip"));
        assertTrue(
                e.getMessage().contains("[recipe=short, seed=5]")
                        && e.getMessage().contains("[recipe=paper, seed=6]"),
                e.getMessage());
    }

    /**
     * A cut or damaged manifest says what was expected and names the file (issue 18's truncated run states, ported to
     * the run manifest that replaced them).
     */
    @Test
    void truncatedManifestsSayWhatWasExpected() {
        String json = sample().toJson();
        IOException cut = assertThrows(
                IOException.class,
                () -> RunManifest.fromJson(json.substring(0, json.length() - 3), "runs/t/model.zip"));
        assertTrue(
                cut.getMessage().startsWith("runs/t/model.zip")
                        && cut.getMessage().contains("not valid JSON"),
                cut.getMessage());
        IOException record = assertThrows(
                IOException.class,
                () -> RunManifest.fromJson(json.replaceFirst("\"testErrors\" : 431,", ""), "runs/t/model.zip"));
        assertTrue(record.getMessage().contains("no field 'testErrors'"), record.getMessage());
        IOException badNumber = assertThrows(
                IOException.class,
                () -> RunManifest.fromJson(
                        json.replaceFirst("\"testErrors\" : 431", "\"testErrors\" : \"x\""), "m.zip"));
        assertTrue(badNumber.getMessage().contains("'testErrors' is not an integer"), badNumber.getMessage());
        IOException foreign = assertThrows(IOException.class, () -> RunManifest.fromJson("\"hello\"", "m.zip"));
        assertTrue(foreign.getMessage().contains("not a dropout4j run manifest"), foreign.getMessage());
    }
}
