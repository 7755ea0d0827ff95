package io.github.dropout4j.zoo.data;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.NoSuchElementException;

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
public final class Cifar10DataSetIterator implements DataSetIterator {
  private static final long serialVersionUID = 1L;
  private static final float[] SCALE = new float[256];

  static {
    for (int b = 0; b < 256; b++) {
      SCALE[b] = b / 255f;
    }
  }

  private final transient Cifar10Records data;
  private final int size;
  private final int batchSize;
  private final boolean shuffle;
  private final long seed;
  private int[] order;
  private int cursor;
  private int epoch;
  private DataSetPreProcessor preProcessor;

  private Cifar10DataSetIterator(Builder b) {
    this.data = b.data;
    this.size = b.limit < 0 ? b.data.count() : b.limit;
    this.batchSize = b.batchSize;
    this.shuffle = b.shuffle;
    this.seed = b.seed;
    this.order = shuffle ? IdxDataSetIterator.permutation(size, seed, 0) : null;
  }

  /** Defaults: batch 128 (the paper's), no shuffling, all images. */
  public static Builder builder(Cifar10Records data) {
    return new Builder(data);
  }

  @Override
  public boolean hasNext() {
    return cursor < size;
  }

  @Override
  public DataSet next() {
    return next(batchSize);
  }

  @Override
  public DataSet next(int num) {
    if (num < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + num);
    }
    if (!hasNext()) {
      throw new NoSuchElementException("epoch " + epoch + " is over after " + size + " images; call reset()");
    }
    int m = Math.min(num, size - cursor);
    int px = Cifar10Records.IMAGE_BYTES;
    int classes = Cifar10Records.CLASSES;
    byte[] bytes = data.bytes();
    float[] f = new float[m * px];
    float[] y = new float[m * classes];
    for (int r = 0; r < m; r++) {
      int example = order == null ? cursor + r : order[cursor + r];
      int src = example * Cifar10Records.RECORD_BYTES;
      y[r * classes + (bytes[src] & 0xFF)] = 1f;
      src += Cifar10Records.LABEL_BYTES;
      int dst = r * px;
      for (int p = 0; p < px; p++) {
        f[dst + p] = SCALE[bytes[src + p] & 0xFF];
      }
    }
    cursor += m;
    DataSet ds = new DataSet(
        Nd4j.create(f, new long[]{m, Cifar10Records.CHANNELS, Cifar10Records.HEIGHT, Cifar10Records.WIDTH},
            DataType.FLOAT),
        Nd4j.create(y, new long[]{m, classes}, DataType.FLOAT));
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
      order = IdxDataSetIterator.permutation(size, seed, epoch);
    }
  }

  /** The current epoch: 0 for a new iterator, +1 per {@link #reset()}. */
  public int epoch() {
    return epoch;
  }

  /** Images per epoch. */
  public int numExamples() {
    return size;
  }

  @Override
  public int inputColumns() {
    return Cifar10Records.IMAGE_BYTES;
  }

  @Override
  public int totalOutcomes() {
    return Cifar10Records.CLASSES;
  }

  @Override
  public boolean resetSupported() {
    return true;
  }

  /** False: a batch of 128 is built in about a millisecond. */
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

  /** CIFAR-10's class names, index = label. */
  @Override
  public List<String> getLabels() {
    return Cifar10Records.CLASS_NAMES;
  }

  @Override
  public String toString() {
    return "Cifar10DataSetIterator[" + data.name() + ", images=" + size + ", batchSize=" + batchSize
        + ", shuffle=" + shuffle + (shuffle ? ", seed=" + seed : "") + ", epoch=" + epoch + "]";
  }

  /** Configures a {@link Cifar10DataSetIterator}; every setter validates its argument. */
  public static final class Builder {
    private final Cifar10Records data;
    private int batchSize = 128;
    private boolean shuffle;
    private long seed;
    private int limit = -1;

    private Builder(Cifar10Records data) {
      if (data == null) {
        throw new IllegalArgumentException("data must not be null");
      }
      this.data = data;
    }

    /** Images per batch, &gt;= 1 (paper: 128). */
    public Builder batchSize(int batchSize) {
      if (batchSize < 1) {
        throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
      }
      this.batchSize = batchSize;
      return this;
    }

    /** Shuffles every epoch with orders derived from {@code seed}. */
    public Builder shuffle(long seed) {
      this.shuffle = true;
      this.seed = seed;
      return this;
    }

    /** Uses only the first {@code limit} images (file order), 1 &lt;= limit &lt;= count. */
    public Builder limit(int limit) {
      if (limit < 1 || limit > data.count()) {
        throw new IllegalArgumentException("limit must be in 1.." + data.count() + " for " + data.name()
            + ", got " + limit);
      }
      this.limit = limit;
      return this;
    }

    public Cifar10DataSetIterator build() {
      return new Cifar10DataSetIterator(this);
    }
  }
}
