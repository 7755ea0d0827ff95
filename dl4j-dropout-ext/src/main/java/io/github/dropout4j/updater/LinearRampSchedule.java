package io.github.dropout4j.updater;

import java.util.Objects;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * A value that moves linearly from {@code startValue} to {@code endValue} over {@code rampLength} epochs (or
 * iterations), then stays at {@code endValue}. This is the paper's momentum schedule (Hinton et al. 2012,
 * arXiv 1207.0580, Appendix A.1):
 * <pre>
 *   p_t = (t / T) * p_f + (1 - t / T) * p_i    for t &lt; T
 *   p_t = p_f                                  for t &gt;= T
 * </pre>
 * with {@code t} the 0-based epoch (or iteration, per {@link ScheduleType}), {@code p_i = startValue},
 * {@code p_f = endValue}, {@code T = rampLength}. MNIST: p_i = 0.5, p_f = 0.99, T = 500 epochs, so p at epochs
 * 0 / 250 / 500 / 1000 is 0.5 / 0.745 / 0.99 / 0.99. Immutable; JSON via {@code @class}.
 *
 * <pre>{@code
 * ISchedule momentum = new LinearRampSchedule(ScheduleType.EPOCH, 0.5, 0.99, 500);
 * double p = momentum.valueAt(0, 250);   // 0.745
 * }</pre>
 */
public final class LinearRampSchedule implements ISchedule {

    private final ScheduleType scheduleType;
    private final double startValue;
    private final double endValue;
    private final int rampLength;

    /**
     * @param scheduleType whether {@code t} counts epochs or iterations; not null
     * @param startValue   value at t = 0, finite
     * @param endValue     value for t &gt;= rampLength, finite
     * @param rampLength   T, number of epochs (iterations) of the ramp, &gt;= 1
     */
    @JsonCreator
    public LinearRampSchedule(
            @JsonProperty("scheduleType") ScheduleType scheduleType,
            @JsonProperty("startValue") double startValue,
            @JsonProperty("endValue") double endValue,
            @JsonProperty("rampLength") int rampLength) {
        if (scheduleType == null) {
            throw new IllegalArgumentException("scheduleType must be EPOCH or ITERATION, got null");
        }
        if (!Double.isFinite(startValue)) {
            throw new IllegalArgumentException("startValue must be finite, got " + startValue);
        }
        if (!Double.isFinite(endValue)) {
            throw new IllegalArgumentException("endValue must be finite, got " + endValue);
        }
        if (rampLength < 1) {
            throw new IllegalArgumentException("rampLength must be >= 1, got " + rampLength);
        }
        this.scheduleType = scheduleType;
        this.startValue = startValue;
        this.endValue = endValue;
        this.rampLength = rampLength;
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        int t = scheduleType == ScheduleType.ITERATION ? iteration : epoch;
        if (t >= rampLength) {
            return endValue;
        }
        double frac = (double) t / rampLength;
        return frac * endValue + (1 - frac) * startValue;
    }

    public ScheduleType getScheduleType() {
        return scheduleType;
    }

    public double getStartValue() {
        return startValue;
    }

    public double getEndValue() {
        return endValue;
    }

    public int getRampLength() {
        return rampLength;
    }

    @Override
    public LinearRampSchedule clone() {
        return this; // immutable
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof LinearRampSchedule)) {
            return false;
        }
        LinearRampSchedule s = (LinearRampSchedule) o;
        return scheduleType == s.scheduleType
                && Double.compare(startValue, s.startValue) == 0
                && Double.compare(endValue, s.endValue) == 0
                && rampLength == s.rampLength;
    }

    @Override
    public int hashCode() {
        return Objects.hash(scheduleType, startValue, endValue, rampLength);
    }

    @Override
    public String toString() {
        return "LinearRampSchedule(" + scheduleType + ", " + startValue + " -> " + endValue + " over " + rampLength
                + ")";
    }
}
