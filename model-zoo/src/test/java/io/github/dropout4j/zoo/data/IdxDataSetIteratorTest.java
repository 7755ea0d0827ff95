package io.github.dropout4j.zoo.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/** Batches cover each example exactly once per epoch, with reproducible per-epoch shuffling. */
class IdxDataSetIteratorTest {
    private static LabeledImages validation;

    @BeforeAll
    static void load() throws IOException {
        validation = MnistData.bundled().validation();
    }

    @Test
    void batchesHaveTheDocumentedShapesScalingAndOneHotLabels() {
        IdxDataSetIterator it =
                IdxDataSetIterator.builder(validation).batchSize(64).build();
        DataSet first = it.next();
        assertArrayEquals(new long[] {64, 784}, first.getFeatures().shape());
        assertArrayEquals(new long[] {64, 10}, first.getLabels().shape());
        assertEquals(DataType.FLOAT, first.getFeatures().dataType());
        float[] f = first.getFeatures().ravel().toFloatVector();
        byte[] pixels = validation.images().pixels();
        for (int i = 0; i < f.length; i++) {
            assertEquals((pixels[i] & 0xFF) / 255f, f[i], 0f, "pixel " + i);
        }
        INDArray labels = first.getLabels();
        for (int r = 0; r < 64; r++) {
            assertEquals(1.0, labels.getRow(r).sumNumber().doubleValue(), 0.0);
            assertEquals(validation.label(r), labels.getRow(r).argMax().getInt(0));
        }
        assertEquals(784, it.inputColumns());
        assertEquals(10, it.totalOutcomes());
        assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), it.getLabels());
    }

    @Test
    void everyEpochVisitsEveryExampleExactlyOnce() {
        IdxDataSetIterator it =
                IdxDataSetIterator.builder(validation).batchSize(64).shuffle(7).build();
        for (int epoch = 0; epoch < 3; epoch++) {
            List<Integer> order = epochOrder(it);
            assertEquals(1000, order.size());
            assertEquals(1000, order.stream().distinct().count(), "epoch " + epoch + " repeats an example");
            assertFalse(it.hasNext());
            assertThrows(NoSuchElementException.class, it::next);
            it.reset();
        }
    }

    @Test
    void lastBatchHoldsTheRemainder() {
        IdxDataSetIterator it =
                IdxDataSetIterator.builder(validation).batchSize(300).build();
        List<Long> sizes = new ArrayList<>();
        while (it.hasNext()) {
            sizes.add(it.next().getFeatures().size(0));
        }
        assertEquals(List.of(300L, 300L, 300L, 100L), sizes);
    }

    @Test
    void sameSeedSameOrderAndEachEpochDiffers() {
        IdxDataSetIterator a = IdxDataSetIterator.builder(validation)
                .batchSize(100)
                .shuffle(42)
                .build();
        IdxDataSetIterator b = IdxDataSetIterator.builder(validation)
                .batchSize(100)
                .shuffle(42)
                .build();
        IdxDataSetIterator other = IdxDataSetIterator.builder(validation)
                .batchSize(100)
                .shuffle(43)
                .build();
        List<Integer> a0 = epochOrder(a);
        assertEquals(a0, epochOrder(b));
        assertNotEquals(a0, epochOrder(other));
        a.reset();
        b.reset();
        List<Integer> a1 = epochOrder(a);
        assertEquals(a1, epochOrder(b), "reset() reshuffles deterministically");
        assertNotEquals(a0, a1, "a new epoch has a new order");
        List<Integer> unshuffled =
                epochOrder(IdxDataSetIterator.builder(validation).batchSize(100).build());
        assertNotEquals(unshuffled, a0);
    }

    /** What resume relies on: an iterator started at epoch k replays what a fresh one does after k resets. */
    @Test
    void startEpochReplaysTheOrdersOfAnUninterruptedIterator() {
        IdxDataSetIterator straight =
                IdxDataSetIterator.builder(validation).batchSize(100).shuffle(9).build();
        straight.reset();
        straight.reset();
        IdxDataSetIterator resumed = IdxDataSetIterator.builder(validation)
                .batchSize(100)
                .shuffle(9)
                .startEpoch(2)
                .build();
        assertEquals(2, resumed.epoch());
        for (int epoch = 2; epoch < 4; epoch++) {
            while (straight.hasNext()) {
                assertEquals(straight.next().getFeatures(), resumed.next().getFeatures(), "epoch " + epoch);
            }
            assertFalse(resumed.hasNext());
            straight.reset();
            resumed.reset();
        }
        assertThrows(
                IllegalArgumentException.class,
                () -> IdxDataSetIterator.builder(validation).startEpoch(-1));
    }

    @Test
    void limitUsesTheFirstExamplesOnly() {
        IdxDataSetIterator it = IdxDataSetIterator.builder(validation)
                .batchSize(32)
                .limit(100)
                .shuffle(1)
                .build();
        List<Integer> order = epochOrder(it);
        assertEquals(100, it.numExamples());
        assertEquals(100, order.size());
        assertTrue(order.stream().allMatch(i -> i < 100), "only examples 0..99");
        assertThrows(
                IllegalArgumentException.class,
                () -> IdxDataSetIterator.builder(validation).limit(1001));
        assertThrows(
                IllegalArgumentException.class,
                () -> IdxDataSetIterator.builder(validation).batchSize(0));
    }

    @Test
    void softmaxRegressionTrainedFromItBeatsChanceByFar() throws IOException {
        // Plumbing check with DL4J's own fit/evaluate: a linear softmax classifier reaches ~85-90% on MNIST after
        // a couple of epochs on 2,000 digits; 75% leaves room for seed and BLAS differences, chance is 10%.
        MnistData data = MnistData.bundled();
        org.deeplearning4j.nn.multilayer.MultiLayerNetwork net = new org.deeplearning4j.nn.multilayer.MultiLayerNetwork(
                new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder()
                        .seed(1)
                        .updater(new org.nd4j.linalg.learning.config.Sgd(0.5))
                        .list()
                        .layer(new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder(
                                        org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction.MCXENT)
                                .nIn(784)
                                .nOut(10)
                                .activation(org.nd4j.linalg.activations.Activation.SOFTMAX)
                                .build())
                        .build());
        net.init();
        IdxDataSetIterator train = IdxDataSetIterator.builder(data.train())
                .batchSize(50)
                .limit(2000)
                .shuffle(3)
                .build();
        net.fit(train, 3);
        double accuracy = net.evaluate(IdxDataSetIterator.builder(data.validation())
                        .batchSize(250)
                        .build())
                .accuracy();
        assertTrue(accuracy > 0.75, "validation accuracy " + accuracy);
    }

    /**
     * Identifies each example of one epoch by its pixel content: the images of the validation split are
     * distinct, so the index whose pixels match is the example served.
     */
    private static List<Integer> epochOrder(IdxDataSetIterator it) {
        java.util.Map<String, Integer> byContent = new java.util.HashMap<>();
        byte[] pixels = validation.images().pixels();
        for (int i = 0; i < validation.count(); i++) {
            byContent.put(java.util.Arrays.toString(java.util.Arrays.copyOfRange(pixels, i * 784, i * 784 + 784)), i);
        }
        assertEquals(validation.count(), byContent.size(), "validation images must be distinct for this test");
        List<Integer> order = new ArrayList<>();
        while (it.hasNext()) {
            float[] f = it.next().getFeatures().ravel().toFloatVector();
            for (int r = 0; r < f.length / 784; r++) {
                byte[] b = new byte[784];
                for (int p = 0; p < 784; p++) {
                    b[p] = (byte) Math.round(f[r * 784 + p] * 255f);
                }
                order.add(byContent.get(java.util.Arrays.toString(b)));
            }
        }
        return order;
    }
}
