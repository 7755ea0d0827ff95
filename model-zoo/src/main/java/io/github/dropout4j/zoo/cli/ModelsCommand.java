package io.github.dropout4j.zoo.cli;

import io.github.dropout4j.zoo.models.HintonImageNetNet;
import io.github.dropout4j.zoo.models.LeNet;
import io.github.dropout4j.zoo.models.MnistMlp;
import io.github.dropout4j.zoo.models.ModelRegistry;
import io.github.dropout4j.zoo.models.ZooEntry;
import io.github.dropout4j.zoo.pretrained.WeightsEntry;
import io.github.dropout4j.zoo.pretrained.WeightsRegistry;
import io.github.dropout4j.zoo.training.Recipe;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code models}: the zoo, one line per model. */
@Command(
        name = "models",
        mixinStandardHelpOptions = true,
        description = "List the zoo: name, parameters, input shape, published pretrained weights (data set and test "
                + "error of the mean network; fetch them with 'pull'), paper reference (and recipe with --recipes).")
final class ModelsCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--recipes", description = "Also print each model's training recipe.")
    boolean recipes;

    /**
     * What {@code train} (and {@code reproduce}) actually run for a model of {@code dataset}: the default recipe and
     * how {@code --recipe paper} relates to the paper's line above it; null for models the CLI does not train.
     */
    static String cliRecipes(String dataset) {
        return switch (dataset) {
            case "mnist" ->
                "train default: --recipe " + Recipe.SHORT.describe() + "; --recipe " + Recipe.PAPER.describe()
                        + "; batch " + MnistMlp.BATCH_SIZE;
            case "cifar10" ->
                String.format(
                        Locale.ROOT,
                        "train default: --recipe short = the paper's with N(0, %s^2) init, "
                                + "hidden biases %s, rate %s; --recipe paper = the line above; batch %d (--batch)",
                        Cifar10Run.recipe(Recipe.SHORT, 100, null).weightStd(),
                        Cifar10Run.recipe(Recipe.SHORT, 100, null).hiddenBiasInit(),
                        Cifar10Run.recipe(Recipe.SHORT, 100, null).learningRate(),
                        Cifar10Run.recipe(Recipe.SHORT, 100, null).batchSize());
            case "imagenet" ->
                "train default: a tiny variant (--size 72 --crop 64 --width-divisor 16 --fc-units 64) and "
                        + "--recipe short = Adam with He init; --recipe paper = the line above's optimiser at the sizes you give; "
                        + "batch " + ImageNetTrainOptions.DEFAULT_BATCH + " (--recipe short) or "
                        + HintonImageNetNet.PAPER_BATCH_SIZE
                        + " (--recipe paper, the paper's) unless --batch";
            default -> null;
        };
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                Locale.ROOT,
                "%-28s %12s  %-13s %-42s %s%n",
                "Model",
                "Parameters",
                "Input",
                "Pretrained (data set, test error)",
                "Reference");
        for (ZooEntry e : ModelRegistry.standard().entries()) {
            List<WeightsEntry> weights = WeightsRegistry.standard().forModel(e.name());
            String pretrained = weights.isEmpty()
                    ? "-"
                    : String.join(
                            "; ",
                            weights.stream()
                                    .map(w -> String.format(
                                            Locale.ROOT,
                                            "%s %.2f%%",
                                            w.trainedOn().id(),
                                            w.testErrorPercent()))
                                    .toList());
            out.printf(
                    Locale.ROOT,
                    "%-28s %,12d  %-13s %-42s %s%n",
                    e.name(),
                    e.parameterCount(),
                    e.inputShapeString(),
                    pretrained,
                    e.reference());
            if (recipes) {
                out.printf("    paper: %s%n", e.recipe());
                String cli = e.create(1) instanceof LeNet ? LeNet.describeRecipes() : cliRecipes(e.dataset());
                if (cli != null) {
                    out.printf("    %s%n", cli);
                }
            }
        }
        out.flush();
        return Dropout4jCli.OK;
    }
}
