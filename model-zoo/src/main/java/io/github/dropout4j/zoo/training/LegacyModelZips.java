package io.github.dropout4j.zoo.training;

import io.github.dropout4j.zoo.data.PixelMeanNormalizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.deeplearning4j.util.ModelSerializer;

/**
 * Model zips written before the {@link RunManifest} (dropout4j up to commit ea12509): an MNIST {@code checkpoint.zip}
 * with a {@code .state} text file beside it, a CIFAR-10 zip with entries {@value #CIFAR10_PIXEL_MEAN},
 * {@value #CIFAR10_RUN} and {@value #CIFAR10_HISTORY}, an ImageNet zip with {@value #IMAGENET_SIZES},
 * {@value #IMAGENET_RUN} and {@value #IMAGENET_LOSSES} (its statistics in {@code imagenet-statistics.bin} beside
 * it). They still evaluate (their networks and preprocessing entries are read as before); they do not resume, with
 * a one-line error saying so.
 */
public final class LegacyModelZips {
    /** The pixel mean entry, which new CIFAR-10 zips keep (the manifest names it). */
    public static final String CIFAR10_PIXEL_MEAN = PixelMeanNormalizer.MODEL_ZIP_KEY;

    public static final String CIFAR10_RUN = "dropout4j-cifar10-run";
    public static final String CIFAR10_HISTORY = "dropout4j-cifar10-history";
    /** {@code int[] {imageSize, cropSize, subsampleFactor}}. */
    public static final String IMAGENET_SIZES = "dropout4j-imagenet-sizes";

    public static final String IMAGENET_RUN = "dropout4j-imagenet-run";
    public static final String IMAGENET_LOSSES = "dropout4j-imagenet-losses";
    /** The run-state file an MNIST checkpoint kept beside its zip. */
    public static final String MNIST_STATE_SUFFIX = ".state";

    private LegacyModelZips() {}

    /**
     * The data set of a zip without a manifest, from the entries the old code wrote: {@code cifar10} (pixel mean),
     * {@code imagenet} (preprocessing sizes), else empty (a plain DL4J model, e.g. an old MNIST checkpoint or an
     * exported mean network).
     */
    public static Optional<String> dataset(Path file) {
        List<String> objects = ModelSerializer.listObjectsInFile(file.toFile());
        if (objects.contains(IMAGENET_SIZES)) {
            return Optional.of("imagenet");
        }
        if (objects.contains(CIFAR10_PIXEL_MEAN)) {
            return Optional.of("cifar10");
        }
        return Optional.empty();
    }

    /** The one-line reason {@code file} (which has no manifest) cannot be resumed. */
    static String describeMissingManifest(Path file) {
        String kind;
        if (Files.isRegularFile(file.resolveSibling(file.getFileName() + MNIST_STATE_SUFFIX))) {
            kind = "an MNIST checkpoint with a " + MNIST_STATE_SUFFIX + " file";
        } else {
            kind = dataset(file)
                    .map(d -> "a " + (d.equals("cifar10") ? "CIFAR-10" : "ImageNet") + " model zip")
                    .orElse(null);
        }
        if (kind == null) {
            return file + " is a DL4J model but not a Dropout4j run (no " + RunManifest.ZIP_ENTRY + "); it cannot be "
                    + "resumed";
        }
        return file + " is " + kind + " written by dropout4j before run manifests (no " + RunManifest.ZIP_ENTRY
                + "); it still evaluates but cannot be resumed: train again into another --out";
    }

    /** {@code int[] {imageSize, cropSize, subsampleFactor}} of an old ImageNet zip. */
    public static int[] imageNetSizes(Path file) throws IOException {
        Object o = ModelSerializer.getObjectFromFile(file.toFile(), IMAGENET_SIZES);
        if (!(o instanceof int[] sizes) || sizes.length != 3) {
            throw new IOException(
                    file + ": entry " + IMAGENET_SIZES + " is not int[3] {imageSize, cropSize, subsample}");
        }
        return sizes;
    }
}
