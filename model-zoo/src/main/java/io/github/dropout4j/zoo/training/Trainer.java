package io.github.dropout4j.zoo.training;

import io.github.dropout4j.zoo.data.IdxDataSetIterator;
import io.github.dropout4j.zoo.data.LabeledImages;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * The epoch loop shared by the CLI's {@code reproduce}, {@code train} and {@code sweep}: one
 * {@code net.fit(iterator)} per epoch over a seeded, shuffled {@link IdxDataSetIterator} (so DL4J advances its
 * epoch counter, which drives the paper's per-epoch learning-rate and momentum schedules), then the mean
 * network's train and test errors, then an atomic {@link Checkpoint} if one is configured.
 *
 * <p>Reproducibility: a run is a pure function of the network's seed, {@code dataSeed}, batch size and data.
 * Dropout masks derive from (layer seed, iteration, epoch) and the shuffles from (dataSeed, epoch), so a run
 * resumed from the checkpoint of epoch k (network, updater state, counters, iterator epoch k) produces the same
 * parameters as an uninterrupted one.
 */
public final class Trainer {

  /** Receives progress; every method has an empty default. */
  public interface Listener {
    /** After batch {@code batch} (1-based) of {@code batches} in epoch {@code epoch} (1-based). */
    default void batchDone(int epoch, int batch, int batches) {
    }

    default void epochDone(EpochRecord record) {
    }
  }

  /**
   * What to run.
   *
   * @param epochs         total epochs of the run (a resumed run continues up to this), >= 1
   * @param trainEvalCount training examples (the first ones) whose error is measured after each epoch; 0 skips
   * @param checkpoint     file rewritten after every epoch, or null
   */
  public record Plan(int epochs, int trainEvalCount, Path checkpoint) {
    public Plan {
      if (epochs < 1) {
        throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
      }
      if (trainEvalCount < 0) {
        throw new IllegalArgumentException("trainEvalCount must be >= 0, got " + trainEvalCount);
      }
    }
  }

  /** The finished run: its state (with all epoch records) and the time split of its {@code fit} calls. */
  public record Result(RunState state, double fitSeconds, double pipelineSeconds) {
  }

  private Trainer() {
  }

  /**
   * Trains {@code net} from {@code state} (a fresh {@code RunState} with no history, or a checkpoint's) up to
   * {@code plan.epochs()}.
   */
  public static Result run(MultiLayerNetwork net, RunState state, LabeledImages train, LabeledImages test,
      Plan plan, Listener listener) throws IOException {
    Objects.requireNonNull(listener, "listener");
    int start = state.epochsDone();
    if (start > plan.epochs()) {
      throw new IllegalArgumentException("the checkpoint already has " + start + " epochs, more than --epochs "
          + plan.epochs());
    }
    IdxDataSetIterator data = IdxDataSetIterator.builder(train).batchSize(state.batchSize())
        .limit(state.trainLimit()).shuffle(state.dataSeed()).startEpoch(start).build();
    int batches = (state.trainLimit() + state.batchSize() - 1) / state.batchSize();
    int[] epochNow = {start + 1};
    TimedIterator timed = new TimedIterator(data, b -> listener.batchDone(epochNow[0], b, batches));
    int trainEval = Math.min(plan.trainEvalCount(), state.trainLimit());
    double fitSeconds = 0;
    for (int epoch = start + 1; epoch <= plan.epochs(); epoch++) {
      epochNow[0] = epoch;
      long t0 = System.nanoTime();
      net.fit(timed);
      double seconds = (System.nanoTime() - t0) / 1e9;
      fitSeconds += seconds;
      if (net.getEpochCount() != epoch) {
        throw new IllegalStateException("DL4J epoch counter is " + net.getEpochCount() + " after epoch " + epoch);
      }
      int trainErrors = trainEval == 0 ? 0 : Errors.count(net, train, trainEval);
      int testErrors = Errors.count(net, test, test.count());
      EpochRecord record = new EpochRecord(epoch, trainErrors, trainEval, testErrors, test.count(),
          seconds);
      state = state.plus(record);
      if (plan.checkpoint() != null) {
        Checkpoint.write(net, state, plan.checkpoint());
      }
      listener.epochDone(record);
    }
    return new Result(state, fitSeconds, timed.pipelineNanos() / 1e9);
  }
}
