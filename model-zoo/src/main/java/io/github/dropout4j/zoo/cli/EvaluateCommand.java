package io.github.dropout4j.zoo.cli;

import io.github.dropout4j.zoo.data.LabeledImages;
import io.github.dropout4j.zoo.data.MnistData;
import io.github.dropout4j.zoo.training.Errors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code evaluate MODEL.zip}: test-time (mean-network) classification error of a saved model on an MNIST split. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Classification error of a saved model (model.zip, a checkpoint, or an exported mean network) "
        + "on an MNIST split, with dropout off (the mean network).")
final class EvaluateCommand implements Callable<Integer> {
  enum Split { TRAIN, VALIDATION, TEST }

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "MODEL.zip", description = "A DL4J MultiLayerNetwork zip.")
  Path modelFile;

  @Option(names = "--split", paramLabel = "SPLIT", description = "TRAIN, VALIDATION or TEST (default: "
      + "${DEFAULT-VALUE}).")
  Split split = Split.TEST;

  @Mixin
  DataOptions dataOptions;

  @Override
  public Integer call() throws IOException {
    MultiLayerNetwork net = ModelFiles.readNetwork(modelFile);
    MnistData data = dataOptions.load(split == Split.VALIDATION ? 10_000 : 0);
    LabeledImages set = switch (split) {
      case TRAIN -> data.train();
      case VALIDATION -> data.validation();
      case TEST -> data.test();
    };
    ModelFiles.requireInputs(net, set.images().pixelsPerImage(), modelFile);
    int count = dataOptions.limitFor(set);
    int errors = Errors.count(net, set, count);
    spec.commandLine().getOut().printf(Locale.ROOT, "%s on %s (%s): %,d / %,d errors (%.2f%%), accuracy %.2f%%%n",
        modelFile.getFileName(), split.name().toLowerCase(Locale.ROOT), DataOptions.describe(data,
            data.train().count(), dataOptions), errors, count, 100.0 * errors / count, 100.0 - 100.0 * errors / count);
    spec.commandLine().getOut().flush();
    return Dropout4jCli.OK;
  }
}
