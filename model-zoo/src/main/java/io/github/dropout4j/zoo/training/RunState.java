package io.github.dropout4j.zoo.training;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a checkpoint needs besides the network to continue a run exactly: the model name, the data order (seed,
 * batch size, training-set limit), the run's other settings as the user gave them (e.g. {@code --seed},
 * {@code --recipe}, {@code --activation}; a resumed run must repeat them) and the finished epochs with their
 * errors. The data iterator's position is {@code epochsDone}: a resumed run starts its iterator at that epoch, so it
 * sees the same shuffles.
 *
 * @param model      registry name of the model
 * @param batchSize  examples per minibatch
 * @param dataSeed   seed of the per-epoch shuffles
 * @param trainLimit training examples used (the first {@code trainLimit} of the split)
 * @param settings   option name (e.g. {@code --recipe}) to value, in the order given; empty in version-1 files
 * @param history    one record per finished epoch, in order
 */
public record RunState(String model, int batchSize, long dataSeed, int trainLimit, Map<String, String> settings,
    List<EpochRecord> history) {
  static final String FORMAT = "dropout4j-run-state v2";
  /** The first format: the same without settings lines; still read. */
  static final String FORMAT_V1 = "dropout4j-run-state v1";
  private static final List<String> HEADER = List.of("model", "batchSize", "dataSeed", "trainLimit");
  private static final String SETTING = "setting ";

  public RunState {
    settings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    history = List.copyOf(history);
  }

  /** A run without recorded settings. */
  public RunState(String model, int batchSize, long dataSeed, int trainLimit, List<EpochRecord> history) {
    this(model, batchSize, dataSeed, trainLimit, Map.of(), history);
  }

  /** Finished epochs. */
  public int epochsDone() {
    return history.size();
  }

  RunState plus(EpochRecord r) {
    List<EpochRecord> h = new ArrayList<>(history);
    h.add(r);
    return new RunState(model, batchSize, dataSeed, trainLimit, settings, h);
  }

  /** This state with only the first {@code epochs} records. */
  RunState truncated(int epochs) {
    return epochs == history.size() ? this
        : new RunState(model, batchSize, dataSeed, trainLimit, settings, history.subList(0, epochs));
  }

  /** A small text form, stored next to the checkpoint zip; every line ends in a newline. */
  String serialize() {
    StringBuilder s = new StringBuilder(FORMAT).append('\n')
        .append("model=").append(model).append('\n')
        .append("batchSize=").append(batchSize).append('\n')
        .append("dataSeed=").append(dataSeed).append('\n')
        .append("trainLimit=").append(trainLimit).append('\n');
    settings.forEach((k, v) -> s.append(SETTING).append(k).append('=').append(v).append('\n'));
    for (EpochRecord r : history) {
      s.append("epoch=").append(r.serialize()).append('\n');
    }
    return s.toString();
  }

  /**
   * Parses {@link #serialize()}'s form (or version 1's).
   *
   * @throws IllegalArgumentException naming what was expected, for a foreign, truncated or malformed text
   */
  static RunState parse(String text) {
    if (text.isEmpty()) {
      throw new IllegalArgumentException("empty; expected a '" + FORMAT + "' record");
    }
    String[] lines = text.split("\n", -1);
    if (!lines[0].equals(FORMAT) && !lines[0].equals(FORMAT_V1)) {
      throw new IllegalArgumentException("not a run-state record: expected the first line '" + FORMAT + "'");
    }
    if (!text.endsWith("\n")) {
      throw new IllegalArgumentException("truncated: the text ends inside line " + lines.length + " (a complete "
          + "record ends with a newline)");
    }
    int headerLines = Math.min(lines.length - 2, HEADER.size());
    if (headerLines < HEADER.size()) {
      throw new IllegalArgumentException("truncated: " + headerLines + " of the " + HEADER.size() + " header lines "
          + "after the format line (expected " + String.join("=, ", HEADER) + "=)");
    }
    String[] header = new String[HEADER.size()];
    for (int i = 0; i < header.length; i++) {
      header[i] = value(lines[i + 1], HEADER.get(i), i + 2);
    }
    Map<String, String> settings = new LinkedHashMap<>();
    List<EpochRecord> history = new ArrayList<>();
    for (int i = HEADER.size() + 1; i < lines.length - 1; i++) {
      String line = lines[i];
      if (line.startsWith(SETTING) && line.indexOf('=') > SETTING.length() && history.isEmpty()) {
        int eq = line.indexOf('=');
        settings.put(line.substring(SETTING.length(), eq), line.substring(eq + 1));
      } else {
        history.add(EpochRecord.parse(value(line, "epoch", i + 1)));
      }
    }
    try {
      return new RunState(header[0], Integer.parseInt(header[1]), Long.parseLong(header[2]),
          Integer.parseInt(header[3]), settings, history);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected whole numbers for batchSize, dataSeed and trainLimit ("
          + e.getMessage() + ")");
    }
  }

  private static String value(String line, String key, int lineNumber) {
    if (!line.startsWith(key + "=")) {
      throw new IllegalArgumentException("line " + lineNumber + ": expected '" + key + "=...'"
          + (key.equals("epoch") ? " (or a '" + SETTING + "key=value' line before the epochs)" : ""));
    }
    return line.substring(key.length() + 1);
  }
}
