package io.github.dropout4j.zoo.cli;

import io.github.dropout4j.zoo.data.MnistData;
import io.github.dropout4j.zoo.models.FeedForwardZooModel;
import io.github.dropout4j.zoo.models.MlpConfig;
import io.github.dropout4j.zoo.models.ModelRegistry;
import io.github.dropout4j.zoo.models.MnistMlp;
import io.github.dropout4j.zoo.models.ZooEntry;
import io.github.dropout4j.zoo.training.EpochRecord;
import io.github.dropout4j.zoo.training.Recipe;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.deeplearning4j.util.ModelSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code train MODEL}: trains a zoo model on MNIST, checkpointing atomically after every epoch into
 * {@code --out/checkpoint.zip}; writes {@code --out/model.zip} (with updater state) and {@code errors.csv}.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Train a zoo model (see 'models') on MNIST, with a checkpoint every epoch and --resume.")
final class TrainCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "MODEL", description = "Zoo model name, e.g. mnist-800x2-dropout.")
  String model;

  @Option(names = "--epochs", paramLabel = "N", description = "Total epochs (default: ${DEFAULT-VALUE}).")
  int epochs = 10;

  @Option(names = "--seed", paramLabel = "S", description = "Seed of weights, masks and data order "
      + "(default: ${DEFAULT-VALUE}).")
  long seed = 1;

  @Option(names = "--batch", paramLabel = "B", description = "Minibatch size (default: ${DEFAULT-VALUE}).")
  int batch = MnistMlp.BATCH_SIZE;

  @Option(names = "--recipe", paramLabel = "R", description = "short (default) or paper; see 'reproduce mnist "
      + "--help'.")
  Recipe recipe = Recipe.SHORT;

  @Option(names = "--out", paramLabel = "DIR", required = true, description = "Output directory: "
      + "checkpoint.zip, model.zip, errors.csv.")
  Path out;

  @Option(names = "--resume", description = "Continue from --out/checkpoint.zip (same model, seed, batch, data).")
  boolean resume;

  @Option(names = "--quiet", description = "No progress bar and no per-epoch lines.")
  boolean quiet;

  @Mixin
  DataOptions dataOptions;

  @Override
  public Integer call() throws IOException {
    if (epochs < 1) {
      throw new IllegalArgumentException("--epochs must be >= 1, got " + epochs);
    }
    if (batch < 1) {
      throw new IllegalArgumentException("--batch must be >= 1, got " + batch);
    }
    ZooEntry entry = ModelRegistry.standard().require(model);
    if (!entry.dataset().equals("mnist")) {
      throw new Dropout4jCli.UserException(model + " is a " + entry.dataset() + " model; this CLI trains only on "
          + "MNIST so far (build it in Java with ModelRegistry.standard().require(\"" + model + "\"))");
    }
    MlpConfig config = ((FeedForwardZooModel) entry.create(seed)).config().withUpdater(recipe.updater());
    MnistData data = dataOptions.load();
    int trainCount = dataOptions.trainCount(data);
    Files.createDirectories(out);
    PrintWriter stdout = spec.commandLine().getOut();
    stdout.printf("Training %s (%s, %,d parameters), %d epochs, recipe %s%n  data: %s%n", model,
        config.architecture(), config.parameterCount(), epochs, recipe.name().toLowerCase(Locale.ROOT),
        DataOptions.describe(data, trainCount, dataOptions));
    stdout.flush();
    ProgressBar bar = ProgressBar.forTerminal(spec.commandLine().getErr(), quiet);
    MnistRun.Outcome o = MnistRun.train(model, config, data, trainCount, trainCount, epochs, batch, seed,
        out.resolve("checkpoint.zip"), resume, bar, quiet ? null : spec.commandLine().getErr());
    ModelSerializer.writeModel(o.network(), out.resolve("model.zip").toFile(), true);
    ErrorCurves curves = new ErrorCurves();
    curves.add(model, o.history());
    curves.writeCsv(out.resolve("errors.csv"));
    EpochRecord last = o.history().get(o.history().size() - 1);
    stdout.printf(Locale.ROOT, "%s after %d epochs: test errors %,d / %,d (%.2f%%), train error %.2f%%%n"
            + "Wrote %s and %s%n", model, last.epoch(), last.testErrors(), last.testCount(),
        last.testErrorPercent(), last.trainErrorPercent(), out.resolve("model.zip"), out.resolve("errors.csv"));
    stdout.flush();
    return Dropout4jCli.OK;
  }
}
