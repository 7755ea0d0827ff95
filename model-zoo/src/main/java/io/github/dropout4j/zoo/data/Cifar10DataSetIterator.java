package io.github.dropout4j.zoo.data;

import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * A DL4J {@link DataSetIterator} over {@link Cifar10Records}. Each {@link DataSet} has features
 * {@code float [batch, 3, 32, 32]} (NCHW), pixel byte {@code b} mapped to {@code b / 255f} in [0, 1], and one-hot
 * labels {@code float [batch, 10]}. Set a {@link PixelMeanNormalizer} as pre-processor for the paper's only
 * preprocessing (Appendix G: subtract the per-pixel mean). The last batch of an epoch is smaller if
 * {@code batchSize} does not divide the number of images.
 *
 * <p>Order: file order every epoch, or with {@code shuffle(seed)} the order of epoch {@code e} (0 for a new
 * iterator, +1 per {@link #reset()}) is {@code IdxDataSetIterator.permutation(n, seed, e)}, a pure function of
 * (n, seed, e). Batches are filled straight from the records' {@code byte[]} (whose layout is already NCHW) through a
 * 256-entry table: no per-epoch {@code DataSet.shuffle()} or {@code batchBy}.
 *
 * <pre>{@code
 * Cifar10Data data = Cifar10Data.load(dir);
 * DataSetIterator train = Cifar10DataSetIterator.builder(data.train()).batchSize(128).shuffle(42).build();
 * train.setPreProcessor(PixelMeanNormalizer.fit(data.train()));
 * }</pre>
 */
public final class Cifar10DataSetIterator extends ByteImageDataSetIterator {
    private static final long serialVersionUID = 1L;

    private final transient Cifar10Records data;

    private Cifar10DataSetIterator(Builder b) {
        super(
                b,
                "images",
                new long[] {Cifar10Records.CHANNELS, Cifar10Records.HEIGHT, Cifar10Records.WIDTH},
                Cifar10Records.CLASSES,
                Cifar10Records.CLASS_NAMES);
        this.data = b.records;
    }

    /** Defaults: batch 128 (the paper's), no shuffling, all images. */
    public static Builder builder(Cifar10Records data) {
        return new Builder(data);
    }

    @Override
    byte[] pixelBytes() {
        return data.bytes();
    }

    /** Each record is its label byte followed by the image. */
    @Override
    int pixelOffset(int example) {
        return example * Cifar10Records.RECORD_BYTES + Cifar10Records.LABEL_BYTES;
    }

    @Override
    int label(int example) {
        return data.label(example);
    }

    /**
     * Configures a {@link Cifar10DataSetIterator}; every setter validates its argument. Defaults: batch 128 (the
     * paper's), no shuffling, all images.
     */
    public static final class Builder extends AbstractBuilder<Builder> {
        private final Cifar10Records records;

        private Builder(Cifar10Records data) {
            super(requireData(data).count(), data.name(), 128);
            this.records = data;
        }

        @Override
        Builder self() {
            return this;
        }

        public Cifar10DataSetIterator build() {
            return new Cifar10DataSetIterator(this);
        }
    }
}
