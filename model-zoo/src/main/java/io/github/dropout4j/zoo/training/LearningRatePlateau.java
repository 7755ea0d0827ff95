package io.github.dropout4j.zoo.training;

import java.util.Locale;

/**
 * "Divide the learning rate by 10 when the validation error stops improving" (Krizhevsky et al. 2012, section 5;
 * the recipe Hinton et al. 2012, Appendix H, trains with), as a stated rule: after every epoch the validation error
 * e is compared with the best so far; it <em>improves</em> if {@code e < best - minImprovement}. After
 * {@code patience} epochs in a row without improvement the rate is divided by {@value #FACTOR} and the count
 * restarts (the best error is kept, so the new rate must beat the best of every earlier rate). The papers give no
 * patience or threshold; the CLI's defaults are {@value #DEFAULT_PATIENCE} epochs and
 * {@value #DEFAULT_MIN_IMPROVEMENT} (0.1 percentage points of error).
 *
 * <p>The state ({@link #state()}, {@link #restore(double[])}) is saved with the model so that a resumed run makes the
 * same cuts as an unbroken one.
 *
 * <pre>{@code
 * LearningRatePlateau plateau = new LearningRatePlateau(5, 0.001);
 * if (plateau.update(validationError)) net.setLearningRate(rate / LearningRatePlateau.FACTOR);
 * }</pre>
 */
public final class LearningRatePlateau {
    public static final int DEFAULT_PATIENCE = 5;
    public static final double DEFAULT_MIN_IMPROVEMENT = 0.001;
    /** The papers' division of the learning rate. */
    public static final double FACTOR = 10.0;

    private final int patience;
    private final double minImprovement;
    private double best = Double.POSITIVE_INFINITY;
    private int epochsWithoutImprovement;
    private int cuts;

    /**
     * @param patience       epochs without improvement before a cut, &gt;= 1
     * @param minImprovement how much lower than the best an error must be to count as improvement, &gt;= 0 (a
     *                       fraction: 0.001 is 0.1 percentage points)
     */
    public LearningRatePlateau(int patience, double minImprovement) {
        if (patience < 1) {
            throw new IllegalArgumentException("patience must be >= 1, got " + patience);
        }
        if (!(minImprovement >= 0) || Double.isInfinite(minImprovement)) {
            throw new IllegalArgumentException("minImprovement must be >= 0 and finite, got " + minImprovement);
        }
        this.patience = patience;
        this.minImprovement = minImprovement;
    }

    /** Records one epoch's validation error; true if the learning rate is to be divided by {@link #FACTOR} now. */
    public boolean update(double validationError) {
        if (!(validationError >= 0 && validationError <= 1)) {
            throw new IllegalArgumentException("validation error must be in [0, 1], got " + validationError);
        }
        if (validationError < best - minImprovement) {
            best = validationError;
            epochsWithoutImprovement = 0;
            return false;
        }
        if (++epochsWithoutImprovement < patience) {
            return false;
        }
        epochsWithoutImprovement = 0;
        cuts++;
        return true;
    }

    /** How many times the rate has been divided so far. */
    public int cuts() {
        return cuts;
    }

    public double best() {
        return best;
    }

    /** {@code {patience, minImprovement, best, epochsWithoutImprovement, cuts}}. */
    public double[] state() {
        return new double[] {patience, minImprovement, best, epochsWithoutImprovement, cuts};
    }

    /** The rule saved by {@link #state()}, where it left off. */
    public static LearningRatePlateau restore(double[] state) {
        if (state == null || state.length != 5) {
            throw new IllegalArgumentException(
                    "plateau state must hold 5 values, got " + (state == null ? "null" : state.length));
        }
        LearningRatePlateau p = new LearningRatePlateau((int) state[0], state[1]);
        p.best = state[2];
        p.epochsWithoutImprovement = (int) state[3];
        p.cuts = (int) state[4];
        return p;
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "divide the rate by %.0f after %d epochs without the validation error " + "falling %.4g below its best",
                FACTOR,
                patience,
                minImprovement);
    }
}
