package io.github.dropout4j.zoo.cli;

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

  /** Loads a MultiLayerNetwork or ComputationGraph zip (with updater state if present). */
  static Model readModel(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException(file + ": no such file");
    }
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
