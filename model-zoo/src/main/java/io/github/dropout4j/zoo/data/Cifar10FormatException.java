package io.github.dropout4j.zoo.data;

/**
 * A CIFAR-10 binary file ({@code data_batch_N.bin}, {@code test_batch.bin}) does not hold what it should. The message
 * names the file, the record and byte offset, what was expected and what was found, e.g.
 * {@code "data_batch_1.bin: record 17 (byte 52241) has label 12, expected 0..9"}.
 */
public final class Cifar10FormatException extends DataFormatException {
    private static final long serialVersionUID = 1L;

    Cifar10FormatException(String file, long offset, String problem) {
        super(file, offset, problem);
    }
}
