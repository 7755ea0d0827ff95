package io.github.dropout4j.zoo.data;

/**
 * An IDX file (or a pair of image and label files) does not hold what it should.
 *
 * <p>The message always names the file, the byte offset in the decompressed IDX stream, what was expected
 * and what was found, e.g. {@code "train-images-idx3-ubyte.gz: truncated at byte 12345, expected 6272784
 * bytes of pixel data from byte 16, found 12329"}.
 */
public final class IdxFormatException extends DataFormatException {
    private static final long serialVersionUID = 1L;

    IdxFormatException(String file, long offset, String problem) {
        super(file, offset, problem);
    }
}
