package io.github.dropout4j.zoo.pretrained;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropout4j.zoo.models.ModelRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.Adler32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The weights registry: its JSON round trip, validation with errors naming entry and field, and the shipped
 * registry against the shipped files (this is how the Fashion-MNIST entries are tested in {@code mvn verify}:
 * their files' size, SHA-256 and Adler-32; their test errors are measured by {@code publish} from the Debian
 * data, which the test build does not have).
 */
class WeightsRegistryTest {
    static final String SHA = "ab".repeat(32);
    static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    static WeightsEntry entry(String model, TrainedOn on, String file) {
        return new WeightsEntry(
                model,
                on,
                file,
                1234,
                SHA,
                99,
                28,
                1000,
                "pretrained/make-weights.sh " + model,
                COMMIT,
                List.of(URI.create("https://example.org/weights")));
    }

    @Test
    void jsonRoundTripGivesEqualEntries(@TempDir Path dir) throws IOException {
        WeightsRegistry r = new WeightsRegistry(List.of(
                entry("mnist-800x2", TrainedOn.MNIST_BUNDLED, "a.zip"),
                entry("mnist-800x2", TrainedOn.FASHION_MNIST, "b.zip")));
        WeightsRegistry back = WeightsRegistry.parse(r.toJson(), "test");
        assertEquals(r.entries(), back.entries());
        assertEquals(
                URI.create("https://example.org/weights/"),
                back.entries().get(0).mirrors().get(0),
                "base URLs get their trailing slash");
        r.write(dir.resolve("r.json"));
        assertEquals(r.entries(), WeightsRegistry.read(dir.resolve("r.json")).entries());
        WeightsEntry changed = entry("mnist-800x2", TrainedOn.FASHION_MNIST, "c.zip");
        assertEquals(
                List.of("a.zip", "c.zip"),
                r.with(changed).entries().stream().map(WeightsEntry::file).toList(),
                "with() replaces the entry of the same model and data set");
    }

    @Test
    void malformedRegistriesAreClearErrors() {
        String good = new WeightsRegistry(List.of(entry("mnist-800x2", TrainedOn.MNIST_BUNDLED, "a.zip"))).toJson();
        assertError(
                good.replace("\"formatVersion\" : 1", "\"formatVersion\" : 2"),
                "unknown formatVersion 2",
                "reads version 1");
        assertError(good.replace("  \"formatVersion\" : 1,\n", ""), "formatVersion", "missing");
        assertError(
                good.replaceAll("\"sha256\" : \"[0-9a-f]+\",", ""),
                "weights[0] (mnist-800x2)",
                "field 'sha256' is missing");
        assertError(
                good.replace(SHA, SHA.substring(2)),
                "weights[0] (mnist-800x2)",
                "sha256 must be 64 hex digits",
                "62 characters");
        assertError(good.replace("\"sizeBytes\" : 1234", "\"sizeBytes\" : -5"), "sizeBytes must be > 0, got -5");
        assertError(good.replace("\"testErrors\" : 28", "\"testErrors\" : 1001"), "testErrors must be in 0..1000");
        assertError(
                good.replace("\"dataSet\" : \"mnist-bundled\"", "\"dataSet\" : \"svhn\""), "unknown data set 'svhn'");
        assertError(good.replace(COMMIT, "main"), "codeVersion must be a git commit");
        assertError(good.replace("\"adler32\"", "\"adler\""), "unknown field 'adler'");
        assertError(good.replace("\"sizeBytes\" : 1234", "\"sizeBytes\" : \"1234\""), "'sizeBytes' must be an integer");
        assertError(good.replace("https://example.org/weights", "ftp://example.org/"), "http or https");
        assertError(good.substring(0, good.length() / 2), "not valid JSON");
        String twice = new WeightsRegistry(List.of(entry("mnist-800x2", TrainedOn.MNIST_BUNDLED, "a.zip")))
                .toJson()
                .replace(
                        "[ {",
                        "[ " + WeightsRegistry.toJson(entry("mnist-800x2", TrainedOn.MNIST_BUNDLED, "b.zip")) + ", {");
        assertError(twice, "two weights entries for mnist-800x2 on mnist-bundled");
    }

