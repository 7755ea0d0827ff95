package io.github.dropout4j.adaptive;

import java.util.Arrays;

/**
 * The estimated effect of each input unit of one layer on the validation loss, from one adaptation
 * (see {@link AdaptiveDropout} for the estimator). Index {@code u} is input unit {@code u} of layer {@link #layer}
 * (dimension 1 of its input). The constructor copies the arrays; the accessors return them as held (do not
 * modify them).
 *
 * @param layer                layer index in the network
 * @param retainProbabilities  the retain probabilities the passes were sampled with
 * @param effect               {@code mean(loss | unit absent) - mean(loss | unit present)}: positive means the unit
 *                             helps; NaN when a group had fewer than 2 records or the unit's input was 0 in
 *                             every record (nothing to estimate)
 * @param standardError        the estimator's standard error (NaN likewise)
 * @param absentCount          number of (pass, example) records in which the unit was dropped
 * @param presentCount         number of records in which it was kept
 */
public record UnitEffects(
        int layer,
        double[] retainProbabilities,
        double[] effect,
        double[] standardError,
        long[] absentCount,
        long[] presentCount) {

    public UnitEffects {
        retainProbabilities = retainProbabilities.clone();
        effect = effect.clone();
        standardError = standardError.clone();
        absentCount = absentCount.clone();
        presentCount = presentCount.clone();
    }

    /** Number of units. */
    public int units() {
        return effect.length;
    }

    /** {@code effect[u] / standardError[u]}, the unit's z-score (NaN if undefined). */
    public double zScore(int unit) {
        return effect[unit] / standardError[unit];
    }

    @Override
    public String toString() {
        double meanAbsZ = 0;
        int defined = 0;
        for (int u = 0; u < units(); u++) {
            double z = zScore(u);
            if (!Double.isNaN(z)) {
                meanAbsZ += Math.abs(z);
                defined++;
            }
        }
        return "UnitEffects(layer=" + layer + ", units=" + units() + ", mean |z|=" + (meanAbsZ / Math.max(1, defined))
                + (units() <= 8
                        ? ", effect=" + Arrays.toString(effect) + ", standardError=" + Arrays.toString(standardError)
                        : "")
                + ")";
    }
}
