package io.github.dropout4j.zoo.data;

import io.github.dropout4j.random.Seeds;
import java.util.List;
import java.util.NoSuchElementException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What {@link IdxDataSetIterator} and {@link Cifar10DataSetIterator} share: a {@link DataSetIterator} over
 * images held as unsigned bytes, one label byte each. It owns the epoch, the cursor and the seeded per-epoch
 * order ({@link #permutation(int, long, int)}), the batching loop (pixel {@code b} to {@code b / 255f} through a
 * 256-entry table, one-hot labels) and the DL4J boilerplate. A subclass says where example {@code i}'s pixels
 * start in which {@code byte[]}, what its label is, and passes the shape of one example.
 */
abstract class ByteImageDataSetIterator implements DataSetIterator {
    private static final long serialVersionUID = 1L;
    private static final float[] SCALE = new float[256];

    static {
        for (int b = 0; b < 256; b++) {
            SCALE[b] = b / 255f;
        }
    }

    private final String dataName;
    private final String unit;
    private final long[] exampleShape;
    private final int features;
    private final int classes;
    private final List<String> labelNames;
    private final int size;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private int[] order;
    private int cursor;
    private int epoch;
    private DataSetPreProcessor preProcessor;

    /**
     * @param settings     the builder's validated settings (data name and count, batch size, shuffling, limit, start
     *                     epoch)
     * @param unit         what an example is called in messages and {@code toString}, e.g. {@code "images"}
     * @param exampleShape the feature shape of one example, e.g. {@code {784}} or {@code {3, 32, 32}}
     * @param classes      number of classes (label bytes are in {@code 0 .. classes-1})
     * @param labelNames   the class names, index = label
     */
    ByteImageDataSetIterator(
            AbstractBuilder<?> settings, String unit, long[] exampleShape, int classes, List<String> labelNames) {
        this.dataName = settings.name;
        this.unit = unit;
        this.exampleShape = exampleShape.clone();
        long n = 1;
        for (long d : exampleShape) {
            n *= d;
        }
        this.features = Math.toIntExact(n);
        this.classes = classes;
        this.labelNames = labelNames;
        this.size = settings.limit < 0 ? settings.count : settings.limit;
        this.batchSize = settings.batchSize;
        this.shuffle = settings.shuffle;
        this.seed = settings.seed;
        this.epoch = settings.startEpoch;
        this.order = shuffle ? permutation(size, seed, epoch) : null;
    }

    /** The bytes that hold every example's pixels. */
    abstract byte[] pixelBytes();

    /** Where example {@code example}'s pixels start in {@link #pixelBytes()}. */
    abstract int pixelOffset(int example);

    /** The label of example {@code example}, in {@code 0 .. classes-1}. */
    abstract int label(int example);

    /**
     * The order of epoch {@code epoch}: {@link Seeds#permutation} of {@code 0..n-1} with seed
     * {@code seed ^ Seeds.derive(0, epoch)} (the SplitMix64 finaliser of the epoch).
     */
    static int[] permutation(int n, long seed, int epoch) {
        return Seeds.permutation(seed ^ Seeds.derive(0, epoch), n);
    }

    @Override
    public boolean hasNext() {
        return cursor < size;
    }

    @Override
    public DataSet next() {
        return next(batchSize);
    }

    /** The next {@code min(num, remaining)} examples of this epoch. */
    @Override
    public DataSet next(int num) {
        if (num < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + num);
        }
        if (!hasNext()) {
            throw new NoSuchElementException(
                    "epoch " + epoch + " is over after " + size + " " + unit + "; call reset()");
        }
        int m = Math.min(num, size - cursor);
        byte[] pixels = pixelBytes();
        float[] f = new float[m * features];
        float[] y = new float[m * classes];
        for (int r = 0; r < m; r++) {
            int example = order == null ? cursor + r : order[cursor + r];
            int src = pixelOffset(example);
            int dst = r * features;
            for (int p = 0; p < features; p++) {
                f[dst + p] = SCALE[pixels[src + p] & 0xFF];
            }
            y[r * classes + label(example)] = 1f;
        }
        cursor += m;
        long[] shape = new long[exampleShape.length + 1];
        shape[0] = m;
        System.arraycopy(exampleShape, 0, shape, 1, exampleShape.length);
        DataSet ds = new DataSet(
                Nd4j.create(f, shape, DataType.FLOAT), Nd4j.create(y, new long[] {m, classes}, DataType.FLOAT));
        if (preProcessor != null) {
            preProcessor.preProcess(ds);
        }
        return ds;
    }

    /** Starts the next epoch; with shuffling its order is {@code permutation(n, seed, epoch + 1)}. */
    @Override
    public void reset() {
        cursor = 0;
        epoch++;
        if (shuffle) {
            order = permutation(size, seed, epoch);
        }
    }

    /** The current epoch: 0 for a new iterator (unless built with a start epoch), +1 per {@link #reset()}. */
    public int epoch() {
        return epoch;
    }

    /** Number of examples per epoch ({@code limit}, or the whole set). */
    public int numExamples() {
        return size;
    }

    /** Features per example: 784 for MNIST, 3 * 32 * 32 = 3072 for CIFAR-10. */
    @Override
    public int inputColumns() {
        return features;
    }

    @Override
    public int totalOutcomes() {
        return classes;
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    /**
     * False: a batch is built in about a millisecond (well under one for MNIST, about one for a CIFAR-10 batch of
     * 128), not worth a prefetch thread on a small machine.
     */
    @Override
    public boolean asyncSupported() {
        return false;
    }

    @Override
    public int batch() {
        return batchSize;
    }

    @Override
    public void setPreProcessor(DataSetPreProcessor preProcessor) {
        this.preProcessor = preProcessor;
    }

    @Override
    public DataSetPreProcessor getPreProcessor() {
        return preProcessor;
    }

    /**
     * The class names, index = label: {@code "0" .. "<numClasses-1>"} for an {@link IdxDataSetIterator}, CIFAR-10's
     * ({@code "airplane" .. "truck"}) for a {@link Cifar10DataSetIterator}.
     */
    @Override
    public List<String> getLabels() {
        return labelNames;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + dataName + ", " + unit + "=" + size + ", batchSize=" + batchSize
                + ", shuffle=" + shuffle + (shuffle ? ", seed=" + seed : "") + ", epoch=" + epoch + "]";
    }

    /**
     * The settings both public builders share, each validated as it is set. A subclass adds where the data comes from
     * and {@code build()}.
     *
     * @param <B> the concrete builder, returned by every setter
     */
    abstract static class AbstractBuilder<B extends AbstractBuilder<B>> {
        private final int count;
        private final String name;
        private int batchSize;
        private boolean shuffle;
        private long seed;
        private int limit = -1;
        private int startEpoch;

        /** Over a set of {@code count} examples called {@code name}, with default batch size {@code batchSize}. */
        AbstractBuilder(int count, String name, int batchSize) {
            this.count = count;
            this.name = name;
            this.batchSize = batchSize;
        }

        /** {@code data}, or an {@link IllegalArgumentException} if it is null. */
        static <T> T requireData(T data) {
            if (data == null) {
                throw new IllegalArgumentException("data must not be null");
            }
            return data;
        }

        abstract B self();

        /** Examples per batch, &gt;= 1 (the paper uses 100 for MNIST, 128 for CIFAR-10). */
        public B batchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
            }
            this.batchSize = batchSize;
            return self();
        }

        /** Shuffles every epoch with orders derived from {@code seed}; see the iterator's class comment. */
        public B shuffle(long seed) {
            this.shuffle = true;
            this.seed = seed;
            return self();
        }

        /** Uses only the first {@code limit} examples (file order), 1 &lt;= limit &lt;= number of examples. */
        public B limit(int limit) {
            if (limit < 1 || limit > count) {
                throw new IllegalArgumentException("limit must be in 1.." + count + " for " + name + ", got " + limit);
            }
            this.limit = limit;
            return self();
        }

        /**
         * Starts at epoch {@code epoch} (&gt;= 0) instead of 0, so that a run resumed after {@code epoch} finished epochs
         * sees exactly the orders an uninterrupted run would have seen.
         */
        public B startEpoch(int epoch) {
            if (epoch < 0) {
                throw new IllegalArgumentException("startEpoch must be >= 0, got " + epoch);
            }
            this.startEpoch = epoch;
            return self();
        }
    }
}
