package io.github.dropout4j.zoo.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/** CIFAR-10 binary reader, iterator and per-pixel mean, on the shipped synthetic set and on hand-made files. */
class Cifar10DataTest {

    /** {@code n} records, record i with label {@code labels[i]} and pixel p = (i + p) mod 256. */
    private static byte[] records(int... labels) {
        byte[] b = new byte[labels.length * Cifar10Records.RECORD_BYTES];
        for (int i = 0; i < labels.length; i++) {
            int off = i * Cifar10Records.RECORD_BYTES;
            b[off] = (byte) labels[i];
            for (int p = 0; p < Cifar10Records.IMAGE_BYTES; p++) {
                b[off + 1 + p] = (byte) (i + p);
            }
        }
        return b;
    }

    @Test
    void shippedSyntheticSetHasTheDocumentedCountsAndBalancedClasses() throws IOException {
        Cifar10Data data = Cifar10Data.synthetic();
        assertEquals(1500, data.train().count());
        assertEquals(500, data.test().count());
        int[] perClass = new int[10];
        for (int i = 0; i < data.train().count(); i++) {
            perClass[data.train().label(i)]++;
        }
        assertArrayEquals(new int[] {150, 150, 150, 150, 150, 150, 150, 150, 150, 150}, perClass);
    }

    @Test
    void featuresAreNchwInZeroToOneWithChannelMajorRecords(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("data_batch_1.bin");
        Files.write(f, records(3, 9));
        Cifar10Records r = Cifar10Records.read(f);
        DataSet ds = Cifar10DataSetIterator.builder(r).batchSize(2).build().next();
        assertArrayEquals(new long[] {2, 3, 32, 32}, ds.getFeatures().shape());
        assertArrayEquals(new long[] {2, 10}, ds.getLabels().shape());
        assertEquals(1.0, ds.getLabels().getDouble(0, 3));
        assertEquals(1.0, ds.getLabels().getDouble(1, 9));
        // record 1, green plane (offset 1024), row 2, column 5: byte (1 + 1024 + 2*32 + 5) mod 256
        int p = 1024 + 2 * 32 + 5;
        assertEquals(((1 + p) & 0xFF) / 255f, ds.getFeatures().getFloat(1, 1, 2, 5), 0f);
        assertTrue(ds.getFeatures().minNumber().doubleValue() >= 0
                && ds.getFeatures().maxNumber().doubleValue() <= 1);
    }

    @Test
    void wrongLengthNamesFileRecordOffsetAndExpectation(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("data_batch_2.bin");
        byte[] b = Arrays.copyOf(records(1, 2), 2 * Cifar10Records.RECORD_BYTES + 100);
        Files.write(f, b);
        Cifar10FormatException e = assertThrows(Cifar10FormatException.class, () -> Cifar10Records.read(f));
        assertEquals("data_batch_2.bin", e.file());
        assertEquals(6146, e.offset());
        assertTrue(
                e.getMessage().contains("data_batch_2.bin")
                        && e.getMessage().contains("6246")
                        && e.getMessage().contains("multiple of 3073")
                        && e.getMessage().contains("record 2")
                        && e.getMessage().contains("byte 6146")
                        && e.getMessage().contains("100 bytes"),
                e.getMessage());
    }

    @Test
    void labelAboveNineNamesFileRecordAndOffset(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("test_batch.bin");
        Files.write(f, records(0, 1, 12));
        Cifar10FormatException e = assertThrows(Cifar10FormatException.class, () -> Cifar10Records.read(f));
        assertEquals(2 * 3073, e.offset());
        assertEquals("test_batch.bin: record 2 (byte 6146) has label 12, expected 0..9", e.getMessage());
    }

    @Test
    void seededShuffleVisitsEveryImageOncePerEpochAndRepeatsWithTheSeed() throws IOException {
        Cifar10Records r = Cifar10Data.synthetic().test().slice(0, 50);
        Cifar10DataSetIterator a =
                Cifar10DataSetIterator.builder(r).batchSize(16).shuffle(7).build();
        Cifar10DataSetIterator b =
                Cifar10DataSetIterator.builder(r).batchSize(16).shuffle(7).build();
        INDArray first = null;
        for (int epoch = 0; epoch < 2; epoch++) {
            Set<Float> seen = new HashSet<>();
            int n = 0;
            while (a.hasNext()) {
                DataSet x = a.next();
                DataSet y = b.next();
                assertEquals(x.getFeatures(), y.getFeatures(), "same seed, same batches");
                if (epoch == 0 && first == null) {
                    first = x.getFeatures().dup();
                }
                if (epoch == 1 && n == 0) {
                    assertFalse(first.equals(x.getFeatures()), "a new order every epoch");
                }
                for (int i = 0; i < x.numExamples(); i++) {
                    seen.add(x.getFeatures().getFloat(i, 0, 0, 0) * 1000
                            + x.getFeatures().getFloat(i, 2, 31, 31));
                }
                n += x.numExamples();
            }
            assertEquals(50, n);
            assertTrue(seen.size() >= 45, "distinct images seen: " + seen.size());
            a.reset();
            b.reset();
        }
    }

    @Test
    void pixelMeanIsSubtractedPerPixelAndTravelsWithTheModel(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("data_batch_1.bin");
        Files.write(f, records(0, 1, 2));
        Cifar10Records r = Cifar10Records.read(f);
        PixelMeanNormalizer mean = PixelMeanNormalizer.fit(r);
        // pixel p of record i is (i + p) mod 256: mean of i = 0, 1, 2 at p = 0 is 1/255
        assertEquals(1 / 255f, mean.mean()[0], 1e-7f);
        Cifar10DataSetIterator it =
                Cifar10DataSetIterator.builder(r).batchSize(3).build();
        it.setPreProcessor(mean);
        INDArray centred = it.next().getFeatures();
        assertEquals(0.0, centred.sum(0).amaxNumber().doubleValue(), 1e-5, "per-pixel means are zero after");

        File model = dir.resolve("model.zip").toFile();
        MultiLayerNetwork tiny = new MultiLayerNetwork(new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder()
                .list()
                .layer(new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder()
                        .nIn(2)
                        .nOut(2)
                        .build())
                .build());
        tiny.init();
        ModelSerializer.writeModel(tiny, model, false);
        mean.addTo(model);
        assertEquals(mean, PixelMeanNormalizer.readFrom(model));
        assertThrows(IllegalArgumentException.class, () -> PixelMeanNormalizer.of(new float[3]));
    }

    @Test
    void aMissingTrainingBatchIsAnErrorNamingIt(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("data_batch_1.bin"), records(1, 2));
        Files.write(dir.resolve("data_batch_3.bin"), records(3));
        Files.write(dir.resolve(Cifar10Data.TEST_FILE), records(4));
        java.nio.file.NoSuchFileException e =
                assertThrows(java.nio.file.NoSuchFileException.class, () -> Cifar10Data.load(dir));
        assertTrue(e.getMessage().contains("data_batch_2.bin"), e.getMessage());

        Files.write(dir.resolve("data_batch_2.bin"), records(5));
        assertEquals(4, Cifar10Data.load(dir).train().count(), "batches 1..3 complete");

        Files.writeString(dir.resolve(Cifar10Data.ARCHIVE_META_FILE), "airplane\n");
        e = assertThrows(java.nio.file.NoSuchFileException.class, () -> Cifar10Data.load(dir));
        assertTrue(e.getMessage().contains("data_batch_4.bin") && e.getMessage().contains("all 5"), e.getMessage());
    }
}
