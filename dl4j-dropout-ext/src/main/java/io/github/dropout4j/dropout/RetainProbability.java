package io.github.dropout4j.dropout;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * The retain probability of a {@link BernoulliDropout}, one of three kinds, each valid by construction:
 * <ul>
 *   <li>{@link Fixed}: one {@code p} in (0, 1] for every unit and step (the paper: 0.5 hidden, 0.8 input);</li>
 *   <li>{@link Scheduled}: {@code p(iteration, epoch)} from a DL4J {@link ISchedule}, each value in (0, 1]
 *       (checked at (0, 0) now, at later steps when used);</li>
 *   <li>{@link PerUnit}: one {@code p_u} in (0, 1] per input unit (adaptive dropout, arXiv:1207.0580 p. 7).</li>
 * </ul>
 * A value, not state: equal kinds with equal numbers are equal; {@link #at} evaluates it at one step.
 */
public sealed interface RetainProbability extends Serializable
        permits RetainProbability.Uniform, RetainProbability.PerUnit {

    /** A fixed retain probability; {@code IllegalArgumentException} naming the value unless it is in (0, 1]. */
    static Fixed fixed(double retainProbability) {
        return new Fixed(retainProbability);
    }

    /** A scheduled retain probability; the value at (0, 0) must be in (0, 1]. */
    static Scheduled scheduled(ISchedule retainSchedule) {
        return new Scheduled(retainSchedule);
    }

    /** One retain probability per input unit (copied); names the first bad index and value. */
    static PerUnit perUnit(double... retainProbabilities) {
        return new PerUnit(retainProbabilities);
    }

    /**
     * The retain probability of each of {@code units} input units at training step {@code (iteration, epoch)}.
     *
     * @throws IllegalArgumentException if per-unit probabilities were given for another number of units
     * @throws IllegalStateException    if a schedule yields a value outside (0, 1]
     */
    double[] at(int units, int iteration, int epoch);

    /** {@code p} at {@code (iteration, epoch)} (for {@link Fixed} and {@link Scheduled}). */
    sealed interface Uniform extends RetainProbability permits Fixed, Scheduled {
        double valueAt(int iteration, int epoch);

        @Override
        default double[] at(int units, int iteration, int epoch) {
            double[] p = new double[units];
            Arrays.fill(p, valueAt(iteration, epoch));
            return p;
        }
    }

    /** One retain probability for all units and steps. */
    record Fixed(double value) implements Uniform {
        public Fixed {
            Probabilities.requireRetain("retainProbability", value);
        }

        @Override
        public double valueAt(int iteration, int epoch) {
            return value;
        }

        @Override
        public String toString() {
            return "retainProbability=" + value;
        }
    }

    /** A retain probability that follows {@code schedule(iteration, epoch)}. */
    record Scheduled(ISchedule schedule) implements Uniform {
        public Scheduled {
            Objects.requireNonNull(schedule, "retainSchedule");
            Probabilities.requireRetain("retainSchedule value at iteration 0, epoch 0", schedule.valueAt(0, 0));
        }

        @Override
        public double valueAt(int iteration, int epoch) {
            double p = schedule.valueAt(iteration, epoch);
            if (!Probabilities.isRetain(p)) {
                throw new IllegalStateException("retainSchedule " + schedule + " gave " + p + " at iteration "
                        + iteration + ", epoch " + epoch + "; retain probabilities must be in (0, 1]");
            }
            return p;
        }

        @Override
        public String toString() {
            return "retainSchedule=" + schedule;
        }
    }

    /** One retain probability per input unit; the array is copied in and out. */
    record PerUnit(double[] values) implements RetainProbability {
        public PerUnit {
            Objects.requireNonNull(values, "retainProbabilities");
            if (values.length == 0) {
                throw new IllegalArgumentException("retainProbabilities must name at least one unit, got none");
            }
            values = values.clone();
            for (int u = 0; u < values.length; u++) {
                Probabilities.requireRetain("retainProbabilities[" + u + "]", values[u]);
            }
        }

        /** A copy of the per-unit probabilities. */
        @Override
        public double[] values() {
            return values.clone();
        }

        /** Number of units. */
        public int units() {
            return values.length;
        }

        @Override
        public double[] at(int units, int iteration, int epoch) {
            if (values.length != units) {
                throw new IllegalArgumentException("BernoulliDropout has " + values.length
                        + " per-unit retain probabilities but the layer input has " + units + " units");
            }
            return values.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof PerUnit && Arrays.equals(values, ((PerUnit) o).values);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(values);
        }

        @Override
        public String toString() {
            java.util.DoubleSummaryStatistics st = Arrays.stream(values).summaryStatistics();
            return "retainProbabilities="
                    + (values.length <= 6
                            ? Arrays.toString(values)
                            : String.format(
                                    Locale.ROOT,
                                    "[%d units, min %.4g, mean %.4g, max %.4g]",
                                    values.length,
                                    st.getMin(),
                                    st.getAverage(),
                                    st.getMax()));
        }
    }
}
