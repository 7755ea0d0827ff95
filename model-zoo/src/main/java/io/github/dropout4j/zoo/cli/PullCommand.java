package io.github.dropout4j.zoo.cli;

import io.github.dropout4j.zoo.data.DownloadOptions;
import io.github.dropout4j.zoo.data.Downloader;
import io.github.dropout4j.zoo.models.ModelRegistry;
import io.github.dropout4j.zoo.pretrained.PretrainedWeights;
import io.github.dropout4j.zoo.pretrained.TrainedOn;
import io.github.dropout4j.zoo.pretrained.WeightsEntry;
import io.github.dropout4j.zoo.pretrained.WeightsRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pull MODEL [--data-set NAME]}: a zoo model's pretrained weights into the cache, verified. */
@Command(
        name = "pull",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Fetch a zoo model's pretrained weights into the cache (~/.dropout4j/models, or "
                    + PretrainedWeights.CACHE_ENV
                    + ") and print where: from the cache if there and verified, else the release "
                    + "location, your mirrors (" + PretrainedWeights.MIRRORS_ENV
                    + "), then the repository's shipped copy; "
                    + "SHA-256 checked. 'models' lists which models have weights."
        })
final class PullCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "Zoo model name, e.g. mnist-800x2-dropout.")
    String model;

    @Option(
            names = "--data-set",
            paramLabel = "NAME",
            description = "What the weights were trained on: "
                    + "mnist-bundled or fashion-mnist (default: the model's first entry in the registry).")
    String dataSet;

    @Option(
            names = "--offline",
            description = "Never touch the network: the cache and the shipped copy only; a "
                    + "cached file with a wrong SHA-256 is renamed aside, not deleted. Also "
                    + DownloadOptions.OFFLINE_ENV
                    + "=1.")
    boolean offline;

    @Override
    public Integer call() throws IOException {
        WeightsEntry entry = entry(model, dataSet);
        Downloader.Fetched f = store(offline).fetch(entry);
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                Locale.ROOT,
                "%s trained on %s, test error %.2f%% (%,d / %,d): %s (%,d bytes, SHA-256 verified), " + "from %s%n",
                entry.model(),
                entry.trainedOn().id(),
                entry.testErrorPercent(),
                entry.testErrors(),
                entry.testExamples(),
                f.file(),
                entry.sizeBytes(),
                f.describeSource());
        out.flush();
        return Dropout4jCli.OK;
    }

    /**
     * The registry entry of {@code model} on {@code dataSet} (null: the model's first); errors name the unknown
     * model, the unknown data set, or the data sets (or models) that have weights.
     */
    static WeightsEntry entry(String model, String dataSet) {
        ModelRegistry.standard().require(model);
        WeightsRegistry registry = WeightsRegistry.standard();
        if (dataSet == null) {
            List<WeightsEntry> own = registry.forModel(model);
            if (own.isEmpty()) {
                throw new IllegalArgumentException(registry.describeMissing(model, "any data set"));
            }
            return own.get(0);
        }
        return registry.require(model, TrainedOn.parse(dataSet));
    }

    /** The process's weights sources, offline if {@code --offline} (or the environment) says so. */
    static PretrainedWeights store(boolean offline) {
        PretrainedWeights store = PretrainedWeights.fromEnvironment();
        return offline ? store.withOffline(true) : store;
    }
}
