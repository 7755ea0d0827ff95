package io.github.dropout4j.zoo.cli;

import static io.github.dropout4j.zoo.testsupport.CliRuns.imageNetSynthetic;
import static io.github.dropout4j.zoo.testsupport.CliRuns.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropout4j.zoo.testsupport.CliRuns;
import io.github.dropout4j.zoo.testsupport.CliRuns.Run;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model zips written before the run manifest (fixtures in {@code src/test/resources/legacy-model-zips}, made by the
 * code of commit ea12509): {@code evaluate} still loads them; {@code --resume} refuses them with one line.
 */
class LegacyModelZipsTest {

    private static Path copy(Path dir, String... files) throws IOException {
        Path to = Files.createDirectories(dir);
        for (String f : files) {
            try (InputStream in = LegacyModelZipsTest.class.getResourceAsStream("/legacy-model-zips/" + f)) {
                Files.copy(in, to.resolve(Path.of(f).getFileName()));
            }
        }
        return to;
    }

    @Test
    void oldZipsOfAllThreeDataSetsStillEvaluate(@TempDir Path dir) throws IOException {
        Path mnist = copy(dir.resolve("mnist"), "mnist/checkpoint.zip", "mnist/checkpoint.zip.state");
        Run m = run("evaluate", mnist.resolve("checkpoint.zip").toString(), "--limit", "200");
        assertEquals(0, m.exitCode(), m.err());
        assertTrue(m.out().contains("/ 200 errors"), m.out());

        Path cifar = copy(dir.resolve("cifar10"), "cifar10/model.zip");
        Run c = run("evaluate", cifar.resolve("model.zip").toString());
        assertEquals(0, c.exitCode(), c.err());
        assertTrue(c.out().contains("pixel mean subtracted") && c.out().contains("/ 500 errors"), c.out());

        Path imageNet = copy(dir.resolve("imagenet"), "imagenet/model.zip", "imagenet/imagenet-statistics.bin");
        Run i = run(
                "evaluate",
                imageNet.resolve("model.zip").toString(),
                "--data",
                imageNetSynthetic().toString());
        assertEquals(0, i.exitCode(), i.err());
        assertTrue(i.out().contains("ten views") && i.out().contains("/ 12)"), i.out());
    }

    @Test
    void oldZipsRefuseToResumeWithOneLine(@TempDir Path dir) throws IOException {
        Path mnist = copy(dir.resolve("mnist"), "mnist/checkpoint.zip", "mnist/checkpoint.zip.state");
        assertOneLine(
                run(
                        "train",
                        "mnist-800x2-dropout",
                        "--epochs",
                        "2",
                        "--limit",
                        "100",
                        "--resume",
                        "--quiet",
                        "--out",
                        mnist.toString()),
                "MNIST checkpoint");
        Path cifar = copy(dir.resolve("cifar10"), "cifar10/model.zip");
        assertOneLine(
                run(
                        "train",
                        "cifar10",
                        "--dropout",
                        "--epochs",
                        "2",
                        "--limit",
                        "32",
                        "--batch",
                        "16",
                        "--resume",
                        "--quiet",
                        "--out",
                        cifar.toString()),
                "CIFAR-10 model zip");
        Path imageNet = copy(dir.resolve("imagenet"), "imagenet/model.zip", "imagenet/imagenet-statistics.bin");
        assertOneLine(
                run(
                        "train",
                        "imagenet",
                        "--data",
                        imageNetSynthetic().toString(),
                        "--epochs",
                        "2",
                        "--width-divisor",
                        "16",
                        "--fc-units",
                        "4",
                        "--resume",
                        "--quiet",
                        "--out",
                        imageNet.toString()),
                "ImageNet model zip");
    }

    private static void assertOneLine(Run r, String kind) {
        CliRuns.assertOneLineError(r, Dropout4jCli.USER_ERROR, kind);
        assertTrue(r.err().contains("before run manifests") && r.err().contains("cannot be resumed"), r.err());
    }
}
