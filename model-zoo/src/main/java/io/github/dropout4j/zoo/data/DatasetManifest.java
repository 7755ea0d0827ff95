package io.github.dropout4j.zoo.data;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A data set's files and the mirrors that serve them: file {@code f} is fetched from {@code mirror + f.fileName()},
 * trying the mirrors in order.
 *
 * @param name    data set name, also the cache sub-directory ({@code ~/.dropout4j/data/<name>/}); letters,
 *                digits, {@code . _ -}
 * @param mirrors base URLs, each ending in {@code /} (added if missing); http, https, or {@code file:} for a local
 *                directory (used even in offline mode)
 * @param files   the files, with their SHA-256 and size
 */
public record DatasetManifest(String name, List<URI> mirrors, List<DatasetFile> files) {
    /** System property with a comma-separated list of base URLs replacing MNIST's default mirrors. */
    public static final String MNIST_BASE_URL_PROPERTY = "dropout4j.mnist.baseurl";

    /** MNIST's default mirrors (yann.lecun.com itself now often refuses automated downloads). */
    public static final List<URI> MNIST_MIRRORS = List.of(
            URI.create("https://ossci-datasets.s3.amazonaws.com/mnist/"),
            URI.create("https://storage.googleapis.com/cvdf-datasets/mnist/"));

    /**
     * The four canonical MNIST files (LeCun, Cortes, Burges; CC BY-SA 3.0). SHA-256 values and sizes as
     * published by several independent downloaders (torchvision's Ruby port, the Nix recipe for
     * tensorflow-haskell's MNIST data, and others) that verify them on every download; the sizes match the
     * byte counts logged by TensorFlow's and torchvision's downloaders.
     */
    public static final List<DatasetFile> MNIST_FILES = List.of(
            new DatasetFile(
                    "train-images-idx3-ubyte.gz",
                    "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
                    9_912_422),
            new DatasetFile(
                    "train-labels-idx1-ubyte.gz",
                    "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
                    28_881),
            new DatasetFile(
                    "t10k-images-idx3-ubyte.gz",
                    "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
                    1_648_877),
            new DatasetFile(
                    "t10k-labels-idx1-ubyte.gz",
                    "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
                    4_542));

    /** System property with a comma-separated list of base URLs replacing CIFAR-10's default mirror. */
    public static final String CIFAR10_BASE_URL_PROPERTY = "dropout4j.cifar10.baseurl";

    /** CIFAR-10's home (Krizhevsky, "Learning Multiple Layers of Features from Tiny Images", 2009). */
    public static final List<URI> CIFAR10_MIRRORS = List.of(URI.create("https://www.cs.toronto.edu/~kriz/"));

    /**
     * The binary version of CIFAR-10, {@code cifar-10-binary.tar.gz} (170,052,171 bytes). The page lists only its MD5,
     * {@code c32a1d4ab5d03f1284b67883e8d87530}; the SHA-256 below is the one pinned by several independent projects
     * that verify the archive on download and also check that MD5 (a Ruby port of torchvision, Julia's
     * MLDatasets.jl, and reproducibility records that give the same size and MD5 next to it). We could not download
     * the archive ourselves to recompute it.
     */
    public static final List<DatasetFile> CIFAR10_FILES = List.of(new DatasetFile(
            "cifar-10-binary.tar.gz", "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd", 170_052_171));

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

    public DatasetManifest {
        if (name == null || !NAME.matcher(name).matches() || name.startsWith(".")) {
            throw new IllegalArgumentException("name must match [A-Za-z0-9._-]+ (no leading dot), got '" + name + "'");
        }
        if (mirrors == null || mirrors.isEmpty()) {
            throw new IllegalArgumentException(name + ": at least one mirror is needed");
        }
        mirrors = mirrors.stream().map(DatasetManifest::withSlash).toList();
        for (URI m : mirrors) {
            if (!"http".equals(m.getScheme()) && !"https".equals(m.getScheme()) && !"file".equals(m.getScheme())) {
                throw new IllegalArgumentException(name + ": mirror must be http, https or file, got " + m);
            }
        }
        files = List.copyOf(files);
    }

    /**
     * MNIST from its default mirrors, or from the comma-separated base URLs in system property
     * {@value #MNIST_BASE_URL_PROPERTY} if it is set (for a local mirror, or a test server on 127.0.0.1).
     */
    public static DatasetManifest mnist() {
        String override = System.getProperty(MNIST_BASE_URL_PROPERTY);
        List<URI> mirrors = override == null || override.isBlank()
                ? MNIST_MIRRORS
                : Arrays.stream(override.split(","))
                        .map(String::trim)
                        .filter(s -> !s.isEmpty())
                        .map(URI::create)
                        .toList();
        return new DatasetManifest("mnist", mirrors, MNIST_FILES);
    }

    /**
     * CIFAR-10's binary archive from its default mirror, or from the comma-separated base URLs in system property
     * {@value #CIFAR10_BASE_URL_PROPERTY}. Extract it with {@link Cifar10Download}.
     */
    public static DatasetManifest cifar10() {
        return new DatasetManifest("cifar10", mirrorsFrom(CIFAR10_BASE_URL_PROPERTY, CIFAR10_MIRRORS), CIFAR10_FILES);
    }

    private static List<URI> mirrorsFrom(String property, List<URI> defaults) {
        String override = System.getProperty(property);
        return override == null || override.isBlank()
                ? defaults
                : Arrays.stream(override.split(","))
                        .map(String::trim)
                        .filter(s -> !s.isEmpty())
                        .map(URI::create)
                        .toList();
    }

    /** The same files from other mirrors. */
    public DatasetManifest withMirrors(List<URI> newMirrors) {
        return new DatasetManifest(name, newMirrors, files);
    }

    /** The file called {@code fileName}. */
    public DatasetFile file(String fileName) {
        return files.stream()
                .filter(f -> f.fileName().equals(fileName))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(name + " has no file '" + fileName + "'"));
    }

    private static URI withSlash(URI u) {
        String s = u.toString();
        return s.endsWith("/") ? u : URI.create(s + "/");
    }
}
