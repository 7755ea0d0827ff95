package io.github.dropout4j.zoo.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Images with one class label each, checked to belong together: as many labels as images, every label in
 * {@code 0 .. numClasses-1}.
 *
 * @param name       a short name for messages and logs, e.g. {@code "train"}
 * @param images     the images, {@code [count, rows, columns]} unsigned bytes
 * @param labels     one label per image
 * @param numClasses number of classes (10 for MNIST and Fashion-MNIST)
 */
public record LabeledImages(String name, IdxImages images, IdxLabels labels, int numClasses) {
    /** Number of classes of MNIST and Fashion-MNIST. */
    public static final int MNIST_CLASSES = 10;

    /**
     * @throws IllegalArgumentException if the counts differ or a label is out of range; the loaders run the
     *     same checks first and throw the {@link IdxFormatException} instead
     */
    public LabeledImages {
        try {
            check(name, images, labels, numClasses);
        } catch (IdxFormatException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Reads and cross-checks an image file and a label file (raw or gzipped) holding 10 classes. */
    public static LabeledImages read(String name, Path imagesFile, Path labelsFile) throws IOException {
        IdxImages images = IdxReader.readImages(imagesFile);
        IdxLabels labels = IdxReader.readLabels(labelsFile);
        check(name, images, labels, MNIST_CLASSES);
        return new LabeledImages(name, images, labels, MNIST_CLASSES);
    }

    /** Throws an {@link IdxFormatException} naming the file and offset if the pair does not belong together. */
    static void check(String name, IdxImages images, IdxLabels labels, int numClasses) throws IdxFormatException {
        if (numClasses < 1 || numClasses > 256) {
            throw new IllegalArgumentException("numClasses must be in 1..256, got " + numClasses);
        }
        if (images.count() != labels.count()) {
            throw new IdxFormatException(
                    labels.file(),
                    4,
                    "count mismatch: " + images.file() + " declares "
                            + images.count() + " images at byte 4, " + labels.file() + " declares " + labels.count()
                            + " labels at byte 4");
        }
        byte[] l = labels.labels();
        for (int i = 0; i < l.length; i++) {
            int label = l[i] & 0xFF;
            if (label >= numClasses) {
                throw new IdxFormatException(
                        labels.file(),
                        8L + i,
                        "bad label at byte " + (8L + i) + " (example " + i + "), expected 0.." + (numClasses - 1)
                                + ", found " + label);
            }
        }
    }

    /**
     * Examples {@code from} (inclusive) to {@code to} (exclusive) as a new set called {@code newName}; copies the
     * bytes. Used to hold out a validation split, e.g. the last 10,000 of MNIST's 60,000 training digits.
     */
    public LabeledImages slice(String newName, int from, int to) {
        if (from < 0 || to > count() || from > to) {
            throw new IllegalArgumentException(
                    name + ": slice must satisfy 0 <= from <= to <= " + count() + ", got " + from + ".." + to);
        }
        int per = images.pixelsPerImage();
        IdxImages part = new IdxImages(
                images.file(),
                to - from,
                images.rows(),
                images.columns(),
                java.util.Arrays.copyOfRange(images.pixels(), from * per, to * per));
        return new LabeledImages(
                newName,
                part,
                new IdxLabels(labels.file(), java.util.Arrays.copyOfRange(labels.labels(), from, to)),
                numClasses);
    }

    /** Number of examples. */
    public int count() {
        return images.count();
    }

    /** The label of example {@code i}, in {@code 0 .. numClasses-1}. */
    public int label(int i) {
        return labels.labels()[i] & 0xFF;
    }

    /** How many examples each class has; index = class. */
    public int[] classCounts() {
        int[] counts = new int[numClasses];
        for (byte b : labels.labels()) {
            counts[b & 0xFF]++;
        }
        return counts;
    }

    @Override
    public String toString() {
        return "LabeledImages[" + name + ", " + count() + " x " + images.rows() + " x " + images.columns() + ", "
                + numClasses + " classes]";
    }
}
