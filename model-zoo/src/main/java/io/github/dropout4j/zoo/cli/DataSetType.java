package io.github.dropout4j.zoo.cli;

import io.github.dropout4j.zoo.models.ZooEntry;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.deeplearning4j.nn.api.Model;

/**
 * A data set the command line trains and evaluates on: {@code train} and {@code evaluate} look the type up by the
 * zoo entry's {@link ZooEntry#dataset()} (or the run manifest's data set) and hand it the parsed command, so they
 * hold no per-data-set branches. One class per data set ({@link MnistRun}, {@link Cifar10Run}, {@link ImageNetRun}):
 * it reads its data, builds the fresh {@code RunManifest}, runs the {@code TrainingRun} and prints its lines. A new
 * data set is one such class, one line in {@link #ALL} and its entries in {@code ModelRegistry}; options only it reads come
 * from its {@link #newTrainOptions()}, so the commands need no edit.
 */
interface DataSetType {
    /** Every data set the CLI knows, in the order {@code train --help} lists their options. */
    List<DataSetType> ALL = List.of(MnistRun.TYPE, Cifar10Run.TYPE, ImageNetRun.TYPE);

    /** Every data set the CLI knows, by name. */
    Map<String, DataSetType> KNOWN =
            ALL.stream().collect(Collectors.toUnmodifiableMap(DataSetType::name, Function.identity()));

    /** The name zoo entries and run manifests use, e.g. {@code mnist}. */
    String name();

    /**
     * Options of {@code train} that only this data set's models read: a new picocli-annotated object (its
     * {@code @Option} fields), which {@link Dropout4jCli#commandLine()} adds to {@code train} as a mixin named
     * {@link #name()} and {@code train} refuses for other models; null (the default) for none. {@link #train} reads
     * them with {@code command.optionsOf(this, TheClass.class)}.
     */
    default Object newTrainOptions() {
        return null;
    }

    /** The name in messages, e.g. {@code ImageNet}; {@link #name()} unless overridden. */
    default String displayName() {
        return name();
    }

    /** {@code train MODEL}: trains {@code entry} with the options parsed into {@code command}; the exit code. */
    int train(ZooEntry entry, TrainCommand command) throws IOException;

    /** {@code evaluate MODEL.zip}: evaluates {@code model} (read from {@code command.modelFile}); the exit code. */
    int evaluate(Model model, EvaluateCommand command) throws IOException;

    /** The type of {@code entry}'s data set. @throws Dropout4jCli.UserException if the CLI cannot train it */
    static DataSetType of(ZooEntry entry) {
        DataSetType t = KNOWN.get(entry.dataset());
        if (t == null) {
            throw new Dropout4jCli.UserException(
                    entry.name() + " is a " + entry.dataset() + " model; this CLI does not "
                            + "train it yet (build it in Java with ModelRegistry.standard().require(\"" + entry.name()
                            + "\"))");
        }
        return t;
    }

    /** The type named {@code dataset} in {@code file}. @throws IllegalArgumentException if the CLI does not know it */
    static DataSetType of(String dataset, Object file) {
        DataSetType t = KNOWN.get(dataset);
        if (t == null) {
            throw new IllegalArgumentException(file + " is a " + dataset + " model; this CLI does not evaluate it");
        }
        return t;
    }
}
