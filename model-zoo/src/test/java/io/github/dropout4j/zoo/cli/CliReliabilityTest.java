package io.github.dropout4j.zoo.cli;

import static io.github.dropout4j.zoo.testsupport.CliRuns.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropout4j.dropout.BernoulliDropout;
import io.github.dropout4j.dropout.TestTimeWeightScaling;
import io.github.dropout4j.zoo.data.MnistDataAccess;
import io.github.dropout4j.zoo.data.PixelMeanNormalizer;
import io.github.dropout4j.zoo.models.Cifar10Recipe;
import io.github.dropout4j.zoo.models.Cifar10Training;
import io.github.dropout4j.zoo.testsupport.CliRuns.Run;
import io.github.dropout4j.zoo.training.ModelZip;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import picocli.CommandLine;

/**
 * Issue 18's hostile probes (and issue 14 items 3, 4 and 9), each as a CLI run on tiny data: exit code, the one
 * line on stderr, and the files left behind. Seconds each.
 */
class CliReliabilityTest {

    private static final String[] TINY_MNIST = {"--epochs", "1", "--limit", "50", "--quiet"};

    static Path repositoryRoot() {
        return ReadmeCommandsTest.repositoryRoot();
    }

    private static String[] args(String[] a, String... b) {
        String[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static void assertOneLine(Run r, int code, String... fragments) {
        assertEquals(code, r.exitCode(), "exit code; stderr: " + r.err());
        List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), "one line, no stack trace: " + r.err());
        for (String f : fragments) {
            assertTrue(lines.get(0).contains(f), "'" + f + "' missing in: " + lines.get(0));
        }
        assertFalse(r.err().contains("\tat "), r.err());
    }

