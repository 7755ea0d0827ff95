package io.github.dropout4j.zoo.cli;

import io.github.dropout4j.zoo.data.IdxDataSetIterator;
import io.github.dropout4j.zoo.data.MnistData;
import io.github.dropout4j.zoo.models.HiddenActivation;
import io.github.dropout4j.zoo.models.MlpConfig;
import io.github.dropout4j.zoo.models.MnistMlp;
import io.github.dropout4j.zoo.training.Recipe;
import io.github.dropout4j.zoo.training.TrainingRun;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sweep}: a grid of hidden-unit drop probabilities x per-unit max-norm bounds x seeds on a small network
 * ({@code 784-<hidden>-10}), a few epochs each, printing the mean +/- sample standard deviation of the
 * validation accuracy of each cell (the practitioners' experiment of PAPER-NOTES section 7, at minute scale).
 * Accuracies are measured on the validation split, not the test split, since the sweep selects settings.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Grid of dropout rates x max-norm bounds x seeds on a small network; mean +/- std validation "
        + "accuracy per cell.")
final class SweepCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--drop", split = ",", paramLabel = "P", description = "Drop probabilities of the hidden units, "
      + "each in [0, 1) (default: ${DEFAULT-VALUE}).")
  List<Double> dropProbabilities = List.of(0.0, 0.25, 0.5);

  @Option(names = "--max-norm", split = ",", paramLabel = "C", description = "Bounds on the L2 norm of each "
      + "unit's incoming weights, hidden and output units alike (max-norm on every layer, as in practitioners' "
      + "sweeps; not squared); 0 = no bound (default: ${DEFAULT-VALUE}).")
  List<Double> maxNorms = List.of(0.0, 1.0, 2.0, 4.0);

  @Option(names = "--seeds", paramLabel = "K", description = "Runs per cell, seeds 1..K (default: ${DEFAULT-VALUE}).")
  int seeds = 3;

  @Option(names = "--epochs", paramLabel = "N", description = "Epochs per run (default: ${DEFAULT-VALUE}).")
  int epochs = 5;

  @Option(names = "--hidden", paramLabel = "H", description = "Units of the one hidden layer (default: "
      + "${DEFAULT-VALUE}).")
  int hidden = 256;

  @Option(names = "--recipe", paramLabel = "R", description = "short (default) or paper.")
  Recipe recipe = Recipe.SHORT;

  @Option(names = "--out", paramLabel = "DIR", description = "Also write sweep.csv (one row per run) here.")
  Path out;

  @Option(names = "--quiet", description = "No progress bar.")
  boolean quiet;

  @Mixin
  DataOptions dataOptions;

  @Override
  public Integer call() throws IOException {
    Dropout4jCli.atLeastOne("--epochs", epochs);
    Dropout4jCli.atLeastOne("--seeds", seeds);
    Dropout4jCli.atLeastOne("--hidden", hidden);
    if (out != null) {
      OutputPaths.requireWritableDirectory("--out", out);
    }
    if (dropProbabilities.isEmpty() || maxNorms.isEmpty()) {
      throw new IllegalArgumentException((dropProbabilities.isEmpty() ? "--drop" : "--max-norm") + " needs at least "
          + "one value (comma-separated, e.g. 0,0.5)");
    }
    for (double d : dropProbabilities) {
      if (!(d >= 0 && d < 1)) {
        throw new IllegalArgumentException("--drop values must be drop probabilities in [0, 1), got " + d);
      }
    }
    for (double c : maxNorms) {
      if (Double.isNaN(c) || Double.isInfinite(c)) {
        throw new IllegalArgumentException("--max-norm values must be finite numbers (0 = no bound), got " + c);
      }
      if (c < 0) {
        throw new IllegalArgumentException("--max-norm values must be >= 0 (0 = no bound), got " + c);
      }
    }
    MnistData data = dataOptions.load(10_000);
    if (data.validation().count() == 0) {
      throw new IllegalArgumentException("the data have no validation split to sweep on");
    }
    int trainCount = dataOptions.trainCount(data);
    PrintWriter stdout = spec.commandLine().getOut();
    stdout.printf(Locale.ROOT, "Sweep: 784-%d-10 ReLU, hidden dropout x max-norm, %d seeds, %d epochs, recipe %s%n"
            + "  data: %s; accuracy on the %,d validation digits (mean network)%n%n", hidden, seeds, epochs,
        recipe.name().toLowerCase(Locale.ROOT), DataOptions.describe(data, trainCount, dataOptions),
        data.validation().count());
    stdout.flush();
    ProgressBar bar = ProgressBar.forTerminal(spec.commandLine().getErr(), quiet);
    int runs = dropProbabilities.size() * maxNorms.size() * seeds;
    bar.start("sweep", runs);
    StringBuilder csv = new StringBuilder("drop_probability,max_norm,seed,validation_errors,validation_count\n");
    double[][] mean = new double[dropProbabilities.size()][maxNorms.size()];
    double[][] std = new double[dropProbabilities.size()][maxNorms.size()];
    int done = 0;
    for (int i = 0; i < dropProbabilities.size(); i++) {
      for (int j = 0; j < maxNorms.size(); j++) {
        double[] acc = new double[seeds];
        for (int s = 1; s <= seeds; s++) {
          MlpConfig c = MnistMlp.paper(false, hidden).withName("sweep").withActivation(HiddenActivation.RELU)
              .withRetainProbabilities(1.0, 1.0 - dropProbabilities.get(i))
              .withMaxSquaredLength(maxNorms.get(j) * maxNorms.get(j)).withBoundOutputUnits(true).withUpdater(recipe.updater()).withSeed(s);
          MultiLayerNetwork net = MnistMlp.of(c).init();
          IdxDataSetIterator it = IdxDataSetIterator.builder(data.train()).batchSize(MnistMlp.BATCH_SIZE)
              .limit(trainCount).shuffle(MnistRun.dataSeed(s)).build();
          new TrainingRun(net, MnistRun.manifest(c, recipe.name().toLowerCase(Locale.ROOT), trainCount,
              MnistMlp.BATCH_SIZE, s), TrainingRun.EpochData.of(it), TrainingRun.Evaluation.NONE).run(epochs);
          int errors = MnistRun.errors(net, data.validation(), data.validation().count());
          acc[s - 1] = 100.0 - 100.0 * errors / data.validation().count();
          csv.append(String.format(Locale.ROOT, "%s,%s,%d,%d,%d%n", dropProbabilities.get(i), maxNorms.get(j), s,
              errors, data.validation().count()));
          bar.update(++done, 0);
        }
        mean[i][j] = java.util.Arrays.stream(acc).average().orElse(Double.NaN);
        double m = mean[i][j];
        std[i][j] = seeds < 2 ? 0 : Math.sqrt(java.util.Arrays.stream(acc).map(a -> (a - m) * (a - m)).sum()
            / (seeds - 1));
      }
    }
    bar.clear();
    stdout.printf("%-22s", "drop \\ max-norm");
    for (double c : maxNorms) {
      stdout.printf(Locale.ROOT, "%18s", c == 0 ? "none" : String.format(Locale.ROOT, "%.1f", c));
    }
    stdout.println();
    for (int i = 0; i < dropProbabilities.size(); i++) {
      stdout.printf(Locale.ROOT, "%-22.2f", dropProbabilities.get(i));
      for (int j = 0; j < maxNorms.size(); j++) {
        stdout.printf(Locale.ROOT, "%18s", String.format(Locale.ROOT, "%.2f +/- %.2f", mean[i][j], std[i][j]));
      }
      stdout.println();
    }
    stdout.printf("(validation accuracy %%, mean +/- sample std over %d seeds)%n", seeds);
    if (out != null) {
      Files.createDirectories(out);
      Files.writeString(out.resolve("sweep.csv"), csv);
      stdout.printf("Wrote %s%n", out.resolve("sweep.csv"));
    }
    stdout.flush();
    return Dropout4jCli.OK;
  }
}
