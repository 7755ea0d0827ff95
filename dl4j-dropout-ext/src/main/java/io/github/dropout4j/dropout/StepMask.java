package io.github.dropout4j.dropout;

import java.util.Arrays;

/**
 * Everything {@link BernoulliMaskKernel} needs to mask one array at one training step: the mask key, and per
 * unit the keep threshold ({@link BernoulliMaskKernel#threshold}) and the value a kept element is multiplied by
 * (1 for test-time weight scaling, {@code 1/p} for inverted dropout). Uniform masks have one unit and no unit
 * dimension; per-unit masks name the input dimension holding the units ({@link UnitAxis}).
 *
 * @param key           mask key ({@link BernoulliDropout#maskKey}); equal keys give equal masks
 * @param thresholds    one threshold (uniform) or one per unit
 * @param keptScales    same length as {@code thresholds}
 * @param unitAxis      for per-unit masks, where the units are; null for uniform masks
 */
public record StepMask(long key, long[] thresholds, double[] keptScales, UnitAxis unitAxis) {

    public StepMask {
        if (thresholds.length != keptScales.length || thresholds.length == 0) {
            throw new IllegalArgumentException("thresholds and keptScales must have the same length >= 1, got "
                    + thresholds.length + " and " + keptScales.length);
        }
        if (unitAxis == null && thresholds.length != 1) {
            throw new IllegalArgumentException("a uniform mask has one threshold, got " + thresholds.length);
        }
        thresholds = thresholds.clone();
        keptScales = keptScales.clone();
    }

    /** One retain probability for every element. */
    public static StepMask uniform(long key, double retainProbability, double keptScale) {
        return new StepMask(
                key, new long[] {BernoulliMaskKernel.threshold(retainProbability)}, new double[] {keptScale}, null);
    }

    /** Retain probability {@code p[u]} and kept scale {@code keptScales[u]} for unit {@code u} along {@code axis}. */
    public static StepMask perUnit(long key, double[] retainProbabilities, double[] keptScales, UnitAxis axis) {
        long[] t = new long[retainProbabilities.length];
        for (int u = 0; u < t.length; u++) {
            t[u] = BernoulliMaskKernel.threshold(retainProbabilities[u]);
        }
        return new StepMask(key, t, keptScales, java.util.Objects.requireNonNull(axis, "axis"));
    }

    public boolean isPerUnit() {
        return unitAxis != null;
    }

    @Override
    public long[] thresholds() {
        return thresholds.clone();
    }

    @Override
    public double[] keptScales() {
        return keptScales.clone();
    }

    long threshold0() {
        return thresholds[0];
    }

    double keptScale0() {
        return keptScales[0];
    }

    long[] thresholdsUnsafe() {
        return thresholds;
    }

    double[] keptScalesUnsafe() {
        return keptScales;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StepMask s
                && key == s.key
                && unitAxis == s.unitAxis
                && Arrays.equals(thresholds, s.thresholds)
                && Arrays.equals(keptScales, s.keptScales);
    }

    @Override
    public int hashCode() {
        return (Long.hashCode(key) * 31 + Arrays.hashCode(thresholds)) * 31 + Arrays.hashCode(keptScales);
    }

    @Override
    public String toString() {
        return "StepMask(key=" + key + ", units=" + thresholds.length + (unitAxis == null ? "" : ", " + unitAxis) + ")";
    }
}
