package io.github.dropout4j.zoo.cli;

import io.github.dropout4j.zoo.data.Cifar10Data;
import io.github.dropout4j.zoo.data.LabeledImages;
import io.github.dropout4j.zoo.data.MnistData;
import io.github.dropout4j.zoo.data.PixelMeanNormalizer;
import io.github.dropout4j.zoo.data.imagenet.BadImages;
import io.github.dropout4j.zoo.data.imagenet.ImageFolder;
import io.github.dropout4j.zoo.data.imagenet.TenViewEvaluator;
import io.github.dropout4j.zoo.training.Errors;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.evaluation.classification.Evaluation;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code evaluate MODEL.zip}: test-time (mean-network) classification error of a saved model. The kind of model is
 * read from the zip: a CIFAR-10 model carries its {@link PixelMeanNormalizer} (applied to the test images), an
 * ImageNet model its preprocessing sizes (with the statistics file next to it; evaluated with ten views); anything
 * else is an MNIST model.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = {"Classification error of a saved model (model.zip, a checkpoint, or an exported mean network) "
        + "with dropout off (the mean network): MNIST models on an MNIST split, CIFAR-10 models on the CIFAR-10 "
        + "test batch (default: the synthetic stand-in's), ImageNet models on --data DIR (DIR/val if present) "
        + "with ten views (--ten-view)."})
final class EvaluateCommand implements Callable<Integer> {
  enum Split { TRAIN, VALIDATION, TEST }

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "MODEL.zip", description = "A DL4J model zip written by 'train'.")
  Path modelFile;

  @Option(names = "--split", paramLabel = "SPLIT", description = "MNIST: TRAIN, VALIDATION or TEST (default: "
      + "${DEFAULT-VALUE}).")
  Split split = Split.TEST;

  @Option(names = "--ten-view", description = "ImageNet models: average the softmax over the centre and four "
      + "corner crops and their mirror images (Appendix H; the only ImageNet protocol, so implied).")
  boolean tenView;

  @Option(names = "--max-bad-images", paramLabel = "N", description = "ImageNet: skip and report up to N images "
      + "that cannot be decoded; more is an error naming them (default: ${DEFAULT-VALUE}).")
  int maxBadImages = BadImages.DEFAULT_LIMIT;

  @Mixin
  DataOptions dataOptions;

  @Override
  public Integer call() throws IOException {
    Model model = ModelFiles.readModel(modelFile);
    List<String> objects = ModelFiles.objectsIn(modelFile);
    if (objects.contains(ImageNetRun.SIZES_KEY)) {
      return evaluateImageNet(model);
    }
    if (tenView) {
      throw new IllegalArgumentException("--ten-view applies to ImageNet models; " + modelFile + " is not one");
    }
    if (!(model instanceof MultiLayerNetwork net)) {
      throw new IOException(modelFile + " is a ComputationGraph without ImageNet preprocessing sizes; not a "
          + "model written by 'train'");
    }
    if (objects.contains(PixelMeanNormalizer.MODEL_ZIP_KEY)) {
      return evaluateCifar10(net);
    }
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

  private Integer evaluateCifar10(MultiLayerNetwork net) throws IOException {
    if (split != Split.TEST) {
      throw new IllegalArgumentException("CIFAR-10 models are evaluated on the test batch only (no --split)");
    }
    PixelMeanNormalizer mean = PixelMeanNormalizer.readFrom(modelFile.toFile());
    Cifar10Data data = Cifar10Run.load(dataOptions);
    int errors = Cifar10Run.testErrors(net, mean, data);
    int count = data.test().count();
    PrintWriter out = spec.commandLine().getOut();
    out.printf(Locale.ROOT, "%s on test (%s), mean network, training pixel mean subtracted: %,d / %,d errors "
            + "(%.2f%%), accuracy %.2f%%%n", modelFile.getFileName(), Cifar10Run.describe(data,
            data.train().count(), dataOptions), errors, count, 100.0 * errors / count, 100.0 - 100.0 * errors / count);
    out.flush();
    return Dropout4jCli.OK;
  }

  private Integer evaluateImageNet(Model net) throws IOException {
    if (maxBadImages < 0) {
      throw new IllegalArgumentException("--max-bad-images must be >= 0, got " + maxBadImages);
    }
    List<String> classes = ImageNetRun.classesOf(modelFile);
    Path root = ImageNetRun.splitRoot(dataOptions.dir, "val");
    ImageFolder folder = classes == null ? ImageFolder.open(root) : ImageFolder.openLabelled(root, classes);
    TenViewEvaluator evaluator = new TenViewEvaluator(ImageNetRun.preprocessorOf(modelFile));
    long start = System.nanoTime();
    BadImages bad = new BadImages(maxBadImages);
    Evaluation eval = evaluator.evaluate(net, folder, bad);
    int count = folder.size() - bad.count();
    double top1 = 1.0 - eval.accuracy();
    PrintWriter out = spec.commandLine().getOut();
    out.printf(Locale.ROOT, "%s on %s (%,d images, %d classes%s), ten views, mean network: top-1 error %.2f%% "
            + "(%,d / %,d)%s, %.1f s%n", modelFile.getFileName(), folder.root(), count, folder.numClasses(),
        classes == null ? ", labels from the folder's own listing: the zip stores no class names" : "",
        100 * top1, Math.round(top1 * count), count, folder.numClasses() > 5
            ? String.format(Locale.ROOT, ", top-5 error %.2f%%", 100 * (1 - eval.topNAccuracy())) : "",
        (System.nanoTime() - start) / 1e9);
    if (bad.count() > 0) {
      out.println(bad.summary());
    }
    out.flush();
    return Dropout4jCli.OK;
  }
}
