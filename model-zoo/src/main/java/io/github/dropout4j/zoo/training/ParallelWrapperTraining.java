package io.github.dropout4j.zoo.training;

import io.github.dropout4j.parallel.DropoutTrainerContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.parallelism.ParallelWrapper;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * Epochs of data-parallel training on one machine with DL4J's {@code ParallelWrapper}, each worker drawing its own
 * dropout masks ({@link DropoutTrainerContext}).
 *
 * <p>Each minibatch of the epoch's iterator goes to one worker; with {@code averagingFrequency = 1} the workers'
 * parameters and updater state are averaged after every step, which is synchronous SGD on the union of the
 * workers' minibatches: feed minibatches of {@code batch / workers} examples to train like a single process with
 * minibatches of {@code batch}. {@code ParallelWrapper} does not advance the network's epoch counter, and its
 * replicas copy the counters when they are built, so every epoch gets a fresh wrapper after the counter of the
 * previous one was advanced: epoch-based schedules (the MNIST recipes' learning rate and momentum) see the right
 * epoch. Iteration counters count each worker's own steps.
 */
public final class ParallelWrapperTraining {
  private final MultiLayerNetwork net;
  private final int workers;
  private final int averagingFrequency;

  /**
   * @param workers            2 or more (DL4J's minimum)
   * @param averagingFrequency steps of each worker between two averagings, >= 1
   */
  public ParallelWrapperTraining(MultiLayerNetwork net, int workers, int averagingFrequency) {
    if (workers < 2) {
      throw new IllegalArgumentException("workers must be >= 2 for ParallelWrapper, got " + workers);
    }
    if (averagingFrequency < 1) {
      throw new IllegalArgumentException("averagingFrequency must be >= 1, got " + averagingFrequency);
    }
    this.net = net;
    this.workers = workers;
    this.averagingFrequency = averagingFrequency;
  }

  /** One epoch over {@code epochData}; afterwards the network's epoch counter is advanced by one. */
  public void fitEpoch(DataSetIterator epochData) {
    ParallelWrapper wrapper = new ParallelWrapper.Builder<>(net).workers(workers).prefetchBuffer(2)
        .averagingFrequency(averagingFrequency).reportScoreAfterAveraging(false).build();
    DropoutTrainerContext.install(wrapper);
    try {
      wrapper.fit(epochData);
    } finally {
      wrapper.shutdown();
    }
    net.getLayerWiseConfigurations().setEpochCount(net.getLayerWiseConfigurations().getEpochCount() + 1);
  }
}