    private static void assertError(String json, String... parts) {
        WeightsRegistryFormatException e =
                assertThrows(WeightsRegistryFormatException.class, () -> WeightsRegistry.parse(json, "reg.json"));
        assertTrue(e.getMessage().startsWith("reg.json"), e.getMessage());
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "message lacks '" + p + "': " + e.getMessage());
        }
    }

    @Test
    void missingWeightsNameWhatExists() {
        WeightsRegistry r = new WeightsRegistry(List.of(entry("mnist-800x2", TrainedOn.MNIST_BUNDLED, "a.zip")));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> r.require("mnist-800x2", TrainedOn.FASHION_MNIST));
        assertTrue(
                e.getMessage()
                        .contains("mnist-800x2 has no pretrained weights for fashion-mnist; it has them for: "
                                + "mnist-bundled (TrainedOn.MNIST_BUNDLED or PretrainedType.MNIST)"),
                e.getMessage());
        assertTrue(r.describeMissing("mnist-1200x2", "mnist-bundled")
                .contains("models with weights: mnist-800x2 " + "(mnist-bundled)"));
        assertEquals(TrainedOn.FASHION_MNIST, TrainedOn.parse("Fashion-MNIST"));
        assertEquals(TrainedOn.FASHION_MNIST, TrainedOn.parse("FASHION_MNIST"));
        assertEquals(
                TrainedOn.MNIST_BUNDLED,
                TrainedOn.of(org.deeplearning4j.zoo.PretrainedType.MNIST).orElseThrow());
        assertTrue(TrainedOn.of(org.deeplearning4j.zoo.PretrainedType.IMAGENET).isEmpty());
    }

    /** The shipped registry: both data sets for both required models, each file shipped with its recorded bytes. */
    @Test
    void shippedRegistryMatchesTheShippedFiles() throws Exception {
        WeightsRegistry r = WeightsRegistry.standard();
        Set<String> pairs = r.entries().stream()
                .map(e -> e.model() + "/" + e.trainedOn().id())
                .collect(Collectors.toSet());
        for (String model : List.of("mnist-800x2", "mnist-800x2-dropout")) {
            for (TrainedOn on : TrainedOn.values()) {
                assertTrue(pairs.contains(model + "/" + on.id()), "no entry for " + model + " on " + on.id());
            }
        }
        Path shipped = PretrainedWeights.findShippedDir();
        assertNotNull(shipped, "the repository's pretrained/ folder");
        for (WeightsEntry e : r.entries()) {
            assertTrue(ModelRegistry.standard().find(e.model()).isPresent(), e.model());
            assertEquals(
                    "pretrained/make-weights.sh " + e.model() + " "
                            + e.trainedOn().id(),
                    e.command());
            assertEquals(
                    URI.create(PretrainedWeights.RELEASE_BASE_URL), e.mirrors().get(0), "release location first");
            Path f = shipped.resolve(e.file());
            assertEquals(e.sizeBytes(), Files.size(f), f.toString());
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            Adler32 adler = new Adler32();
            try (InputStream in = Files.newInputStream(f)) {
                byte[] all = in.readAllBytes();
                sha.update(all);
                adler.update(all);
            }
            assertEquals(e.sha256(), HexFormat.of().formatHex(sha.digest()), f.toString());
            assertEquals(e.adler32(), adler.getValue(), f.toString());
            assertFalse(e.testErrors() == 0, "a recorded test error of exactly 0 would be suspicious: " + e);
            assertEquals(e.trainedOn() == TrainedOn.MNIST_BUNDLED ? 1000 : 10_000, e.testExamples());
        }
    }
}
