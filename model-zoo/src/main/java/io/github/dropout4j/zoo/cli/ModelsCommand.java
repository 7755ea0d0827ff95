package io.github.dropout4j.zoo.cli;

import io.github.dropout4j.zoo.models.ModelRegistry;
import io.github.dropout4j.zoo.models.ZooEntry;
import io.github.dropout4j.zoo.pretrained.WeightsEntry;
import io.github.dropout4j.zoo.pretrained.WeightsRegistry;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code models}: the zoo, one line per model. */
@Command(name = "models", mixinStandardHelpOptions = true,
    description = "List the zoo: name, parameters, input shape, published pretrained weights (data set and test "
        + "error of the mean network; fetch them with 'pull'), paper reference (and recipe with --recipes).")
final class ModelsCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--recipes", description = "Also print each model's training recipe.")
  boolean recipes;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    out.printf(Locale.ROOT, "%-28s %12s  %-13s %-42s %s%n", "Model", "Parameters", "Input",
        "Pretrained (data set, test error)", "Reference");
    for (ZooEntry e : ModelRegistry.standard().entries()) {
      List<WeightsEntry> weights = WeightsRegistry.standard().forModel(e.name());
      String pretrained = weights.isEmpty() ? "-" : String.join("; ", weights.stream().map(w ->
          String.format(Locale.ROOT, "%s %.2f%%", w.trainedOn().id(), w.testErrorPercent())).toList());
      out.printf(Locale.ROOT, "%-28s %,12d  %-13s %-42s %s%n", e.name(), e.parameterCount(), e.inputShapeString(),
          pretrained, e.reference());
      if (recipes) {
        out.printf("    %s%n", e.recipe());
      }
    }
    out.flush();
    return Dropout4jCli.OK;
  }
}
