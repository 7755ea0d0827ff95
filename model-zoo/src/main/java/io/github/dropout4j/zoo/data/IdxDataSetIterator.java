package io.github.dropout4j.zoo.data;

import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

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
public final class IdxDataSetIterator implements DataSetIterator {
  private static final long serialVersionUID = 1L;
  private static final float[] SCALE = new float[256];

  static {
    for (int b = 0; b < 256; b++) {
      SCALE[b] = b / 255f;
    }
  }

  private final transient LabeledImages data;
  private final int size;
  private final int batchSize;
  private final boolean shuffle;
  private final long seed;
  private final List<String> labelNames;
  private int[] order;
  private int cursor;
  private int epoch;
  private DataSetPreProcessor preProcessor;

  private IdxDataSetIterator(Builder b) {
    this.data = b.data;
    this.size = b.limit < 0 ? b.data.count() : b.limit;
    this.batchSize = b.batchSize;
    this.shuffle = b.shuffle;
    this.seed = b.seed;
    this.labelNames = IntStream.range(0, data.numClasses()).mapToObj(Integer::toString)
        .collect(Collectors.toUnmodifiableList());
    this.epoch = b.startEpoch;
    this.order = shuffle ? permutation(size, seed, epoch) : null;
  }

  /** Starts a builder over {@code data}; defaults: batch size 100, no shuffling, all examples. */
  public static Builder builder(LabeledImages data) {
    return new Builder(data);
  }

  /**
   * The order of epoch {@code epoch}: a Fisher-Yates shuffle of {@code 0..n-1} using
   * {@code new SplittableRandom(seed ^ mix(epoch))}, where {@code mix} is the SplitMix64 finaliser.
   */
  static int[] permutation(int n, long seed, int epoch) {
    long z = (epoch + 1L) * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z ^= z >>> 31;
    SplittableRandom random = new SplittableRandom(seed ^ z);
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
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
      throw new NoSuchElementException("epoch " + epoch + " is over after " + size + " examples; call reset()");
    }
    int m = Math.min(num, size - cursor);
    int features = data.images().pixelsPerImage();
    int classes = data.numClasses();
    byte[] pixels = data.images().pixels();
    byte[] labels = data.labels().labels();
    float[] f = new float[m * features];
    float[] y = new float[m * classes];
    for (int r = 0; r < m; r++) {
      int example = order == null ? cursor + r : order[cursor + r];
      int src = example * features;
      int dst = r * features;
      for (int p = 0; p < features; p++) {
        f[dst + p] = SCALE[pixels[src + p] & 0xFF];
      }
      y[r * classes + (labels[example] & 0xFF)] = 1f;
    }
    cursor += m;
    DataSet ds = new DataSet(Nd4j.create(f, new long[] {m, features}, DataType.FLOAT),
        Nd4j.create(y, new long[] {m, classes}, DataType.FLOAT));
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

  /** The current epoch: 0 for a new iterator, incremented by every {@link #reset()}. */
  public int epoch() {
    return epoch;
  }

  /** Number of examples per epoch ({@code limit}, or the whole set). */
  public int numExamples() {
    return size;
  }

  @Override
  public int inputColumns() {
    return data.images().pixelsPerImage();
  }

  @Override
  public int totalOutcomes() {
    return data.numClasses();
  }

  @Override
  public boolean resetSupported() {
    return true;
  }

  /** False: a batch is built in well under a millisecond, not worth a prefetch thread on a small machine. */
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

  /** Class names {@code "0" .. "<numClasses-1>"}. */
  @Override
  public List<String> getLabels() {
    return labelNames;
  }

  @Override
  public String toString() {
    return "IdxDataSetIterator[" + data.name() + ", examples=" + size + ", batchSize=" + batchSize
        + ", shuffle=" + shuffle + (shuffle ? ", seed=" + seed : "") + ", epoch=" + epoch + "]";
  }

  /** Configures an {@link IdxDataSetIterator}; every setter validates its argument. */
  public static final class Builder {
    private final LabeledImages data;
    private int batchSize = 100;
    private boolean shuffle;
    private long seed;
    private int limit = -1;
    private int startEpoch;

    private Builder(LabeledImages data) {
      if (data == null) {
        throw new IllegalArgumentException("data must not be null");
      }
      this.data = data;
    }

    /** Examples per batch, >= 1 (the paper's MNIST runs use 100). */
    public Builder batchSize(int batchSize) {
      if (batchSize < 1) {
        throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
      }
      this.batchSize = batchSize;
      return this;
    }

    /** Shuffles every epoch with orders derived from {@code seed}; see {@link IdxDataSetIterator}. */
    public Builder shuffle(long seed) {
      this.shuffle = true;
      this.seed = seed;
      return this;
    }

    /** Uses only the first {@code limit} examples (file order), 1 <= limit <= number of examples. */
    public Builder limit(int limit) {
      if (limit < 1 || limit > data.count()) {
        throw new IllegalArgumentException(
            "limit must be in 1.." + data.count() + " for " + data.name() + ", got " + limit);
      }
      this.limit = limit;
      return this;
    }

    /**
     * Starts at epoch {@code epoch} (>= 0) instead of 0, so that a run resumed after {@code epoch} finished epochs
     * sees exactly the orders an uninterrupted run would have seen.
     */
    public Builder startEpoch(int epoch) {
      if (epoch < 0) {
        throw new IllegalArgumentException("startEpoch must be >= 0, got " + epoch);
      }
      this.startEpoch = epoch;
      return this;
    }

    public IdxDataSetIterator build() {
      return new IdxDataSetIterator(this);
    }
  }
}
