package io.github.dropout4j.zoo.cli;

import io.github.dropout4j.zoo.models.ModelRegistry;
import io.github.dropout4j.zoo.models.ZooEntry;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code models}: the zoo, one line per model. */
@Command(name = "models", mixinStandardHelpOptions = true,
    description = "List the zoo: name, parameters, input shape, paper reference (and recipe with --recipes).")
final class ModelsCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--recipes", description = "Also print each model's training recipe.")
  boolean recipes;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    out.printf(Locale.ROOT, "%-28s %12s  %-13s %s%n", "Model", "Parameters", "Input", "Reference");
    for (ZooEntry e : ModelRegistry.standard().entries()) {
      out.printf(Locale.ROOT, "%-28s %,12d  %-13s %s%n", e.name(), e.parameterCount(), e.inputShapeString(),
          e.reference());
      if (recipes) {
        out.printf("    %s%n", e.recipe());
      }
    }
    out.flush();
    return Dropout4jCli.OK;
  }
}
