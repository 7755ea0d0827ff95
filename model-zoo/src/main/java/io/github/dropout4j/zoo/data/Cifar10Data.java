package io.github.dropout4j.zoo.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * CIFAR-10's training and test images from a directory in the binary layout of {@code cifar-10-binary.tar.gz}
 * ({@code cifar-10-batches-bin/}): {@code data_batch_1.bin} .. {@code data_batch_5.bin} (10,000 images each) and
 * {@code test_batch.bin} (10,000). Batches are read in order 1, 2, ..., K; a gap is an error naming the missing
 * batch (see {@link #load}). The shipped synthetic stand-in ({@code src-test-data/cifar10-synthetic/}) has
 * the same layout with one smaller training batch.
 *
 * <pre>{@code
 * Path dir = Cifar10Download.fetchAndExtract(new Downloader(DownloadOptions.defaults()));
 * Cifar10Data data = Cifar10Data.load(dir);      // 50,000 train, 10,000 test
 * }</pre>
 *
 * @param train the training images
 * @param test  the test images
 */
public record Cifar10Data(Cifar10Records train, Cifar10Records test) {
    public static final String TEST_FILE = "test_batch.bin";
    /** Where the synthetic stand-in lives, relative to the repository root. */
    public static final String SYNTHETIC_RELATIVE = "src-test-data/cifar10-synthetic";
    /** System property naming the synthetic set's directory explicitly. */
    public static final String SYNTHETIC_DIR_PROPERTY = "dropout4j.cifar10.synthetic.dir";

    /**
     * The shipped SYNTHETIC stand-in (1,500 train, 500 test images of ten drawn shapes; not CIFAR-10, see
     * {@code src-test-data/README.md}): from {@code -D}{@value #SYNTHETIC_DIR_PROPERTY}, else the first
     * {@value #SYNTHETIC_RELATIVE} found from the working directory upwards.
     */
    public static Cifar10Data synthetic() throws IOException {
        String override = System.getProperty(SYNTHETIC_DIR_PROPERTY);
        if (override != null && !override.isBlank()) {
            return load(Path.of(override));
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve(SYNTHETIC_RELATIVE);
            if (Files.isDirectory(candidate)) {
                return load(candidate);
            }
        }
        throw new NoSuchFileException(
                SYNTHETIC_RELATIVE,
                null,
                "not found from " + Path.of("").toAbsolutePath()
                        + " upwards; run inside the Dropout4j repository or pass -D" + SYNTHETIC_DIR_PROPERTY
                        + "=<dir>");
    }

    /** Reads only {@code dir/test_batch.bin} (for evaluation; the training batches need not exist). */
    public static Cifar10Records loadTest(Path dir) throws IOException {
        Path test = dir.resolve(TEST_FILE);
        if (!Files.isRegularFile(test)) {
            throw new NoSuchFileException(test.toString(), null, "no CIFAR-10 test batch in " + dir);
        }
        return Cifar10Records.read(test);
    }

    /** Training batches in the real archive ({@code data_batch_1.bin} .. {@code data_batch_5.bin}). */
    public static final int ARCHIVE_BATCHES = 5;
    /** A file of the real archive's {@code cifar-10-batches-bin/}; where it exists, all five batches must too. */
    public static final String ARCHIVE_META_FILE = "batches.meta.txt";

    private static final Pattern BATCH_FILE = Pattern.compile("data_batch_([1-9][0-9]{0,3})\\.bin");

    /**
     * Reads {@code data_batch_1.bin .. data_batch_K.bin} and {@code test_batch.bin} from {@code dir}, K the highest
     * batch number present. Every batch from 1 to K must exist, and all {@value #ARCHIVE_BATCHES} where the real
     * archive's {@value #ARCHIVE_META_FILE} is present (a partly extracted or partly copied archive).
     *
     * @throws NoSuchFileException naming the first missing batch (or the test batch)
     */
    public static Cifar10Data load(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "no such CIFAR-10 directory");
        }
        int highest = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Matcher m = BATCH_FILE.matcher(p.getFileName().toString());
                if (m.matches()) {
                    highest = Math.max(highest, Integer.parseInt(m.group(1)));
                }
            }
        }
        if (Files.exists(dir.resolve(ARCHIVE_META_FILE))) {
            highest = Math.max(highest, ARCHIVE_BATCHES);
        }
        if (highest == 0) {
            throw new NoSuchFileException(
                    dir.resolve("data_batch_1.bin").toString(), null, "no CIFAR-10 training batch in " + dir);
        }
        List<Path> batches = new ArrayList<>();
        for (int i = 1; i <= highest; i++) {
            Path p = dir.resolve("data_batch_" + i + ".bin");
            if (!Files.isRegularFile(p)) {
                throw new NoSuchFileException(
                        p.toString(),
                        null,
                        "missing CIFAR-10 training batch (" + dir + " has "
                                + (highest == ARCHIVE_BATCHES && Files.exists(dir.resolve(ARCHIVE_META_FILE))
                                        ? ARCHIVE_META_FILE + ", so all " + ARCHIVE_BATCHES + " batches must be there"
                                        : "data_batch_" + highest + ".bin, so " + "batches 1.." + highest
                                                + " must be there")
                                + ")");
            }
            batches.add(p);
        }
        Path test = dir.resolve(TEST_FILE);
        if (!Files.isRegularFile(test)) {
            throw new NoSuchFileException(test.toString(), null, "no CIFAR-10 test batch in " + dir);
        }
        return new Cifar10Data(Cifar10Records.read(batches.toArray(new Path[0])), Cifar10Records.read(test));
    }
}
