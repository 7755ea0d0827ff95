package io.github.dropout4j.zoo.pretrained;

import io.github.dropout4j.zoo.data.MnistData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.deeplearning4j.zoo.PretrainedType;

/**
 * The data set a set of pretrained weights was trained on, and whose test split its recorded test error is
 * measured on. DL4J's {@link PretrainedType} names data sets too, but has no Fashion-MNIST and cannot say
 * "the bundled MNIST subset"; this enum can, and {@link #of(PretrainedType)} maps DL4J's names onto it.
 *
 * <pre>{@code
 * MultiLayerNetwork digits = (MultiLayerNetwork) zooModel.initPretrained(PretrainedType.MNIST);   // MNIST_BUNDLED
 * MultiLayerNetwork clothes = (MultiLayerNetwork) zooModel.initPretrained(TrainedOn.FASHION_MNIST);
 * }</pre>
 */
public enum TrainedOn {
    /**
     * The repository's bundled MNIST digits ({@code src-test-data/mnist}: 8,000 training, 1,000 validation, 1,000
     * test digits); DL4J's {@link PretrainedType#MNIST} maps here. Test error on the 1,000 test digits.
     */
    MNIST_BUNDLED("mnist-bundled", "the bundled MNIST digits (8,000 training, 1,000 test)", PretrainedType.MNIST),

    /**
     * Fashion-MNIST (Xiao, Rasul &amp; Vollgraf 2017; 60,000 training, 10,000 test images of clothing in MNIST's
     * format), as in Debian's {@code dataset-fashion-mnist} package ({@value #FASHION_MNIST_DEBIAN_DIR}). Test
     * error on the 10,000 test images.
     */
    FASHION_MNIST("fashion-mnist", "Fashion-MNIST (60,000 training, 10,000 test)", null);

    /** Where Debian's {@code dataset-fashion-mnist} package puts the four IDX files. */
    public static final String FASHION_MNIST_DEBIAN_DIR = "/usr/share/datasets/fashion-mnist";

    private final String id;
    private final String description;
    private final PretrainedType dl4jType;

    TrainedOn(String id, String description, PretrainedType dl4jType) {
        this.id = id;
        this.description = description;
        this.dl4jType = dl4jType;
    }

    /** The name used in the weights registry and on the command line, e.g. {@code fashion-mnist}. */
    public String id() {
        return id;
    }

    /** E.g. {@code "Fashion-MNIST (60,000 training, 10,000 test)"}. */
    public String description() {
        return description;
    }

    /** DL4J's name for this data set, if it has one. */
    public Optional<PretrainedType> dl4jType() {
        return Optional.ofNullable(dl4jType);
    }

    /** The data set DL4J's {@code type} names, if we have one for it ({@code MNIST} is {@link #MNIST_BUNDLED}). */
    public static Optional<TrainedOn> of(PretrainedType type) {
        return Arrays.stream(values()).filter(t -> t.dl4jType == type).findFirst();
    }

    /**
     * By {@link #id()} ({@code fashion-mnist}) or constant name ({@code FASHION_MNIST}), ignoring case.
     *
     * @throws IllegalArgumentException naming the value and the known ids
     */
    public static TrainedOn parse(String name) {
        for (TrainedOn t : values()) {
            if (t.id.equalsIgnoreCase(name) || t.name().equalsIgnoreCase(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown data set '" + name + "'; known: "
                + String.join(", ", Arrays.stream(values()).map(TrainedOn::id).toList()));
    }

    /**
     * The data set's splits: the bundled digits, or Fashion-MNIST from {@code dir} (null: the Debian package's
     * directory), whose test split is the one the registry's test errors are measured on.
     *
     * @throws IOException naming the directory and how to get the data if it is missing
     */
    public MnistData load(Path dir) throws IOException {
        if (this == MNIST_BUNDLED) {
            return dir == null ? MnistData.bundled() : MnistData.load(dir);
        }
        Path d = dir == null ? Path.of(FASHION_MNIST_DEBIAN_DIR) : dir;
        if (!Files.isRegularFile(d.resolve("t10k-images-idx3-ubyte.gz"))
                && !Files.isRegularFile(d.resolve("t10k-images-idx3-ubyte"))) {
            throw new IOException(
                    "no Fashion-MNIST test set (t10k-images-idx3-ubyte.gz) in " + d + ": install Debian's "
                            + "package (apt-get install dataset-fashion-mnist) or pass the directory with the four IDX files");
        }
        return MnistData.loadCanonical(d, 0);
    }

    @Override
    public String toString() {
        return id;
    }
}
