package io.github.dropout4j.zoo.cli;

import io.github.dropout4j.zoo.data.imagenet.ColourPca;
import io.github.dropout4j.zoo.data.imagenet.ImageFolder;
import io.github.dropout4j.zoo.data.imagenet.ImageNetPreprocessor;
import io.github.dropout4j.zoo.data.imagenet.ImageNetStatistics;
import io.github.dropout4j.zoo.data.imagenet.ImageNetTraining;
import io.github.dropout4j.zoo.models.AlexNetDropout;
import io.github.dropout4j.zoo.models.HintonImageNetNet;
import io.github.dropout4j.zoo.training.Recipe;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.learning.config.Adam;

/**
 * ImageNet-style training for {@code train hinton-imagenet} / {@code train alexnet-dropout}: an image folder
 * ({@code DIR/train/<class>/*.png|jpg} or {@code DIR/<class>/...}), the mean image and colour PCA computed on it and
 * saved as {@value #STATISTICS_FILE} next to the model, the model zip written atomically after every epoch with
 * its preprocessing sizes stored under {@value #SIZES_KEY} so that {@code evaluate} can rebuild the ten views.
 */
final class ImageNetRun {
  /** The statistics file written next to {@code model.zip}. */
  static final String STATISTICS_FILE = "imagenet-statistics.bin";
  /** Model-zip entry: {@code int[] {imageSize, cropSize, subsampleFactor}}. */
  static final String SIZES_KEY = "dropout4j-imagenet-sizes";
  /** Model-zip entry: the run's settings as a String, compared on {@code --resume}. */
  static final String RUN_KEY = "dropout4j-imagenet-run";
  /** Model-zip entry: {@code double[]}, the mean training loss of every epoch so far. */
  static final String LOSSES_KEY = "dropout4j-imagenet-losses";

  private ImageNetRun() {
  }

  /** The sizes and width of the network and its inputs (the CLI's {@code --size --crop --width-divisor ...}). */
  record Shape(int imageSize, int cropSize, int widthDivisor, int fcUnits) {
  }

  /** {@code DIR/<split>} if it exists, else {@code DIR}; one-line errors for a missing or malformed folder. */
  static ImageFolder folder(Path dir, String split) throws IOException {
    if (dir == null) {
      throw new IllegalArgumentException("--data DIR is required for ImageNet models (an image folder: "
          + "DIR/" + split + "/<class>/*.jpg or DIR/<class>/*.jpg)");
    }
    if (!Files.isDirectory(dir)) {
      throw new IOException("--data " + dir + ": no such directory");
    }
    Path root = Files.isDirectory(dir.resolve(split)) ? dir.resolve(split) : dir;
    return ImageFolder.open(root);
  }

  /** A freshly configured (not initialised) network for {@code folder}'s classes. */
  static Model network(boolean alexNet, boolean dropout, Shape s, int classes, Recipe recipe, long seed) {
    if (alexNet) {
      AlexNetDropout.Builder b = AlexNetDropout.builder().cropSize(s.cropSize()).widthDivisor(s.widthDivisor())
          .fcUnits(s.fcUnits()).numClasses(classes).seed(seed);
      if (recipe == Recipe.SHORT) {
        b.updater(new Adam(1e-3)).weightInit(WeightInit.RELU.getWeightInitFunction());
      }
      return b.build().init();
    }
    HintonImageNetNet.Builder b = HintonImageNetNet.builder().cropSize(s.cropSize()).widthDivisor(s.widthDivisor())
        .fcUnits(s.fcUnits()).numClasses(classes).dropout(dropout).seed(seed);
    if (recipe == Recipe.SHORT) {
      b.updater(new Adam(2e-3)).weightInit(WeightInit.RELU.getWeightInitFunction()).hiddenBias(0.1);
    }
    return b.build().init();
  }

  /**
   * The model to train: {@code fresh} configured, or with {@code resume} and an existing {@code modelFile} the
   * model saved there, if it was written by a run with the same {@code settings}.
   *
   * @throws IOException if {@code modelFile} exists without {@code resume}, or was written with other settings
   */
  static Model freshOrResumed(Path modelFile, boolean resume, String settings, Supplier<Model> fresh,
      PrintWriter log) throws IOException {
    if (!ModelFiles.resumable(modelFile, resume, "an ImageNet", RUN_KEY, settings, "model, sizes, --seed, --batch, "
        + "--recipe and --data", LOSSES_KEY)) {
      return fresh.get();
    }
    Model net = ModelFiles.readModel(modelFile);
    if (log != null) {
      log.printf(Locale.ROOT, "resuming from %s after epoch %d%n", modelFile, epochCount(net));
      log.flush();
    }
    return net;
  }

