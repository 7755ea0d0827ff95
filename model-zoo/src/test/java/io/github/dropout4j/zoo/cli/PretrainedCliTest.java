package io.github.dropout4j.zoo.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropout4j.zoo.data.DownloadOptions;
import io.github.dropout4j.zoo.pretrained.PretrainedWeights;
import io.github.dropout4j.zoo.pretrained.TrainedOn;
import io.github.dropout4j.zoo.pretrained.WeightsEntry;
import io.github.dropout4j.zoo.pretrained.WeightsRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code models}, {@code pull}, {@code evaluate --pretrained}, {@code publish} and {@code --offline} in process,
 * with the weights cache in a temp directory and the release location switched off, so the weights come from the
 * repository's shipped copy as on a fresh clone without network.
 */
class PretrainedCliTest {
    @TempDir
    Path cache;

    @BeforeEach
    void isolate() {
        System.setProperty(PretrainedWeights.CACHE_PROPERTY, cache.toString());
        System.setProperty(PretrainedWeights.RELEASE_PROPERTY, "none");
    }

    @AfterEach
    void restore() {
        for (String p : List.of(
                PretrainedWeights.CACHE_PROPERTY,
                PretrainedWeights.RELEASE_PROPERTY,
                PretrainedWeights.SHIPPED_PROPERTY,
                DownloadOptions.OFFLINE_PROPERTY)) {
            System.clearProperty(p);
        }
    }

