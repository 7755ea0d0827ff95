package io.github.dropout4j.zoo.cli;

import io.github.dropout4j.zoo.data.DatasetManifest;
import io.github.dropout4j.zoo.data.DownloadOptions;
import io.github.dropout4j.zoo.data.Downloader;
import io.github.dropout4j.zoo.data.MnistData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where the MNIST digits come from, shared by the subcommands: the repository's bundled 8,000 / 1,000 / 1,000
 * subset by default, a directory with {@code --data}, or the full MNIST fetched with {@code --download}.
 */
final class DataOptions {
    @Option(
            names = "--data",
            paramLabel = "DIR",
            description = "MNIST directory: either the canonical files "
                    + "(train-*-ubyte.gz and t10k-*-ubyte.gz: 60,000 train / 10,000 test) or the bundled layout "
                    + "(train-/validation-/test-*-ubyte.gz). Default: the bundled src-test-data/mnist subset. With "
                    + "--download: the cache root (files go to DIR/mnist). CIFAR-10 models: a cifar-10-batches-bin directory "
                    + "(default: the shipped synthetic stand-in). ImageNet models: an image folder, DIR/train|val/<class>/*.jpg "
                    + "or DIR/<class>/*.jpg (required).")
    Path dir;

    @Option(
            names = "--download",
            description = "Download the full MNIST (4 files, 11 MB, SHA-256 checked, "
                    + "resumable) into ~/.dropout4j/data/mnist (or --data DIR/mnist) and use it; CIFAR-10 models: CIFAR-10's "
                    + "binary archive (163 MB).")
    boolean download;

    @Option(
            names = "--offline",
            description = "Never touch the network: use only the cache (and the repository's "
                    + "shipped copies); a cached file with a wrong SHA-256 is renamed aside and reported, not deleted. Also "
                    + "environment variable " + DownloadOptions.OFFLINE_ENV + "=1.")
    boolean offline;

    @Option(names = "--limit", paramLabel = "N", description = "Train on only the first N training examples.")
    Integer limit;

    /** Loads the splits; errors name the directory and the file. The canonical files get no validation split. */
    MnistData load() throws IOException {
        return load(0);
    }

    /**
     * Loads the splits, holding out the last {@code canonicalValidation} training digits as the validation split
     * when the data are the canonical MNIST files (the bundled subset has its own 1,000).
     */
    MnistData load(int canonicalValidation) throws IOException {
        if (download) {
            Downloader downloader = new Downloader(downloadOptions());
            Path fetched = downloader.fetchAll(DatasetManifest.mnist());
            return MnistData.loadCanonical(fetched, canonicalValidation);
        }
        if (dir == null) {
            return MnistData.bundled();
        }
        if (!Files.isDirectory(dir)) {
            throw new IOException("--data " + dir + ": no such directory");
        }
        if (Files.exists(dir.resolve("t10k-images-idx3-ubyte.gz"))
                || Files.exists(dir.resolve("t10k-images-idx3-ubyte"))) {
            return MnistData.loadCanonical(dir, canonicalValidation);
        }
        return MnistData.load(dir);
    }

    /** Only the test split ({@code evaluate}): for {@code --data DIR} no training files are read or required. */
    io.github.dropout4j.zoo.data.LabeledImages loadTest() throws IOException {
        if (download || dir == null) {
            return load().test();
        }
        if (!Files.isDirectory(dir)) {
            throw new IOException("--data " + dir + ": no such directory");
        }
        return MnistData.loadTest(dir);
    }

    /** How downloads behave: {@code --offline} or {@value DownloadOptions#OFFLINE_ENV}, cache root {@code --data}. */
    DownloadOptions downloadOptions() {
        DownloadOptions o = DownloadOptions.fromEnvironment();
        o = offline ? o.withOffline(true) : o;
        return dir == null ? o : o.withCacheRoot(dir);
    }

    /** The number of training examples to use: {@code --limit}, validated, or all. */
    int trainCount(MnistData data) {
        return limitFor(data.train());
    }

    /** The number of examples of {@code set} to use: {@code --limit}, validated against its size, or all. */
    int limitFor(io.github.dropout4j.zoo.data.LabeledImages set) {
        int n = set.count();
        if (limit == null) {
            return n;
        }
        if (limit < 1 || limit > n) {
            throw new IllegalArgumentException(
                    "--limit must be in 1.." + n + " (the " + set.name() + " split's size), got " + limit);
        }
        return limit;
    }

    /** {@code --limit}, validated against {@code size} examples of the {@code what} split, or all. */
    int limitFor(int size, String what) {
        if (limit == null) {
            return size;
        }
        if (limit < 1 || limit > size) {
            throw new IllegalArgumentException(
                    "--limit must be in 1.." + size + " (the " + what + " split's size), got " + limit);
        }
        return limit;
    }

    /** Where the data come from, e.g. {@code "bundled MNIST subset"}. */
    String source() {
        return download
                ? "full MNIST (downloaded)"
                : dir == null ? "bundled MNIST subset" : "MNIST-format data from " + dir;
    }

    /** "digits" for MNIST itself, "images" for {@code --data DIR} (Fashion-MNIST has the same format). */
    String noun() {
        return download || dir == null ? "digits" : "images";
    }

    /**
     * E.g. {@code "bundled MNIST subset: 8000 training digits, 1000 test digits"}; "images" for {@code --data DIR},
     * which may hold Fashion-MNIST or any 28x28 set in MNIST's format.
     */
    static String describe(MnistData data, int trainCount, DataOptions o) {
        String noun = o.noun();
        return o.source() + ": " + trainCount
                + (trainCount < data.train().count() ? " of " + data.train().count() : "") + " training " + noun + ", "
                + data.test().count() + " test " + noun;
    }
}
