package io.github.dropout4j.zoo.data;

import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * A DL4J {@link DataSetIterator} over {@link LabeledImages} (MNIST, Fashion-MNIST or any IDX pair), not to be
 * confused with DL4J's own {@code org.deeplearning4j.datasets.iterator.impl.MnistDataSetIterator}, which
 * downloads and reads the full MNIST itself.
 *
 * <p>Each {@link DataSet} has features {@code float [batch, rows*columns]} (784 for MNIST) with pixel
 * {@code b} mapped to {@code b / 255f} in [0, 1], and one-hot labels {@code float [batch, numClasses]}. The
 * last batch of an epoch is smaller if {@code batchSize} does not divide the example count. Only the first
 * {@code limit} examples of the set (in file order) are used.
 *
 * <p>Order: without shuffling, examples come in file order every epoch. With {@code shuffle(seed)}, epoch
 * {@code e} (0 for a new iterator, +1 at every {@link #reset()}) visits the examples in the order
 * {@link #permutation(int, long, int) permutation(n, seed, e)}, a Fisher-Yates shuffle that is a pure
 * function of (n, seed, e). Same seed, same sequence of orders; every epoch sees every example once.
 *
 * <p>The pixels stay in the compact {@code byte[]} of the data set; each batch is one {@code float[]} filled
 * through a 256-entry lookup table and handed to {@code Nd4j.create} in bulk, so an epoch of 8,000 digits
 * costs no {@code DataSet.shuffle()} or {@code batchBy}.
 *
 * <pre>{@code
 * MnistData data = MnistData.bundled();
 * DataSetIterator train = IdxDataSetIterator.builder(data.train()).batchSize(100).shuffle(42).build();
 * }</pre>
 */
public final class IdxDataSetIterator extends ByteImageDataSetIterator {
    private static final long serialVersionUID = 1L;

    private final transient LabeledImages data;
    private final int features;

    private IdxDataSetIterator(Builder b) {
        super(
                b,
                "examples",
                new long[] {b.data.images().pixelsPerImage()},
                b.data.numClasses(),
                IntStream.range(0, b.data.numClasses())
                        .mapToObj(Integer::toString)
                        .collect(Collectors.toUnmodifiableList()));
        this.data = b.data;
        this.features = data.images().pixelsPerImage();
    }

    /** Starts a builder over {@code data}; defaults: batch size 100, no shuffling, all examples. */
    public static Builder builder(LabeledImages data) {
        return new Builder(data);
    }

    @Override
    byte[] pixelBytes() {
        return data.images().pixels();
    }

    @Override
    int pixelOffset(int example) {
        return example * features;
    }

    @Override
    int label(int example) {
        return data.label(example);
    }

    /** Configures an {@link IdxDataSetIterator}; every setter validates its argument. */
    public static final class Builder extends AbstractBuilder<Builder> {
        private final LabeledImages data;

        private Builder(LabeledImages data) {
            super(requireData(data).count(), data.name(), 100);
            this.data = data;
        }

        @Override
        Builder self() {
            return this;
        }

        public IdxDataSetIterator build() {
            return new IdxDataSetIterator(this);
        }
    }
}
