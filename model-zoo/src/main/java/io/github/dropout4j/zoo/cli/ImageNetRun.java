package io.github.dropout4j.zoo.cli;

import io.github.dropout4j.zoo.data.imagenet.ColourPca;
import io.github.dropout4j.zoo.data.imagenet.ImageFolder;
import io.github.dropout4j.zoo.data.imagenet.ImageNetEpochs;
import io.github.dropout4j.zoo.data.imagenet.ImageNetPreprocessor;
import io.github.dropout4j.zoo.data.imagenet.ImageNetStatistics;
import io.github.dropout4j.zoo.data.imagenet.TenViewEvaluator;
import io.github.dropout4j.zoo.models.AlexNetDropout;
import io.github.dropout4j.zoo.models.HintonImageNetNet;
import io.github.dropout4j.zoo.models.ImageNetZooModel;
import io.github.dropout4j.zoo.models.ZooEntry;
import io.github.dropout4j.zoo.training.EpochRecord;
import io.github.dropout4j.zoo.training.LegacyModelZips;
import io.github.dropout4j.zoo.training.ModelZip;
import io.github.dropout4j.zoo.training.Recipe;
import io.github.dropout4j.zoo.training.RunManifest;
import io.github.dropout4j.zoo.training.TrainingRun;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.evaluation.classification.Evaluation;

/**
 * The CLI's ImageNet {@link DataSetType}: training for {@code train hinton-imagenet} / {@code train alexnet-dropout}
 * and the ten-view {@code evaluate}: an image folder
 * ({@code DIR/train/<class>/*.png|jpg} or {@code DIR/<class>/...}), the mean image and colour PCA computed on it and
 * saved as {@value #STATISTICS_FILE} next to the model and inside it, the model zip written atomically after every
 * epoch with its run manifest (preprocessing sizes, class names) so that {@code evaluate} can rebuild the ten views.
 */
final class ImageNetRun implements DataSetType {
  /** The data set, for {@link DataSetType#of}. */
  static final ImageNetRun TYPE = new ImageNetRun();


  /** The statistics file written next to {@code model.zip} (and stored in it as {@value #STATISTICS_ENTRY}). */
  static final String STATISTICS_FILE = "imagenet-statistics.bin";
  /** Model-zip entry: the {@link ImageNetStatistics} of the training images (the manifest names it). */
  static final String STATISTICS_ENTRY = "dropout4j-imagenet-statistics.bin";

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

  /** A fresh network for {@code folder}'s classes with {@code recipe}'s settings, initialised. */
  static Model network(boolean alexNet, boolean dropout, Shape s, int classes, Recipe recipe, long seed) {
    ImageNetZooModel.Builder<?, ?> b = alexNet ? AlexNetDropout.builder()
        : HintonImageNetNet.builder().dropout(dropout);
    return b.cropSize(s.cropSize()).widthDivisor(s.widthDivisor()).fcUnits(s.fcUnits()).numClasses(classes)
        .seed(seed).recipe(recipe).build().init();
  }

