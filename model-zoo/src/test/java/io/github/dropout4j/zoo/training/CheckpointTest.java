package io.github.dropout4j.zoo.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropout4j.zoo.models.MnistMlp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {

  private static MultiLayerNetwork smallNet() {
    return MnistMlp.of(MnistMlp.paper(true, 8)).init();
  }

  private static RunState state(int epochs) {
    RunState s = new RunState("mnist-8x1-dropout", 100, 42, 500, List.of());
    for (int e = 1; e <= epochs; e++) {
      s = s.plus(new EpochRecord(e, 10 - e, 500, 20 - e, 1000, 0.5 * e));
    }
    return s;
  }

  @Test
  void roundTripKeepsNetworkUpdaterAndRunStateAndLeavesNoTempFiles(@TempDir Path dir) throws IOException {
    MultiLayerNetwork net = smallNet();
    Path file = dir.resolve("cp.zip");
    Checkpoint.write(net, state(0), file);
    Checkpoint back = Checkpoint.read(file);
    assertEquals(net.params(), back.network().params());
    assertEquals(net.getLayerWiseConfigurations(), back.network().getLayerWiseConfigurations());
    assertEquals(state(0), back.state());
    try (var files = Files.list(dir)) {
      assertFalse(files.anyMatch(p -> p.toString().endsWith(".tmp")));
    }
  }

  /** A kill between the state's move and the model's move leaves the state one epoch ahead: it is trimmed. */
  @Test
  void stateAheadOfTheModelIsTrimmedToTheModelsEpoch(@TempDir Path dir) throws IOException {
    MultiLayerNetwork net = smallNet();
    net.incrementEpochCount();
    Path file = dir.resolve("cp.zip");
    Checkpoint.write(net, state(1), file);
    Files.writeString(Checkpoint.stateFile(file), state(2).serialize());
    Checkpoint back = Checkpoint.read(file);
    assertEquals(1, back.state().epochsDone());
    assertEquals(state(1), back.state());
  }

  @Test
  void missingOrForeignFilesGiveClearErrors(@TempDir Path dir) throws IOException {
    IOException missing = assertThrows(IOException.class, () -> Checkpoint.read(dir.resolve("none.zip")));
    assertTrue(missing.getMessage().contains("no checkpoint"), missing.getMessage());
    Path junk = Files.writeString(dir.resolve("junk.zip"), "not a zip");
    IOException notZip = assertThrows(IOException.class, () -> Checkpoint.read(junk));
    assertTrue(notZip.getMessage().contains("not a DL4J model zip"), notZip.getMessage());
    Path plain = dir.resolve("plain.zip");
    org.deeplearning4j.util.ModelSerializer.writeModel(smallNet(), plain.toFile(), true);
    IOException noState = assertThrows(IOException.class, () -> Checkpoint.read(plain));
    assertTrue(noState.getMessage().contains("not a Dropout4j checkpoint"), noState.getMessage());
  }
}
