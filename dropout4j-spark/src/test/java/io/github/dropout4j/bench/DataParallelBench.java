package io.github.dropout4j.bench;

import io.github.dropout4j.spark.SparkDropoutTraining;
import io.github.dropout4j.spark.SparkTrain;
import io.github.dropout4j.zoo.data.LabeledImages;
import io.github.dropout4j.zoo.data.MnistData;
import io.github.dropout4j.zoo.models.ModelRegistry;
import io.github.dropout4j.zoo.models.ZooEntry;
import io.github.dropout4j.zoo.training.ParallelWrapperTraining;
import io.github.dropout4j.zoo.training.Recipe;
import java.util.Arrays;
import java.util.Locale;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Epoch time of {@code mnist-800x2-dropout} (short recipe, the bundled 8,000 digits, synchronous SGD on minibatches
 * of 100) trained in one run: plain {@code fit} (one process, batch 100) with ND4J's default threads (one per core)
 * and with 1 thread, {@code ParallelWrapper} with 2 workers (2 x 50, averaged every step) with
 * {@code max(1, cores / 2)} ND4J threads each (its parallel ops and BLAS; {@code ParallelWrapperTraining}'s default)
 * and with ND4J's default threads, and Spark {@code local[2]} (2 partitions x 50, averaged every step) with
 * {@code max(1, cores / 2)} threads. Prints the median epoch time
 * of each and the ratios to the plain {@code fit} with default threads. Not a test.
 *
 * <pre>
 * mvn -B -q -o -pl dropout4j-spark -am test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * OMP_WAIT_POLICY=PASSIVE java $(spark opens, see dropout4j-spark/pom.xml) -cp \
 *     dropout4j-spark/target/test-classes:dropout4j-spark/target/classes:$(cat /tmp/cp.txt) \
 *     io.github.dropout4j.bench.DataParallelBench [epochs=3]
 * </pre>
 */
public final class DataParallelBench {
    private DataParallelBench() {}

    public static void main(String[] args) throws Exception {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        MnistData mnist = MnistData.bundled();
        LabeledImages train = mnist.train();
        ZooEntry entry = ModelRegistry.standard().require("mnist-800x2-dropout");

        int cores = Runtime.getRuntime().availableProcessors();
        int defaultThreads = Nd4j.getEnvironment().maxThreads();
        int blasThreads = Nd4j.factory().blas().getMaxThreads();
        int perWorker = Math.max(1, cores / 2);
        System.out.printf(
                Locale.ROOT,
                "%d cores; ND4J threads %d, BLAS threads %d by default; %d per worker%n",
                cores,
                defaultThreads,
                blasThreads,
                perWorker);

        double[] plain = plainFit(entry, train, epochs);
        threads(1, 1);
        double[] plainOne = plainFit(entry, train, epochs);
        threads(defaultThreads, blasThreads);
        double[] wrapper = wrapperFit(entry, train, epochs, perWorker);
        double[] wrapperShared = wrapperFit(entry, train, epochs, 0);

        threads(perWorker, perWorker);
        double[] spark = new double[epochs];
        SparkConf conf = new SparkConf()
                .setMaster("local[2]")
                .setAppName("bench")
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1");
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            SparkDropoutTraining st =
                    new SparkDropoutTraining(sc, SparkTrain.network(entry, Recipe.SHORT, 1), 50, 1, 1);
            for (int e = 0; e < epochs; e++) {
                long t = System.nanoTime();
                st.fitEpoch(SparkTrain.epochIterator(train, 100, 1, e), 2);
                spark[e] = (System.nanoTime() - t) / 1e9;
            }
        }
        threads(defaultThreads, blasThreads);
        double p = median(plain);
        System.out.printf(
                Locale.ROOT,
                "epoch of 8,000 digits, median of %d: plain fit %.2f s | plain fit, 1 thread "
                        + "%.2f s (%.2fx) | ParallelWrapper 2 workers, %d thread(s) each %.2f s (%.2fx) | ParallelWrapper 2 workers, "
                        + "default threads %.2f s (%.2fx) | Spark local[2], %d thread(s) %.2f s (%.2fx)%n",
                epochs,
                p,
                median(plainOne),
                median(plainOne) / p,
                perWorker,
                median(wrapper),
                median(wrapper) / p,
                median(wrapperShared),
                median(wrapperShared) / p,
                perWorker,
                median(spark),
                median(spark) / p);
        System.out.println(
                "per epoch: plain " + Arrays.toString(plain) + ", plain 1 thread " + Arrays.toString(plainOne)
                        + ", wrapper " + Arrays.toString(wrapper) + ", wrapper default threads "
                        + Arrays.toString(wrapperShared)
                        + ", spark " + Arrays.toString(spark));
    }

    /** {@code ParallelWrapperTraining} with 2 workers on minibatches of 50; {@code threads} 0: ND4J's settings. */
    private static double[] wrapperFit(ZooEntry entry, LabeledImages train, int epochs, int threads) {
        double[] seconds = new double[epochs];
        MultiLayerNetwork pw = SparkTrain.network(entry, Recipe.SHORT, 1);
        ParallelWrapperTraining training = new ParallelWrapperTraining(pw, 2, 1).threadsPerWorker(threads);
        for (int e = 0; e < epochs; e++) {
            long t = System.nanoTime();
            training.fitEpoch(SparkTrain.epochIterator(train, 50, 1, e));
            seconds[e] = (System.nanoTime() - t) / 1e9;
        }
        return seconds;
    }

    private static double[] plainFit(ZooEntry entry, LabeledImages train, int epochs) {
        double[] seconds = new double[epochs];
        MultiLayerNetwork net = SparkTrain.network(entry, Recipe.SHORT, 1);
        for (int e = 0; e < epochs; e++) {
            long t = System.nanoTime();
            net.fit(SparkTrain.epochIterator(train, 100, 1, e));
            seconds[e] = (System.nanoTime() - t) / 1e9;
        }
        return seconds;
    }

    /** ND4J's own parallel ops and its BLAS: process-wide, so every worker thread uses this many. */
    private static void threads(int nd4j, int blas) {
        Nd4j.getEnvironment().setMaxThreads(nd4j);
        Nd4j.getEnvironment().setMaxMasterThreads(nd4j);
        Nd4j.factory().blas().setMaxThreads(blas);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
