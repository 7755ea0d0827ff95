package io.github.dropout4j.spark;

import io.github.dropout4j.zoo.data.IdxDataSetIterator;
import io.github.dropout4j.zoo.data.LabeledImages;
import io.github.dropout4j.zoo.data.MnistData;
import io.github.dropout4j.zoo.data.imagenet.ColourPca;
import io.github.dropout4j.zoo.data.imagenet.ImageFolder;
import io.github.dropout4j.zoo.data.imagenet.ImageNetStatistics;
import io.github.dropout4j.zoo.models.AlexNetDropout;
import io.github.dropout4j.zoo.models.FeedForwardZooModel;
import io.github.dropout4j.zoo.models.HintonImageNetNet;
import io.github.dropout4j.zoo.models.ImageNetZooModel;
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
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The zoo's training entry point for {@code spark-submit}: trains an MNIST-family zoo network ({@code mnist-*},
 * on MNIST or Fashion-MNIST IDX files) or an ImageNet one ({@code hinton-imagenet[-nodropout]},
 * {@code alexnet-dropout}, on a class-per-folder image set, {@link ImageNetBatches}) with
 * {@link SparkDropoutTraining} and writes the model zip (atomically: a temporary file in the same folder, then a
 * rename).
 *
 * <pre>
 * spark-submit --class io.github.dropout4j.spark.SparkTrain --master spark://host:7077 \
 *     dropout4j-spark-&lt;version&gt;.jar --model mnist-800x2-dropout --data /shared/mnist \
 *     --epochs 50 --batch-per-worker 100 --averaging-frequency 5 --partitions 8 --out /shared/runs/m.zip
 * </pre>
 *
 * <p>MNIST: the driver reads the IDX files and sends minibatches to the executors; the data folder must be readable
 * by the driver only. The mean network's test error is printed after every epoch. ImageNet: the driver lists the
 * folder ({@code DIR/train/<class>/*} or {@code DIR/<class>/*}), computes the mean image and colour PCA once and
 * writes them next to the model ({@value #STATISTICS_FILE}); the executors read the images and the statistics
 * themselves, so both must be on a path every executor can read. The training loss is printed after every epoch.
 */
@Command(
        name = "spark-train",
        mixinStandardHelpOptions = true,
        description = "Train a Dropout4j zoo network (mnist-*, hinton-imagenet[-nodropout], alexnet-dropout) on Spark "
                + "(parameter averaging).")
public final class SparkTrain implements Callable<Integer> {
    /** The ImageNet statistics file, written next to the model zip. */
    public static final String STATISTICS_FILE = "imagenet-statistics.bin";

    @Option(names = "--model", required = true, description = "zoo model, e.g. mnist-800x2-dropout")
    String model;

    @Option(
            names = "--data",
            description = "MNIST: folder with the canonical MNIST/Fashion-MNIST IDX .gz files "
                    + "(default: the repository's bundled digits); ImageNet (required): a class-per-folder image set on a path "
                    + "every executor can read")
    Path data;

    @Option(
            names = "--size",
            defaultValue = "72",
            description = "ImageNet: side the images are resized to " + "(default ${DEFAULT-VALUE}; paper: 256)")
    int imageSize;

    @Option(
            names = "--crop",
            defaultValue = "64",
            description = "ImageNet: side of the training crops " + "(default ${DEFAULT-VALUE}; paper: 224)")
    int cropSize;

    @Option(
            names = "--width-divisor",
            defaultValue = "16",
            description = "ImageNet: divides every channel count " + "(default ${DEFAULT-VALUE}; paper: 1)")
    int widthDivisor;

    @Option(
            names = "--fc-units",
            defaultValue = "64",
            description =
                    "ImageNet: units of each globally connected " + "layer (default ${DEFAULT-VALUE}; paper: 4096)")
    int fcUnits;

    @Option(
            names = "--epochs",
            defaultValue = "10",
            description = "passes over the training set (default ${DEFAULT-VALUE})")
    int epochs;

    @Option(
            names = "--batch-per-worker",
            defaultValue = "100",
            description = "minibatch on each worker (default ${DEFAULT-VALUE}, the paper's 100)")
    int batchPerWorker;

    @Option(
            names = "--averaging-frequency",
            defaultValue = "5",
            description = "minibatches per worker between parameter averagings (default ${DEFAULT-VALUE})")
    int averagingFrequency;

    @Option(
            names = "--partitions",
            defaultValue = "0",
            description = "partitions per epoch (default: Spark's default parallelism)")
    int partitions;

    @Option(
            names = "--seed",
            defaultValue = "1",
            description = "network and data-order seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(
            names = "--recipe",
            defaultValue = "short",
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
        return new CommandLine(new SparkTrain())
                .setCaseInsensitiveEnumValuesAllowed(true)
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
        boolean imageNet = entry.dataset().equals("imagenet");
        if (!entry.name().startsWith("mnist-") && !imageNet) {
            throw new CommandLine.ParameterException(
                    new CommandLine(this), "--model: spark-train trains the mnist-* and ImageNet models, got " + model);
        }
        for (int[] v : new int[][] {{epochs}, {batchPerWorker}, {averagingFrequency}}) {
            if (v[0] < 1) {
                throw new CommandLine.ParameterException(
                        new CommandLine(this),
                        "--epochs, --batch-per-worker and --averaging-frequency must be >= 1, got " + v[0]);
            }
        }
        Path target = out.toAbsolutePath();
        if (Files.isDirectory(target)) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--out " + out + " is a directory");
        }
        SparkConf conf = new SparkConf().setAppName("dropout4j " + model);
        if (master != null) {
            conf.setMaster(master);
        }
        Files.createDirectories(target.getParent());
        Model net;
        if (imageNet) {
            net = trainImageNet(conf, entry, target.resolveSibling(STATISTICS_FILE));
        } else {
            net = train(conf, entry, data == null ? MnistData.bundled() : MnistData.loadCanonical(data, 0));
        }
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
                System.out.printf(
                        Locale.ROOT,
                        "epoch %d/%d  %.1f s  test errors %d / %d%n",
                        epoch + 1,
                        epochs,
                        (System.nanoTime() - start) / 1e9,
                        errors,
                        test.count());
            }
            return training.network();
        }
    }

    private Model trainImageNet(SparkConf conf, ZooEntry entry, Path statisticsFile) throws IOException {
        if (data == null) {
            throw new IllegalArgumentException("--data DIR is required for " + entry.name());
        }
        if (!Files.isDirectory(data)) {
            throw new IOException("--data " + data + ": no such directory");
        }
        ImageFolder folder = ImageFolder.open(Files.isDirectory(data.resolve("train")) ? data.resolve("train") : data);
        boolean alexNet = entry.name().equals("alexnet-dropout");
        long start = System.nanoTime();
        ImageNetStatistics.compute(folder, imageSize).save(statisticsFile);
        System.out.printf(
                Locale.ROOT,
                "%s: %,d images in %d classes; mean image and colour PCA at %dx%d in %.1f s -> " + "%s%n",
                entry.name(),
                folder.size(),
                folder.numClasses(),
                imageSize,
                imageSize,
                (System.nanoTime() - start) / 1e9,
                statisticsFile);
        ImageNetBatches batches = new ImageNetBatches(
                folder,
                imageSize,
                cropSize,
                alexNet ? 0 : HintonImageNetNet.SUBSAMPLE_FACTOR,
                alexNet ? ColourPca.PAPER_SIGMA : 0,
                statisticsFile,
                seed);
        ImageNetZooModel.Builder<?, ?> b = alexNet
                ? AlexNetDropout.builder()
                : HintonImageNetNet.builder().dropout(!entry.name().endsWith("-nodropout"));
        Model net = b.cropSize(cropSize)
                .widthDivisor(widthDivisor)
                .fcUnits(fcUnits)
                .numClasses(folder.numClasses())
                .seed(seed)
                .recipe(recipe)
                .build()
                .init();
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            int parts = partitions > 0 ? partitions : sc.defaultParallelism();
            SparkDropoutTraining training = new SparkDropoutTraining(sc, net, batchPerWorker, averagingFrequency, seed);
            for (int epoch = 0; epoch < epochs; epoch++) {
                long t = System.nanoTime();
                training.fitEpoch(batches.epoch(sc, epoch, batchPerWorker, parts));
                System.out.printf(
                        Locale.ROOT,
                        "epoch %d/%d  %.1f s  train loss %.4f%n",
                        epoch + 1,
                        epochs,
                        (System.nanoTime() - t) / 1e9,
                        training.score());
            }
            return training.model();
        }
    }

    /** The zoo network {@code entry} with {@code recipe}'s optimiser, as {@code ./dropout4j train} builds it. */
    public static MultiLayerNetwork network(ZooEntry entry, Recipe recipe, long seed) {
        MlpConfig config = ((FeedForwardZooModel) entry.create(seed)).config().withUpdater(recipe.updater());
        return MnistMlp.of(config).init();
    }

    /** Epoch {@code epoch}'s minibatches of {@code train}, in the seeded order a single-process run would see. */
    public static IdxDataSetIterator epochIterator(LabeledImages train, int batch, long seed, int epoch) {
        return IdxDataSetIterator.builder(train)
                .batchSize(batch)
                .shuffle(seed)
                .startEpoch(epoch)
                .build();
    }
}
