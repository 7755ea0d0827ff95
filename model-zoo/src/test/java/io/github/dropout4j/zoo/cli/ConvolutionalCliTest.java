package io.github.dropout4j.zoo.cli;

import static io.github.dropout4j.zoo.testsupport.CliRuns.concat;
import static io.github.dropout4j.zoo.testsupport.CliRuns.imageNetSynthetic;
import static io.github.dropout4j.zoo.testsupport.CliRuns.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropout4j.zoo.data.Cifar10Data;
import io.github.dropout4j.zoo.data.Cifar10DataSetIterator;
import io.github.dropout4j.zoo.data.Cifar10Records;
import io.github.dropout4j.zoo.data.PixelMeanNormalizer;
import io.github.dropout4j.zoo.testsupport.Bits;
import io.github.dropout4j.zoo.testsupport.CliRuns;
import io.github.dropout4j.zoo.testsupport.CliRuns.Run;
import io.github.dropout4j.zoo.training.ModelZip;
import io.github.dropout4j.zoo.training.RunManifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * LeNet on the bundled digits, and the CIFAR-10 and ImageNet commands, end to end on tiny slices of the shipped
 * synthetic sets (seconds each).
 */
class ConvolutionalCliTest {

    @Test
    void modelsListsTheConvolutionalNetsWithTheirParameterCounts() {
        Run r = run("models");
        assertEquals(0, r.exitCode(), r.err());
        for (String[] nameAndCount : new String[][] {
            {"lenet ", "431,080"},
            {"lenet-dropout ", "431,080"},
            {"cifar10 ", "220,042"},
            {"cifar10-dropout ", "360,074"},
            {"hinton-imagenet ", "96,895,208"},
            {"hinton-imagenet-nodropout ", "18,948,328"},
            {"alexnet-dropout ", "60,965,224"}
        }) {
            assertTrue(
                    r.out().lines().anyMatch(l -> l.startsWith(nameAndCount[0]) && l.contains(nameAndCount[1])),
                    nameAndCount[0] + " with " + nameAndCount[1] + " in\n" + r.out());
        }
    }

    /** Train 1 epoch on 32 synthetic images, then evaluate: the same error, so the stored pixel mean was applied. */
    @Test
    void trainCifar10DropoutThenEvaluateGivesTheSameTestError(@TempDir Path dir) {
        Run train = run(
                "train",
                "cifar10",
                "--dropout",
                "--epochs",
                "1",
                "--limit",
                "32",
                "--batch",
                "16",
                "--out",
                dir.toString());
        assertEquals(0, train.exitCode(), train.err());
        assertTrue(train.out().contains("cifar10-dropout epoch 1/1: train loss "), train.out());
        assertTrue(Files.isRegularFile(dir.resolve("model.zip")));
        assertEquals(2, lines(dir.resolve("errors.csv")).size(), "header + one epoch");
        Matcher trained = Pattern.compile("test errors (\\d+) / 500").matcher(train.out());
        assertTrue(trained.find(), train.out());

        Run eval = run("evaluate", dir.resolve("model.zip").toString());
        assertEquals(0, eval.exitCode(), eval.err());
        assertTrue(
                eval.out().contains("pixel mean subtracted: " + trained.group(1) + " / 500 errors"),
                "evaluate must apply the zip's pixel mean and match training's last test error: " + eval.out() + " vs "
                        + train.out());
    }

