package io.github.dropout4j.zoo.data;

import java.io.IOException;

/**
 * An IDX file (or a pair of image and label files) does not hold what it should.
 *
 * <p>The message always names the file, the byte offset in the decompressed IDX stream, what was expected
 * and what was found, e.g. {@code "train-images-idx3-ubyte.gz: truncated at byte 12345, expected 6272784
 * bytes of pixel data from byte 16, found 12329"}.
 */
public final class IdxFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final long offset;

  IdxFormatException(String file, long offset, String problem) {
    super(file + ": " + problem);
    this.file = file;
    this.offset = offset;
  }

  /** The file name (not the full path) the problem was found in. */
  public String file() {
    return file;
  }

  /** Offset in the decompressed IDX bytes where the problem was found, or -1 if it concerns the whole file. */
  public long offset() {
    return offset;
  }
}
