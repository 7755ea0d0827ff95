package io.github.dropout4j.zoo.cli;

import io.github.dropout4j.zoo.data.Downloader;
import io.github.dropout4j.zoo.data.LabeledImages;
import io.github.dropout4j.zoo.models.FeedForwardZooModel;
import io.github.dropout4j.zoo.models.ModelRegistry;
import io.github.dropout4j.zoo.pretrained.PretrainedWeights;
import io.github.dropout4j.zoo.pretrained.TrainedOn;
import io.github.dropout4j.zoo.pretrained.WeightsEntry;
import io.github.dropout4j.zoo.pretrained.WeightsFile;
import io.github.dropout4j.zoo.pretrained.WeightsRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.zip.Adler32;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code publish RUN/model.zip}: turns a trained fully connected MNIST model ({@code mnist-*}) into a registry entry. Writes the weights-only,
 * byte-reproducible file ({@link WeightsFile}), measures its SHA-256, size, Adler-32 and the mean network's test
 * errors on the data set's test split (of the file as written, as users will load it), and prints the entry as
 * JSON; {@code --registry FILE} also adds it to (or replaces it in) a registry file.
 */
@Command(
        name = "publish",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Write a trained model's weights (no updater state, byte-reproducible zip) as a publishable file, "
                    + "measure its SHA-256, size and test error, and print its weights-registry entry (JSON)."
        })
final class PublishCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN/model.zip", description = "A model zip written by 'train'.")
    Path modelZip;

    @Option(
            names = "--model",
            paramLabel = "NAME",
            description = "Zoo model name (default: the one recorded by " + "the run, in RUN/checkpoint.zip.state).")
    String model;

    @Option(
            names = "--data-set",
            paramLabel = "NAME",
            description = "What it was trained on, whose test split is "
                    + "measured: mnist-bundled or fashion-mnist (default: ${DEFAULT-VALUE}).")
    String dataSet = TrainedOn.MNIST_BUNDLED.id();

    @Option(
            names = "--data",
            paramLabel = "DIR",
            description = "Where that data set is (default: the bundled digits; " + "Fashion-MNIST: "
                    + TrainedOn.FASHION_MNIST_DEBIAN_DIR + ").")
    Path data;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description =
                    "Where to write the weights file " + "<model>.<data-set>.zip (default: next to the model zip).")
    Path out;

    @Option(
            names = "--registry",
            paramLabel = "FILE",
            description = "Also add the entry to this registry file "
                    + "(replacing one for the same model and data set; created if missing).")
    Path registry;

    @Option(
            names = "--command",
            paramLabel = "TEXT",
            description = "The command that made the run, recorded in " + "the entry (default: '${DEFAULT-VALUE}').")
    String command = "not recorded";

    @Option(
            names = "--code-version",
            paramLabel = "COMMIT",
            description =
                    "The git commit whose code trained it " + "(default: git rev-parse HEAD in the working directory).")
    String codeVersion;

    @Option(
            names = "--mirror",
            paramLabel = "URL",
            description = "Where the file will be published (repeatable; " + "default: "
                    + PretrainedWeights.RELEASE_BASE_URL + ").")
    List<URI> mirrors = List.of(URI.create(PretrainedWeights.RELEASE_BASE_URL));

    @Override
    public Integer call() throws IOException {
        TrainedOn on = TrainedOn.parse(dataSet);
        String name = model != null
                ? model
                : TrainedRun.modelName(modelZip)
                        .orElseThrow(
                                () -> new IllegalArgumentException(modelZip + ": the run recorded no model name (no "
                                        + modelZip.resolveSibling("checkpoint.zip.state") + "); pass --model NAME"));
        if (!(ModelRegistry.standard().require(name).create(1) instanceof FeedForwardZooModel)) {
            throw new IllegalArgumentException(name + ": publish handles the fully connected MNIST models (mnist-*) "
                    + "only; the weights registry has no entries for " + name + " yet");
        }
        String commit = codeVersion != null ? codeVersion : gitHead();
        LabeledImages test = on.load(data).test();
        MultiLayerNetwork trained = TrainedRun.network(modelZip);
        Path dir = out != null ? out : modelZip.toAbsolutePath().getParent();
        Path file = dir.resolve(name + "." + on.id() + ".zip");
        WeightsFile.write(trained, file);
        MultiLayerNetwork published = ModelSerializer.restoreMultiLayerNetwork(file.toFile(), false);
        MnistRun.requireInputs(published, test.images().pixelsPerImage(), file);
        int errors = MnistRun.errors(published, test, test.count());
        WeightsEntry entry = new WeightsEntry(
                name,
                on,
                file.getFileName().toString(),
                Files.size(file),
                Downloader.sha256(file),
                adler32(file),
                errors,
                test.count(),
                command,
                commit,
                mirrors);
        PrintWriter o = spec.commandLine().getOut();
        o.printf(
                Locale.ROOT,
                "Wrote %s (%,d bytes): %s, test errors %,d / %,d (%.2f%%) on %s%n",
                file,
                entry.sizeBytes(),
                name,
                errors,
                test.count(),
                entry.testErrorPercent(),
                on.description());
        o.println(WeightsRegistry.toJson(entry).toPrettyString());
        if (registry != null) {
            WeightsRegistry r =
                    Files.exists(registry) ? WeightsRegistry.read(registry) : new WeightsRegistry(List.of());
            r.with(entry).write(registry);
            o.printf("Added to %s%n", registry);
        }
        o.flush();
        return Dropout4jCli.OK;
    }

    static long adler32(Path file) throws IOException {
        Adler32 a = new Adler32();
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                a.update(buffer, 0, n);
            }
        }
        return a.getValue();
    }

    /** {@code git rev-parse HEAD} of the working directory; an error asking for --code-version if git cannot say. */
    private static String gitHead() throws IOException {
        String outText;
        boolean ok;
        try {
            Process p = new ProcessBuilder("git", "rev-parse", "HEAD")
                    .redirectErrorStream(true)
                    .start();
            outText = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            ok = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking git for the commit; pass --code-version COMMIT", e);
        } catch (IOException e) {
            throw new IOException(
                    "cannot run git to find the commit (" + e.getMessage() + "); pass --code-version COMMIT", e);
        }
        if (!ok || !outText.matches("[0-9a-f]{40}")) {
            throw new IOException("git rev-parse HEAD failed (" + outText + "); pass --code-version COMMIT");
        }
        return outText;
    }
}