    /**
     * Appendix F trains on centred raw RGB values: the paper recipe's model zip carries pixel scale 255, and the
     * stored preprocessing maps a test pixel byte b to b - (mean of that pixel's bytes over the training images),
     * computed here by hand from the raw records; the short recipe keeps the [0, 1] scale.
     */
    @Test
    void paperRecipeTrainsOnCentredRawRgbValuesAndTheZipCarriesThem(@TempDir Path dir) throws IOException {
        Run train = run(
                "train",
                "cifar10",
                "--recipe",
                "PAPER",
                "--epochs",
                "1",
                "--limit",
                "32",
                "--batch",
                "16",
                "--quiet",
                "--out",
                dir.toString());
        assertEquals(0, train.exitCode(), train.err());
        assertTrue(train.out().contains("raw RGB 0..255"), train.out());
        PixelMeanNormalizer stored =
                PixelMeanNormalizer.readFrom(dir.resolve("model.zip").toFile());
        assertEquals(255.0, stored.pixelScale());
        RunManifest manifest = ModelZip.readManifest(dir.resolve("model.zip")).orElseThrow();
        assertEquals(
                List.of("255.0", "255.0"),
                List.of(manifest.settings().get("pixelScale"), manifest.preprocessing("pixelScale")),
                "the scale in the run manifest too");

        Cifar10Data data = Cifar10Data.synthetic();
        byte[] train0 = data.train().bytes();
        int n = data.train().count();
        INDArray x = Cifar10DataSetIterator.builder(data.test())
                .batchSize(2)
                .build()
                .next()
                .getFeatures();
        stored.preProcess(new org.nd4j.linalg.dataset.DataSet(x, null));
        byte[] test = data.test().bytes();
        for (int p : new int[] {0, 1, 777, 1024, 2500, 3071}) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += train0[i * Cifar10Records.RECORD_BYTES + 1 + p] & 0xFF;
            }
            for (int img = 0; img < 2; img++) {
                double expected = (test[img * Cifar10Records.RECORD_BYTES + 1 + p] & 0xFF) - sum / n;
                assertEquals(expected, x.getDouble(img, p / 1024, (p % 1024) / 32, p % 32), 1e-3, "pixel " + p);
            }
        }
        Matcher trained = Pattern.compile("test errors (\\d+) / 500").matcher(train.out());
        assertTrue(trained.find(), train.out());
        Run eval = run("evaluate", dir.resolve("model.zip").toString());
        assertTrue(eval.out().contains(": " + trained.group(1) + " / 500 errors"), eval.out() + " vs " + train.out());

        Path shortDir = dir.resolve("short");
        assertEquals(
                0,
                run(
                                "train",
                                "cifar10",
                                "--epochs",
                                "1",
                                "--limit",
                                "16",
                                "--batch",
                                "16",
                                "--quiet",
                                "--out",
                                shortDir.toString())
                        .exitCode());
        assertEquals(
                1.0,
                PixelMeanNormalizer.readFrom(shortDir.resolve("model.zip").toFile())
                        .pixelScale());
    }

    @Test
    void reproduceCifar10WritesTableCsvAndPlot(@TempDir Path dir) {
        Run r = run(
                "reproduce",
                "cifar10",
                "--epochs",
                "1",
                "--limit",
                "32",
                "--batch",
                "16",
                "--quiet",
                "--out",
                dir.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(
                r.out().contains("Conv net, no dropout")
                        && r.out().contains("16.6%")
                        && r.out().contains("15.6%"),
                r.out());
        List<String> csv = lines(dir.resolve("errors.csv"));
        assertEquals(Cifar10Run.CSV_HEADER, csv.get(0));
        assertTrue(csv.get(1).startsWith("cifar10,1,") && csv.get(2).startsWith("cifar10-dropout,1,"), csv.toString());
        assertTrue(Files.isRegularFile(dir.resolve("figure.png")));
        assertTrue(Files.isRegularFile(dir.resolve("models/cifar10-dropout.zip")));
    }

    @Test
    void trainImageNetThenTenViewEvaluation(@TempDir Path dir) throws IOException {
        String data = imageNetSynthetic().toString();
        Run train = run("train", "imagenet", "--data", data, "--epochs", "1", "--out", dir.toString());
        assertEquals(0, train.exitCode(), train.err());
        assertTrue(train.out().contains("hinton-imagenet epoch 1/1: train loss "), train.out());
        assertTrue(Files.isRegularFile(dir.resolve("model.zip")));
        assertTrue(Files.isRegularFile(dir.resolve(ImageNetRun.STATISTICS_FILE)));
        RunManifest m = ModelZip.readManifest(dir.resolve("model.zip")).orElseThrow();
        assertEquals("imagenet", m.dataset());
        assertEquals(4, m.classNames().size(), "the folder's class names are stored with the model");
        assertEquals("64", m.preprocessing("cropSize"));
        assertEquals(1, m.history().size());
        assertTrue(m.history().get(0).trainLoss() > 0, "the epoch's training loss is recorded");

        Run eval = run("evaluate", dir.resolve("model.zip").toString(), "--data", data, "--ten-view");
        assertEquals(0, eval.exitCode(), eval.err());
        assertTrue(
                eval.out().contains("ten views")
                        && eval.out().contains("top-1 error")
                        && eval.out().contains("/ 12)"),
                "all 12 validation images: " + eval.out());
    }

    /** 2 epochs straight, or 1 epoch then a resumed 2nd: the same parameters and momentum, bit for bit. */
    @Test
    void resumedCifar10RunEqualsUninterruptedRun(@TempDir Path dir) throws IOException {
        String[] common = {"train", "cifar10", "--dropout", "--limit", "32", "--batch", "16", "--quiet"};
        Path straight = dir.resolve("straight");
        Path resumed = dir.resolve("resumed");
        assertEquals(
                0,
                run(concat(common, "--seed", "5", "--epochs", "2", "--out", straight.toString()))
                        .exitCode());
        assertEquals(
                0,
                run(concat(common, "--seed", "5", "--epochs", "1", "--out", resumed.toString()))
                        .exitCode());
        Run second = run(concat(common, "--seed", "5", "--epochs", "2", "--resume", "--out", resumed.toString()));
        assertEquals(0, second.exitCode(), second.err());
        assertSameTrainedModel(straight.resolve("model.zip"), resumed.resolve("model.zip"), 2);
        assertEquals(
                withoutTimes(lines(straight.resolve("errors.csv"))),
                withoutTimes(lines(resumed.resolve("errors.csv"))));
        assertTrue(Files.size(resumed.resolve("figure.png")) > 1000);

        Run again = run(concat(common, "--seed", "5", "--epochs", "2", "--out", resumed.toString()));
        assertEquals(Dropout4jCli.USER_ERROR, again.exitCode(), "an existing model.zip without --resume");
        assertTrue(again.err().contains("--resume"), again.err());
        Run otherSeed = run(concat(common, "--epochs", "3", "--seed", "6", "--resume", "--out", resumed.toString()));
        assertEquals(Dropout4jCli.USER_ERROR, otherSeed.exitCode(), "resume with another seed");
        assertTrue(otherSeed.err().contains("seed=5") && otherSeed.err().contains("seed=6"), otherSeed.err());
    }

    @Test
    void resumedImageNetRunEqualsUninterruptedRun(@TempDir Path dir) throws IOException {
        String[] common = {"train", "imagenet", "--data", imageNetSynthetic().toString(), "--seed", "3", "--quiet"};
        Path straight = dir.resolve("straight");
        Path resumed = dir.resolve("resumed");
        assertEquals(
                0,
                run(concat(common, "--epochs", "2", "--out", straight.toString()))
                        .exitCode());
        assertEquals(
                0,
                run(concat(common, "--epochs", "1", "--out", resumed.toString()))
                        .exitCode());
        Run second = run(concat(common, "--epochs", "2", "--resume", "--out", resumed.toString()));
        assertEquals(0, second.exitCode(), second.err());
        assertSameTrainedModel(straight.resolve("model.zip"), resumed.resolve("model.zip"), 2);
        assertTrue(second.out().contains("after 2 epochs"), second.out());
        assertTrue(Files.size(resumed.resolve("figure.png")) > 1000);
        Run otherBatch = run(concat(common, "--epochs", "3", "--batch", "4", "--resume", "--out", resumed.toString()));
        assertEquals(Dropout4jCli.USER_ERROR, otherBatch.exitCode(), "resume with another batch size");
    }

    /**
     * ImageNet {@code --recipe paper}: batch 128 by default, a validation error after every epoch (DIR/val), the rate
     * divided by 10 exactly when the stated plateau rule says so (checked by hand from the stored errors), and a run
     * resumed after epoch 2 equal bit for bit to an unbroken one, cuts included.
     */
    @Test
    void imageNetPaperRecipeCutsTheRateOnPlateausAndResumesWithTheCuts(@TempDir Path dir) throws IOException {
        String[] common = {
            "train",
            "imagenet",
            "--data",
            imageNetSynthetic().toString(),
            "--recipe",
            "PAPER",
            "--plateau-patience",
            "1",
            "--seed",
            "3"
        };
        Path straight = dir.resolve("straight");
        Path resumed = dir.resolve("resumed");
        Run first = run(concat(common, "--epochs", "3", "--out", straight.toString()));
        assertEquals(0, first.exitCode(), first.err());
        assertTrue(
                first.out().contains("batch 128") && first.out().contains("validation: 12 validation images"),
                first.out());
        assertTrue(
                first.out().contains("epoch 3/3: train loss") && first.out().contains("validation error"), first.out());
        assertEquals(
                0,
                run(concat(common, "--epochs", "2", "--quiet", "--out", resumed.toString()))
                        .exitCode());
        Run second = run(concat(common, "--epochs", "3", "--quiet", "--resume", "--out", resumed.toString()));
        assertEquals(0, second.exitCode(), second.err());
        assertSameTrainedModel(straight.resolve("model.zip"), resumed.resolve("model.zip"), 3);

        RunManifest manifest =
                ModelZip.readManifest(straight.resolve("model.zip")).orElseThrow();
        double[] errors = manifest.history().stream()
                .mapToDouble(r -> (double) r.testErrors() / r.testCount())
                .toArray(); // the validation error of every epoch
        assertEquals(3, errors.length);
        int cuts = 0;
        double best = Double.POSITIVE_INFINITY;
        for (double e : errors) { // patience 1, min improvement 0.001: every epoch that does not beat the best cuts
            if (e < best - 0.001) {
                best = e;
            } else {
                cuts++;
            }
        }
        assertTrue(cuts >= 1, "the tiny paper-recipe net does not improve every epoch: " + Arrays.toString(errors));
        assertEquals(
                0.1 / Math.pow(10, cuts),
                ImageNetRun.learningRate(ModelZip.readModel(straight.resolve("model.zip"))),
                1e-12,
                "DampedMomentum(0.1, 0.9) divided by 10 per cut");
        assertEquals(
                List.of("disc", "square", "stripes", "triangle"), ImageNetRun.classesOf(straight.resolve("model.zip")));
    }

    @Test
    void theRateThePlateauRuleDividesIsConv1sInBothNets() {
        assertEquals(
                0.1,
                ImageNetRun.learningRate(io.github.dropout4j.zoo.models.AlexNetDropout.builder()
                        .cropSize(64)
                        .widthDivisor(16)
                        .fcUnits(8)
                        .numClasses(2)
                        .build()
                        .init()),
                1e-12,
                "DampedMomentum(0.01 / (1 - 0.9), 0.9)");
        assertEquals(
                0.1,
                ImageNetRun.learningRate(io.github.dropout4j.zoo.models.HintonImageNetNet.builder()
                        .cropSize(64)
                        .widthDivisor(16)
                        .fcUnits(8)
                        .numClasses(2)
                        .build()
                        .init()),
                1e-12);
    }

    @Test
    void imageNetColourNoiseOnlyForAlexNet() {
        assertEquals(0.0, ImageNetRun.colourPcaSigma(false), "Appendix H: crops and reflections only");
        assertEquals(0.1, ImageNetRun.colourPcaSigma(true), "Krizhevsky et al. 2012, section 4.1");
    }

    /** Validation folders are mapped by the class names stored in the zip; a folder naming no class is an error. */
    @Test
    void evaluateMapsValidationFoldersByClassName(@TempDir Path dir) throws IOException {
        Path data = imageNetSynthetic();
        assertEquals(
                0,
                run("train", "imagenet", "--data", data.toString(), "--epochs", "1", "--quiet", "--out", dir.toString())
                        .exitCode());
        Path val = dir.resolve("val");
        try (var files = Files.list(data.resolve("val/triangle"))) {
            Path one = files.sorted().findFirst().orElseThrow();
            Files.createDirectories(val.resolve("triangle"));
            Files.copy(one, val.resolve("triangle").resolve(one.getFileName()));
        }
        Run eval = run("evaluate", dir.resolve("model.zip").toString(), "--data", val.toString());
        assertEquals(0, eval.exitCode(), eval.err());
        assertTrue(eval.out().contains("1 images, 4 classes"), eval.out());
        Files.createDirectories(val.resolve("zebra"));
        Files.copy(
                val.resolve("triangle")
                        .resolve(Files.list(val.resolve("triangle"))
                                .findFirst()
                                .orElseThrow()
                                .getFileName()),
                val.resolve("zebra/z.png"));
        assertOneLineError(run("evaluate", dir.resolve("model.zip").toString(), "--data", val.toString()), "zebra");
    }

    /** An undecodable image is skipped and reported up to --max-bad-images; beyond it, one line naming the file. */
    @Test
    void unreadableImagesAreCountedAndReportedUpToTheLimit(@TempDir Path dir) throws IOException {
        Path data = dir.resolve("data");
        try (var files = Files.walk(imageNetSynthetic().resolve("train"))) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                Path to = data.resolve(imageNetSynthetic().resolve("train").relativize(p));
                Files.createDirectories(to.getParent());
                Files.copy(p, to);
            }
        }
        Path broken = data.resolve("disc/broken.jpg");
        Files.write(broken, new byte[] {(byte) 0xFF, (byte) 0xD8, 0, 1, 2, 3});
        Run ok = run(
                "train",
                "imagenet",
                "--data",
                data.toString(),
                "--epochs",
                "1",
                "--quiet",
                "--out",
                dir.resolve("ok").toString());
        assertEquals(0, ok.exitCode(), ok.err());
        assertTrue(
                ok.out().contains("1 unreadable image(s) skipped") && ok.out().contains("broken.jpg"), ok.out());
        assertOneLineError(
                run(
                        "train",
                        "imagenet",
                        "--data",
                        data.toString(),
                        "--epochs",
                        "1",
                        "--max-bad-images",
                        "0",
                        "--out",
                        dir.resolve("strict").toString()),
                "broken.jpg");
    }

    /** AlexNet (one input, MultiLayerNetwork) through train and the same ten-view evaluation. */
    @Test
    void trainAlexNetThenTenViewEvaluation(@TempDir Path dir) {
        String data = imageNetSynthetic().toString();
        Run train = run("train", "alexnet", "--data", data, "--epochs", "1", "--out", dir.toString());
        assertEquals(0, train.exitCode(), train.err());
        assertTrue(train.out().contains("alexnet-dropout epoch 1/1: train loss "), train.out());
        Run eval = run("evaluate", dir.resolve("model.zip").toString(), "--data", data, "--ten-view");
        assertEquals(0, eval.exitCode(), eval.err());
        assertTrue(eval.out().contains("ten views") && eval.out().contains("/ 12)"), eval.out());
    }

    private static void assertSameTrainedModel(Path expected, Path actual, int epochs) throws IOException {
        Model a = ModelZip.readModel(expected);
        Model b = ModelZip.readModel(actual);
        assertEquals(epochs, ModelZip.epochCount(b));
        Bits.assertSameBits(a.params(), b.params(), "parameters after resume");
        INDArray stateA = a instanceof MultiLayerNetwork m
                ? m.getUpdater().getStateViewArray()
                : ((ComputationGraph) a).getUpdater().getStateViewArray();
        INDArray stateB = b instanceof MultiLayerNetwork m
                ? m.getUpdater().getStateViewArray()
                : ((ComputationGraph) b).getUpdater().getStateViewArray();
        Bits.assertSameBits(stateA, stateB, "updater state after resume");
    }

    private static List<String> withoutTimes(List<String> csv) {
        return csv.stream().map(l -> CliRuns.withoutTime(l)).toList();
    }

    @Test
    void badDataGivesOneLineAndExitCodeOne(@TempDir Path dir) throws IOException {
        assertOneLineError(run("train", "cifar10", "--data", "/nonexistent", "--out", dir.toString()), "/nonexistent");
        assertOneLineError(
                run("train", "cifar10", "--data", dir.toString(), "--out", dir.toString()), "data_batch_1.bin");
        assertOneLineError(run("train", "imagenet", "--out", dir.toString()), "--data DIR is required");
        assertOneLineError(run("train", "imagenet", "--data", "/nonexistent", "--out", dir.toString()), "/nonexistent");
        Files.createDirectories(dir.resolve("empty/some-class"));
        assertOneLineError(
                run("train", "alexnet", "--data", dir.resolve("empty").toString(), "--out", dir.toString()),
                "holds no");
        assertOneLineError(
                run(
                        "train",
                        "imagenet",
                        "--crop",
                        "30",
                        "--data",
                        imageNetSynthetic().toString(),
                        "--out",
                        dir.toString()),
                "--crop");
    }

    private static void assertOneLineError(Run r, String fragment) {
        CliRuns.assertOneLineError(r, Dropout4jCli.USER_ERROR, fragment);
    }

    /**
     * LeNet through the MNIST pipeline: train 1 epoch on 200 bundled digits, evaluate the zip (the same test errors:
     * the mean network both times), and resume to epoch 2, bit for bit an unbroken 2-epoch run (oneDNN path).
     */
    @Test
    void trainLenetDropoutThenEvaluateAndResume(@TempDir Path dir) throws IOException {
        Path one = dir.resolve("one");
        Run train =
                run("train", "lenet-dropout", "--epochs", "1", "--limit", "200", "--quiet", "--out", one.toString());
        assertEquals(0, train.exitCode(), train.err());
        assertTrue(
                train.out()
                        .contains("Training lenet-dropout (conv5x5x20-pool2-conv5x5x50-pool2-500-10, 431,080 "
                                + "parameters)"),
                train.out());
        Matcher trained =
                Pattern.compile("after 1 epochs: test errors (\\d+) / 1,000").matcher(train.out());
        assertTrue(trained.find(), train.out());
        Run eval = run("evaluate", one.resolve("model.zip").toString());
        assertEquals(0, eval.exitCode(), eval.err());
        assertTrue(eval.out().contains(": " + trained.group(1) + " / 1,000 errors"), eval.out() + " vs " + train.out());

        Run resumed = run(
                "train",
                "lenet-dropout",
                "--epochs",
                "2",
                "--limit",
                "200",
                "--quiet",
                "--resume",
                "--out",
                one.toString());
        assertEquals(0, resumed.exitCode(), resumed.err());
        Path two = dir.resolve("two");
        assertEquals(
                0,
                run("train", "lenet-dropout", "--epochs", "2", "--limit", "200", "--quiet", "--out", two.toString())
                        .exitCode());
        MultiLayerNetwork a = ModelSerializer.restoreMultiLayerNetwork(
                one.resolve("model.zip").toFile(), true);
        MultiLayerNetwork b = ModelSerializer.restoreMultiLayerNetwork(
                two.resolve("model.zip").toFile(), true);
        assertEquals(2, a.getEpochCount());
        Bits.assertSameBits(b.params(), a.params(), "resumed and unbroken runs end with the same parameters");
        Bits.assertSameBits(b.getUpdater().getStateViewArray(), a.getUpdater().getStateViewArray(), "updater state");
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
