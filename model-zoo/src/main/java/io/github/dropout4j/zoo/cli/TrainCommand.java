package io.github.dropout4j.zoo.cli;

import io.github.dropout4j.zoo.data.imagenet.BadImages;
import io.github.dropout4j.zoo.models.ModelRegistry;
import io.github.dropout4j.zoo.models.ZooEntry;
import io.github.dropout4j.zoo.training.LearningRatePlateau;
import java.io.IOException;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.api.Model;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code train MODEL}: trains a zoo model, writing its state atomically after every epoch so that {@code --resume}
 * continues a killed run to the same result as an unbroken one: MNIST models into {@code --out/checkpoint.zip}
 * (then {@code model.zip}), CIFAR-10 ({@code cifar10 [--dropout]}, see {@link Cifar10Run}) and ImageNet
 * ({@code imagenet}, {@code alexnet}, see {@link ImageNetRun}) models into {@code --out/model.zip}. Also writes
 * {@code errors.csv} (MNIST, CIFAR-10) and {@code figure.png} (test error, or training loss for ImageNet).
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
    defaultValueProvider = TrainCommand.Defaults.class,
    description = {"Train a zoo model (see 'models'): MNIST models on MNIST (checkpoint every epoch, --resume); "
        + "cifar10 [--dropout] on CIFAR-10 (default: the shipped synthetic stand-in); imagenet (= hinton-imagenet), "
        + "hinton-imagenet-nodropout and alexnet (= alexnet-dropout) on an image folder (--data DIR).",
        "ImageNet sizes default to a tiny variant that trains in seconds on src-test-data/imagenet-synthetic; "
            + "the paper's: --size 256 --crop 224 --width-divisor 1 --fc-units 4096 --recipe paper."})
final class TrainCommand implements Callable<Integer> {
  /** The default minibatch of ImageNet models (the tiny default variant; the paper's is 128). */
  static final int IMAGENET_BATCH = 16;
  /** Options that shape ImageNet models only; rejected for the others. */
  private static final String[] IMAGENET_ONLY = {"--size", "--crop", "--width-divisor", "--fc-units"};

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "MODEL", description = "Zoo model name, e.g. mnist-800x2-dropout.")
  String model;

  @Mixin
  RunOptions run;

  @Option(names = "--dropout", description = "cifar10: the dropout network of Appendix G (= cifar10-dropout).")
  boolean dropout;

  @Option(names = "--workers", paramLabel = "N", description = "Data-parallel workers on this machine "
      + "(DL4J ParallelWrapper, averaged after every step): each minibatch of --batch is cut into N slices of "
      + "batch / N, so the run trains like one process with minibatch --batch; 1 is a plain fit (default: "
      + "${DEFAULT-VALUE}).")
  int workers = 1;

  @Option(names = "--size", paramLabel = "N", description = "ImageNet: side the images are resized to "
      + "(default: ${DEFAULT-VALUE}; paper: 256).")
  int imageSize = 72;

  @Option(names = "--crop", paramLabel = "N", description = "ImageNet: side of the training crops and ten views, "
      + "a multiple of 4, >= 64 (default: ${DEFAULT-VALUE}; paper: 224).")
  int cropSize = 64;

  @Option(names = "--width-divisor", paramLabel = "N", description = "ImageNet models: divides every channel "
      + "count (default: ${DEFAULT-VALUE}; paper: 1).")
  int widthDivisor = 16;

  @Option(names = "--fc-units", paramLabel = "N", description = "ImageNet models: units of each globally "
      + "connected layer (default: ${DEFAULT-VALUE}; paper: 4096).")
  int fcUnits = 64;

  @Option(names = "--plateau-patience", paramLabel = "N", description = "ImageNet --recipe paper: divide the "
      + "learning rate by 10 after N epochs without the validation error falling 0.1 percentage points below its "
      + "best (default: ${DEFAULT-VALUE}).")
  int plateauPatience = LearningRatePlateau.DEFAULT_PATIENCE;

  @Option(names = "--max-bad-images", paramLabel = "N", description = "ImageNet: skip and report up to N images "
      + "that cannot be decoded; more is an error naming them (default: ${DEFAULT-VALUE}).")
  int maxBadImages = BadImages.DEFAULT_LIMIT;

  @Mixin
  DataOptions dataOptions;

  /** {@code --epochs 10}. */
  static final class Defaults extends RunOptions.Defaults {
    Defaults() {
      super(java.util.Map.of("--epochs", "10"));
    }
  }

  @Override
  public Integer call() throws IOException {
    run.validate();
    Dropout4jCli.atLeastOne("--workers", workers);
    if (run.out == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "Missing required option: '--out=DIR'");
    }
    OutputPaths.requireWritableDirectory("--out", run.out);
    ZooEntry entry = ModelRegistry.standard().require(alias(model, dropout));
    if (!entry.dataset().equals("imagenet")) {
      for (String option : IMAGENET_ONLY) {
        if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
          throw new IllegalArgumentException(option + " applies to ImageNet models only; " + entry.name()
              + " is a " + entry.dataset() + " model");
        }
      }
    }
    return DataSetType.of(entry).train(entry, this);
  }

  /**
   * {@code --workers} for minibatches of {@code batch}.
   *
   * @throws IllegalArgumentException if {@code batch} is not a multiple of it
   */
  int workersFor(int batch) {
    if (batch % workers != 0) {
      throw new IllegalArgumentException("--batch " + batch + " is not divisible by --workers " + workers
          + ": each worker trains on batch / workers examples");
    }
    return workers;
  }

  /** For the header line: {@code " = N workers x batch / N (...)"}, or nothing for one worker. */
  static String onWorkers(int workers, int batch) {
    return workers == 1 ? "" : " = " + workers + " workers x " + batch / workers
        + " (ParallelWrapper, averaged every step)";
  }

  /** Short names: {@code cifar10 --dropout} -> cifar10-dropout, imagenet -> hinton-imagenet, alexnet -> alexnet-dropout. */
  static String alias(String name, boolean dropout) {
    String n = switch (name) {
      case "imagenet" -> "hinton-imagenet";
      case "alexnet" -> "alexnet-dropout";
      default -> name;
    };
    if (dropout) {
      if (!n.equals("cifar10") && !n.equals("cifar10-dropout")) {
        throw new IllegalArgumentException("--dropout selects cifar10-dropout; " + name + " is chosen by name "
            + "(e.g. mnist-800x2-dropout)");
      }
      return "cifar10-dropout";
    }
    return n;
  }
}