    @Test
    void modelsMarksWhichModelsHaveWeights() {
        io.github.dropout4j.zoo.testsupport.CliRuns.Run r = io.github.dropout4j.zoo.testsupport.CliRuns.run("models");
        assertEquals(0, r.exitCode(), r.err());
        WeightsEntry e = WeightsRegistry.standard().require("mnist-800x2-dropout", TrainedOn.FASHION_MNIST);
        assertTrue(
                r.out()
                        .lines()
                        .anyMatch(l -> l.startsWith("mnist-800x2-dropout ")
                                && l.contains("mnist-bundled ")
                                && l.contains(String.format(
                                        java.util.Locale.ROOT, "fashion-mnist %.2f%%", e.testErrorPercent()))),
                r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("mnist-1200x2 ") && l.contains(" - ")), r.out());
    }

    @Test
    void pullOfflineCopiesTheShippedFileIntoTheCacheThenUsesTheCache() {
        WeightsEntry e = WeightsRegistry.standard().require("mnist-800x2-dropout", TrainedOn.MNIST_BUNDLED);
        io.github.dropout4j.zoo.testsupport.CliRuns.Run first =
                io.github.dropout4j.zoo.testsupport.CliRuns.run("pull", "mnist-800x2-dropout", "--offline");
        assertEquals(0, first.exitCode(), first.err());
        assertTrue(first.out().contains(cache.resolve(e.file()).toString()), first.out());
        assertTrue(first.out().contains("from file:") && first.out().contains("/pretrained/"), first.out());
        io.github.dropout4j.zoo.testsupport.CliRuns.Run second = io.github.dropout4j.zoo.testsupport.CliRuns.run(
                "pull", "mnist-800x2-dropout", "--data-set", "mnist-bundled");
        assertEquals(0, second.exitCode(), second.err());
        assertTrue(second.out().contains("from the cache"), second.out());
    }

    @Test
    void pullErrorsAreOneLine() {
        System.setProperty(PretrainedWeights.SHIPPED_PROPERTY, "none");
        io.github.dropout4j.zoo.testsupport.CliRuns.Run offline = io.github.dropout4j.zoo.testsupport.CliRuns.run(
                "pull", "mnist-800x2", "--data-set", "fashion-mnist", "--offline");
        assertOneLine(offline, "mnist-800x2 (pretrained on fashion-mnist)", "offline mode", cache.toString());
        assertOneLine(
                io.github.dropout4j.zoo.testsupport.CliRuns.run("pull", "mnist-1200x2"),
                "mnist-1200x2 has no pretrained weights; models with weights");
        assertOneLine(
                io.github.dropout4j.zoo.testsupport.CliRuns.run("pull", "mnist-800x2", "--data-set", "svhn"),
                "unknown data set 'svhn'");
        assertOneLine(io.github.dropout4j.zoo.testsupport.CliRuns.run("pull", "resnet50"), "unknown model 'resnet50'");
        System.setProperty(DownloadOptions.OFFLINE_PROPERTY, "maybe");
        assertOneLine(
                io.github.dropout4j.zoo.testsupport.CliRuns.run("pull", "mnist-800x2"),
                "-D" + DownloadOptions.OFFLINE_PROPERTY,
                "'maybe'");
        System.setProperty(DownloadOptions.OFFLINE_PROPERTY, "1");
        assertOneLine(
                io.github.dropout4j.zoo.testsupport.CliRuns.run("pull", "mnist-800x2"),
                "offline mode",
                "is not in the cache");
    }

    /** Issue 18: {@code --offline} (or the property/variable) reaches the data downloader too. */
    @Test
    void offlineFlagReachesTheDataDownloader(@TempDir Path dir) {
        io.github.dropout4j.zoo.testsupport.CliRuns.Run flag = io.github.dropout4j.zoo.testsupport.CliRuns.run(
                "reproduce",
                "mnist",
                "--download",
                "--offline",
                "--data",
                dir.toString(),
                "--epochs",
                "1",
                "--quiet",
                "--out",
                dir.resolve("run").toString());
        assertOneLine(flag, "offline mode: train-images-idx3-ubyte.gz is not in the cache " + dir.resolve("mnist"));
        System.setProperty(DownloadOptions.OFFLINE_PROPERTY, "true");
        io.github.dropout4j.zoo.testsupport.CliRuns.Run property = io.github.dropout4j.zoo.testsupport.CliRuns.run(
                "train",
                "mnist-800x2",
                "--download",
                "--data",
                dir.toString(),
                "--epochs",
                "1",
                "--quiet",
                "--out",
                dir.resolve("run2").toString());
        assertOneLine(property, "offline mode: train-images-idx3-ubyte.gz is not in the cache");
    }

    private static void assertOneLine(io.github.dropout4j.zoo.testsupport.CliRuns.Run r, String... parts) {
        assertEquals(Dropout4jCli.USER_ERROR, r.exitCode(), r.out() + r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        for (String p : parts) {
            assertTrue(r.err().contains(p), "lacks '" + p + "': " + r.err());
        }
    }

    @Test
    void evaluatePretrainedReproducesTheRecordedTestError() {
        WeightsEntry e = WeightsRegistry.standard().require("mnist-800x2", TrainedOn.MNIST_BUNDLED);
        io.github.dropout4j.zoo.testsupport.CliRuns.Run r =
                io.github.dropout4j.zoo.testsupport.CliRuns.run("evaluate", "mnist-800x2", "--pretrained", "--offline");
        assertEquals(0, r.exitCode(), r.err());
        String errors = String.format(java.util.Locale.ROOT, "%,d / %,d", e.testErrors(), e.testExamples());
        assertTrue(r.out().contains("mean network: " + errors + " errors"), r.out());
        assertTrue(r.out().contains("the registry records " + errors), r.out());
    }

    @Test
    void publishWritesAReproducibleWeightsFileAndItsRegistryEntry(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        io.github.dropout4j.zoo.testsupport.CliRuns.Run train = io.github.dropout4j.zoo.testsupport.CliRuns.run(
                "train", "mnist-800x2", "--epochs", "1", "--limit", "300", "--quiet", "--out", run.toString());
        assertEquals(0, train.exitCode(), train.err());
        String commit = "0123456789abcdef0123456789abcdef01234567";
        Path registry = dir.resolve("registry.json");
        io.github.dropout4j.zoo.testsupport.CliRuns.Run pub = io.github.dropout4j.zoo.testsupport.CliRuns.run(
                "publish",
                run.resolve("model.zip").toString(),
                "--registry",
                registry.toString(),
                "--code-version",
                commit,
                "--command",
                "by hand");
        assertEquals(0, pub.exitCode(), pub.err());
        WeightsEntry e = WeightsRegistry.read(registry).require("mnist-800x2", TrainedOn.MNIST_BUNDLED);
        Path file = run.resolve("mnist-800x2.mnist-bundled.zip");
        assertEquals(Files.size(file), e.sizeBytes());
        assertEquals(
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))),
                e.sha256());
        assertEquals(commit, e.codeVersion());
        assertEquals("by hand", e.command());
        assertEquals(1000, e.testExamples());
        io.github.dropout4j.zoo.testsupport.CliRuns.Run eval = io.github.dropout4j.zoo.testsupport.CliRuns.run(
                "evaluate", run.resolve("model.zip").toString());
        assertTrue(
                eval.out().contains(String.format(java.util.Locale.ROOT, "%,d / 1,000 errors", e.testErrors())),
                "publish measures what evaluate measures: " + eval.out() + pub.out());
        assertTrue(pub.out().contains("\"sha256\" : \"" + e.sha256() + "\""), pub.out());

        io.github.dropout4j.zoo.testsupport.CliRuns.Run again = io.github.dropout4j.zoo.testsupport.CliRuns.run(
                "publish",
                run.resolve("model.zip").toString(),
                "--out",
                dir.resolve("again").toString(),
                "--code-version",
                commit);
        assertEquals(0, again.exitCode(), again.err());
        assertArrayEquals(
                Files.readAllBytes(file),
                Files.readAllBytes(dir.resolve("again").resolve(file.getFileName())),
                "the same network gives the same bytes");
        assertOneLine(
                io.github.dropout4j.zoo.testsupport.CliRuns.run(
                        "publish",
                        dir.resolve("nothing.zip").toString(),
                        "--model",
                        "mnist-800x2",
                        "--code-version",
                        commit),
                "no such file");
        assertOneLine(
                io.github.dropout4j.zoo.testsupport.CliRuns.run(
                        "publish", run.resolve("model.zip").toString(), "--model", "lenet", "--code-version", commit),
                "lenet: publish handles the fully connected MNIST models (mnist-*) only");
    }
}
