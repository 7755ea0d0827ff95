package io.github.dropout4j.zoo.testsupport;

import java.util.Arrays;

/** Small statistics for the zoo's tests and bench commands. */
public final class Stats {
    private Stats() {}

    /** The median of {@code values} (the mean of the two middle ones for an even count); {@code values} is not changed. */
    public static double median(double[] values) {
        double[] t = values.clone();
        Arrays.sort(t);
        int n = t.length;
        return n % 2 == 1 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
    }
}
