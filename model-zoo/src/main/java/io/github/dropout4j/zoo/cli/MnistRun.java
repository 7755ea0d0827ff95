package io.github.dropout4j.zoo.cli;

import io.github.dropout4j.zoo.data.MnistData;
import io.github.dropout4j.zoo.models.MlpConfig;
import io.github.dropout4j.zoo.models.MnistMlp;
import io.github.dropout4j.zoo.training.Checkpoint;
import io.github.dropout4j.zoo.training.EpochRecord;
import io.github.dropout4j.zoo.training.RunState;
import io.github.dropout4j.zoo.training.Trainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Trains one MNIST network for the CLI: fresh or resumed from its checkpoint, with a progress bar and one log
 * line per epoch, and returns the trained network with its run state.
 */
final class MnistRun {
  /** The seed of the data shuffles, derived from the run's seed so it differs from the weight seed. */
  static long dataSeed(long seed) {
    return seed * 0x9E3779B97F4A7C15L + 0x5EED;
  }

  record Outcome(MultiLayerNetwork network, Trainer.Result result) {
    List<EpochRecord> history() {
      return result.state().history();
    }
  }

  private MnistRun() {
  }

  /**
   * @param label      name shown in the progress bar and log lines
   * @param config     the network (its seed is the weight seed)
   * @param trainEval  how many of the first training digits to measure the training error on after each epoch
   * @param checkpoint rewritten after every epoch
   * @param resume     continue from {@code checkpoint} if it exists; without it an existing checkpoint is an error
   * @param settings   the options that shape the run besides model, batch and data (e.g. {@code --recipe}), as
   *                   given; stored in the checkpoint and required to be equal on resume ({@code --seed} is added)
   * @param log        per-epoch lines, or null for none
   */
  static Outcome train(String label, MlpConfig config, MnistData data, int trainCount, int trainEval, int epochs,
      int batch, long seed, Map<String, String> settings, Path checkpoint, boolean resume, ProgressBar bar,
      PrintWriter log) throws IOException {
    MultiLayerNetwork net;
    RunState state;
    Map<String, String> all = new LinkedHashMap<>();
    all.put("--seed", Long.toString(seed));
    all.putAll(new java.util.TreeMap<>(settings));
    RunState fresh = new RunState(config.name(), batch, dataSeed(seed), trainCount, all, List.of());
    if (Files.exists(checkpoint)) {
      if (!resume) {
        throw new IOException(checkpoint + " already exists: pass --resume to continue that run, or another --out");
      }
      Checkpoint cp = Checkpoint.read(checkpoint);
      state = cp.state();
      requireSame("model", fresh.model(), state.model(), checkpoint);
      requireSame("--batch", fresh.batchSize(), state.batchSize(), checkpoint);
      for (Map.Entry<String, String> e : all.entrySet()) {
        String saved = state.settings().get(e.getKey());
        if (saved == null) {
          throw new IllegalArgumentException(checkpoint + " does not record " + e.getKey() + " (written by an older "
              + "dropout4j), so resuming it with " + e.getKey() + " " + e.getValue() + " cannot be checked; start "
              + "the run again in another --out");
        }
        requireSame(e.getKey(), e.getValue(), saved, checkpoint);
      }
      requireSame("data-order seed", fresh.dataSeed(), state.dataSeed(), checkpoint);
      requireSame("training examples (--limit/--data)", fresh.trainLimit(), state.trainLimit(), checkpoint);
      net = cp.network();
      if (log != null) {
        log.printf("%s: resuming from %s after epoch %d%n", label, checkpoint, state.epochsDone());
      }
    } else {
      net = MnistMlp.of(config).init();
      state = fresh;
    }
    int batches = (trainCount + batch - 1) / batch;
    long total = (long) epochs * batches;
    long doneAtStart = (long) state.epochsDone() * batches;
    bar.start(label, total);
    Trainer.Listener listener = new Trainer.Listener() {
      @Override
      public void batchDone(int epoch, int b, int perEpoch) {
        bar.update((long) (epoch - 1) * perEpoch + b, doneAtStart);
      }

      @Override
      public void epochDone(EpochRecord r) {
        if (log != null) {
          bar.clear();
          log.printf("%s: epoch %d/%d  test errors %d/%d (%.2f%%)%s  fit %.1f s%n", label, r.epoch(), epochs,
              r.testErrors(), r.testCount(), r.testErrorPercent(), r.trainCount() == 0 ? ""
                  : String.format("  train error %.2f%%", r.trainErrorPercent()), r.fitSeconds());
          log.flush();
        }
      }
    };
    Trainer.Result result = Trainer.run(net, state, data.train(), data.test(),
        new Trainer.Plan(epochs, trainEval, checkpoint), listener);
    bar.clear();
    return new Outcome(net, result);
  }

  private static void requireSame(String what, Object expected, Object actual, Path checkpoint) {
    if (!expected.equals(actual)) {
      String sep = what.startsWith("--") ? " " : " = ";
      throw new IllegalArgumentException(checkpoint + " was written with " + what + sep + actual + ", this run has "
          + what + sep + expected + "; use the same settings to resume");
    }
  }
}
