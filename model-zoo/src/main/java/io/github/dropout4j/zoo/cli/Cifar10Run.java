package io.github.dropout4j.zoo.cli;

import io.github.dropout4j.zoo.data.Cifar10Data;
import io.github.dropout4j.zoo.data.Cifar10DataSetIterator;
import io.github.dropout4j.zoo.data.Cifar10Download;
import io.github.dropout4j.zoo.data.DownloadOptions;
import io.github.dropout4j.zoo.data.Downloader;
import io.github.dropout4j.zoo.data.PixelMeanNormalizer;
import io.github.dropout4j.zoo.models.Cifar10Recipe;
import io.github.dropout4j.zoo.models.Cifar10Training;
import io.github.dropout4j.zoo.training.EpochRecord;
import io.github.dropout4j.zoo.training.Recipe;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * One CIFAR-10 training run for {@code train cifar10} and {@code reproduce cifar10}: data from {@code --data},
 * {@code --download} or the shipped synthetic stand-in; the per-pixel mean of the training images subtracted
 * (Appendix G) and stored in the model zip; the model written atomically after every epoch.
 */
final class Cifar10Run {
  /** Test images per evaluation minibatch. */
  private static final int TEST_BATCH = 100;

  private Cifar10Run() {
  }

  /** A finished run: the trained net, its pixel mean and one report per epoch. */
  record Outcome(MultiLayerNetwork network, PixelMeanNormalizer mean, List<Cifar10Training.EpochReport> reports,
      int testCount) {
    /** The reports as {@link EpochRecord}s (1-based epochs, test errors only) for {@link ErrorCurves}. */
    List<EpochRecord> history() {
      List<EpochRecord> h = new ArrayList<>();
      for (Cifar10Training.EpochReport r : reports) {
        h.add(new EpochRecord(r.epoch() + 1, 0, 0, (int) Math.round(r.testError() * testCount), testCount,
            r.millis() / 1000.0));
      }
      return h;
    }
  }

  /** CIFAR-10 from {@code --download}, {@code --data DIR} (the {@code cifar-10-batches-bin} layout) or synthetic. */
  static Cifar10Data load(DataOptions o) throws IOException {
    if (o.download) {
      DownloadOptions options = DownloadOptions.defaults();
      return Cifar10Data.load(Cifar10Download.fetchAndExtract(new Downloader(o.dir == null ? options
          : options.withCacheRoot(o.dir))));
    }
    if (o.dir == null) {
      return Cifar10Data.synthetic();
    }
    if (!Files.isDirectory(o.dir)) {
      throw new IOException("--data " + o.dir + ": no such directory");
    }
    return Cifar10Data.load(o.dir);
  }

  static String describe(Cifar10Data data, int trainCount, DataOptions o) {
    String source = o.download ? "CIFAR-10 (downloaded)" : o.dir == null
        ? "shipped SYNTHETIC stand-in (not CIFAR-10)" : "CIFAR-10 from " + o.dir;
    return String.format(Locale.ROOT, "%s: %,d%s training images, %,d test images", source, trainCount,
        trainCount < data.train().count() ? " of " + String.format(Locale.ROOT, "%,d", data.train().count()) : "",
        data.test().count());
  }

  /**
   * {@code --recipe paper}: Appendix F's recipe ({@link Cifar10Recipe#paper}: centred raw RGB values, rate 1e-3,
   * N(0, 0.01^2), hidden biases 1, batch 128); {@code short} (default): N(0, 0.05^2) weights, hidden biases 0.1 and
   * rate 0.02 on centred inputs in the [0, 1] scale, the setting that learns within a few epochs at our scale (the
   * rate and init were chosen at that scale; the paper's init stalls on short runs, see {@code Cifar10Net}).
   */
  static Cifar10Recipe recipe(Recipe r, int epochs, Integer batch) {
    Cifar10Recipe c = Cifar10Recipe.paper(epochs);
    if (r == Recipe.SHORT) {
      c = c.withInit(0.05, 0.1).withLearningRate(0.02).withPixelScale(1.0);
    }
    return batch == null ? c : c.withBatchSize(batch);
  }

