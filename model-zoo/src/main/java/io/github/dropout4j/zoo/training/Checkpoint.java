package io.github.dropout4j.zoo.training;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * A training checkpoint: a DL4J model zip {@code file} (parameters, configuration with its iteration and epoch
 * counters, and the updater state, e.g. the momentum of {@code DampedMomentum}; loads with
 * {@code ModelSerializer.restoreMultiLayerNetwork} like any DL4J model) plus the {@link RunState} in the small
 * text file {@code file + ".state"}. Each file is written to a {@code .tmp} sibling and moved over the old one
 * atomically, the state first: a run killed between the two moves leaves a state one epoch ahead of the model,
 * which {@link #read} trims back to the model's epoch, so a checkpoint is always consistent.
 */
public final class Checkpoint {
  /** Suffix of the run-state file next to the model zip. */
  public static final String STATE_SUFFIX = ".state";

  private final MultiLayerNetwork network;
  private final RunState state;

  private Checkpoint(MultiLayerNetwork network, RunState state) {
    this.network = network;
    this.state = state;
  }

  public MultiLayerNetwork network() {
    return network;
  }

  public RunState state() {
    return state;
  }

  /** Writes {@code net} with its updater state and {@code state} to {@code file} atomically. */
  public static void write(MultiLayerNetwork net, RunState state, Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path stateFile = stateFile(file);
    Path stateTmp = dir.resolve(stateFile.getFileName() + ".tmp");
    Files.writeString(stateTmp, state.serialize());
    Files.move(stateTmp, stateFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    Path tmp = dir.resolve(file.getFileName() + ".tmp");
    ModelSerializer.writeModel(net, tmp.toFile(), true);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** The run-state file of checkpoint {@code file}. */
  public static Path stateFile(Path file) {
    return file.resolveSibling(file.getFileName() + STATE_SUFFIX);
  }

  /**
   * Reads a checkpoint written by {@link #write}.
   *
   * @throws IOException if the file is missing, not a DL4J model zip, or carries no run state
   */
  public static Checkpoint read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException("no checkpoint at " + file);
    }
    File f = file.toFile();
    MultiLayerNetwork net;
    try {
      net = ModelSerializer.restoreMultiLayerNetwork(f, true);
    } catch (RuntimeException | IOException e) {
      throw new IOException(file + " is not a DL4J model zip (" + e.getMessage() + ")", e);
    }
    Path stateFile = stateFile(file);
    if (!Files.isRegularFile(stateFile)) {
      throw new IOException(file + " is a DL4J model but not a Dropout4j checkpoint (no " + stateFile + ")");
    }
    RunState state;
    try {
      state = RunState.parse(Files.readString(stateFile));
    } catch (IllegalArgumentException e) {
      throw new IOException(stateFile + ": " + e.getMessage(), e);
    }
    int epochs = net.getEpochCount();
    if (state.epochsDone() < epochs) {
      throw new IOException(stateFile + " records " + state.epochsDone() + " epochs but " + file + " has "
          + epochs);
    }
    return new Checkpoint(net, state.truncated(epochs));
  }
}
