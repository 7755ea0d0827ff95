package io.github.dropout4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropout4j.dropout.BernoulliDropout;
import io.github.dropout4j.zoo.data.LabeledImages;
import io.github.dropout4j.zoo.data.MnistData;
import io.github.dropout4j.zoo.models.ModelRegistry;
import io.github.dropout4j.zoo.training.Errors;
import io.github.dropout4j.zoo.training.Recipe;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.TrainingHook;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/** A real Spark {@code local[2]} master in this JVM trains the zoo's {@code mnist-800x2-dropout}. */
class SparkTrainingTest {
    private static final int EPOCHS = 2;
    private static final long SEED = 1;

    /** Records, on the executors, which worker's masks each replica draws (local mode: the same JVM). */
    static final class RecordingHook implements TrainingHook {
        static final Set<Integer> SEEN = ConcurrentHashMap.newKeySet();

        @Override
        public void preUpdate(DataSet minibatch, Model model) {
            MultiLayerNetwork net = (MultiLayerNetwork) model;
            SEEN.add(((BernoulliDropout) net.getLayer(1).conf().getLayer().getIDropout()).workerIndex());
        }

        @Override
        public void postUpdate(DataSet minibatch, Model model) {}

        @Override
        public void preUpdate(MultiDataSet minibatch, Model model) {}

        @Override
        public void postUpdate(MultiDataSet minibatch, Model model) {}
    }

    private static SparkConf local() {
        return new SparkConf()
                .setMaster("local[2]")
                .setAppName("dropout4j-test")
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1");
    }

    @Test
    void badInputIsOneLineWithExit1(@TempDir Path dir) {
        StringWriter err = new StringWriter();
        int exit = SparkTrain.commandLine()
                .setErr(new PrintWriter(err))
                .execute(
                        "--model",
                        "mnist-800x2-dropout",
                        "--master",
                        "local[1]",
                        "--data",
                        dir.resolve("absent").toString(),
                        "--out",
                        dir.resolve("m.zip").toString());
        assertEquals(1, exit, err.toString());
        assertTrue(err.toString().startsWith("spark-train: ") && err.toString().contains("absent"), err.toString());
        assertEquals(1, err.toString().lines().count(), err.toString());
        err.getBuffer().setLength(0);
        assertEquals(
                2,
                SparkTrain.commandLine()
                        .setErr(new PrintWriter(err))
                        .execute(
                                "--model",
                                "cifar10",
                                "--out",
                                dir.resolve("m.zip").toString()),
                "a model spark-train does not train is a usage error");
    }

    @Test
    void partitionsDrawTheirOwnMasks() throws Exception {
        MnistData mnist = MnistData.bundled();
        RecordingHook.SEEN.clear();
        try (JavaSparkContext sc = new JavaSparkContext(local())) {
            MultiLayerNetwork net =
                    SparkTrain.network(ModelRegistry.standard().require("mnist-800x2-dropout"), Recipe.SHORT, SEED);
            SparkDropoutTraining training = new SparkDropoutTraining(sc, net, 100, 2, SEED);
            training.addHook(new RecordingHook());
            training.fitEpoch(SparkTrain.epochIterator(mnist.train().slice("train", 0, 400), 100, SEED, 0), 2);
        }
        assertEquals(Set.of(0, 1), RecordingHook.SEEN, "worker indices of the two partitions' replicas");
    }

    @Test
    void sparkTrainingMatchesSingleWorkerWithinBinomialNoise(@TempDir Path dir) throws Exception {
        MnistData mnist = MnistData.bundled();
        LabeledImages test = mnist.test();

        MultiLayerNetwork single =
                SparkTrain.network(ModelRegistry.standard().require("mnist-800x2-dropout"), Recipe.SHORT, SEED);
        for (int epoch = 0; epoch < EPOCHS; epoch++) {
            single.fit(SparkTrain.epochIterator(mnist.train(), 100, SEED, epoch));
        }
        int singleErrors = Errors.count(single, test, test.count());

        Path zip = dir.resolve("spark.zip");
        StringWriter err = new StringWriter();
        int exit = SparkTrain.commandLine()
                .setErr(new PrintWriter(err))
                .execute(
                        "--model",
                        "mnist-800x2-dropout",
                        "--master",
                        "local[2]",
                        "--partitions",
                        "2",
                        "--epochs",
                        String.valueOf(EPOCHS),
                        "--averaging-frequency",
                        "1",
                        "--batch-per-worker",
                        "50",
                        "--seed",
                        String.valueOf(SEED),
                        "--out",
                        zip.toString());
        assertEquals(0, exit, err.toString());
        assertTrue(Files.isRegularFile(zip));
        MultiLayerNetwork spark = ModelSerializer.restoreMultiLayerNetwork(zip.toFile());
        int sparkErrors = Errors.count(spark, test, test.count());

        // With averaging after every step and 2 x 50 examples per step, parameter averaging is synchronous SGD on the
        // single worker's batch of 100 (the damped-momentum velocity is linear in the gradient, so averaging the
        // replicas' velocities averages their gradients); only the masks and the data order within a step differ.
        // Two independent estimates of an error rate p on n = 1,000 test digits differ by a binomial noise of
        // sd sqrt(2 p (1 - p) n) errors; allow 3 sd (p from the single-worker run, at least 2%).
        double p = Math.max(0.02, singleErrors / (double) test.count());
        double tolerance = 3 * Math.sqrt(2 * p * (1 - p) * test.count());
        System.out.printf(
                "single worker %d, Spark local[2] %d test errors of %d; tolerance %.1f%n",
                singleErrors, sparkErrors, test.count(), tolerance);
        assertTrue(
                Math.abs(sparkErrors - singleErrors) <= tolerance,
                "Spark " + sparkErrors + " vs single worker " + singleErrors + " test errors, tolerance " + tolerance);

        // Appendix A.1's bound (squared length 15) on every hidden unit's incoming weights, after averaging
        for (int layer = 0; layer < 2; layer++) {
            INDArray w = spark.getLayer(layer).getParam("W");
            for (int unit = 0; unit < w.columns(); unit++) {
                double sq = 0;
                for (int in = 0; in < w.rows(); in++) {
                    sq += w.getDouble(in, unit) * w.getDouble(in, unit);
                }
                assertTrue(sq <= 15 * (1 + 1e-5), "layer " + layer + " unit " + unit + " squared length " + sq);
            }
        }
    }
}
