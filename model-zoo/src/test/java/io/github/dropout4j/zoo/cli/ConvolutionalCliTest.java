package io.github.dropout4j.zoo.cli;

import static io.github.dropout4j.zoo.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropout4j.zoo.cli.CliTest.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CIFAR-10 and ImageNet commands end to end on tiny slices of the shipped synthetic sets (seconds each). */
class ConvolutionalCliTest {

  private static Path imageNetSynthetic() {
    Path here = Path.of("").toAbsolutePath();
    Path p = here.resolve("src-test-data/imagenet-synthetic");
    return Files.isDirectory(p) ? p : here.getParent().resolve("src-test-data/imagenet-synthetic");
  }

  @Test
  void modelsListsTheConvolutionalNetsWithTheirParameterCounts() {
    Run r = run("models");
    assertEquals(0, r.exitCode(), r.err());
    for (String[] nameAndCount : new String[][] {{"cifar10 ", "220,042"}, {"cifar10-dropout ", "360,074"},
        {"hinton-imagenet ", "96,895,208"}, {"hinton-imagenet-nodropout ", "18,948,328"},
        {"alexnet-dropout ", "60,965,224"}}) {
      assertTrue(r.out().lines().anyMatch(l -> l.startsWith(nameAndCount[0]) && l.contains(nameAndCount[1])),
          nameAndCount[0] + " with " + nameAndCount[1] + " in\n" + r.out());
    }
  }

  /** Train 1 epoch on 32 synthetic images, then evaluate: the same error, so the stored pixel mean was applied. */
  @Test
  void trainCifar10DropoutThenEvaluateGivesTheSameTestError(@TempDir Path dir) {
    Run train = run("train", "cifar10", "--dropout", "--epochs", "1", "--limit", "32", "--batch", "16", "--out",
        dir.toString());
    assertEquals(0, train.exitCode(), train.err());
    assertTrue(train.out().contains("cifar10-dropout epoch 1/1: train loss "), train.out());
    assertTrue(Files.isRegularFile(dir.resolve("model.zip")));
    assertEquals(2, lines(dir.resolve("errors.csv")).size(), "header + one epoch");
    Matcher trained = Pattern.compile("test errors (\\d+) / 500").matcher(train.out());
    assertTrue(trained.find(), train.out());

    Run eval = run("evaluate", dir.resolve("model.zip").toString());
    assertEquals(0, eval.exitCode(), eval.err());
    assertTrue(eval.out().contains("pixel mean subtracted: " + trained.group(1) + " / 500 errors"),
        "evaluate must apply the zip's pixel mean and match training's last test error: " + eval.out()
            + " vs " + train.out());
  }

  @Test
  void reproduceCifar10WritesTableCsvAndPlot(@TempDir Path dir) {
    Run r = run("reproduce", "cifar10", "--epochs", "1", "--limit", "32", "--batch", "16", "--quiet", "--out",
        dir.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("Conv net, no dropout") && r.out().contains("16.6%") && r.out().contains("15.6%"),
        r.out());
    List<String> csv = lines(dir.resolve("errors.csv"));
    assertEquals(Cifar10Run.CSV_HEADER, csv.get(0));
    assertTrue(csv.get(1).startsWith("cifar10,1,") && csv.get(2).startsWith("cifar10-dropout,1,"), csv.toString());
    assertTrue(Files.isRegularFile(dir.resolve("figure.png")));
    assertTrue(Files.isRegularFile(dir.resolve("models/cifar10-dropout.zip")));
  }

  @Test
  void trainImageNetThenTenViewEvaluation(@TempDir Path dir) {
    String data = imageNetSynthetic().toString();
    Run train = run("train", "imagenet", "--data", data, "--epochs", "1", "--out", dir.toString());
    assertEquals(0, train.exitCode(), train.err());
    assertTrue(train.out().contains("hinton-imagenet epoch 1/1: train loss "), train.out());
    assertTrue(Files.isRegularFile(dir.resolve("model.zip")));
    assertTrue(Files.isRegularFile(dir.resolve(ImageNetRun.STATISTICS_FILE)));

    Run eval = run("evaluate", dir.resolve("model.zip").toString(), "--data", data, "--ten-view");
    assertEquals(0, eval.exitCode(), eval.err());
    assertTrue(eval.out().contains("ten views") && eval.out().contains("top-1 error")
        && eval.out().contains("/ 12)"), "all 12 validation images: " + eval.out());
  }

  @Test
  void badDataGivesOneLineAndExitCodeOne(@TempDir Path dir) throws IOException {
    assertOneLineError(run("train", "cifar10", "--data", "/nonexistent", "--out", dir.toString()), "/nonexistent");
    assertOneLineError(run("train", "cifar10", "--data", dir.toString(), "--out", dir.toString()),
        "data_batch_1.bin");
    assertOneLineError(run("train", "imagenet", "--out", dir.toString()), "--data DIR is required");
    assertOneLineError(run("train", "imagenet", "--data", "/nonexistent", "--out", dir.toString()),
        "/nonexistent");
    Files.createDirectories(dir.resolve("empty/some-class"));
    assertOneLineError(run("train", "alexnet", "--data", dir.resolve("empty").toString(), "--out",
        dir.toString()), "holds no");
    assertOneLineError(run("train", "imagenet", "--crop", "30", "--data", imageNetSynthetic().toString(), "--out",
        dir.toString()), "--crop");
  }

  private static void assertOneLineError(Run r, String fragment) {
    assertEquals(Dropout4jCli.USER_ERROR, r.exitCode(), r.err());
    List<String> errLines = r.err().lines().filter(l -> !l.isBlank()).toList();
    assertEquals(1, errLines.size(), "one line, no stack trace: " + r.err());
    assertTrue(errLines.get(0).contains(fragment), errLines.get(0));
    assertFalse(r.err().contains("Exception"), r.err());
  }

  private static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
