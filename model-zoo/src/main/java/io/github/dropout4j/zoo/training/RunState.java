package io.github.dropout4j.zoo.training;

import java.util.ArrayList;
import java.util.List;

/**
 * What a checkpoint needs besides the network to continue a run exactly: the model name, the data order (seed,
 * batch size, training-set limit) and the finished epochs with their errors. The data iterator's position is
 * {@code epochsDone}: a resumed run starts its iterator at that epoch, so it sees the same shuffles.
 *
 * @param model      registry name of the model
 * @param batchSize  examples per minibatch
 * @param dataSeed   seed of the per-epoch shuffles
 * @param trainLimit training examples used (the first {@code trainLimit} of the split)
 * @param history    one record per finished epoch, in order
 */
public record RunState(String model, int batchSize, long dataSeed, int trainLimit, List<EpochRecord> history) {
  static final String FORMAT = "dropout4j-run-state v1";

  public RunState {
    history = List.copyOf(history);
  }

  /** Finished epochs. */
  public int epochsDone() {
    return history.size();
  }

  RunState plus(EpochRecord r) {
    List<EpochRecord> h = new ArrayList<>(history);
    h.add(r);
    return new RunState(model, batchSize, dataSeed, trainLimit, h);
  }

  /** This state with only the first {@code epochs} records. */
  RunState truncated(int epochs) {
    return epochs == history.size() ? this
        : new RunState(model, batchSize, dataSeed, trainLimit, history.subList(0, epochs));
  }

  /** A small text form, stored inside the checkpoint zip. */
  String serialize() {
    StringBuilder s = new StringBuilder(FORMAT).append('\n')
        .append("model=").append(model).append('\n')
        .append("batchSize=").append(batchSize).append('\n')
        .append("dataSeed=").append(dataSeed).append('\n')
        .append("trainLimit=").append(trainLimit).append('\n');
    for (EpochRecord r : history) {
      s.append("epoch=").append(r.serialize()).append('\n');
    }
    return s.toString();
  }

  static RunState parse(String text) {
    String[] lines = text.split("\n");
    if (lines.length < 5 || !lines[0].equals(FORMAT)) {
      throw new IllegalArgumentException("not a " + FORMAT + " record (first line '"
          + (lines.length > 0 ? lines[0] : "") + "')");
    }
    List<EpochRecord> history = new ArrayList<>();
    for (int i = 5; i < lines.length; i++) {
      history.add(EpochRecord.parse(value(lines[i], "epoch")));
    }
    return new RunState(value(lines[1], "model"), Integer.parseInt(value(lines[2], "batchSize")),
        Long.parseLong(value(lines[3], "dataSeed")), Integer.parseInt(value(lines[4], "trainLimit")), history);
  }

  private static String value(String line, String key) {
    if (!line.startsWith(key + "=")) {
      throw new IllegalArgumentException("expected '" + key + "=...', got '" + line + "'");
    }
    return line.substring(key.length() + 1);
  }
}
