package io.github.dropout4j.zoo.cli;

import io.github.dropout4j.zoo.data.Cifar10Data;
import io.github.dropout4j.zoo.data.MnistData;
import io.github.dropout4j.zoo.data.PixelMeanNormalizer;
import io.github.dropout4j.zoo.data.imagenet.BadImages;
import io.github.dropout4j.zoo.data.imagenet.ImageFolder;
import io.github.dropout4j.zoo.models.Cifar10Recipe;
import io.github.dropout4j.zoo.models.Cifar10Training;
import io.github.dropout4j.zoo.models.FeedForwardZooModel;
import io.github.dropout4j.zoo.models.HintonImageNetNet;
import io.github.dropout4j.zoo.models.MlpConfig;
import io.github.dropout4j.zoo.models.ModelRegistry;
import io.github.dropout4j.zoo.models.MnistMlp;
import io.github.dropout4j.zoo.models.ZooEntry;
import io.github.dropout4j.zoo.training.EpochRecord;
import io.github.dropout4j.zoo.training.LearningRatePlateau;
import io.github.dropout4j.zoo.training.Recipe;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.util.ModelSerializer;
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
    description = {"Train a zoo model (see 'models'): MNIST models on MNIST (checkpoint every epoch, --resume); "
        + "cifar10 [--dropout] on CIFAR-10 (default: the shipped synthetic stand-in); imagenet (= hinton-imagenet), "
        + "hinton-imagenet-nodropout and alexnet (= alexnet-dropout) on an image folder (--data DIR).",
        "ImageNet sizes default to a tiny variant that trains in seconds on src-test-data/imagenet-synthetic; "
            + "the paper's: --size 256 --crop 224 --width-divisor 1 --fc-units 4096 --recipe paper."})
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

  @Option(names = "--batch", paramLabel = "B", description = "Minibatch size (default: 100 MNIST; 128 CIFAR-10; "
      + "ImageNet 16 with --recipe short, 128 with --recipe paper, the papers').")
  Integer batch;

  @Option(names = "--recipe", paramLabel = "R", description = "short (default) or paper; see 'reproduce mnist "
      + "--help' and README-cli.md (CIFAR-10 and ImageNet: short = larger init / Adam so short runs learn).")
  Recipe recipe = Recipe.SHORT;

  @Option(names = "--dropout", description = "cifar10: the dropout network of Appendix G (= cifar10-dropout).")
  boolean dropout;

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

  @Option(names = "--out", paramLabel = "DIR", required = true, description = "Output directory: model.zip, "
      + "errors.csv (MNIST, CIFAR-10), figure.png; MNIST also checkpoint.zip, ImageNet imagenet-statistics.bin.")
  Path out;

  @Option(names = "--resume", description = "Continue the run in --out after its last finished epoch (MNIST: "
      + "checkpoint.zip; CIFAR-10, ImageNet: model.zip), to the same result as an unbroken run; same settings.")
  boolean resume;

  @Option(names = "--quiet", description = "No progress bar and no per-epoch lines.")
  boolean quiet;

  @Mixin
  DataOptions dataOptions;

  @Override
  public Integer call() throws IOException {
    Dropout4jCli.atLeastOne("--epochs", epochs);
    Dropout4jCli.atLeastOne("--batch", batch);
    ZooEntry entry = ModelRegistry.standard().require(alias(model, dropout));
    if (entry.dataset().equals("cifar10")) {
      return trainCifar10(entry);
    }
    if (entry.dataset().equals("imagenet")) {
      return trainImageNet(entry);
    }
    if (!entry.dataset().equals("mnist")) {
      throw new Dropout4jCli.UserException(model + " is a " + entry.dataset() + " model; this CLI does not train "
          + "it yet (build it in Java with ModelRegistry.standard().require(\"" + model + "\"))");
    }
    int batch = this.batch == null ? MnistMlp.BATCH_SIZE : this.batch;
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
    curves.writePng(out.resolve("figure.png"), model + ": mean-network test error");
    EpochRecord last = o.history().get(o.history().size() - 1);
    stdout.printf(Locale.ROOT, "%s after %d epochs: test errors %,d / %,d (%.2f%%), train error %.2f%%%n"
            + "Wrote %s, %s and %s%n", model, last.epoch(), last.testErrors(), last.testCount(),
        last.testErrorPercent(), last.trainErrorPercent(), out.resolve("model.zip"), out.resolve("errors.csv"),
        out.resolve("figure.png"));
    stdout.flush();
    return Dropout4jCli.OK;
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

  private Integer trainCifar10(ZooEntry entry) throws IOException {
    Cifar10Data data = Cifar10Run.load(dataOptions);
    int trainCount = dataOptions.limitFor(data.train().count(), "training");
    Cifar10Recipe r = Cifar10Run.recipe(recipe, epochs, batch);
    boolean withDropout = entry.name().equals("cifar10-dropout");
    Files.createDirectories(out);
    PrintWriter stdout = spec.commandLine().getOut();
    stdout.printf(Locale.ROOT, "Training %s (%,d parameters), %d epochs, recipe %s (rate %.0e, batch %d, "
            + "N(0, %s^2) init, hidden biases %s, inputs %s)%n  data: %s%n", entry.name(), entry.parameterCount(),
        epochs, recipe.name().toLowerCase(Locale.ROOT), r.learningRate(), r.batchSize(), r.weightStd(),
        r.hiddenBiasInit(), Cifar10Run.pixelScaleName(r.pixelScale()),
        Cifar10Run.describe(data, trainCount, dataOptions));
    stdout.flush();
    Path modelFile = out.resolve("model.zip");
    Cifar10Run.Outcome o = Cifar10Run.train(entry.name(), withDropout, r, data, PixelMeanNormalizer.fit(data.train()),
        trainCount, seed, modelFile, resume, ProgressBar.forTerminal(spec.commandLine().getErr(), quiet),
        quiet ? null : stdout);
    Cifar10Run.writeCsv(Cifar10Run.single(entry.name(), o), out.resolve("errors.csv"));
    ErrorCurves curves = new ErrorCurves();
    curves.add(entry.name(), o.history());
    curves.writePng(out.resolve("figure.png"), entry.name() + ": mean-network test error");
    Cifar10Training.EpochReport last = o.reports().get(o.reports().size() - 1);
    stdout.printf(Locale.ROOT, "%s after %d epochs: train loss %.4f, test errors %,d / %,d (%.2f%%)%n"
            + "Wrote %s (with the pixel mean), %s and %s%n", entry.name(), epochs, last.trainLoss(),
        Math.round(last.testError() * o.testCount()), o.testCount(), 100 * last.testError(), modelFile,
        out.resolve("errors.csv"), out.resolve("figure.png"));
    stdout.flush();
    return Dropout4jCli.OK;
  }

  private Integer trainImageNet(ZooEntry entry) throws IOException {
    if (dataOptions.download) {
      throw new IllegalArgumentException("ImageNet cannot be downloaded here; pass --data DIR (an image folder)");
    }
    if (cropSize < 64 || cropSize % 4 != 0 || imageSize < cropSize) {
      throw new IllegalArgumentException("need --crop a multiple of 4, >= 64 and <= --size; got --crop " + cropSize
          + ", --size " + imageSize);
    }
    if (widthDivisor < 1 || fcUnits < 1) {
      throw new IllegalArgumentException("--width-divisor and --fc-units must be >= 1, got " + widthDivisor
          + " and " + fcUnits);
    }
    Dropout4jCli.atLeastOne("--plateau-patience", plateauPatience);
    if (maxBadImages < 0) {
      throw new IllegalArgumentException("--max-bad-images must be >= 0, got " + maxBadImages);
    }
    ImageFolder all = ImageNetRun.folder(dataOptions.dir, "train");
    boolean paper = recipe == Recipe.PAPER;
    ImageNetRun.Split split = paper ? ImageNetRun.split(dataOptions.dir, all, seed) : null;
    ImageFolder folder = paper ? split.train() : all;
    LearningRatePlateau plateau = paper
        ? new LearningRatePlateau(plateauPatience, LearningRatePlateau.DEFAULT_MIN_IMPROVEMENT) : null;
    boolean alexNet = entry.name().equals("alexnet-dropout");
    ImageNetRun.Shape shape = new ImageNetRun.Shape(imageSize, cropSize, widthDivisor, fcUnits);
    int b = batch == null ? (paper ? HintonImageNetNet.PAPER_BATCH_SIZE : 16) : batch;
    String settings = String.format(Locale.ROOT, "model=%s, %s, seed=%d, batch=%d, recipe=%s, data=%s (%d images)%s",
        entry.name(), shape, seed, b, recipe, folder.root().toAbsolutePath(), folder.size(),
        paper ? ", validation: " + split.description() + ", plateau: " + plateau : "");
    Files.createDirectories(out);
    PrintWriter stdout = spec.commandLine().getOut();
    Path modelFile = out.resolve("model.zip");
    Model net = ImageNetRun.freshOrResumed(modelFile, resume, settings, () -> ImageNetRun.network(alexNet,
        !entry.name().endsWith("-nodropout"), shape, folder.numClasses(), recipe, seed), quiet ? null : stdout);
    stdout.printf(Locale.ROOT, "Training %s (%,d parameters at this size; %,d at the paper's), %d epochs, "
            + "batch %d, recipe %s, %dx%d images, %dx%d crops%s, augmentation: crops, reflections%s%n"
            + "  data: %,d images in %d classes from %s%s%n",
        entry.name(), net.numParams(), entry.parameterCount(), epochs, b, recipe.name().toLowerCase(Locale.ROOT),
        imageSize, imageSize, cropSize, cropSize, ", width / " + widthDivisor + ", fc " + fcUnits,
        alexNet ? ", PCA colour noise" : "", folder.size(), folder.numClasses(), folder.root(),
        paper ? "\n  validation: " + split.description() + "; " + plateau : "");
    stdout.flush();
    BadImages bad = new BadImages(maxBadImages);
    List<Double> losses = ImageNetRun.train(entry.name(), net, alexNet, folder, paper ? split.validation() : null,
        plateau, shape, epochs, b, seed, settings, modelFile, bad,
        ProgressBar.forTerminal(spec.commandLine().getErr(), quiet), quiet ? null : stdout);
    ImageNetRun.writeLossPng(out.resolve("figure.png"), entry.name(), losses);
    stdout.printf(Locale.ROOT, "%s after %d epochs: train loss %.4f%s%nWrote %s, %s and %s%n", entry.name(),
        losses.size(), losses.get(losses.size() - 1), bad.count() == 0 ? "" : "\n" + bad.summary(), modelFile,
        out.resolve(ImageNetRun.STATISTICS_FILE), out.resolve("figure.png"));
    stdout.flush();
    return Dropout4jCli.OK;
  }
}