  /**
   * Trains one network for {@code recipe.epochs()} epochs on {@code data} less {@code mean} (the training images'
   * per-pixel mean, {@code PixelMeanNormalizer.fit(data.train())}, computed once by the caller) times the recipe's
   * pixel scale, rewriting {@code modelFile} atomically after every epoch with the pixel mean and scale, the run's settings ({@value #RUN_KEY}) and the epochs so far ({@value #HISTORY_KEY}). With
   * {@code resume} and an existing {@code modelFile}, continues that run after its last finished epoch: parameters,
   * updater state, iteration and epoch counters come from the zip, the data order of epoch k and the dropout masks
   * are functions of (seed, k) and (seed, iteration), so the result equals an uninterrupted run bit for bit.
   *
   * @throws IOException if {@code modelFile} exists without {@code resume}, or was written with other settings
   */
  static Outcome train(String label, boolean dropout, Cifar10Recipe recipe, Cifar10Data data,
      PixelMeanNormalizer trainingMean, int trainCount, long seed, Path modelFile, boolean resume, ProgressBar bar,
      PrintWriter log) throws IOException {
    PixelMeanNormalizer mean = trainingMean.withPixelScale(recipe.pixelScale());
    String settings = settings(label, seed, trainCount, recipe);
    MultiLayerNetwork net;
    List<Cifar10Training.EpochReport> reports = new ArrayList<>();
    if (ModelFiles.resumable(modelFile, resume, "a CIFAR-10", RUN_KEY, settings, "model, --seed, --limit, --batch, "
        + "--recipe and learning-rate schedule (--epochs)", HISTORY_KEY)) {
      net = ModelFiles.readNetwork(modelFile);
      reports.addAll(fromArray(ModelSerializer.getObjectFromFile(modelFile.toFile(), HISTORY_KEY)));
      if (reports.size() != net.getEpochCount()) {
        throw new IOException(modelFile + ": " + reports.size() + " epochs of history but the network has trained "
            + net.getEpochCount());
      }
      if (log != null) {
        log.printf(Locale.ROOT, "%s: resuming from %s after epoch %d%n", label, modelFile, reports.size());
        log.flush();
      }
    } else {
      net = Cifar10Training.network(dropout, recipe, seed);
    }
    int done = reports.size();
    DataSetIterator train = Cifar10DataSetIterator.builder(data.train()).batchSize(recipe.batchSize())
        .limit(trainCount).shuffle(seed).startEpoch(done).build();
    DataSetIterator test = Cifar10DataSetIterator.builder(data.test()).batchSize(TEST_BATCH).build();
    train.setPreProcessor(mean);
    test.setPreProcessor(mean);
    bar.start(label, recipe.epochs());
    for (int e = done; e < recipe.epochs(); e++) {
      Cifar10Training.EpochReport r = Cifar10Training.train(net, 1, recipe, train, test, null).get(0);
      reports.add(r);
      double[][] history = toArray(reports);
      ModelFiles.writeAtomically(net, modelFile, zip -> {
        mean.addTo(zip);
        ModelSerializer.addObjectToFile(zip, RUN_KEY, settings);
        ModelSerializer.addObjectToFile(zip, HISTORY_KEY, history);
      });
      bar.update(e + 1, done);
      if (log != null) {
        bar.clear();
        log.printf(Locale.ROOT, "%s epoch %d/%d: train loss %.4f, test error %.2f%% (%,d / %,d), rate %.0e, "
                + "%.1f s%n", label, e + 1, recipe.epochs(), r.trainLoss(), 100 * r.testError(),
            Math.round(r.testError() * data.test().count()), data.test().count(), r.learningRate(),
            r.millis() / 1000.0);
        log.flush();
      }
    }
    bar.clear();
    return new Outcome(net, mean, reports, data.test().count());
  }

