package io.github.dropout4j.zoo.cli;

import io.github.dropout4j.zoo.data.imagenet.BadImages;
import io.github.dropout4j.zoo.training.LearningRatePlateau;
import picocli.CommandLine.Option;

/**
 * The options of {@code train} that only ImageNet models read: added to {@code train} as the mixin of
 * {@link ImageNetRun} ({@link DataSetType#newTrainOptions()}); {@code train} refuses them for other models.
 */
final class ImageNetTrainOptions {
    /** The default minibatch of ImageNet models (the tiny default variant; the paper's is 128). */
    static final int DEFAULT_BATCH = 16;

    @Option(
            names = "--size",
            paramLabel = "N",
            description = "ImageNet: side the images are resized to " + "(default: ${DEFAULT-VALUE}; paper: 256).")
    int imageSize = 72;

    @Option(
            names = "--crop",
            paramLabel = "N",
            description = "ImageNet: side of the training crops and ten views, "
                    + "a multiple of 4, >= 64 (default: ${DEFAULT-VALUE}; paper: 224).")
    int cropSize = 64;

    @Option(
            names = "--width-divisor",
            paramLabel = "N",
            description = "ImageNet models: divides every channel " + "count (default: ${DEFAULT-VALUE}; paper: 1).")
    int widthDivisor = 16;

    @Option(
            names = "--fc-units",
            paramLabel = "N",
            description = "ImageNet models: units of each globally "
                    + "connected layer (default: ${DEFAULT-VALUE}; paper: 4096).")
    int fcUnits = 64;

    @Option(
            names = "--plateau-patience",
            paramLabel = "N",
            description = "ImageNet --recipe paper: divide the "
                    + "learning rate by 10 after N epochs without the validation error falling 0.1 percentage points below its "
                    + "best (default: ${DEFAULT-VALUE}).")
    int plateauPatience = LearningRatePlateau.DEFAULT_PATIENCE;

    @Option(
            names = "--max-bad-images",
            paramLabel = "N",
            description = "ImageNet: skip and report up to N images "
                    + "that cannot be decoded; more is an error naming them (default: ${DEFAULT-VALUE}).")
    int maxBadImages = BadImages.DEFAULT_LIMIT;
}
