package io.github.dropout4j.zoo.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CIFAR-10's training and test images from a directory in the binary layout of {@code cifar-10-binary.tar.gz}
 * ({@code cifar-10-batches-bin/}): {@code data_batch_1.bin} .. {@code data_batch_5.bin} (10,000 images each) and
 * {@code test_batch.bin} (10,000). Batches present are read in order 1, 2, ...; at least {@code data_batch_1.bin} and
 * {@code test_batch.bin} must exist. The shipped synthetic stand-in ({@code src-test-data/cifar10-synthetic/}) has
 * the same layout with one smaller training batch.
 *
 * <pre>{@code
 * Path dir = Cifar10Download.fetchAndExtract(new Downloader(DownloadOptions.defaults()));
 * Cifar10Data data = Cifar10Data.load(dir);      // 50,000 train, 10,000 test
 * }</pre>
 *
 * @param train the training images
 * @param test  the test images
 */
public record Cifar10Data(Cifar10Records train, Cifar10Records test) {
  public static final String TEST_FILE = "test_batch.bin";
  /** Where the synthetic stand-in lives, relative to the repository root. */
  public static final String SYNTHETIC_RELATIVE = "src-test-data/cifar10-synthetic";
  /** System property naming the synthetic set's directory explicitly. */
  public static final String SYNTHETIC_DIR_PROPERTY = "dropout4j.cifar10.synthetic.dir";

  /**
   * The shipped SYNTHETIC stand-in (1,500 train, 500 test images of ten drawn shapes; not CIFAR-10, see
   * {@code src-test-data/README.md}): from {@code -D}{@value #SYNTHETIC_DIR_PROPERTY}, else the first
   * {@value #SYNTHETIC_RELATIVE} found from the working directory upwards.
   */
  public static Cifar10Data synthetic() throws IOException {
    String override = System.getProperty(SYNTHETIC_DIR_PROPERTY);
    if (override != null && !override.isBlank()) {
      return load(Path.of(override));
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path candidate = p.resolve(SYNTHETIC_RELATIVE);
      if (Files.isDirectory(candidate)) {
        return load(candidate);
      }
    }
    throw new NoSuchFileException(SYNTHETIC_RELATIVE, null, "not found from " + Path.of("").toAbsolutePath()
        + " upwards; run inside the Dropout4j repository or pass -D" + SYNTHETIC_DIR_PROPERTY + "=<dir>");
  }

  /** Reads only {@code dir/test_batch.bin} (for evaluation; the training batches need not exist). */
  public static Cifar10Records loadTest(Path dir) throws IOException {
    Path test = dir.resolve(TEST_FILE);
    if (!Files.isRegularFile(test)) {
      throw new NoSuchFileException(test.toString(), null, "no CIFAR-10 test batch in " + dir);
    }
    return Cifar10Records.read(test);
  }

  /** Reads {@code data_batch_1.bin ..} and {@code test_batch.bin} from {@code dir}. */
  public static Cifar10Data load(Path dir) throws IOException {
    List<Path> batches = new ArrayList<>();
    for (int i = 1; ; i++) {
      Path p = dir.resolve("data_batch_" + i + ".bin");
      if (!Files.isRegularFile(p)) {
        break;
      }
      batches.add(p);
    }
    if (batches.isEmpty()) {
      throw new NoSuchFileException(dir.resolve("data_batch_1.bin").toString(), null,
          "no CIFAR-10 training batch in " + dir);
    }
    Path test = dir.resolve(TEST_FILE);
    if (!Files.isRegularFile(test)) {
      throw new NoSuchFileException(test.toString(), null, "no CIFAR-10 test batch in " + dir);
    }
    return new Cifar10Data(Cifar10Records.read(batches.toArray(new Path[0])), Cifar10Records.read(test));
  }
}
