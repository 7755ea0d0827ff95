package io.github.dropout4j.updater;

import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.FixedSchedule;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * The paper's momentum, in which the gradient step is damped by {@code (1 - p_t)} (Hinton et al. 2012,
 * arXiv 1207.0580, Appendix A.1, the update equations for MNIST):
 * <pre>
 *   dw_t = p_t * dw_{t-1} - (1 - p_t) * eps_t * &lt;dE/dw&gt;
 *   w_t  = w_{t-1} + dw_t
 * </pre>
 * {@code <dE/dw>} is the minibatch-average gradient (DL4J's default {@code miniBatch(true)} divides by the batch
 * size before the updater runs). {@code eps_t} (learning rate, &gt;= 0) and {@code p_t} (momentum, in [0, 1]) are
 * {@link ISchedule}s evaluated at DL4J's (iteration, epoch) counters. Note that DL4J advances the epoch only in
 * {@code fit(DataSetIterator)} (or {@code incrementEpochCount()}), not in {@code fit(DataSet)}. Same as PyTorch's
 * SGD with {@code dampening = momentum}; unlike DL4J's {@code Nesterovs}, which has no {@code (1 - p)} factor.
 *
 * <p>State: one array {@code "V"} = {@code dw}, the same length as the parameters, kept in DL4J's updater-state view
 * so {@code ModelSerializer.writeModel(net, file, true)} checkpoints it. The DL4J update written into the gradient
 * array is {@code -dw_t}, because DL4J applies {@code params -= update}. MNIST recipe: {@link #mnistRecipe()}.
 *
 * <pre>{@code
 * new NeuralNetConfiguration.Builder()
 *     .updater(DampedMomentum.mnistRecipe())     // eps_t = 10 * 0.998^epoch, p_t 0.5 -> 0.99 over 500 epochs
 *     .list() ...
 * }</pre>
 */
public final class DampedMomentum implements IUpdater {

    /** Paper, MNIST: eps_0 = 10.0 (per minibatch-average gradient). */
    public static final double MNIST_INITIAL_LEARNING_RATE = 10.0;
    /** Paper, MNIST: f = 0.998 per epoch. */
    public static final double MNIST_LEARNING_RATE_DECAY = 0.998;
    /** Paper, MNIST: p_i = 0.5, p_f = 0.99, T = 500 epochs. */
    public static final double MNIST_INITIAL_MOMENTUM = 0.5;

    public static final double MNIST_FINAL_MOMENTUM = 0.99;
    public static final int MNIST_MOMENTUM_RAMP_EPOCHS = 500;

    private ISchedule learningRateSchedule;
    private final ISchedule momentumSchedule;

    /**
     * @param learningRateSchedule eps_t, values &gt;= 0; not null
     * @param momentumSchedule     p_t, values in [0, 1]; not null
     */
    @JsonCreator
    public DampedMomentum(
            @JsonProperty("learningRateSchedule") ISchedule learningRateSchedule,
            @JsonProperty("momentumSchedule") ISchedule momentumSchedule) {
        if (learningRateSchedule == null) {
            throw new IllegalArgumentException("learningRateSchedule must not be null");
        }
        if (momentumSchedule == null) {
            throw new IllegalArgumentException("momentumSchedule must not be null");
        }
        this.learningRateSchedule = learningRateSchedule;
        this.momentumSchedule = momentumSchedule;
    }

    /** Constant eps and p. @param learningRate eps &gt;= 0 @param momentum p in [0, 1] */
    public DampedMomentum(double learningRate, double momentum) {
        this(new FixedSchedule(checkLearningRate(learningRate)), new FixedSchedule(checkMomentum(momentum)));
    }

    /**
     * Appendix A.1, MNIST: eps_t = 10.0 * 0.998^t (DL4J's {@code ExponentialSchedule(EPOCH, 10.0, 0.998)}, which
     * computes exactly {@code initial * gamma^epoch}), p_t from 0.5 to 0.99 linearly over 500 epochs, then 0.99.
     */
    public static DampedMomentum mnistRecipe() {
        return new DampedMomentum(
                new ExponentialSchedule(ScheduleType.EPOCH, MNIST_INITIAL_LEARNING_RATE, MNIST_LEARNING_RATE_DECAY),
                new LinearRampSchedule(
                        ScheduleType.EPOCH, MNIST_INITIAL_MOMENTUM, MNIST_FINAL_MOMENTUM, MNIST_MOMENTUM_RAMP_EPOCHS));
    }

    public ISchedule getLearningRateSchedule() {
        return learningRateSchedule;
    }

    public ISchedule getMomentumSchedule() {
        return momentumSchedule;
    }

    /** @return p_t, validated to lie in [0, 1] */
    public double momentumAt(int iteration, int epoch) {
        return checkMomentum(momentumSchedule.valueAt(iteration, epoch));
    }

    /** @return eps_t, validated to be finite and &gt;= 0 */
    @Override
    public double getLearningRate(int iteration, int epoch) {
        return checkLearningRate(learningRateSchedule.valueAt(iteration, epoch));
    }

    @Override
    public boolean hasLearningRate() {
        return true;
    }

    /**
     * The one mutator, required by DL4J's {@code IUpdater} for {@code MultiLayerNetwork.setLearningRate}: replaces
     * eps_t by {@code lrSchedule}, or by the constant {@code lr} when {@code lrSchedule} is null.
     */
    @Override
    public void setLrAndSchedule(double lr, ISchedule lrSchedule) {
        this.learningRateSchedule = lrSchedule != null ? lrSchedule : new FixedSchedule(checkLearningRate(lr));
    }

    @Override
    public long stateSize(long numParams) {
        return numParams;
    }

    @Override
    public GradientUpdater instantiate(INDArray viewArray, boolean initializeViewArray) {
        DampedMomentumUpdater u = new DampedMomentumUpdater(this);
        INDArray flat = viewArray.reshape(viewArray.length());
        u.setStateViewArray(flat, flat.shape(), flat.ordering(), initializeViewArray);
        return u;
    }

    @Override
    public GradientUpdater instantiate(Map<String, INDArray> updaterState, boolean initializeStateArrays) {
        DampedMomentumUpdater u = new DampedMomentumUpdater(this);
        u.setState(updaterState, initializeStateArrays);
        return u;
    }

    @Override
    public DampedMomentum clone() {
        return new DampedMomentum(learningRateSchedule.clone(), momentumSchedule.clone());
    }

    static double checkMomentum(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1], got " + p);
        }
        return p;
    }

    static double checkLearningRate(double eps) {
        if (!(eps >= 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException("learningRate must be finite and >= 0, got " + eps);
        }
        return eps;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof DampedMomentum)) {
            return false;
        }
        DampedMomentum d = (DampedMomentum) o;
        return learningRateSchedule.equals(d.learningRateSchedule) && momentumSchedule.equals(d.momentumSchedule);
    }

    @Override
    public int hashCode() {
        return Objects.hash(learningRateSchedule, momentumSchedule);
    }

    @Override
    public String toString() {
        return "DampedMomentum(learningRate=" + learningRateSchedule + ", momentum=" + momentumSchedule + ")";
    }
}
