package io.github.dropout4j.zoo.cli;

import io.github.dropout4j.onednn.OneDnnHelpers;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/** Reading and writing saved networks with one-line errors. */
final class ModelFiles {
  /** Extra entries written into a model zip before it replaces the old one (e.g. a pixel mean). */
  @FunctionalInterface
  interface Extras {
    void addTo(File zip) throws IOException;
  }

  private ModelFiles() {
  }

  /** Loads a MultiLayerNetwork zip (with updater state if present). */
  static MultiLayerNetwork readNetwork(Path file) throws IOException {
    Model m = readModel(file);
    if (!(m instanceof MultiLayerNetwork net)) {
      throw new IOException(file + " is a DL4J ComputationGraph, not a MultiLayerNetwork");
    }
    return net;
  }

  /**
   * Loads a MultiLayerNetwork or ComputationGraph zip (with updater state if present), on oneDNN where ND4J's oneDNN
   * natives are loaded ({@link OneDnnHelpers}), as the zoo's {@code init()} builds them.
   */
  static Model readModel(Path file) throws IOException {
    if (Files.isDirectory(file)) {
      throw new IOException(file + " is a directory, not a model zip" + (Files.isRegularFile(file.resolve("model.zip"))
          ? " (did you mean " + file.resolve("model.zip") + "?)" : ""));
    }
    if (!Files.isRegularFile(file)) {
      throw new IOException(file + ": no such file");
    }
    Model m = restore(file);
    OneDnnHelpers.install(m);
    return m;
  }

  private static Model restore(Path file) throws IOException {
    try {
      return ModelSerializer.restoreMultiLayerNetwork(file.toFile(), true);
    } catch (IOException | RuntimeException e) {
      try {
        return ModelSerializer.restoreComputationGraph(file.toFile(), true);
      } catch (IOException | RuntimeException ignored) {
        throw new IOException(file + " is not a DL4J model zip (" + e.getClass().getSimpleName()
            + (e.getMessage() == null ? "" : ": " + e.getMessage().lines().findFirst().orElse("")) + ")", e);
      }
    }
  }

  /**
   * Whether to resume from {@code file}: false if it does not exist; true if it does, {@code resume} is set and the
   * run that wrote it stored {@code settings} under {@code runKey} (and every one of {@code requiredKeys}).
   *
   * @param sameWhat the options a resumed run must repeat, for the error message
   * @throws IOException              if {@code file} exists without {@code resume}, or lacks the entries
   * @throws IllegalArgumentException if it was written with other settings (naming both)
   */
  static boolean resumable(Path file, boolean resume, String kind, String runKey, String settings, String sameWhat,
      String... requiredKeys) throws IOException {
    if (!Files.exists(file)) {
      return false;
    }
    if (!resume) {
      throw new IOException(file + " already exists: pass --resume to continue that run, or another --out");
    }
    List<String> objects = objectsIn(file);
    for (String key : concat(runKey, requiredKeys)) {
      if (!objects.contains(key)) {
        throw new IOException(file + " is not " + kind + " model written by 'train' (no " + key + ")");
      }
    }
    Object saved = ModelSerializer.getObjectFromFile(file.toFile(), runKey);
    if (!settings.equals(saved)) {
      throw new IllegalArgumentException(file + " was written by the run [" + saved + "], this one is [" + settings
          + "]; use the same " + sameWhat + " to resume");
    }
    return true;
  }

  private static List<String> concat(String first, String... rest) {
    List<String> all = new java.util.ArrayList<>(List.of(rest));
    all.add(0, first);
    return all;
  }

  /** The names of the extra objects stored in a model zip ({@code ModelSerializer.addObjectToFile}). */
  static List<String> objectsIn(Path file) {
    return ModelSerializer.listObjectsInFile(file.toFile());
  }

  /**
   * Writes {@code net} (with updater state) and {@code extras} to a {@code .tmp} sibling of {@code file} and moves
   * it over {@code file} atomically, so a kill mid-write leaves the previous epoch's model intact.
   */
  static void writeAtomically(Model net, Path file, Extras extras) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = dir.resolve(file.getFileName() + ".tmp");
    ModelSerializer.writeModel(net, tmp.toFile(), true);
    if (extras != null) {
      extras.addTo(tmp.toFile());
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  static void requireInputs(MultiLayerNetwork net, int inputs, Path file) {
    long nIn = net.layerInputSize(0);
    if (nIn != inputs) {
      throw new IllegalArgumentException(file + " takes " + nIn + " inputs, the data have " + inputs);
    }
  }
}