    private static List<Path> tmpFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
        }
    }

    /**
     * An untrained CIFAR-10 model zip as 'train' writes it (network and pixel mean entry), without the cost of a
     * training epoch and its test pass.
     */
    private static Path cifar10Zip(Path file, boolean dropout) throws IOException {
        Files.createDirectories(file.getParent());
        MultiLayerNetwork net = Cifar10Training.network(dropout, Cifar10Recipe.paper(1), 1);
        PixelMeanNormalizer mean = PixelMeanNormalizer.of(new float[3 * 32 * 32]);
        ModelZip.write(
                net,
                Cifar10Run.manifest(dropout ? "cifar10-dropout" : "cifar10", "paper", 1, 1500, Cifar10Recipe.paper(1))
                        .withPreprocessing("pixelMean", "objects/" + PixelMeanNormalizer.MODEL_ZIP_KEY),
                mean::addTo,
                file);
        return file;
    }

    // 18.1: the documented lower-case spelling of every enum option.

    @Test
    void everyCommandAcceptsEnumValuesInAnyCase() {
        List<String> strict = new ArrayList<>();
        collectCaseSensitive(Dropout4jCli.commandLine(), strict);
        assertEquals(List.of(), strict, "commands whose enum options are case-sensitive");
    }

    private static void collectCaseSensitive(CommandLine c, List<String> strict) {
        if (!c.isCaseInsensitiveEnumValuesAllowed()) {
            strict.add(c.getCommandSpec().qualifiedName());
        }
        c.getSubcommands().values().forEach(sub -> collectCaseSensitive(sub, strict));
    }

    @Test
    void recipePaperAsDocumentedTrains(@TempDir Path dir) {
        Run r = run(
                args(new String[] {"train", "mnist-800x2", "--recipe", "paper", "--out", dir.toString()}, TINY_MNIST));
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("recipe paper"), r.out());
    }

    // 18.2 + 14.4: export-mean-network checks first, writes after, carries the preprocessing entries.

    @Test
    void exportOfTheCifar10ModelKeepsThePixelMeanAndPredictsAsTheModel(@TempDir Path dir) throws IOException {
        Path run = dir.resolve("c10");
        cifar10Zip(run.resolve("model.zip"), false);
        Path mean = dir.resolve("export/mean.zip");
        Run export = run("export-mean-network", run.resolve("model.zip").toString(), "--out", mean.toString());
        assertEquals(0, export.exitCode(), export.err());
        assertTrue(export.out().contains("dropout4j-cifar10-pixel-mean"), export.out());
        Run a = run("evaluate", run.resolve("model.zip").toString());
        Run b = run("evaluate", mean.toString());
        assertEquals(0, b.exitCode(), b.err());
        assertTrue(b.out().contains("pixel mean subtracted"), b.out());
        assertEquals(a.out().replace("model.zip", ""), b.out().replace("mean.zip", ""));
        assertEquals(List.of(), tmpFiles(dir));
    }

    @Test
    void modelsWithOurOwnLayersAreALimitationInOneLineUnlessTheyAreKept(@TempDir Path dir) throws IOException {
        Path run = dir.resolve("c10d");
        cifar10Zip(run.resolve("model.zip"), true);
        Path mean = dir.resolve("mean.zip");
        assertOneLine(
                run("export-mean-network", run.resolve("model.zip").toString(), "--out", mean.toString()),
                Dropout4jCli.USER_ERROR,
                "LocallyConnected2D",
                "--keep-dropout4j-layers");
        assertFalse(Files.exists(mean));
        Run kept = run(
                "export-mean-network",
                run.resolve("model.zip").toString(),
                "--out",
                mean.toString(),
                "--keep-dropout4j-layers");
        assertEquals(0, kept.exitCode(), kept.err());
        assertTrue(
                ModelSerializer.listObjectsInFile(mean.toFile()).contains(PixelMeanNormalizer.MODEL_ZIP_KEY),
                "the pixel mean travels");
        ModelSerializer.restoreMultiLayerNetwork(mean.toFile(), false);
        assertEquals(List.of(), tmpFiles(dir));
    }

    @Test
    void exportToAnExistingDirectoryIsAClearErrorAndLeavesNothing(@TempDir Path dir) throws IOException {
        assertEquals(
                0,
                run(args(new String[] {"train", "mnist-800x2-dropout", "--out", dir.toString()}, TINY_MNIST))
                        .exitCode());
        Path target = Files.createDirectories(dir.resolve("existing"));
        assertOneLine(
                run("export-mean-network", dir.resolve("model.zip").toString(), "--out", target.toString()),
                Dropout4jCli.USER_ERROR,
                "is a directory");
        assertEquals(List.of(), tmpFiles(dir));
        try (Stream<Path> s = Files.list(target)) {
            assertEquals(0, s.count());
        }
    }

    /**
     * A model whose exported mean network does not predict as it does is refused. A test-time-scaled dropout without
     * TestTimeWeightScaling is rejected earlier by the library's configuration-time check (next test), so such a model
     * is built here from a NaN weight: both networks output NaN, a difference that is not within the tolerance.
     */
    @Test
    void anExportThatDiffersFromTheModelFailsAndWritesNothing(@TempDir Path dir) throws IOException {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(1)
                .weightNoise(new TestTimeWeightScaling())
                .list()
                .layer(new DenseLayer.Builder()
                        .nIn(6)
                        .nOut(5)
                        .activation(Activation.RELU)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(5)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .dropOut(BernoulliDropout.retainProbability(0.2).withSeed(1))
                        .build())
                .build());
        net.init();
        net.getLayer(1).getParam("W").putScalar(0, 0, Double.NaN);
        Path model = dir.resolve("nan.zip");
        ModelSerializer.writeModel(net, model.toFile(), false);
        Path mean = dir.resolve("mean.zip");
        assertOneLine(
                run("export-mean-network", model.toString(), "--out", mean.toString()),
                Dropout4jCli.USER_ERROR,
                "differs from the model",
                "tolerance",
                "nothing written");
        assertFalse(Files.exists(mean));
        assertEquals(List.of(), tmpFiles(dir));
    }

    @Test
    void aModelWhoseMeanNetworkCannotBeExportedIsRefusedAndNothingIsWritten(@TempDir Path dir) throws IOException {
        // test-time-scaled dropout without TestTimeWeightScaling: its output() is not the mean network, so the export
        // would differ from the model; the library's configuration-time check (DropoutPlacement) refuses it first
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(1)
                .list()
                .layer(new DenseLayer.Builder()
                        .nIn(6)
                        .nOut(5)
                        .activation(Activation.RELU)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(5)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .dropOut(BernoulliDropout.retainProbability(0.2).withSeed(1))
                        .build())
                .build());
        net.init();
        Path model = dir.resolve("unscaled.zip");
        ModelSerializer.writeModel(net, model.toFile(), false);
        Path mean = dir.resolve("mean.zip");
        assertOneLine(
                run("export-mean-network", model.toString(), "--out", mean.toString()),
                Dropout4jCli.USER_ERROR,
                "layer 1",
                "weight noise is null",
                "TestTimeWeightScaling");
        assertFalse(Files.exists(mean));
        assertEquals(List.of(), tmpFiles(dir));
    }

    @Test
    void computationGraphsExportWithTheirInputShape(@TempDir Path dir) throws IOException {
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder()
                .seed(1)
                .weightNoise(new TestTimeWeightScaling())
                .graphBuilder()
                .addInputs("in")
                .addLayer(
                        "h",
                        new DenseLayer.Builder()
                                .nIn(6)
                                .nOut(5)
                                .activation(Activation.RELU)
                                .dropOut(BernoulliDropout.retainProbability(0.8).withSeed(1))
                                .build(),
                        "in")
                .addLayer(
                        "out",
                        new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                                .nIn(5)
                                .nOut(3)
                                .activation(Activation.SOFTMAX)
                                .dropOut(BernoulliDropout.retainProbability(0.5).withSeed(2))
                                .build(),
                        "h")
                .setOutputs("out")
                .build());
        g.init();
        Path model = dir.resolve("graph.zip");
        ModelSerializer.writeModel(g, model.toFile(), false);
        Path mean = dir.resolve("mean.zip");
        Run r = run("export-mean-network", model.toString(), "--out", mean.toString());
        assertEquals(0, r.exitCode(), r.err());
        ComputationGraph plain = ModelSerializer.restoreComputationGraph(mean.toFile(), false);
        INDArray x = Nd4j.rand(4, 6);
        assertTrue(g.outputSingle(x).equalsWithEps(plain.outputSingle(x), 1e-5));
        assertTrue(g.getLayer("h")
                .getParam("W")
                .mul(0.8)
                .equalsWithEps(plain.getLayer("h").getParam("W"), 1e-6));
    }

    // 18.4 + 14.9: MNIST --resume refuses other settings, naming both values (and the --seed values, 18.9).

    @Test
    void resumeWithAnotherRecipeSeedOrActivationIsRefusedNamingBoth(@TempDir Path dir) {
        String[] first = args(new String[] {"train", "mnist-800x2", "--out", dir.toString()}, TINY_MNIST);
        assertEquals(0, run(first).exitCode());
        String[] resume = {
            "train", "mnist-800x2", "--out", dir.toString(), "--epochs", "2", "--limit", "50", "--quiet", "--resume"
        };
        assertOneLine(
                run(args(resume, "--recipe", "paper")), Dropout4jCli.USER_ERROR, "--recipe short", "--recipe paper");
        assertOneLine(run(args(resume, "--seed", "5")), Dropout4jCli.USER_ERROR, "--seed 1", "--seed 5");

        Path rep = dir.resolve("rep");
        assertEquals(
                0,
                run(args(new String[] {"reproduce", "mnist", "--out", rep.toString()}, TINY_MNIST))
                        .exitCode());
        assertOneLine(
                run(args(
                        new String[] {
                            "reproduce", "mnist", "--out", rep.toString(), "--resume", "--activation", "logistic"
                        },
                        TINY_MNIST)),
                Dropout4jCli.USER_ERROR,
                "--activation relu",
                "--activation logistic");
    }

    // 18.5: --limit for ImageNet models.

    @Test
    void limitIsHonouredForImageNetModels(@TempDir Path dir) {
        Run r = run(
                "train",
                "alexnet",
                "--data",
                repositoryRoot().resolve("src-test-data/imagenet-synthetic").toString(),
                "--limit",
                "5",
                "--epochs",
                "1",
                "--quiet",
                "--out",
                dir.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("data: 5 of 48 images in 4 classes"), r.out());
    }

    // 18.6 + 18.7: --out checked before any work.

    @Test
    void emptyFileOrUnwritableOutIsRefusedBeforeAnyWork(@TempDir Path dir) throws IOException {
        assertOneLine(
                run(args(new String[] {"train", "mnist-800x2", "--out", ""}, TINY_MNIST)),
                Dropout4jCli.USER_ERROR,
                "--out is empty");
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertOneLine(
                run(args(new String[] {"train", "mnist-800x2", "--out", file.toString()}, TINY_MNIST)),
                Dropout4jCli.USER_ERROR,
                file.toString(),
                "is a file, not a directory");
        Run sweep = run("sweep", "--out", file.resolve("sub").toString(), "--epochs", "1", "--limit", "50", "--quiet");
        assertOneLine(sweep, Dropout4jCli.USER_ERROR, file + " is a file, not a directory");
        assertEquals("", sweep.out(), "nothing ran before the check");
        assertOneLine(
                run("reproduce", "mnist", "--out", file.toString(), "--epochs", "1", "--limit", "50"),
                Dropout4jCli.USER_ERROR,
                "is a file");
        assertOneLine(
                run("export-mean-network", file.toString(), "--out", ""), Dropout4jCli.USER_ERROR, "--out is empty");
    }

    // 18.8: a decode error names the file.

    @Test
    void aTruncatedPngNamesTheFile(@TempDir Path dir) throws IOException {
        Path src = repositoryRoot().resolve("src-test-data/imagenet-synthetic/train");
        Path data = dir.resolve("images");
        try (Stream<Path> s = Files.walk(src)) {
            for (Path p : s.toList()) {
                Path t = data.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
        Path bad = data.resolve("disc/001.png");
        byte[] png = Files.readAllBytes(bad);
        Files.write(bad, Arrays.copyOf(png, png.length / 2));
        assertOneLine(
                run(
                        "train",
                        "imagenet",
                        "--data",
                        data.toString(),
                        "--epochs",
                        "1",
                        "--quiet",
                        "--max-bad-images",
                        "0",
                        "--out",
                        dir.resolve("out").toString()),
                Dropout4jCli.USER_ERROR,
                bad.toString());
    }

    // 18.9: the smaller ones.

    @Test
    void sweepRejectsAnEmptyGridAndANonFiniteBound() {
        assertOneLine(run("sweep", "--drop", ","), Dropout4jCli.USER_ERROR, "--drop needs at least one value");
        assertOneLine(run("sweep", "--max-norm", "Infinity"), Dropout4jCli.USER_ERROR, "finite", "Infinity");
        assertOneLine(run("sweep", "--max-norm", "NaN"), Dropout4jCli.USER_ERROR, "finite", "NaN");
    }

    @Test
    void aTruncatedStateFileSaysWhatWasExpected(@TempDir Path dir) throws IOException {
        // The run state is the run manifest inside checkpoint.zip since issue 15 (no checkpoint.zip.state any more).
        assertEquals(
                0,
                run(args(new String[] {"train", "mnist-800x2", "--out", dir.toString()}, TINY_MNIST))
                        .exitCode());
        Path checkpoint = dir.resolve("checkpoint.zip");
        String text = readManifest(checkpoint);
        String cut = text.substring(0, text.indexOf("\"dataSeed\"") + 5);
        writeManifest(checkpoint, cut);
        Run r = run(args(new String[] {"train", "mnist-800x2", "--out", dir.toString(), "--resume"}, TINY_MNIST));
        assertOneLine(r, Dropout4jCli.USER_ERROR, checkpoint.toString(), "truncated", "JSON");
        assertFalse(r.err().contains("\"dataS"), "quotes the cut line as if it were the problem: " + r.err());
        writeManifest(checkpoint, text.replace("\"split\"", "\"splitX\""));
        assertOneLine(
                run(args(new String[] {"train", "mnist-800x2", "--out", dir.toString(), "--resume"}, TINY_MNIST)),
                Dropout4jCli.USER_ERROR,
                checkpoint.toString(),
                "no field 'split'");
    }

    private static String readManifest(Path zip) throws IOException {
        try (java.nio.file.FileSystem fs = java.nio.file.FileSystems.newFileSystem(zip)) {
            return Files.readString(fs.getPath(io.github.dropout4j.zoo.training.RunManifest.ZIP_ENTRY));
        }
    }

    private static void writeManifest(Path zip, String text) throws IOException {
        try (java.nio.file.FileSystem fs = java.nio.file.FileSystems.newFileSystem(zip)) {
            Files.writeString(fs.getPath(io.github.dropout4j.zoo.training.RunManifest.ZIP_ENTRY), text);
        }
    }

    @Test
    void evaluateOnTheTestSplitNeedsNoTrainingFiles(@TempDir Path dir) throws IOException {
        assertEquals(
                0,
                run(args(new String[] {"train", "mnist-800x2", "--out", dir.toString()}, TINY_MNIST))
                        .exitCode());
        Path testOnly = Files.createDirectories(dir.resolve("t10k-only"));
        Files.copy(
                MnistDataAccess.bundledDir().resolve("test-images-idx3-ubyte.gz"),
                testOnly.resolve("t10k-images-idx3-ubyte.gz"));
        Files.copy(
                MnistDataAccess.bundledDir().resolve("test-labels-idx1-ubyte.gz"),
                testOnly.resolve("t10k-labels-idx1-ubyte.gz"));
        Run r = run("evaluate", dir.resolve("model.zip").toString(), "--data", testOnly.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("/ 1,000 errors"), r.out());

        Path c10 = dir.resolve("c10");
        cifar10Zip(c10.resolve("model.zip"), false);
        Path synthetic = repositoryRoot().resolve("src-test-data/cifar10-synthetic");
        Path testBatch = Files.createDirectories(dir.resolve("test-batch-only"));
        Files.copy(synthetic.resolve("test_batch.bin"), testBatch.resolve("test_batch.bin"));
        Files.copy(synthetic.resolve("SHA256SUMS"), testBatch.resolve("SHA256SUMS"));
        Run c = run("evaluate", c10.resolve("model.zip").toString(), "--data", testBatch.toString());
        assertEquals(0, c.exitCode(), c.err());
        assertTrue(c.out().contains("/ 500 errors"), c.out());
    }

    @Test
    void evaluateOfADirectorySaysItIsADirectory(@TempDir Path dir) {
        assertOneLine(run("evaluate", dir.toString()), Dropout4jCli.USER_ERROR, "is a directory");
    }

    @Test
    void aCifar10BatchCutAtARecordBoundaryIsRejectedNamingFileAndCount(@TempDir Path dir) throws IOException {
        Path synthetic = repositoryRoot().resolve("src-test-data/cifar10-synthetic");
        byte[] train = Files.readAllBytes(synthetic.resolve("data_batch_1.bin"));
        Path cut = Files.createDirectories(dir.resolve("cut"));
        Files.write(cut.resolve("data_batch_1.bin"), Arrays.copyOf(train, 750 * 3073));
        Files.copy(synthetic.resolve("test_batch.bin"), cut.resolve("test_batch.bin"));
        assertOneLine(
                run(
                        "train",
                        "cifar10",
                        "--data",
                        cut.toString(),
                        "--epochs",
                        "1",
                        "--out",
                        dir.resolve("out").toString()),
                Dropout4jCli.USER_ERROR,
                cut.resolve("data_batch_1.bin").toString(),
                "750 records",
                "10,000");
        Files.copy(synthetic.resolve("SHA256SUMS"), cut.resolve("SHA256SUMS"));
        assertOneLine(
                run(
                        "train",
                        "cifar10",
                        "--data",
                        cut.toString(),
                        "--epochs",
                        "1",
                        "--out",
                        dir.resolve("out").toString()),
                Dropout4jCli.USER_ERROR,
                "data_batch_1.bin",
                "does not match");
    }

    /** The launcher splits DROPOUT4J_JAVA_OPTS like a shell: a quoted value with spaces stays one argument. */
    @Test
    void launcherKeepsQuotedJavaOptionsWithSpacesTogether(@TempDir Path dir) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path java = Files.writeString(
                bin.resolve("java"), "#!/bin/sh\nfor a in \"$@\"; do printf '[%s]\\n' \"$a\"; " + "done\n");
        assertTrue(java.toFile().setExecutable(true));
        ProcessBuilder pb =
                new ProcessBuilder("bash", repositoryRoot().resolve("dropout4j").toString(), "models");
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.environment().put("MVN", "true"); // no build: the fake java only prints its arguments
        pb.environment().put("DROPOUT4J_NATIVES", "generic"); // no natives option between ours and -jar
        pb.environment().put("DROPOUT4J_JAVA_OPTS", "-Xmx1g \"-Dname=a b\" '-Dother=c  d'");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.contains("[-Xmx1g]\n[-Dname=a b]\n[-Dother=c  d]\n[-Djava.awt.headless=true]\n[-jar]"), out);
        assertTrue(out.endsWith("[models]\n"), out);

        pb.environment().put("DROPOUT4J_JAVA_OPTS", "-Xmx1g \"-Dname=a b");
        Process bad = pb.start();
        String badOut = new String(bad.getInputStream().readAllBytes());
        assertEquals(1, bad.waitFor(), badOut);
        assertTrue(badOut.contains("cannot split DROPOUT4J_JAVA_OPTS"), badOut);
    }

    // 14.3: one split definition, stored by train, read by evaluate.

    @Test
    void validationSplitNeverMeasuresDigitsTheModelWasTrainedOn(@TempDir Path dir) throws IOException {
        Path canonical = Files.createDirectories(dir.resolve("canonical"));
        Path bundled = MnistDataAccess.bundledDir();
        for (String kind : new String[] {"images-idx3", "labels-idx1"}) {
            Files.copy(
                    bundled.resolve("train-" + kind + "-ubyte.gz"), canonical.resolve("train-" + kind + "-ubyte.gz"));
            Files.copy(bundled.resolve("test-" + kind + "-ubyte.gz"), canonical.resolve("t10k-" + kind + "-ubyte.gz"));
        }
        Path run = dir.resolve("run");
        Run train = run(args(
                new String[] {"train", "mnist-800x2", "--data", canonical.toString(), "--out", run.toString()},
                TINY_MNIST));
        assertEquals(0, train.exitCode(), train.err());
        assertTrue(
                ModelSerializer.listObjectsInFile(run.resolve("model.zip").toFile())
                        .contains(MnistSplit.KEY),
                "the split is stored");
        assertOneLine(
                run(
                        "evaluate",
                        run.resolve("model.zip").toString(),
                        "--data",
                        canonical.toString(),
                        "--split",
                        "validation"),
                Dropout4jCli.USER_ERROR,
                "trained on all 8000",
                "--split VALIDATION");
        Run onBundled = run("evaluate", run.resolve("model.zip").toString(), "--split", "validation");
        assertEquals(0, onBundled.exitCode(), onBundled.err());
    }

    // 14.9: what 'models --recipes' says is what 'train' runs; options that do not apply are refused.

    @Test
    void modelsRecipesPrintsTheDefaultsTrainUses(@TempDir Path dir) {
        Run models = run("models", "--recipes");
        assertEquals(0, models.exitCode(), models.err());
        List<String> lines = models.out().lines().toList();
        String mnist = lines.get(lines.indexOf(lines.stream()
                        .filter(l -> l.startsWith("mnist-800x2 "))
                        .findFirst()
                        .orElseThrow())
                + 2);
        assertTrue(
                mnist.contains("train default: --recipe short")
                        && mnist.contains("eps_t = 1.0 * 0.998^epoch")
                        && mnist.contains("--recipe paper")
                        && mnist.contains("eps_t = 10.0 * 0.998^epoch"),
                mnist);
        Run train = run(args(
                new String[] {"train", "mnist-800x2", "--out", dir.resolve("m").toString()}, TINY_MNIST));
        assertTrue(train.out().contains("eps_t = 1.0 * 0.998^epoch"), train.out());

        String hinton = lines.get(lines.indexOf(lines.stream()
                        .filter(l -> l.startsWith("hinton-imagenet "))
                        .findFirst()
                        .orElseThrow())
                + 2);
        Matcher printed = Pattern.compile("batch (\\d+) \\(--recipe short\\)").matcher(hinton);
        assertTrue(printed.find(), hinton);
        Run imagenet = run(
                "train",
                "imagenet",
                "--data",
                repositoryRoot().resolve("src-test-data/imagenet-synthetic").toString(),
                "--limit",
                "4",
                "--epochs",
                "1",
                "--quiet",
                "--out",
                dir.resolve("h").toString());
        assertEquals(0, imagenet.exitCode(), imagenet.err());
        assertTrue(imagenet.out().contains("batch " + printed.group(1) + ","), imagenet.out());
    }

    @Test
    void imageNetOnlyOptionsAreRefusedForOtherModels(@TempDir Path dir) {
        for (String option : new String[] {
            "--size", "--crop", "--width-divisor", "--fc-units", "--plateau-patience", "--max-bad-images"
        }) {
            assertOneLine(
                    run(args(new String[] {"train", "mnist-800x2", option, "96", "--out", dir.toString()}, TINY_MNIST)),
                    Dropout4jCli.USER_ERROR,
                    option + " applies to ImageNet models only",
                    "mnist-800x2");
        }
        assertOneLine(
                run("train", "cifar10", "--crop", "96", "--out", dir.toString()),
                Dropout4jCli.USER_ERROR,
                "--crop applies to ImageNet models only",
                "cifar10");
    }

    @Test
    void dataFromADirectoryIsAnnouncedAsImagesNotDigits(@TempDir Path dir) {
        Run r = run(args(
                new String[] {
                    "train",
                    "mnist-800x2",
                    "--data",
                    MnistDataAccess.bundledDir().toString(),
                    "--out",
                    dir.toString()
                },
                TINY_MNIST));
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("50 of 8000 training images, 1000 test images"), r.out());
        assertFalse(r.out().contains("digits"), r.out());
    }
}
