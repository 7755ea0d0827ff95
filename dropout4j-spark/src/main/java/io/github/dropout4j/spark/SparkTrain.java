package io.github.dropout4j.spark;

import io.github.dropout4j.zoo.data.IdxDataSetIterator;
import io.github.dropout4j.zoo.data.LabeledImages;
import io.github.dropout4j.zoo.data.MnistData;
import io.github.dropout4j.zoo.models.FeedForwardZooModel;
import io.github.dropout4j.zoo.models.MlpConfig;
import io.github.dropout4j.zoo.models.MnistMlp;
import io.github.dropout4j.zoo.models.ModelRegistry;
import io.github.dropout4j.zoo.models.ZooEntry;
import io.github.dropout4j.zoo.training.Errors;
import io.github.dropout4j.zoo.training.Recipe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The zoo's training entry point for {@code spark-submit}: trains an MNIST-family zoo network ({@code mnist-*},
 * on MNIST or Fashion-MNIST IDX files) with {@link SparkDropoutTraining} and writes {@code model.zip}
 * (atomically: a temporary file in the same folder, then a rename).
 *
 * <pre>
 * spark-submit --class io.github.dropout4j.spark.SparkTrain --master spark://host:7077 \
 *     dropout4j-spark-&lt;version&gt;.jar --model mnist-800x2-dropout --data /shared/mnist \
 *     --epochs 50 --batch-per-worker 100 --averaging-frequency 5 --partitions 8 --out /shared/runs/m.zip
 * </pre>
 *
 * <p>The driver reads the IDX files and sends minibatches to the executors; the data folder must be readable by
 * the driver only. The mean network's test error is printed after every epoch.
 */
@Command(name = "spark-train", mixinStandardHelpOptions = true,
    description = "Train an MNIST-family Dropout4j zoo network on Spark (parameter averaging).")
public final class SparkTrain implements Callable<Integer> {

  @Option(names = "--model", required = true, description = "zoo model, e.g. mnist-800x2-dropout")
  String model;

  @Option(names = "--data", description = "folder with the canonical MNIST/Fashion-MNIST IDX .gz files "
      + "(default: the repository's bundled digits)")
  Path data;

  @Option(names = "--epochs", defaultValue = "10", description = "passes over the training set (default ${DEFAULT-VALUE})")
  int epochs;

  @Option(names = "--batch-per-worker", defaultValue = "100",
      description = "minibatch on each worker (default ${DEFAULT-VALUE}, the paper's 100)")
  int batchPerWorker;

  @Option(names = "--averaging-frequency", defaultValue = "5",
      description = "minibatches per worker between parameter averagings (default ${DEFAULT-VALUE})")
  int averagingFrequency;

  @Option(names = "--partitions", defaultValue = "0",
      description = "partitions per epoch (default: Spark's default parallelism)")
  int partitions;

  @Option(names = "--seed", defaultValue = "1", description = "network and data-order seed (default ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--recipe", defaultValue = "short",
      description = "short (default: Appendix A.1 with eps_0 = 1) or paper (eps_0 = 10), as in ./dropout4j train")
  Recipe recipe;

  @Option(names = "--master", description = "Spark master when not set by spark-submit, e.g. local[2]")
  String master;

  @Option(names = "--out", required = true, description = "model zip to write")
  Path out;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** This command with case-insensitive enum values ({@code --recipe short}). */
  static CommandLine commandLine() {
    return new CommandLine(new SparkTrain()).setCaseInsensitiveEnumValuesAllowed(true)
        .setExecutionExceptionHandler((e, cmd, parsed) -> {
          // a user's mistake (missing or malformed data, bad value) is one line, exit 1
          if (e instanceof IOException || e instanceof IllegalArgumentException) {
            cmd.getErr().println("spark-train: " + e.getMessage());
            return 1;
          }
          throw e;
        });
  }

  @Override
  public Integer call() throws IOException {
    ZooEntry entry = ModelRegistry.standard().require(model);
    if (!entry.name().startsWith("mnist-")) {
      throw new CommandLine.ParameterException(new CommandLine(this),
          "--model: spark-train trains the mnist-* models, got " + model);
    }
    for (int[] v : new int[][] {{epochs}, {batchPerWorker}, {averagingFrequency}}) {
      if (v[0] < 1) {
        throw new CommandLine.ParameterException(new CommandLine(this),
            "--epochs, --batch-per-worker and --averaging-frequency must be >= 1, got " + v[0]);
      }
    }
    Path target = out.toAbsolutePath();
    if (Files.isDirectory(target)) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--out " + out + " is a directory");
    }
    MnistData mnist = data == null ? MnistData.bundled() : MnistData.loadCanonical(data, 0);
    SparkConf conf = new SparkConf().setAppName("dropout4j " + model);
    if (master != null) {
      conf.setMaster(master);
    }
    MultiLayerNetwork net = train(conf, entry, mnist);
    Files.createDirectories(target.getParent());
    Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
    try {
      ModelSerializer.writeModel(net, tmp.toFile(), true);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
    System.out.println("wrote " + target);
    return 0;
  }

  private MultiLayerNetwork train(SparkConf conf, ZooEntry entry, MnistData mnist) {
    try (JavaSparkContext sc = new JavaSparkContext(conf)) {
      int parts = partitions > 0 ? partitions : sc.defaultParallelism();
      MultiLayerNetwork net = network(entry, recipe, seed);
      SparkDropoutTraining training = new SparkDropoutTraining(sc, net, batchPerWorker, averagingFrequency, seed);
      for (int epoch = 0; epoch < epochs; epoch++) {
        long start = System.nanoTime();
        training.fitEpoch(epochIterator(mnist.train(), batchPerWorker, seed, epoch), parts);
        LabeledImages test = mnist.test();
        int errors = Errors.count(training.network(), test, test.count());
        System.out.printf(Locale.ROOT, "epoch %d/%d  %.1f s  test errors %d / %d%n", epoch + 1, epochs,
            (System.nanoTime() - start) / 1e9, errors, test.count());
      }
      return training.network();
    }
  }

  /** The zoo network {@code entry} with {@code recipe}'s optimiser, as {@code ./dropout4j train} builds it. */
  public static MultiLayerNetwork network(ZooEntry entry, Recipe recipe, long seed) {
    MlpConfig config = ((FeedForwardZooModel) entry.create(seed)).config().withUpdater(recipe.updater());
    return MnistMlp.of(config).init();
  }

  /** Epoch {@code epoch}'s minibatches of {@code train}, in the seeded order a single-process run would see. */
  public static IdxDataSetIterator epochIterator(LabeledImages train, int batch, long seed, int epoch) {
    return IdxDataSetIterator.builder(train).batchSize(batch).shuffle(seed).startEpoch(epoch).build();
  }

}
