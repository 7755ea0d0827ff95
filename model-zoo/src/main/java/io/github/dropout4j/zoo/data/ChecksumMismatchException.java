package io.github.dropout4j.zoo.data;

import java.io.IOException;

/** A downloaded or cached file's SHA-256 is not the expected one; the file has been deleted. */
public final class ChecksumMismatchException extends IOException {
    private static final long serialVersionUID = 1L;

    ChecksumMismatchException(String message) {
        super(message);
    }
}
