package io.github.dropout4j.zoo.pretrained;

import java.io.IOException;

/** A weights registry that cannot be read: bad JSON, an unknown format version, a missing or invalid field. */
public final class WeightsRegistryFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    WeightsRegistryFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
