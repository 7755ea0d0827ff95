package io.github.dropout4j.zoo.training;

import java.util.List;
import java.util.function.IntConsumer;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * Wraps a {@link DataSetIterator}, adding up the wall time spent in its {@code next} and {@code reset} calls
 * (the data pipeline: shuffling, batching, conversion) and reporting each batch handed out. Not asynchronous:
 * DL4J then calls {@code next} on the training thread, so the measured time is exactly what the pipeline
 * costs the training loop.
 */
final class TimedIterator implements DataSetIterator {
  private static final long serialVersionUID = 1L;
  private final DataSetIterator delegate;
  private final transient IntConsumer onBatch;
  private long nanos;
  private int batches;

  /** @param onBatch called with the 1-based batch number of the epoch after each {@code next} */
  TimedIterator(DataSetIterator delegate, IntConsumer onBatch) {
    this.delegate = delegate;
    this.onBatch = onBatch;
  }

  long pipelineNanos() {
    return nanos;
  }

  @Override
  public DataSet next(int num) {
    long t = System.nanoTime();
    DataSet d = delegate.next(num);
    nanos += System.nanoTime() - t;
    onBatch.accept(++batches);
    return d;
  }

  @Override
  public DataSet next() {
    long t = System.nanoTime();
    DataSet d = delegate.next();
    nanos += System.nanoTime() - t;
    onBatch.accept(++batches);
    return d;
  }

  @Override
  public boolean hasNext() {
    return delegate.hasNext();
  }

  @Override
  public void reset() {
    long t = System.nanoTime();
    delegate.reset();
    batches = 0;
    nanos += System.nanoTime() - t;
  }

  @Override
  public int inputColumns() {
    return delegate.inputColumns();
  }

  @Override
  public int totalOutcomes() {
    return delegate.totalOutcomes();
  }

  @Override
  public boolean resetSupported() {
    return delegate.resetSupported();
  }

  @Override
  public boolean asyncSupported() {
    return false;
  }

  @Override
  public int batch() {
    return delegate.batch();
  }

  @Override
  public void setPreProcessor(DataSetPreProcessor preProcessor) {
    delegate.setPreProcessor(preProcessor);
  }

  @Override
  public DataSetPreProcessor getPreProcessor() {
    return delegate.getPreProcessor();
  }

  @Override
  public List<String> getLabels() {
    return delegate.getLabels();
  }
}
