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

/**
 * Epoch time of {@code mnist-800x2-dropout} (short recipe, the bundled 8,000 digits, synchronous SGD on minibatches
 * of 100) trained three ways in one run: plain {@code fit} (one process, batch 100), {@code ParallelWrapper} with
 * 2 workers (2 x 50, averaged every step), and Spark {@code local[2]} (2 partitions x 50, averaged every step).
 * Prints the median epoch time of each and the ratios to plain {@code fit}. Not a test.
 *
 * <pre>
 * mvn -B -q -o -pl dropout4j-spark -am test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * OMP_WAIT_POLICY=PASSIVE java $(spark opens, see dropout4j-spark/pom.xml) -cp \
 *     dropout4j-spark/target/test-classes:dropout4j-spark/target/classes:$(cat /tmp/cp.txt) \
 *     io.github.dropout4j.bench.DataParallelBench [epochs=3]
 * </pre>
 */
public final class DataParallelBench {
  private DataParallelBench() {
  }

  public static void main(String[] args) throws Exception {
    int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    MnistData mnist = MnistData.bundled();
    LabeledImages train = mnist.train();
    ZooEntry entry = ModelRegistry.standard().require("mnist-800x2-dropout");

    double[] plain = new double[epochs];
    MultiLayerNetwork net = SparkTrain.network(entry, Recipe.SHORT, 1);
    for (int e = 0; e < epochs; e++) {
      long t = System.nanoTime();
      net.fit(SparkTrain.epochIterator(train, 100, 1, e));
      plain[e] = (System.nanoTime() - t) / 1e9;
    }

    double[] wrapper = new double[epochs];
    MultiLayerNetwork pw = SparkTrain.network(entry, Recipe.SHORT, 1);
    ParallelWrapperTraining training = new ParallelWrapperTraining(pw, 2, 1);
    for (int e = 0; e < epochs; e++) {
      long t = System.nanoTime();
      training.fitEpoch(SparkTrain.epochIterator(train, 50, 1, e));
      wrapper[e] = (System.nanoTime() - t) / 1e9;
    }

    double[] spark = new double[epochs];
    SparkConf conf = new SparkConf().setMaster("local[2]").setAppName("bench").set("spark.ui.enabled", "false")
        .set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1");
    try (JavaSparkContext sc = new JavaSparkContext(conf)) {
      SparkDropoutTraining st = new SparkDropoutTraining(sc, SparkTrain.network(entry, Recipe.SHORT, 1), 50, 1, 1);
      for (int e = 0; e < epochs; e++) {
        long t = System.nanoTime();
        st.fitEpoch(SparkTrain.epochIterator(train, 100, 1, e), 2);
        spark[e] = (System.nanoTime() - t) / 1e9;
      }
    }
    double p = median(plain);
    System.out.printf(Locale.ROOT, "epoch of 8,000 digits, median of %d: plain fit %.2f s | ParallelWrapper 2 "
        + "workers %.2f s (%.2fx) | Spark local[2] %.2f s (%.2fx)%n", epochs, p, median(wrapper),
        median(wrapper) / p, median(spark), median(spark) / p);
    System.out.println("per epoch: plain " + Arrays.toString(plain) + ", wrapper " + Arrays.toString(wrapper)
        + ", spark " + Arrays.toString(spark));
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
