package io.github.dropout4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropout4j.zoo.data.imagenet.ImageFolder;
import io.github.dropout4j.zoo.data.imagenet.ImageNetStatistics;
import io.github.dropout4j.zoo.models.HintonImageNetNet;
import io.github.dropout4j.zoo.training.Recipe;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/** ImageNet models on a real Spark {@code local[2]} master, the executors decoding the shipped synthetic set. */
class SparkImageNetTrainingTest {
    private static final long SEED = 3;

    private static Path synthetic() {
        Path here = Path.of("").toAbsolutePath();
        Path p = here.resolve("src-test-data/imagenet-synthetic");
        return Files.isDirectory(p) ? p : here.getParent().resolve("src-test-data/imagenet-synthetic");
    }

    private static SparkConf local() {
        return new SparkConf()
                .setMaster("local[2]")
                .setAppName("dropout4j-test")
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1");
    }

    /** One epoch: every training image once, in minibatches of 4 with the Hinton net's two inputs, labels one-hot. */
    @Test
    void executorsDecodeEveryImageOnceAnEpoch(@TempDir Path dir) throws Exception {
        ImageFolder folder = ImageFolder.open(synthetic().resolve("train"));
        Path stats = dir.resolve("stats.bin");
        ImageNetStatistics.compute(folder, 72).save(stats);
        ImageNetBatches batches =
                new ImageNetBatches(folder, 72, 64, HintonImageNetNet.SUBSAMPLE_FACTOR, 0, stats, SEED);
        int[] order0 = batches.order(0);
        int[] sorted = order0.clone();
        Arrays.sort(sorted);
        int[] all = new int[folder.size()];
        Arrays.setAll(all, i -> i);
        assertArrayEquals(all, sorted, "a permutation of the images");
        assertFalse(Arrays.equals(order0, batches.order(1)), "another order in the next epoch");

        try (JavaSparkContext sc = new JavaSparkContext(local())) {
            List<MultiDataSet> epoch = batches.epoch(sc, 0, 4, 2).collect();
            assertEquals((folder.size() + 3) / 4, epoch.size());
            int[] perClass = new int[folder.numClasses()];
            for (MultiDataSet m : epoch) {
                long n = m.getFeatures(0).size(0);
                assertArrayEquals(new long[] {n, 3, 64, 64}, m.getFeatures(0).shape());
                assertArrayEquals(new long[] {n, 3, 16, 16}, m.getFeatures(1).shape());
                for (int k = 0; k < n; k++) {
                    assertEquals(1.0, m.getLabels(0).getRow(k).sumNumber().doubleValue(), 0.0, "one-hot");
                    perClass[m.getLabels(0).getRow(k).argMax().getInt(0)]++;
                }
            }
            int[] expected = new int[folder.numClasses()];
            for (int i = 0; i < folder.size(); i++) {
                expected[folder.label(i)]++;
            }
            assertArrayEquals(expected, perClass, "every image once, with its folder's label");
        }
    }

    /** {@code spark-train} on local[2]: the two-input graph and AlexNet (a MultiLayerNetwork) train one epoch. */
    @Test
    void sparkTrainTrainsTheImageNetModels(@TempDir Path dir) throws Exception {
        for (String model : List.of("hinton-imagenet", "alexnet-dropout")) {
            Path out = dir.resolve(model).resolve("model.zip");
            StringWriter err = new StringWriter();
            int exit = SparkTrain.commandLine()
                    .setErr(new PrintWriter(err))
                    .execute(
                            "--model",
                            model,
                            "--master",
                            "local[2]",
                            "--partitions",
                            "2",
                            "--epochs",
                            "1",
                            "--batch-per-worker",
                            "4",
                            "--averaging-frequency",
                            "1",
                            "--seed",
                            String.valueOf(SEED),
                            "--data",
                            synthetic().toString(),
                            "--out",
                            out.toString());
            assertEquals(0, exit, err.toString());
            assertTrue(Files.isRegularFile(out.resolveSibling(SparkTrain.STATISTICS_FILE)));
            if (model.equals("hinton-imagenet")) {
                ComputationGraph g = ModelSerializer.restoreComputationGraph(out.toFile(), true);
                assertEquals(1, g.getEpochCount());
                ComputationGraph fresh = (ComputationGraph) HintonImageNetNet.builder()
                        .cropSize(64)
                        .widthDivisor(16)
                        .fcUnits(64)
                        .numClasses(4)
                        .seed(SEED)
                        .recipe(Recipe.SHORT)
                        .build()
                        .init();
                assertNotEquals(fresh.params(), g.params(), "trained");
                assertTrue(Double.isFinite(g.params().sumNumber().doubleValue()));
            } else {
                MultiLayerNetwork m = ModelSerializer.restoreMultiLayerNetwork(out.toFile(), true);
                assertEquals(1, m.getEpochCount());
                assertTrue(Double.isFinite(m.params().sumNumber().doubleValue()));
            }
        }
        StringWriter err = new StringWriter();
        assertEquals(
                1,
                SparkTrain.commandLine()
                        .setErr(new PrintWriter(err))
                        .execute(
                                "--model",
                                "alexnet-dropout",
                                "--master",
                                "local[1]",
                                "--out",
                                dir.resolve("m.zip").toString()));
        assertEquals(
                "spark-train: --data DIR is required for alexnet-dropout",
                err.toString().trim());
    }
}
