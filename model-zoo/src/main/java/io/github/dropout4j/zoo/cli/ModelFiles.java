package io.github.dropout4j.zoo.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/** Reading saved networks with one-line errors. */
final class ModelFiles {
  private ModelFiles() {
  }

  /** Loads a MultiLayerNetwork zip (with updater state if present). */
  static MultiLayerNetwork readNetwork(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException(file + ": no such file");
    }
    try {
      return ModelSerializer.restoreMultiLayerNetwork(file.toFile(), true);
    } catch (IOException | RuntimeException e) {
      throw new IOException(file + " is not a DL4J MultiLayerNetwork zip (" + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage().lines().findFirst().orElse("")) + ")", e);
    }
  }

  static void requireInputs(MultiLayerNetwork net, int inputs, Path file) {
    long nIn = net.layerInputSize(0);
    if (nIn != inputs) {
      throw new IllegalArgumentException(file + " takes " + nIn + " inputs, the data have " + inputs);
    }
  }
}
