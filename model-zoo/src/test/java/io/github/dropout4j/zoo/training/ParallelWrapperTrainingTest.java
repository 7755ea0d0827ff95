package io.github.dropout4j.zoo.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropout4j.zoo.data.IdxDataSetIterator;
import io.github.dropout4j.zoo.data.LabeledImages;
import io.github.dropout4j.zoo.data.MnistData;
import io.github.dropout4j.zoo.models.FeedForwardZooModel;
import io.github.dropout4j.zoo.models.MlpConfig;
import io.github.dropout4j.zoo.models.MnistMlp;
import io.github.dropout4j.zoo.models.ModelRegistry;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/** {@code mnist-800x2-dropout} on the bundled digits: 2 ParallelWrapper workers vs one process. */
class ParallelWrapperTrainingTest {
    private static final int EPOCHS = 2;
    private static final long SEED = 1;

    private static MultiLayerNetwork net() {
        MlpConfig config = ((FeedForwardZooModel)
                        ModelRegistry.standard().require("mnist-800x2-dropout").create(SEED))
                .config()
                .withUpdater(Recipe.SHORT.updater());
        return MnistMlp.of(config).init();
    }

    private static IdxDataSetIterator epoch(LabeledImages train, int batch, int epoch) {
        return IdxDataSetIterator.builder(train)
                .batchSize(batch)
                .shuffle(SEED)
                .startEpoch(epoch)
                .build();
    }

    @Test
    void twoWorkersMatchOneProcessWithinBinomialNoise() throws Exception {
        MnistData mnist = MnistData.bundled();
        LabeledImages train = mnist.train();
        LabeledImages test = mnist.test();

        MultiLayerNetwork single = net();
        for (int e = 0; e < EPOCHS; e++) {
            single.fit(epoch(train, 100, e));
        }
        int singleErrors = Errors.count(single, test, test.count());

        // 2 workers x 50 examples, averaged after every step: synchronous SGD on minibatches of 100
        MultiLayerNetwork parallel = net();
        ParallelWrapperTraining training = new ParallelWrapperTraining(parallel, 2, 1);
        for (int e = 0; e < EPOCHS; e++) {
            training.fitEpoch(epoch(train, 50, e));
        }
        assertEquals(EPOCHS, parallel.getEpochCount(), "one epoch counted per fitEpoch");
        int parallelErrors = Errors.count(parallel, test, test.count());

        // two independent error counts on n = 1,000 digits differ by sd sqrt(2 p (1 - p) n); allow 3 sd
        double p = Math.max(0.02, singleErrors / (double) test.count());
        double tolerance = 3 * Math.sqrt(2 * p * (1 - p) * test.count());
        System.out.printf(
                "one process %d, ParallelWrapper 2 workers %d test errors of %d; tolerance %.1f%n",
                singleErrors, parallelErrors, test.count(), tolerance);
        assertTrue(
                Math.abs(parallelErrors - singleErrors) <= tolerance,
                "2 workers " + parallelErrors + " vs one process " + singleErrors + ", tolerance " + tolerance);
        for (int layer = 0; layer < 2; layer++) {
            INDArray w = parallel.getLayer(layer).getParam("W");
            for (int unit = 0; unit < w.columns(); unit++) {
                double sq = 0;
                for (int in = 0; in < w.rows(); in++) {
                    sq += w.getDouble(in, unit) * w.getDouble(in, unit);
                }
                assertTrue(sq <= 15 * (1 + 1e-5), "layer " + layer + " unit " + unit + " squared length " + sq);
            }
        }
    }

    @Test
    void rejectsFewerThanTwoWorkers() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new ParallelWrapperTraining(net(), 1, 1));
        assertEquals("workers must be >= 2 for ParallelWrapper, got 1", e.getMessage());
    }
}
