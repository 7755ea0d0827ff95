package io.github.dropout4j.zoo.data;

import java.io.IOException;

/**
 * A CIFAR-10 binary file ({@code data_batch_N.bin}, {@code test_batch.bin}) does not hold what it should. The message
 * names the file, the record and byte offset, what was expected and what was found, e.g.
 * {@code "data_batch_1.bin: record 17 (byte 52241) has label 12, expected 0..9"}.
 */
public final class Cifar10FormatException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final long offset;

  Cifar10FormatException(String file, long offset, String problem) {
    super(file + ": " + problem);
    this.file = file;
    this.offset = offset;
  }

  /** The file name (not the full path). */
  public String file() {
    return file;
  }

  /** Byte offset of the problem in the file, or -1 if it concerns the whole file. */
  public long offset() {
    return offset;
  }
}
