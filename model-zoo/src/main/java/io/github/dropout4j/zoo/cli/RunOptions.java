package io.github.dropout4j.zoo.cli;

import io.github.dropout4j.zoo.training.Recipe;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * The options every training command shares ({@code train}, {@code reproduce mnist}, {@code reproduce cifar10}):
 * {@code --epochs --seed --batch --recipe --out --resume --quiet}. Each command states its defaults with
 * {@link #defaults} (shown as {@code ${DEFAULT-VALUE}} in its help); {@code --batch} unset means the data set's
 * batch size. {@code --recipe} is the {@link Recipe} choice, {@code short} or {@code paper}, for every data set.
 */
final class RunOptions {
    @Option(names = "--epochs", paramLabel = "N", description = "Total epochs of the run (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(
            names = "--seed",
            paramLabel = "S",
            description = "Seed of the weights, masks and data order " + "(default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(
            names = "--batch",
            paramLabel = "B",
            description = "Minibatch size (default: the data set's: 100 MNIST; "
                    + "128 CIFAR-10; ImageNet 16 with --recipe short, 128 with --recipe paper, the papers').")
    Integer batch;

    @Option(
            names = "--recipe",
            paramLabel = "R",
            description = "short (default: the paper's optimiser, tuned so "
                    + "short runs learn) or paper (the paper's appendix exactly); see README-cli.md.")
    Recipe recipe = Recipe.SHORT;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "Output directory (train: required; reproduce: "
                    + "default runs/reproduce-<data set>-<timestamp>).")
    Path out;

    @Option(
            names = "--resume",
            description = "Continue the run in --out after its last finished epoch, to the "
                    + "same result as an unbroken run; same settings.")
    boolean resume;

    @Option(names = "--quiet", description = "No progress bar and no per-epoch lines.")
    boolean quiet;

    /** Checks the counts: {@code --epochs} and {@code --batch} >= 1. */
    void validate() {
        Dropout4jCli.atLeastOne("--epochs", epochs);
        Dropout4jCli.atLeastOne("--batch", batch);
    }

    /** The recipe's name as the run manifest and the output show it. */
    String recipeName() {
        return recipe.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** {@code --batch}, or {@code dataSetDefault} when unset. */
    int batchOr(int dataSetDefault) {
        return batch == null ? dataSetDefault : batch;
    }

    /**
     * A command's defaults for these options, by option name (e.g. {@code "--epochs" -> "40"}), for
     * {@code @Command(defaultValueProvider = ...)}; options not named keep their field defaults.
     */
    abstract static class Defaults implements CommandLine.IDefaultValueProvider {
        private final Map<String, String> byOption;

        Defaults(Map<String, String> byOption) {
            this.byOption = Map.copyOf(byOption);
        }

        @Override
        public String defaultValue(ArgSpec arg) {
            return arg instanceof OptionSpec o ? byOption.get(o.longestName()) : null;
        }
    }
}
