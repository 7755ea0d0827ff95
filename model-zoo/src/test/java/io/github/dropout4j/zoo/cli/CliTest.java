package io.github.dropout4j.zoo.cli;

import static io.github.dropout4j.zoo.testsupport.CliRuns.assertOneLineError;
import static io.github.dropout4j.zoo.testsupport.CliRuns.concat;
import static io.github.dropout4j.zoo.testsupport.CliRuns.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropout4j.zoo.testsupport.Bits;
import io.github.dropout4j.zoo.testsupport.CliRuns;
import io.github.dropout4j.zoo.testsupport.CliRuns.Run;
import io.github.dropout4j.zoo.training.ModelZip;
import io.github.dropout4j.zoo.training.RunManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI end to end on tiny slices of the bundled digits (seconds each). */
class CliTest {

    @Test
    void modelsListsEveryZooModelWithItsParameterCount() {
        Run r = run("models");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("mnist-800x2-dropout"), r.out());
        assertTrue(
                r.out()
                        .lines()
                        .anyMatch(l -> l.startsWith("mnist-800x2 ")
                                && l.contains("1,276,810")
                                && l.contains("[784]")
                                && l.contains("Figure 1")),
                r.out());
        assertTrue(r.out().contains("52,116,185"), r.out());
    }

    @Test
    void reproduceMnistOnATinySliceWritesTableCsvAndPlot(@TempDir Path dir) throws IOException {
        Run r = run("reproduce", "mnist", "--limit", "500", "--epochs", "1", "--quiet", "--out", dir.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("Standard backprop"), r.out());
        assertTrue(r.out().contains("Dropout 50% hidden + 20% input"), r.out());
        assertTrue(r.out().contains("/ 1,000"), r.out());
        List<String> csv = Files.readAllLines(dir.resolve("errors.csv"));
        assertEquals(ErrorCurves.CSV_HEADER, csv.get(0));
        assertEquals(1 + 3, csv.size(), "one row per variant and epoch");
        assertTrue(csv.get(1).startsWith("standard,1,"), csv.get(1));
        byte[] png = Files.readAllBytes(dir.resolve("figure1.png"));
        assertEquals((byte) 0x89, png[0]);
        assertEquals('P', png[1]);
        assertTrue(Files.exists(dir.resolve("checkpoints/dropout-hidden-input.zip")));
    }

    @Test
    void userErrorsGiveOneLineAndANonZeroExitCode(@TempDir Path dir) throws IOException {
        assertOneLineError(
                run("reproduce", "mnist", "--epochs", "0"), Dropout4jCli.USER_ERROR, "--epochs must be >= 1");
        assertOneLineError(
                run("reproduce", "mnist", "--data", "/nonexistent"), Dropout4jCli.USER_ERROR, "/nonexistent");
        assertOneLineError(run("reproduce", "mnist", "--epochs", "x"), Dropout4jCli.USAGE, "--epochs");
        assertOneLineError(run("reproduce", "mnist", "--no-such-option"), Dropout4jCli.USAGE, "--no-such-option");
        assertOneLineError(run("train", "resnet50", "--out", dir.toString()), Dropout4jCli.USER_ERROR, "unknown model");
        assertOneLineError(run("train", "timit-4x4000", "--out", dir.toString()), Dropout4jCli.USER_ERROR, "timit");
        assertOneLineError(
                run("evaluate", dir.resolve("missing.zip").toString()), Dropout4jCli.USER_ERROR, "no such file");
        assertOneLineError(run("reproduce", "mnist", "--limit", "9000"), Dropout4jCli.USER_ERROR, "--limit");

        Path corrupt = Files.createDirectories(dir.resolve("corrupt"));
        Path bundled = io.github.dropout4j.zoo.data.MnistDataAccess.bundledDir();
        try (Stream<Path> files = Files.list(bundled)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".gz")).toList()) {
                Files.copy(f, corrupt.resolve(f.getFileName()));
            }
        }
        Files.delete(corrupt.resolve("test-images-idx3-ubyte.gz"));
        Files.write(corrupt.resolve("test-images-idx3-ubyte"), new byte[] {0, 0, 8, 1, 0, 0, 0, 1});
        assertOneLineError(
                run("reproduce", "mnist", "--data", corrupt.toString()), Dropout4jCli.USER_ERROR, "bad data: ");
    }

    /** 2 epochs straight, or 1 epoch then a resumed 2nd: the same parameters, bit for bit. */
    @Test
    void resumedRunEqualsUninterruptedRun(@TempDir Path dir) throws IOException {
        String[] common = {"--limit", "300", "--seed", "7", "--quiet"};
        Path straight = dir.resolve("straight");
        Path resumed = dir.resolve("resumed");
        assertEquals(
                0,
                run(concat(
                                new String[] {
                                    "train", "mnist-800x2-dropout", "--epochs", "2", "--out", straight.toString()
                                },
                                common))
                        .exitCode());
        assertEquals(
                0,
                run(concat(
                                new String[] {
                                    "train", "mnist-800x2-dropout", "--epochs", "1", "--out", resumed.toString()
                                },
                                common))
                        .exitCode());
        Run second = run(concat(
                new String[] {"train", "mnist-800x2-dropout", "--epochs", "2", "--resume", "--out", resumed.toString()},
                common));
        assertEquals(0, second.exitCode(), second.err());

        MultiLayerNetwork a = ModelSerializer.restoreMultiLayerNetwork(
                straight.resolve("model.zip").toFile(), true);
        MultiLayerNetwork b = ModelSerializer.restoreMultiLayerNetwork(
                resumed.resolve("model.zip").toFile(), true);
        assertEquals(2, b.getEpochCount());
        assertEquals(a.getIterationCount(), b.getIterationCount());
        Bits.assertSameBits(a.params(), b.params(), "parameters after resume");
        Bits.assertSameBits(a.getUpdater().getStateViewArray(), b.getUpdater().getStateViewArray(), "momentum state");
        assertEquals(
                Files.readAllLines(straight.resolve("errors.csv")).stream()
                        .map(CliRuns::withoutTime)
                        .toList(),
                Files.readAllLines(resumed.resolve("errors.csv")).stream()
                        .map(CliRuns::withoutTime)
                        .toList());

        Run again = run(concat(
                new String[] {"train", "mnist-800x2-dropout", "--epochs", "2", "--out", resumed.toString()}, common));
        assertEquals(Dropout4jCli.USER_ERROR, again.exitCode(), "an existing checkpoint without --resume");
        Run other = run(concat(
                new String[] {
                    "train",
                    "mnist-800x2-dropout",
                    "--epochs",
                    "3",
                    "--resume",
                    "--batch",
                    "50",
                    "--out",
                    resumed.toString()
                },
                common));
        assertEquals(Dropout4jCli.USER_ERROR, other.exitCode(), "resume with a different batch size");
    }

    @Test
    void evaluateAndExportMeanNetworkOnATrainedModel(@TempDir Path dir) throws IOException {
        assertEquals(
                0,
                run(
                                "train",
                                "mnist-800x2-dropout",
                                "--epochs",
                                "1",
                                "--limit",
                                "300",
                                "--quiet",
                                "--out",
                                dir.toString())
                        .exitCode());
        RunManifest m = ModelZip.readManifest(dir.resolve("model.zip")).orElseThrow();
        assertEquals(
                List.of("mnist-800x2-dropout", "mnist", "short", "relu", "false", 1),
                List.of(
                        m.model(),
                        m.dataset(),
                        m.recipe(),
                        m.settings().get("activation"),
                        m.settings().get("boundOutputUnits"),
                        m.epochsDone()),
                "the run manifest inside model.zip (max-norm on hidden units only)");
        Run eval = run("evaluate", dir.resolve("model.zip").toString(), "--limit", "200");
        assertEquals(0, eval.exitCode(), eval.err());
        assertTrue(eval.out().contains("/ 200 errors"), eval.out());
        Run export = run(
                "export-mean-network",
                dir.resolve("model.zip").toString(),
                "--out",
                dir.resolve("mean.zip").toString());
        assertEquals(0, export.exitCode(), export.err());
        assertTrue(export.out().contains("largest output difference"), export.out());
        Run evalMean = run("evaluate", dir.resolve("mean.zip").toString(), "--limit", "200");
        assertEquals(
                eval.out().replace("model.zip", ""),
                evalMean.out().replace("mean.zip", ""),
                "the exported mean network makes the same predictions");
    }

    /**
     * {@code sweep --model lenet} on a 2 x 1 x 2 grid at tiny size (one step per run): every run's seed is explicit,
     * so the same command gives the same table and the same per-run errors; the wall time is printed last.
     */
    @Test
    void sweepLenetGivesTheSameTableForTheSameSeeds(@TempDir Path dir) throws Exception {
        String[] args = {
            "sweep",
            "--model",
            "lenet",
            "--drop",
            "0,0.5",
            "--max-norm",
            "3",
            "--seeds",
            "2",
            "--epochs",
            "1",
            "--limit",
            "100",
            "--quiet",
            "--out"
        };
        Run first = run(concat(args, dir.resolve("a").toString()));
        Run second = run(concat(args, dir.resolve("b").toString()));
        assertEquals(0, first.exitCode(), first.err());
        List<String> table = first.out()
                .lines()
                .filter(l -> l.matches("^0\\.(00|50) .*\\+/-.*"))
                .toList();
        assertEquals(2, table.size(), first.out());
        assertTrue(first.out().contains("LeNet conv5x5x20-pool2-conv5x5x50-pool2-500-10"), first.out());
        assertEquals(
                table,
                second.out()
                        .lines()
                        .filter(l -> l.matches("^0\\.(00|50) .*\\+/-.*"))
                        .toList());
        assertEquals(Files.readString(dir.resolve("a/sweep.csv")), Files.readString(dir.resolve("b/sweep.csv")));
        assertEquals(5, Files.readAllLines(dir.resolve("a/sweep.csv")).size(), "header + 2 x 1 x 2 runs");
        assertTrue(
                first.out()
                        .strip()
                        .lines()
                        .reduce((x, y) -> y)
                        .orElseThrow()
                        .matches("Wall time: \\d+ min \\d\\d s \\(4 runs, .* s per run\\)"),
                first.out());
        assertOneLineError(
                run("sweep", "--model", "lenet", "--hidden", "16"),
                Dropout4jCli.USER_ERROR,
                "--hidden applies to --model mlp only");
    }

    @Test
    void sweepPrintsMeanAndStdPerCell() {
        Run r = run(
                "sweep",
                "--drop",
                "0,0.5",
                "--max-norm",
                "0,3",
                "--seeds",
                "2",
                "--epochs",
                "1",
                "--hidden",
                "16",
                "--limit",
                "300",
                "--quiet");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(
                2,
                r.out()
                        .lines()
                        .filter(l -> l.matches("^0\\.(00|50) .*\\+/-.*\\+/-.*"))
                        .count(),
                r.out());
    }
}
