package io.github.dropout4j.zoo.cli;

import io.github.dropout4j.zoo.data.Cifar10Data;
import io.github.dropout4j.zoo.data.PixelMeanNormalizer;
import io.github.dropout4j.zoo.models.Cifar10DropoutNet;
import io.github.dropout4j.zoo.models.Cifar10Net;
import io.github.dropout4j.zoo.models.Cifar10Recipe;
import io.github.dropout4j.zoo.models.Cifar10Training;
import io.github.dropout4j.zoo.training.Recipe;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code reproduce cifar10}: Appendix G's comparison. Trains {@link Cifar10Net} (paper: 16.6% test error) and
 * {@link Cifar10DropoutNet} (the same plus a locally connected layer with 50% dropout on its output; paper: 15.6%)
 * with the same recipe, seed and data order, and writes {@code table.txt}, {@code errors.csv} (per network and
 * epoch: training loss, mean-network test errors, learning rate, seconds), {@code figure.png} (test error against
 * epochs) and {@code models/<variant>.zip} (each with its pixel mean) into {@code --out}.
 */
@Command(name = "cifar10", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Train the CIFAR-10 nets of Appendix G with and without dropout and print a table shaped like "
        + "the paper's (16.6% vs 15.6%) with our measured errors; errors.csv, figure.png, models/*.zip in --out.",
        "Default data: the shipped SYNTHETIC stand-in (1,500 / 500 images of drawn shapes, not CIFAR-10); "
            + "--download or --data DIR for CIFAR-10."})
final class ReproduceCifar10Command implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--epochs", paramLabel = "N", description = "Epochs per network (default: ${DEFAULT-VALUE}).")
  int epochs = 3;

  @Option(names = "--seed", paramLabel = "S", description = "Seed of the weights, masks and data order "
      + "(default: ${DEFAULT-VALUE}).")
  long seed = 1;

  @Option(names = "--batch", paramLabel = "B", description = "Minibatch size (default: 128, the paper's).")
  Integer batch;

  @Option(names = "--recipe", paramLabel = "R", description = "short (default: N(0, 0.05^2) init, hidden biases "
      + "0.1, rate 0.02, inputs in [0, 1] minus the pixel mean) or paper (Appendix F: N(0, 0.01^2), biases 1, rate "
      + "1e-3 /10 after 80% and 90% of the epochs, raw RGB 0..255 minus the pixel mean).")
  Recipe recipe = Recipe.SHORT;

  @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: runs/reproduce-cifar10-"
      + "<timestamp>).")
  Path out;

  @Option(names = "--resume", description = "Continue a killed run in --out (models/*.zip are written every epoch) "
      + "to the same result as an unbroken one; same settings.")
  boolean resume;

  @Option(names = "--quiet", description = "No progress bar and no per-epoch lines.")
  boolean quiet;

  @Mixin
  DataOptions dataOptions;

  @Override
  public Integer call() throws IOException {
    Dropout4jCli.atLeastOne("--epochs", epochs);
    Dropout4jCli.atLeastOne("--batch", batch);
    Cifar10Data data = Cifar10Run.load(dataOptions);
    int trainCount = dataOptions.limitFor(data.train().count(), "training");
    Cifar10Recipe r = Cifar10Run.recipe(recipe, epochs, batch);
    Path dir = out != null ? out : Path.of("runs", "reproduce-cifar10-"
        + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    Files.createDirectories(dir.resolve("models"));
    PrintWriter stdout = spec.commandLine().getOut();
    stdout.printf(Locale.ROOT, "Appendix G at demo scale: %d epochs per network, recipe %s (inputs %s), seed %d%n"
        + "  data: %s%n", epochs, recipe.name().toLowerCase(Locale.ROOT), Cifar10Run.pixelScaleName(r.pixelScale()),
        seed, Cifar10Run.describe(data, trainCount, dataOptions));
    stdout.flush();
    long start = System.nanoTime();
    ProgressBar bar = ProgressBar.forTerminal(spec.commandLine().getErr(), quiet);
    Map<String, Cifar10Run.Outcome> runs = new LinkedHashMap<>();
    PixelMeanNormalizer mean = PixelMeanNormalizer.fit(data.train()); // once: both networks subtract the same mean
    for (String variant : new String[] {"cifar10", "cifar10-dropout"}) {
      runs.put(variant, Cifar10Run.train(variant, variant.endsWith("-dropout"), r, data, mean, trainCount, seed,
          dir.resolve("models").resolve(variant + ".zip"), resume, bar, quiet ? null : stdout));
    }
    Cifar10Run.writeCsv(runs, dir.resolve("errors.csv"));
    ErrorCurves curves = new ErrorCurves();
    runs.forEach((variant, o) -> curves.add(variant, o.history()));
    curves.writePng(dir.resolve("figure.png"), "CIFAR-10 (Appendix G), mean-network test error");
    String table = table(runs);
    Files.writeString(dir.resolve("table.txt"), table);
    stdout.print(table);
    stdout.printf(Locale.ROOT, "%.0f s. Wrote %s (table.txt, errors.csv, figure.png, models/)%n",
        (System.nanoTime() - start) / 1e9, dir);
    stdout.flush();
    return Dropout4jCli.OK;
  }

  static String table(Map<String, Cifar10Run.Outcome> runs) {
    StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%-48s %14s %9s %8s%n", "Method (mean network)",
        "Test errors", "Error %", "Paper"));
    String[][] rows = {{"cifar10", "Conv net, no dropout (Appendix G)", "16.6%"},
        {"cifar10-dropout", "Conv net + locally connected, 50% dropout", "15.6%"}};
    for (String[] row : rows) {
      Cifar10Run.Outcome o = runs.get(row[0]);
      Cifar10Training.EpochReport last = o.reports().get(o.reports().size() - 1);
      long errors = Math.round(last.testError() * o.testCount());
      s.append(String.format(Locale.ROOT, "%-48s %14s %8.2f%% %8s%n", row[1],
          String.format(Locale.ROOT, "%,d / %,d", errors, o.testCount()), 100 * last.testError(), row[2]));
    }
    return s.toString();
  }
}