  /** The manifest of a fresh run: what a resumed run must repeat, and the preprocessing evaluation repeats. */
  static RunManifest manifest(String label, Shape s, boolean twoInputs, long seed, int batch, String recipe,
      ImageFolder folder) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("seed", String.valueOf(seed));
    settings.put("batch", String.valueOf(batch));
    settings.put("imageSize", String.valueOf(s.imageSize()));
    settings.put("cropSize", String.valueOf(s.cropSize()));
    settings.put("widthDivisor", String.valueOf(s.widthDivisor()));
    settings.put("fcUnits", String.valueOf(s.fcUnits()));
    return RunManifest.fresh(label, "imagenet", "all " + folder.size() + " images of " + folder.root()
            .toAbsolutePath(), recipe, settings)
        .withPreprocessing("imageSize", String.valueOf(s.imageSize()))
        .withPreprocessing("cropSize", String.valueOf(s.cropSize()))
        .withPreprocessing("subsampleFactor", String.valueOf(twoInputs ? HintonImageNetNet.SUBSAMPLE_FACTOR : 0))
        .withPreprocessing("statistics", STATISTICS_ENTRY)
        .withClassNames(folder.classes());
  }

  /**
   * Trains {@code run} (fresh or resumed: {@link ModelZip#freshOrResumed}) on {@code folder} until it has trained
   * {@code epochs} epochs, writing
   * {@code modelFile} atomically after every epoch with the run manifest and the statistics (computed once on a
   * fresh run and written next to the model as well; a resumed run reads them back from the zip).
   *
   * @return the finished run: network and manifest (whose history holds every epoch's mean training loss)
   */
  static TrainingRun.Result train(String label, ModelZip.Saved run, ImageFolder folder, Shape s, int epochs,
      int batch, long seed, Path modelFile, ProgressBar bar, PrintWriter log) throws IOException {
    long start = System.nanoTime();
    Path statsFile = modelFile.resolveSibling(STATISTICS_FILE);
    Model net = run.network();
    RunManifest manifest = run.manifest();
    ImageNetStatistics stats;
    if (manifest.epochsDone() > 0) {
      stats = statistics(modelFile);
    } else {
      stats = ImageNetStatistics.compute(folder, s.imageSize());
      stats.save(statsFile);
      if (log != null) {
        log.printf(Locale.ROOT, "%s: mean image and colour PCA of %,d images at %dx%d in %.1f s -> %s%n", label,
            folder.size(), s.imageSize(), s.imageSize(), (System.nanoTime() - start) / 1e9, statsFile);
        log.flush();
      }
    }
    int subsample = Integer.parseInt(manifest.preprocessing("subsampleFactor"));
    ImageNetPreprocessor pre = new ImageNetPreprocessor(s.imageSize(), s.cropSize(), subsample,
        ColourPca.PAPER_SIGMA, stats);
    int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    byte[] statsBytes = Files.readAllBytes(statsFile);
    TrainingRun.Result result = new TrainingRun(net, manifest, new ImageNetEpochs(folder, pre, batch, seed, threads),
        TrainingRun.Evaluation.NONE)
        .saveTo(modelFile, zip -> ModelZip.addEntry(zip, STATISTICS_ENTRY, statsBytes))
        .listener(new EpochLines(label, bar, log, r -> String.format(Locale.ROOT, "%s epoch %d/%d: train loss "
            + "%.4f, %.1f s", label, r.epoch(), epochs, r.trainLoss(), r.fitSeconds())))
        .run(epochs);
    bar.clear();
    return result;
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

  /**
   * The preprocessor a model was trained with: from its manifest (statistics from the zip), or for a zip written
   * before manifests from its sizes entry and the statistics file beside it.
   */
  static ImageNetPreprocessor preprocessorOf(Path modelFile) throws IOException {
    Optional<RunManifest> manifest = ModelZip.readManifest(modelFile);
    if (manifest.isPresent()) {
      RunManifest m = manifest.get();
      try {
        return new ImageNetPreprocessor(Integer.parseInt(m.preprocessing("imageSize")),
            Integer.parseInt(m.preprocessing("cropSize")), Integer.parseInt(m.preprocessing("subsampleFactor")), 0,
            statistics(modelFile));
      } catch (IllegalArgumentException e) {
        throw new IOException(modelFile + ": " + e.getMessage(), e);
      }
    }
    int[] sizes = LegacyModelZips.imageNetSizes(modelFile);
    Path statsFile = modelFile.resolveSibling(STATISTICS_FILE);
    if (!Files.isRegularFile(statsFile)) {
      throw new IOException(statsFile + ": no such file (the training statistics written next to the model)");
    }
    return new ImageNetPreprocessor(sizes[0], sizes[1], sizes[2], 0, ImageNetStatistics.load(statsFile));
  }

  /** The statistics stored in a model zip as {@value #STATISTICS_ENTRY}. */
  static ImageNetStatistics statistics(Path modelFile) throws IOException {
    try (FileSystem zip = FileSystems.newFileSystem(modelFile)) {
      Path entry = zip.getPath(STATISTICS_ENTRY);
      if (!Files.exists(entry)) {
        throw new IOException(modelFile + " has no entry " + STATISTICS_ENTRY + " (the training images' statistics)");
      }
      return ImageNetStatistics.load(entry);
    }
  }
  @Override
  public String name() {
    return "imagenet";
  }

  @Override
  public int train(ZooEntry entry, TrainCommand c) throws IOException {
    if (c.dataOptions.download) {
      throw new IllegalArgumentException("ImageNet cannot be downloaded here; pass --data DIR (an image folder)");
    }
    if (c.cropSize < 64 || c.cropSize % 4 != 0 || c.imageSize < c.cropSize) {
      throw new IllegalArgumentException("need --crop a multiple of 4, >= 64 and <= --size; got --crop " + c.cropSize
          + ", --size " + c.imageSize);
    }
    if (c.widthDivisor < 1 || c.fcUnits < 1) {
      throw new IllegalArgumentException("--width-divisor and --fc-units must be >= 1, got " + c.widthDivisor
          + " and " + c.fcUnits);
    }
    ImageFolder folder = ImageNetRun.folder(c.dataOptions.dir, "train");
    boolean alexNet = entry.name().equals("alexnet-dropout");
    ImageNetRun.Shape shape = new ImageNetRun.Shape(c.imageSize, c.cropSize, c.widthDivisor, c.fcUnits);
    int b = c.run.batchOr(16);
    Files.createDirectories(c.run.out);
    PrintWriter stdout = c.spec.commandLine().getOut();
    Path modelFile = c.run.out.resolve("model.zip");
    RunManifest manifest = ImageNetRun.manifest(entry.name(), shape, !alexNet, c.run.seed, b,
        c.run.recipeName(), folder);
    ModelZip.Saved saved = ModelZip.freshOrResumed(modelFile, c.run.resume, manifest, () -> ImageNetRun.network(alexNet,
        !entry.name().endsWith("-nodropout"), shape, folder.numClasses(), c.run.recipe, c.run.seed));
    if (saved.manifest().epochsDone() > 0 && !c.run.quiet) {
      stdout.printf(Locale.ROOT, "resuming from %s after epoch %d%n", modelFile, saved.manifest().epochsDone());
    }
    stdout.printf(Locale.ROOT, "Training %s (%,d parameters at this size; %,d at the paper's), %d epochs, "
            + "batch %d, recipe %s, %dx%d images, %dx%d crops%s%n  data: %,d images in %d classes from %s%n",
        entry.name(), saved.network().numParams(), entry.parameterCount(), c.run.epochs, b,
        c.run.recipeName(), c.imageSize, c.imageSize, c.cropSize, c.cropSize, ", width / "
            + c.widthDivisor + ", fc " + c.fcUnits, folder.size(), folder.numClasses(), folder.root());
    stdout.flush();
    TrainingRun.Result result = ImageNetRun.train(entry.name(), saved, folder, shape, c.run.epochs, b, c.run.seed, modelFile,
        ProgressBar.forTerminal(c.spec.commandLine().getErr(), c.run.quiet), c.run.quiet ? null : stdout);
    List<Double> losses = result.history().stream().map(EpochRecord::trainLoss).toList();
    ImageNetRun.writeLossPng(c.run.out.resolve("figure.png"), entry.name(), losses);
    stdout.printf(Locale.ROOT, "%s after %d epochs: train loss %.4f%nWrote %s, %s and %s%n", entry.name(),
        losses.size(), losses.get(losses.size() - 1), modelFile, c.run.out.resolve(ImageNetRun.STATISTICS_FILE),
        c.run.out.resolve("figure.png"));
    stdout.flush();
    return Dropout4jCli.OK;
  }
  @Override
  public int evaluate(Model net, EvaluateCommand c) throws IOException {
    ImageFolder folder = ImageNetRun.folder(c.dataOptions.dir, "val");
    TenViewEvaluator evaluator = new TenViewEvaluator(ImageNetRun.preprocessorOf(c.modelFile));
    long start = System.nanoTime();
    Evaluation eval = evaluator.evaluate(net, folder);
    int count = folder.size();
    double top1 = 1.0 - eval.accuracy();
    PrintWriter out = c.spec.commandLine().getOut();
    out.printf(Locale.ROOT, "%s on %s (%,d images, %d classes), ten views, mean network: top-1 error %.2f%% "
            + "(%,d / %,d)%s, %.1f s%n", c.modelFile.getFileName(), folder.root(), count, folder.numClasses(),
        100 * top1, Math.round(top1 * count), count, folder.numClasses() > 5
            ? String.format(Locale.ROOT, ", top-5 error %.2f%%", 100 * (1 - eval.topNAccuracy())) : "",
        (System.nanoTime() - start) / 1e9);
    out.flush();
    return Dropout4jCli.OK;
  }}
