package io.github.dropout4j.zoo.data;

import java.io.IOException;

/**
 * A data file does not hold what its format says it should. The message names the file, where the problem is, what
 * was expected and what was found; {@link #file()} and {@link #offset()} give the first two to programs. Subclassed
 * per format ({@link IdxFormatException}, {@link Cifar10FormatException}) so callers can catch one format or all.
 */
public class DataFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final long offset;

    DataFormatException(String file, long offset, String problem) {
        super(file + ": " + problem);
        this.file = file;
        this.offset = offset;
    }

    /** The file name (not the full path) the problem was found in. */
    public String file() {
        return file;
    }

    /** Byte offset of the problem in the (decompressed) file, or -1 if it concerns the whole file. */
    public long offset() {
        return offset;
    }
}
