package io.github.dropout4j.zoo.cli;

import io.github.dropout4j.zoo.data.imagenet.BadImages;
import io.github.dropout4j.zoo.data.imagenet.ColourPca;
import io.github.dropout4j.zoo.data.imagenet.ImageFolder;
import io.github.dropout4j.zoo.data.imagenet.ImageNetPreprocessor;
import io.github.dropout4j.zoo.data.imagenet.ImageNetStatistics;
import io.github.dropout4j.zoo.data.imagenet.ImageNetTraining;
import io.github.dropout4j.zoo.models.AlexNetDropout;
import io.github.dropout4j.zoo.models.HintonImageNetNet;
import io.github.dropout4j.zoo.training.LearningRatePlateau;
import io.github.dropout4j.zoo.training.Recipe;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
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
 * its preprocessing sizes ({@value #SIZES_KEY}) and the training class names in label order ({@value #CLASSES_KEY})
 * so that {@code evaluate} rebuilds the ten views and maps validation folders by name.
 *
 * <p>Augmentation: random crops and reflections for both nets; the PCA colour noise only for AlexNet (Krizhevsky et
 * al. 2012, section 4.1), not for the Hinton net (Appendix H: "random 224x224 patches ... and their horizontal
 * reflections" only). Under {@code --recipe paper} a validation error (mean network, centre crops) is measured after
 * every epoch and the learning rate divided by 10 on plateaus ({@link LearningRatePlateau}); the validation images
 * are {@code DIR/val} when {@code DIR/train} and {@code DIR/val} exist, else a seeded hold-out of
 * {@value #HOLD_OUT_PERCENT}% of the training folder ({@link #split}).
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
  /** Model-zip entry: {@code String[]}, the training class names, index = label. */
  static final String CLASSES_KEY = "dropout4j-imagenet-classes";
  /** Model-zip entry: {@code double[]}, the validation error of every epoch so far (paper recipe). */
  static final String VALIDATION_KEY = "dropout4j-imagenet-validation-errors";
  /** Model-zip entry: {@code double[]}, the {@link LearningRatePlateau} state after the last epoch. */
  static final String PLATEAU_KEY = "dropout4j-imagenet-plateau";
  /** Model-zip entry: {@code String[]}, training images skipped as unreadable (excluded again on resume). */
  static final String BAD_KEY = "dropout4j-imagenet-unreadable";
  /** Share of the training images held out for validation when there is no {@code DIR/val}. */
  static final int HOLD_OUT_PERCENT = 5;

  private ImageNetRun() {
  }

  /** The sizes and width of the network and its inputs (the CLI's {@code --size --crop --width-divisor ...}). */
  record Shape(int imageSize, int cropSize, int widthDivisor, int fcUnits) {
  }

  /** {@code DIR/<split>} if it exists, else {@code DIR}; one-line errors for a missing folder. */
  static Path splitRoot(Path dir, String split) throws IOException {
    if (dir == null) {
      throw new IllegalArgumentException("--data DIR is required for ImageNet models (an image folder: "
          + "DIR/" + split + "/<class>/*.jpg or DIR/<class>/*.jpg)");
    }
    if (!Files.isDirectory(dir)) {
      throw new IOException("--data " + dir + ": no such directory");
    }
    return Files.isDirectory(dir.resolve(split)) ? dir.resolve(split) : dir;
  }

  /** {@code DIR/<split>} if it exists, else {@code DIR}, as a class-per-folder image set. */
  static ImageFolder folder(Path dir, String split) throws IOException {
    return ImageFolder.open(splitRoot(dir, split));
  }

  /** Training and validation images, and where the validation images come from. */
  record Split(ImageFolder train, ImageFolder validation, String description) {
  }

  /**
   * The validation images of a paper-recipe run: {@code DIR/val} (class folders or the flat ILSVRC layout, labelled
   * by the training classes' names) when {@code train} is {@code DIR/train} and {@code DIR/val} exists; otherwise
   * {@value #HOLD_OUT_PERCENT}% of {@code train} (at least one image), drawn by a {@code java.util.Random} seeded
   * with {@code seed} and removed from the training images.
   */
  static Split split(Path dir, ImageFolder train, long seed) {
    Path val = dir.resolve("val");
    if (train.root().equals(dir.resolve("train")) && Files.isDirectory(val)) {
      ImageFolder v = ImageFolder.openLabelled(val, train.classes());
      return new Split(train, v, v.size() + " validation images from " + val);
    }
    int n = train.size();
    int held = Math.max(1, (int) Math.round(n * HOLD_OUT_PERCENT / 100.0));
    if (held >= n) {
      throw new IllegalArgumentException(train.root() + " holds " + n + " images: too few to hold out "
          + HOLD_OUT_PERCENT + "% for validation (give DIR/train and DIR/val)");
    }
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Random rng = new Random(seed * 0x9E3779B97F4A7C15L + 0x7E57L);
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    int[] v = Arrays.copyOf(order, held);
    int[] t = Arrays.copyOfRange(order, held, n);
    Arrays.sort(v);
    Arrays.sort(t);
    return new Split(train.subset(t), train.subset(v), held + " of " + n + " training images held out for "
        + "validation (seed " + seed + ")");
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
   * atomically after every epoch with the preprocessing sizes, class names, {@code settings}, the losses so far and,
   * with a {@code validation} folder, the validation errors and the {@code plateau} state (the statistics go next
   * to it, computed once: a resumed run reads them back). With {@code plateau}, the learning rate is divided by 10
   * when the rule says so; the new rate is part of the saved configuration, so a resumed run keeps it.
   *
   * @return the mean training loss of every epoch, those of a resumed run's earlier epochs included
   */
  static List<Double> train(String label, Model net, boolean alexNet, ImageFolder trainingImages,
      ImageFolder validation, LearningRatePlateau freshPlateau, Shape s, int epochs, int batch, long seed,
      String settings, Path modelFile, BadImages bad, ProgressBar bar, PrintWriter log) throws IOException {
    long start = System.nanoTime();
    Path statsFile = modelFile.resolveSibling(STATISTICS_FILE);
    List<Double> losses = new ArrayList<>();
    List<Double> validationErrors = new ArrayList<>();
    LearningRatePlateau plateau = freshPlateau;
    ImageNetStatistics stats;
    Set<Path> unreadable = new HashSet<>();
    int done = epochCount(net);
    if (done > 0) {
      stats = ImageNetStatistics.load(statsFile);
      File zip = modelFile.toFile();
      for (double loss : (double[]) ModelSerializer.getObjectFromFile(zip, LOSSES_KEY)) {
        losses.add(loss);
      }
      List<String> objects = ModelFiles.objectsIn(modelFile);
      if (objects.contains(VALIDATION_KEY)) {
        for (double e : (double[]) ModelSerializer.getObjectFromFile(zip, VALIDATION_KEY)) {
          validationErrors.add(e);
        }
      }
      if (plateau != null && objects.contains(PLATEAU_KEY)) {
        plateau = LearningRatePlateau.restore((double[]) ModelSerializer.getObjectFromFile(zip, PLATEAU_KEY));
      }
      if (objects.contains(BAD_KEY)) {
        for (String f : (String[]) ModelSerializer.getObjectFromFile(zip, BAD_KEY)) {
          unreadable.add(Path.of(f));
        }
      }
    } else {
      stats = ImageNetStatistics.compute(trainingImages, s.imageSize(), bad);
      stats.save(statsFile);
      unreadable.addAll(bad.files());
      if (log != null) {
        log.printf(Locale.ROOT, "%s: mean image and colour PCA of %,d images at %dx%d in %.1f s -> %s (%s)%n",
            label, trainingImages.size() - unreadable.size(), s.imageSize(), s.imageSize(),
            (System.nanoTime() - start) / 1e9, statsFile, bad.summary());
        log.flush();
      }
    }
    ImageFolder folder = without(trainingImages, unreadable);
    String[] badFiles = unreadable.stream().map(Path::toString).sorted().toArray(String[]::new);
    int subsample = alexNet ? 0 : HintonImageNetNet.SUBSAMPLE_FACTOR;
    ImageNetPreprocessor pre = new ImageNetPreprocessor(s.imageSize(), s.cropSize(), subsample,
        colourPcaSigma(alexNet), stats);
    ImageNetPreprocessor testPre = new ImageNetPreprocessor(s.imageSize(), s.cropSize(), subsample, 0, stats);
    int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    bar.start(label, epochs);
    long[] epochStart = {System.nanoTime()};
    LearningRatePlateau[] rule = {plateau};
    new ImageNetTraining(folder, pre, batch, seed, threads).train(net, epochs, (epoch, loss, model) -> {
      losses.add(loss);
      String extra = "";
      if (validation != null) {
        double error = ImageNetTraining.centreCropError(model, validation, testPre, bad);
        validationErrors.add(error);
        extra = String.format(Locale.ROOT, ", validation error %.2f%%", 100 * error);
        if (rule[0] != null && rule[0].update(error)) {
          double rate = learningRate(model);
          setLearningRate(model, rate / LearningRatePlateau.FACTOR);
          extra += String.format(Locale.ROOT, "; no improvement: learning rate %.3g -> %.3g", rate,
              rate / LearningRatePlateau.FACTOR);
        }
      }
      double[] history = losses.stream().mapToDouble(Double::doubleValue).toArray();
      double[] errors = validationErrors.stream().mapToDouble(Double::doubleValue).toArray();
      try {
        ModelFiles.writeAtomically(model, modelFile, zip -> {
          ModelSerializer.addObjectToFile(zip, SIZES_KEY, new int[] {s.imageSize(), s.cropSize(), subsample});
          ModelSerializer.addObjectToFile(zip, CLASSES_KEY, folder.classes().toArray(new String[0]));
          ModelSerializer.addObjectToFile(zip, RUN_KEY, settings);
          ModelSerializer.addObjectToFile(zip, LOSSES_KEY, history);
          ModelSerializer.addObjectToFile(zip, BAD_KEY, badFiles);
          if (validation != null) {
            ModelSerializer.addObjectToFile(zip, VALIDATION_KEY, errors);
          }
          if (rule[0] != null) {
            ModelSerializer.addObjectToFile(zip, PLATEAU_KEY, rule[0].state());
          }
        });
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      bar.update(epoch + 1, done);
      if (log != null) {
        bar.clear();
        log.printf(Locale.ROOT, "%s epoch %d/%d: train loss %.4f%s, %.1f s%n", label, epoch + 1, epochs, loss, extra,
            (System.nanoTime() - epochStart[0]) / 1e9);
        log.flush();
      }
      epochStart[0] = System.nanoTime();
      return true;
    });
    bar.clear();
    return losses;
  }

  /**
   * Standard deviation of the PCA colour noise: AlexNet's {@link ColourPca#PAPER_SIGMA} (Krizhevsky et al. 2012,
   * section 4.1); 0 for the Hinton net, whose Appendix H augments with crops and reflections only.
   */
  static double colourPcaSigma(boolean alexNet) {
    return alexNet ? ColourPca.PAPER_SIGMA : 0;
  }

  private static ImageFolder without(ImageFolder folder, Set<Path> files) {
    if (files.isEmpty()) {
      return folder;
    }
    List<Integer> keep = new ArrayList<>();
    for (int i = 0; i < folder.size(); i++) {
      if (!files.contains(folder.file(i))) {
        keep.add(i);
      }
    }
    return folder.subset(keep.stream().mapToInt(Integer::intValue).toArray());
  }

  /** The current learning rate of the network's first layer ({@code conv1} in both ImageNet nets). */
  static double learningRate(Model net) {
    Double rate = net instanceof ComputationGraph g ? g.getLearningRate("conv1")
        : ((MultiLayerNetwork) net).getLearningRate(0);
    if (rate == null) {
      throw new IllegalStateException("conv1 has no learning rate");
    }
    return rate;
  }

  private static void setLearningRate(Model net, double rate) {
    if (net instanceof ComputationGraph g) {
      g.setLearningRate(rate);
    } else {
      ((MultiLayerNetwork) net).setLearningRate(rate);
    }
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

  /** The training class names stored with a model by {@link #train}, or null for a zip written before them. */
  static List<String> classesOf(Path modelFile) throws IOException {
    if (!ModelFiles.objectsIn(modelFile).contains(CLASSES_KEY)) {
      return null;
    }
    Object o = ModelSerializer.getObjectFromFile(modelFile.toFile(), CLASSES_KEY);
    if (!(o instanceof String[] names)) {
      throw new IOException(modelFile + ": entry " + CLASSES_KEY + " is not a String[] of class names");
    }
    return List.of(names);
  }
}
