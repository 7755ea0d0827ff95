package io.github.dropout4j.zoo.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The three splits of an MNIST-format data set (MNIST or Fashion-MNIST) in one directory.
 *
 * <p>{@link #load(Path)} expects the gzipped (or raw) IDX files
 * {@code {train,validation,test}-images-idx3-ubyte[.gz]} and {@code ...-labels-idx1-ubyte[.gz]}, as written by
 * {@code src-test-data/fetch-mnist-subset.sh}; {@link #bundled()} finds that repository folder
 * ({@code src-test-data/mnist}: 8,000 / 1,000 / 1,000 real MNIST digits).
 *
 * @param train      training examples
 * @param validation validation examples (for early stopping and hyper-parameters)
 * @param test       test examples
 */
public record MnistData(LabeledImages train, LabeledImages validation, LabeledImages test) {
    /** System property naming a directory to use instead of the bundled {@code src-test-data/mnist}. */
    public static final String DATA_DIR_PROPERTY = "dropout4j.data";

    static final String BUNDLED_RELATIVE = "src-test-data/mnist";
    static final int SIDE = 28;

    /** Loads the three splits from {@code dir}; every image must be 28 x 28. */
    public static MnistData load(Path dir) throws IOException {
        return new MnistData(split(dir, "train"), split(dir, "validation"), split(dir, "test"));
    }

    /**
     * Loads the canonical MNIST (or Fashion-MNIST) files {@code train-images-idx3-ubyte.gz},
     * {@code train-labels-idx1-ubyte.gz}, {@code t10k-images-idx3-ubyte.gz}, {@code t10k-labels-idx1-ubyte.gz}
     * (as fetched by {@link Downloader} with {@link DatasetManifest#mnist()}), holding out the <em>last</em>
     * {@code validationCount} training examples as the validation split; the t10k files are the test split.
     *
     * @param validationCount 0 .. number of training examples - 1 (Srivastava et al. 2014 hold out 10,000)
     */
    public static MnistData loadCanonical(Path dir, int validationCount) throws IOException {
        LabeledImages all = split(dir, "train");
        if (validationCount < 0 || validationCount >= all.count()) {
            throw new IllegalArgumentException(
                    "validationCount must be in 0.." + (all.count() - 1) + ", got " + validationCount);
        }
        int cut = all.count() - validationCount;
        return new MnistData(
                all.slice("train", 0, cut), all.slice("validation", cut, all.count()), split(dir, "t10k", "test"));
    }

    /**
     * Only the test split of {@code dir}: {@code t10k-*} (canonical files) if present, else {@code test-*} (the
     * bundled layout); training files need not exist.
     */
    public static LabeledImages loadTest(Path dir) throws IOException {
        boolean canonical = Files.isRegularFile(dir.resolve("t10k-images-idx3-ubyte.gz"))
                || Files.isRegularFile(dir.resolve("t10k-images-idx3-ubyte"));
        return split(dir, canonical ? "t10k" : "test", "test");
    }

    /**
     * Loads the repository's bundled subset: the directory named by system property {@value #DATA_DIR_PROPERTY}
     * if set, otherwise the first {@code src-test-data/mnist} found in the working directory or one of its
     * parents.
     *
     * @throws IOException if neither exists (the message says where it looked) or the files are invalid
     */
    public static MnistData bundled() throws IOException {
        return load(findBundledDir(
                System.getProperty(DATA_DIR_PROPERTY), Path.of("").toAbsolutePath()));
    }

    static Path findBundledDir(String override, Path start) throws IOException {
        if (override != null && !override.isBlank()) {
            Path dir = Path.of(override);
            if (!Files.isDirectory(dir)) {
                throw new IOException("-D" + DATA_DIR_PROPERTY + "=" + override + " is not a directory");
            }
            return dir;
        }
        for (Path p = start; p != null; p = p.getParent()) {
            Path candidate = p.resolve(BUNDLED_RELATIVE);
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IOException("no " + BUNDLED_RELATIVE + " directory in " + start + " or any parent; run from"
                + " inside the Dropout4j repository or pass -D" + DATA_DIR_PROPERTY + "=<dir with the IDX files>");
    }

    private static LabeledImages split(Path dir, String name) throws IOException {
        return split(dir, name, name);
    }

    private static LabeledImages split(Path dir, String prefix, String name) throws IOException {
        LabeledImages set = LabeledImages.read(
                name, find(dir, prefix + "-images-idx3-ubyte"), find(dir, prefix + "-labels-idx1-ubyte"));
        IdxImages images = set.images();
        if (images.rows() != SIDE || images.columns() != SIDE) {
            throw new IdxFormatException(
                    images.file(),
                    8,
                    "expected " + SIDE + " x " + SIDE + " images (bytes 8-15), found " + images.rows() + " x "
                            + images.columns());
        }
        return set;
    }

    /** {@code base.gz} if present, else {@code base}; the content decides whether it is decompressed. */
    private static Path find(Path dir, String base) throws IOException {
        Path gz = dir.resolve(base + ".gz");
        if (Files.isRegularFile(gz)) {
            return gz;
        }
        Path raw = dir.resolve(base);
        if (Files.isRegularFile(raw)) {
            return raw;
        }
        throw new IOException("missing " + gz + " (or " + raw.getFileName() + ")");
    }
}
