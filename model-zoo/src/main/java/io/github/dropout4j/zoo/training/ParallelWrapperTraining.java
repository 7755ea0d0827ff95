package io.github.dropout4j.zoo.training;

import io.github.dropout4j.parallel.DropoutTrainerContext;
import java.util.function.Consumer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.parallelism.ParallelWrapper;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;

/**
 * Epochs of data-parallel training on one machine with DL4J's {@code ParallelWrapper}, each worker drawing its own
 * dropout masks ({@link DropoutTrainerContext}); a {@link MultiLayerNetwork} or a {@link ComputationGraph}.
 *
 * <p>Each minibatch of the epoch's iterator goes to one worker, in turn; with {@code averagingFrequency = 1} the
 * workers' parameters and updater state are averaged after every step, which is synchronous SGD on the union of the
 * workers' minibatches: feed minibatches of {@code batch / workers} examples to train like a single process with
 * minibatches of {@code batch} ({@link TrainingRun#workers} cuts each minibatch into such slices). Worker 0 trains
 * the network itself; {@code ParallelWrapper} does not advance its epoch counter, and the other workers' replicas
 * copy the counters when they are built, so every epoch gets a fresh wrapper after the counter of the previous one
 * was advanced: epoch-based schedules (the MNIST recipes' learning rate and momentum) see the right epoch, and a
 * change to the network between epochs (a learning-rate cut) reaches every replica. Iteration counters count each
 * worker's own steps, one per averaged step.
 */
public final class ParallelWrapperTraining {
  private final Model net;
  private final int workers;
  private final int averagingFrequency;

  /**
   * @param net                a MultiLayerNetwork or ComputationGraph, initialised
   * @param workers            2 or more (DL4J's minimum)
   * @param averagingFrequency steps of each worker between two averagings, >= 1
   */
  public ParallelWrapperTraining(Model net, int workers, int averagingFrequency) {
    if (workers < 2) {
      throw new IllegalArgumentException("workers must be >= 2 for ParallelWrapper, got " + workers);
    }
    if (averagingFrequency < 1) {
      throw new IllegalArgumentException("averagingFrequency must be >= 1, got " + averagingFrequency);
    }
    if (!(net instanceof MultiLayerNetwork) && !(net instanceof ComputationGraph)) {
      throw new IllegalArgumentException("unsupported model type " + net.getClass().getName());
    }
    this.net = net;
    this.workers = workers;
    this.averagingFrequency = averagingFrequency;
  }

  public int workers() {
    return workers;
  }

  /** One epoch over {@code epochData}; afterwards the network's epoch counter is advanced by one. */
  public void fitEpoch(DataSetIterator epochData) {
    epoch(wrapper -> wrapper.fit(epochData));
  }

  /**
   * One epoch over {@code epochData} (for a ComputationGraph, e.g. one with two inputs); afterwards the network's
   * epoch counter is advanced by one.
   */
  public void fitEpoch(MultiDataSetIterator epochData) {
    epoch(wrapper -> wrapper.fit(epochData));
  }

  /** A fresh wrapper (the replicas copy this epoch's counters) fits, then the epoch counter advances. */
  private void epoch(Consumer<ParallelWrapper> fit) {
    ParallelWrapper wrapper = DropoutTrainerContext.install(new ParallelWrapper.Builder<>(net).workers(workers)
        .prefetchBuffer(2).averagingFrequency(averagingFrequency).reportScoreAfterAveraging(false).build());
    try {
      fit.accept(wrapper);
    } finally {
      wrapper.shutdown();
    }
    incrementEpochCount();
  }

  private void incrementEpochCount() {
    if (net instanceof ComputationGraph g) {
      g.incrementEpochCount();
    } else {
      ((MultiLayerNetwork) net).incrementEpochCount();
    }
  }
}
