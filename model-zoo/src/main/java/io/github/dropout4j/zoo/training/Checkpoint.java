package io.github.dropout4j.zoo.training;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * A training checkpoint: one DL4J model zip (parameters, configuration with its iteration and epoch counters,
 * and the updater state, e.g. the momentum of {@code DampedMomentum}) with the {@link RunState} stored as the
 * zip object {@value #STATE_KEY}. Written to {@code <file>.tmp} and then moved over {@code file} atomically, so
 * a run killed while checkpointing leaves the previous checkpoint intact. Loads with
 * {@code ModelSerializer.restoreMultiLayerNetwork} like any DL4J model.
 */
public final class Checkpoint {
  /** Key of the run state inside the model zip. */
  public static final String STATE_KEY = "dropout4j-run-state";

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
    Path tmp = dir.resolve(file.getFileName() + ".tmp");
    ModelSerializer.writeModel(net, tmp.toFile(), true);
    ModelSerializer.addObjectToFile(tmp.toFile(), STATE_KEY, state.serialize());
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
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
    if (!ModelSerializer.listObjectsInFile(f).contains(STATE_KEY)) {
      throw new IOException(file + " is a DL4J model but not a Dropout4j checkpoint (no " + STATE_KEY + ")");
    }
    String text = ModelSerializer.getObjectFromFile(f, STATE_KEY);
    try {
      return new Checkpoint(net, RunState.parse(text));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": bad " + STATE_KEY + ": " + e.getMessage(), e);
    }
  }
}
