package io.github.dropout4j.dropout;

/** Validation of probabilities, with messages that name the parameter and the bad value. */
public final class Probabilities {

    private Probabilities() {}

    /** Whether {@code value} is a valid retain probability, in (0, 1] (false for NaN). */
    public static boolean isRetain(double value) {
        return value > 0.0 && value <= 1.0;
    }

    /**
     * Returns {@code value} if it is a valid retain probability, in (0, 1].
     *
     * @throws IllegalArgumentException naming {@code name} and the value otherwise (including NaN)
     */
    public static double requireRetain(String name, double value) {
        if (!isRetain(value)) {
            throw new IllegalArgumentException(name + " must be in (0, 1], got " + value);
        }
        return value;
    }

    /**
     * Returns {@code value} if it is a valid drop probability, in [0, 1): dropping every unit is not a network.
     *
     * @throws IllegalArgumentException naming {@code name} and the value otherwise (including NaN)
     */
    public static double requireDrop(String name, double value) {
        if (!(value >= 0.0 && value < 1.0)) {
            throw new IllegalArgumentException(name + " must be in [0, 1), got " + value);
        }
        return value;
    }
}
