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

  @Test
  void settingsRoundTripAndVersionOneStatesStillParse() {
    RunState s = new RunState("m", 100, 42, 500, java.util.Map.of("--recipe", "paper"), List.of())
        .plus(new EpochRecord(1, 1, 500, 2, 1000, 0.5));
    assertEquals(s, RunState.parse(s.serialize()));
    assertEquals("paper", RunState.parse(s.serialize()).settings().get("--recipe"));
    RunState v1 = RunState.parse("dropout4j-run-state v1\nmodel=m\nbatchSize=100\ndataSeed=42\ntrainLimit=500\n"
        + "epoch=1,1,500,2,1000,0.5\n");
    assertEquals(java.util.Map.of(), v1.settings());
    assertEquals(1, v1.epochsDone());
  }

  /** A cut record says what was expected; it does not quote the cut line as the culprit. */
  @Test
  void truncatedStatesSayWhatWasExpected() {
    String text = state(2).serialize();
    IllegalArgumentException midLine = assertThrows(IllegalArgumentException.class,
        () -> RunState.parse(text.substring(0, text.length() - 3)));
    assertTrue(midLine.getMessage().contains("truncated") && midLine.getMessage().contains("newline"),
        midLine.getMessage());
    IllegalArgumentException header = assertThrows(IllegalArgumentException.class,
        () -> RunState.parse(text.substring(0, text.indexOf("dataSeed="))));
    assertTrue(header.getMessage().contains("2 of the 4 header lines"), header.getMessage());
    IllegalArgumentException epoch = assertThrows(IllegalArgumentException.class,
        () -> RunState.parse(text.replace("epoch=2,8,", "epoch=2,")));
    assertTrue(epoch.getMessage().contains("expected 6 comma-separated numbers"), epoch.getMessage());
    IllegalArgumentException foreign = assertThrows(IllegalArgumentException.class, () -> RunState.parse("hello\n"));
    assertTrue(foreign.getMessage().contains("expected the first line"), foreign.getMessage());
  }
}