  /**
   * What a resumed run must share with the saved one: everything that shapes the updates. The number of epochs
   * only through the learning-rate schedule (so a 1-epoch run extends to 2 epochs when neither drops the rate).
   */
  static String settings(String label, long seed, int trainCount, Cifar10Recipe r) {
    String schedule = r.firstDropEpoch() >= r.epochs() ? "constant"
        : "/10 from epoch " + r.firstDropEpoch() + (r.secondDropEpoch() < r.epochs() ? ", /100 from epoch "
            + r.secondDropEpoch() : "");
    return String.format(Locale.ROOT, "model=%s, seed=%d, training images=%d, batch=%d, rate=%s (%s), momentum=%s, "
        + "init N(0, %s^2), hidden biases %s, inputs %s", label, seed, trainCount, r.batchSize(), r.learningRate(),
        schedule, r.momentum(), r.weightStd(), r.hiddenBiasInit(), pixelScaleName(r.pixelScale()));
  }

  /** How the inputs are scaled, for headers and settings. */
  static String pixelScaleName(double scale) {
    return scale == Cifar10Recipe.RAW_PIXEL_SCALE ? "raw RGB 0..255 minus the pixel mean"
        : scale == 1.0 ? "[0, 1] minus the pixel mean" : scale + " x ([0, 1] minus the pixel mean)";
  }

  /** Model-zip entry: the run's settings as a String, compared on {@code --resume}. */
  static final String RUN_KEY = "dropout4j-cifar10-run";
  /** Model-zip entry: {@code double[epochs][6]}, one {@link Cifar10Training.EpochReport} per row. */
  static final String HISTORY_KEY = "dropout4j-cifar10-history";

  private static double[][] toArray(List<Cifar10Training.EpochReport> reports) {
    double[][] a = new double[reports.size()][];
    for (int i = 0; i < a.length; i++) {
      Cifar10Training.EpochReport r = reports.get(i);
      a[i] = new double[] {r.epoch(), r.trainLoss(), r.testError(), r.learningRate(), r.examples(), r.millis()};
    }
    return a;
  }

  private static List<Cifar10Training.EpochReport> fromArray(Object o) throws IOException {
    if (!(o instanceof double[][] a)) {
      throw new IOException("entry " + HISTORY_KEY + " is not a double[][]");
    }
    List<Cifar10Training.EpochReport> reports = new ArrayList<>();
    for (double[] r : a) {
      reports.add(new Cifar10Training.EpochReport((int) r[0], r[1], r[2], r[3], (long) r[4], (long) r[5]));
    }
    return reports;
  }

  /** Fraction of {@code data}'s test images misclassified by {@code net} (mean network) after {@code mean}. */
  static int testErrors(MultiLayerNetwork net, PixelMeanNormalizer mean, Cifar10Data data) {
    DataSetIterator test = Cifar10DataSetIterator.builder(data.test()).batchSize(TEST_BATCH).build();
    test.setPreProcessor(mean);
    return (int) Math.round(Cifar10Training.testError(net, test) * data.test().count());
  }

  static final String CSV_HEADER = "variant,epoch,train_loss,test_errors,test_count,test_error_pct,learning_rate,"
      + "fit_seconds";

  /** One row per (variant, epoch), epochs 1-based. */
  static void writeCsv(Map<String, Outcome> runs, Path file) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write(CSV_HEADER + "\n");
      for (Map.Entry<String, Outcome> run : runs.entrySet()) {
        int n = run.getValue().testCount();
        for (Cifar10Training.EpochReport r : run.getValue().reports()) {
          w.write(String.format(Locale.ROOT, "%s,%d,%.5f,%d,%d,%.4f,%.2e,%.3f%n", run.getKey(), r.epoch() + 1,
              r.trainLoss(), Math.round(r.testError() * n), n, 100 * r.testError(), r.learningRate(),
              r.millis() / 1000.0));
        }
      }
    }
  }

  static Map<String, Outcome> single(String variant, Outcome o) {
    Map<String, Outcome> m = new LinkedHashMap<>();
    m.put(variant, o);
    return m;
  }
}