  /**
   * Trains {@code net} on {@code folder} until it has trained {@code epochs} epochs, writing {@code modelFile}
   * atomically after every epoch with the preprocessing sizes, {@code settings} and the losses so far (the
   * statistics go next to it, computed once: a resumed run reads them back).
   *
   * @return the mean training loss of every epoch, those of a resumed run's earlier epochs included
   */
  static List<Double> train(String label, Model net, boolean twoInputs, ImageFolder folder, Shape s, int epochs,
      int batch, long seed, String settings, Path modelFile, ProgressBar bar, PrintWriter log) throws IOException {
    long start = System.nanoTime();
    Path statsFile = modelFile.resolveSibling(STATISTICS_FILE);
    List<Double> losses = new ArrayList<>();
    ImageNetStatistics stats;
    int done = epochCount(net);
    if (done > 0) {
      stats = ImageNetStatistics.load(statsFile);
      for (double loss : (double[]) ModelSerializer.getObjectFromFile(modelFile.toFile(), LOSSES_KEY)) {
        losses.add(loss);
      }
    } else {
      stats = ImageNetStatistics.compute(folder, s.imageSize());
      stats.save(statsFile);
      if (log != null) {
        log.printf(Locale.ROOT, "%s: mean image and colour PCA of %,d images at %dx%d in %.1f s -> %s%n", label,
            folder.size(), s.imageSize(), s.imageSize(), (System.nanoTime() - start) / 1e9, statsFile);
        log.flush();
      }
    }
    int subsample = twoInputs ? HintonImageNetNet.SUBSAMPLE_FACTOR : 0;
    ImageNetPreprocessor pre = new ImageNetPreprocessor(s.imageSize(), s.cropSize(), subsample,
        ColourPca.PAPER_SIGMA, stats);
    int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    bar.start(label, epochs);
    long[] epochStart = {System.nanoTime()};
    new ImageNetTraining(folder, pre, batch, seed, threads).train(net, epochs, (epoch, loss, model) -> {
      losses.add(loss);
      double[] history = losses.stream().mapToDouble(Double::doubleValue).toArray();
      try {
        ModelFiles.writeAtomically(model, modelFile, zip -> {
          ModelSerializer.addObjectToFile(zip, SIZES_KEY, new int[] {s.imageSize(), s.cropSize(), subsample});
          ModelSerializer.addObjectToFile(zip, RUN_KEY, settings);
          ModelSerializer.addObjectToFile(zip, LOSSES_KEY, history);
        });
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      bar.update(epoch + 1, done);
      if (log != null) {
        bar.clear();
        log.printf(Locale.ROOT, "%s epoch %d/%d: train loss %.4f, %.1f s%n", label, epoch + 1, epochs, loss,
            (System.nanoTime() - epochStart[0]) / 1e9);
        log.flush();
      }
      epochStart[0] = System.nanoTime();
      return true;
    });
    bar.clear();
    return losses;
  }

  /** Epochs {@code net} has trained (its configuration's counter). */
  static int epochCount(Model net) {
    return net instanceof ComputationGraph g ? g.getEpochCount() : ((MultiLayerNetwork) net).getEpochCount();
  }

  /** {@code figure.png}: the mean training loss against epochs. */
  static void writeLossPng(Path file, String label, List<Double> losses) throws IOException {
    double[] x = new double[losses.size()];
    double[] y = new double[losses.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = i + 1;
      y[i] = losses.get(i);
    }
    Map<String, double[][]> series = new LinkedHashMap<>();
    series.put(label, new double[][] {x, y});
    ErrorCurves.writeLines(file, label + ": mean training loss (cross-entropy)", "Training loss", series,
        Double.NaN);
  }

  /** The preprocessor stored with a model by {@link #train}: sizes from the zip, statistics from its sibling. */
  static ImageNetPreprocessor preprocessorOf(Path modelFile) throws IOException {
    Object o = ModelSerializer.getObjectFromFile(modelFile.toFile(), SIZES_KEY);
    if (!(o instanceof int[] sizes) || sizes.length != 3) {
      throw new IOException(modelFile + ": entry " + SIZES_KEY + " is not int[3] {imageSize, cropSize, subsample}");
    }
    Path statsFile = modelFile.resolveSibling(STATISTICS_FILE);
    if (!Files.isRegularFile(statsFile)) {
      throw new IOException(statsFile + ": no such file (the training statistics written next to the model)");
    }
    return new ImageNetPreprocessor(sizes[0], sizes[1], sizes[2], 0, ImageNetStatistics.load(statsFile));
  }
}
