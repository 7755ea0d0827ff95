package io.github.dropout4j.dropout;

import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonAutoDetect;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The dropout of Hinton et al. (2012, arXiv:1207.0580): on each presentation of each training case, each unit of
 * the layer's <em>input</em> is kept with the retain probability {@code p} and otherwise set to zero, so the
 * dropped unit contributes nothing forward and receives no gradient.
 *
 * <p>Training, for input {@code x} of any shape ({@code [minibatch, nIn]}, {@code [minibatch, channels, h, w]},
 * {@code [minibatch, nIn, timeSteps]}), with one independent {@code m ~ Bernoulli(p)} per element:
 * <ul>
 *   <li>{@link DropoutScaling#TEST_TIME_WEIGHT_SCALING} (default, the paper): {@code y = x * m};</li>
 *   <li>{@link DropoutScaling#INVERTED}: {@code y = x * m / p}.</li>
 * </ul>
 * At test time DL4J never calls an {@code IDropout}. With test-time weight scaling, the mean network (weights
 * multiplied by {@code p}) is computed by {@link TestTimeWeightScaling}, which must be the layer's weight noise;
 * a layer trained without it fails on its second training iteration with an {@link IllegalStateException}
 * rather than silently predicting with unscaled weights.
 *
 * <p>Masks are a pure function of {@code (seed, iteration, epoch, element index)}: the same seed gives the same
 * masks whatever the threading, and backprop regenerates the forward mask rather than storing it. Give each
 * layer its own seed: DL4J's global {@code NeuralNetConfiguration.Builder.dropOut(...)} clones one instance into
 * every layer, so layers with equally shaped inputs would then share masks.
 *
 * <pre>{@code
 * new DenseLayer.Builder().nIn(784).nOut(800)
 *     .dropOut(BernoulliDropout.retainProbability(0.8).withSeed(1))   // keep 80% of the inputs
 *     .weightNoise(new TestTimeWeightScaling())                        // output() = the mean network
 *     .build();
 * }</pre>
 *
 * Instances are immutable configuration values (the only mutable state is a transient check that the weight
 * scaling is attached).
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.NONE, getterVisibility = JsonAutoDetect.Visibility.NONE,
        isGetterVisibility = JsonAutoDetect.Visibility.NONE, setterVisibility = JsonAutoDetect.Visibility.NONE)
public final class BernoulliDropout implements IDropout {

    private static final long serialVersionUID = 1L;
    private static final AtomicLong DEFAULT_SEEDS = new AtomicLong(0x5EED_D409_0075L);

    @JsonProperty("retainProbability")
    private final double retainProbability;
    @JsonProperty("retainSchedule")
    private final ISchedule retainSchedule;
    @JsonProperty("scaling")
    private final DropoutScaling scaling;
    @JsonProperty("seed")
    private final long seed;

    /** Set by {@link TestTimeWeightScaling} when it sees this layer's weights during training. */
    private transient volatile boolean weightScalingAttached;
    /** Cache of the last forward mask, so backprop is a masked copy; regenerated from the key on a miss. */
    private transient MaskBits lastMask;
    private transient boolean stepSeen;
    private transient long firstStepSeen;

    @JsonCreator
    private BernoulliDropout(@JsonProperty("retainProbability") double retainProbability,
                             @JsonProperty("retainSchedule") ISchedule retainSchedule,
                             @JsonProperty("scaling") DropoutScaling scaling,
                             @JsonProperty("seed") long seed) {
        if (retainSchedule == null) {
            Probabilities.requireRetain("retainProbability", retainProbability);
        } else {
            Probabilities.requireRetain("retainSchedule value at iteration 0, epoch 0", retainSchedule.valueAt(0, 0));
        }
        this.retainProbability = retainSchedule == null ? retainProbability : Double.NaN;
        this.retainSchedule = retainSchedule;
        this.scaling = Objects.requireNonNull(scaling, "scaling");
        this.seed = seed;
    }

    /**
     * Dropout that keeps each input unit with probability {@code retainProbability} (the paper: 0.5 for hidden
     * units, 0.8 for input pixels), with test-time weight scaling and a default seed.
     *
     * @param retainProbability probability of keeping a unit, in (0, 1]; 1 disables dropout
     * @throws IllegalArgumentException if the value is outside (0, 1] or NaN
     */
    public static BernoulliDropout retainProbability(double retainProbability) {
        return new BernoulliDropout(retainProbability, null, DropoutScaling.TEST_TIME_WEIGHT_SCALING, nextDefaultSeed());
    }

    /**
     * Dropout that drops each input unit with probability {@code dropProbability}: the same as
     * {@code retainProbability(1 - dropProbability)}.
     *
     * @param dropProbability probability of dropping a unit, in [0, 1)
     * @throws IllegalArgumentException if the value is outside [0, 1) or NaN
     */
    public static BernoulliDropout dropProbability(double dropProbability) {
        Probabilities.requireDrop("dropProbability", dropProbability);
        return retainProbability(1.0 - dropProbability);
    }

    /**
     * Dropout whose retain probability follows a DL4J schedule of {@code (iteration, epoch)}; every value must be
     * in (0, 1]. The value at (0, 0) is checked now, later values when they are used.
     */
    public static BernoulliDropout retainSchedule(ISchedule retainSchedule) {
        Objects.requireNonNull(retainSchedule, "retainSchedule");
        return new BernoulliDropout(Double.NaN, retainSchedule, DropoutScaling.TEST_TIME_WEIGHT_SCALING,
                nextDefaultSeed());
    }

    /** A copy with the given scaling convention. */
    public BernoulliDropout withScaling(DropoutScaling scaling) {
        return new BernoulliDropout(retainProbability, retainSchedule, scaling, seed);
    }

    /** A copy using inverted dropout: kept units divided by {@code p} in training, nothing at test. */
    public BernoulliDropout inverted() {
        return withScaling(DropoutScaling.INVERTED);
    }

    /** A copy whose masks derive from {@code seed}. */
    public BernoulliDropout withSeed(long seed) {
        return new BernoulliDropout(retainProbability, retainSchedule, scaling, seed);
    }

    /** The fixed retain probability, or NaN when a schedule is used. */
    public double retainProbability() {
        return retainProbability;
    }

    /** The schedule of the retain probability, or null. */
    public ISchedule retainSchedule() {
        return retainSchedule;
    }

    public DropoutScaling scaling() {
        return scaling;
    }

    public long seed() {
        return seed;
    }

    /**
     * The retain probability in force at {@code (iteration, epoch)}.
     *
     * @throws IllegalStateException if the schedule yields a value outside (0, 1]
     */
    public double retainProbabilityAt(int iteration, int epoch) {
        if (retainSchedule == null) {
            return retainProbability;
        }
        double p = retainSchedule.valueAt(iteration, epoch);
        if (!(p > 0.0 && p <= 1.0)) {
            throw new IllegalStateException("retainSchedule " + retainSchedule + " gave " + p + " at iteration "
                    + iteration + ", epoch " + epoch + "; retain probabilities must be in (0, 1]");
        }
        return p;
    }

    /** The mask key of a training step; masks for equal keys are equal. */
    public long maskKey(int iteration, int epoch) {
        return BernoulliMaskKernel.key(seed, iteration, epoch);
    }

    /** Multiplier of a kept unit during training: 1, or {@code 1/p} for inverted dropout. */
    double keptScale(double p) {
        return scaling == DropoutScaling.INVERTED ? 1.0 / p : 1.0;
    }

    @Override
    public INDArray applyDropout(INDArray inputActivations, INDArray resultArray, int iteration, int epoch,
                                 LayerWorkspaceMgr workspaceMgr) {
        if (scaling == DropoutScaling.TEST_TIME_WEIGHT_SCALING) {
            requireWeightScalingAttached(iteration, epoch);
        }
        double p = retainProbabilityAt(iteration, epoch);
        if (lastMask == null) {
            lastMask = new MaskBits();
        }
        return BernoulliMaskKernel.apply(inputActivations, resultArray, maskKey(iteration, epoch),
                BernoulliMaskKernel.threshold(p), keptScale(p), lastMask);
    }

    @Override
    public INDArray backprop(INDArray gradAtOutput, INDArray gradAtInput, int iteration, int epoch) {
        double p = retainProbabilityAt(iteration, epoch);
        return BernoulliMaskKernel.applyRecorded(gradAtOutput, gradAtInput, maskKey(iteration, epoch),
                BernoulliMaskKernel.threshold(p), keptScale(p), lastMask);
    }

    @Override
    public void clear() {
        // Nothing to clear: the cached mask is only a cache; backprop regenerates it from (seed, iteration, epoch).
    }

    @Override
    public BernoulliDropout clone() {
        return new BernoulliDropout(retainProbability, retainSchedule == null ? null : retainSchedule.clone(),
                scaling, seed);
    }

    void markWeightScalingAttached() {
        weightScalingAttached = true;
    }

    /**
     * Test-time weight scaling happens in the layer's {@link TestTimeWeightScaling}; DL4J calls it after this
     * dropout in every training forward pass. Not having seen it by the second training step means the layer
     * would predict with unscaled weights, so fail loudly.
     */
    private void requireWeightScalingAttached(int iteration, int epoch) {
        if (weightScalingAttached) {
            return;
        }
        long step = ((long) epoch << 32) | (iteration & 0xFFFFFFFFL);
        if (!stepSeen) {
            firstStepSeen = step;
            stepSeen = true;
        } else if (firstStepSeen != step) {
            throw new IllegalStateException("BernoulliDropout with TEST_TIME_WEIGHT_SCALING (" + this + ") is on a "
                    + "layer without TestTimeWeightScaling, so output() would use unscaled weights. Add "
                    + ".weightNoise(new TestTimeWeightScaling()) to the layer (or the global configuration), "
                    + "or use BernoulliDropout...inverted()");
        }
    }

    private static long nextDefaultSeed() {
        return BernoulliMaskKernel.mix(DEFAULT_SEEDS.getAndIncrement());
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof BernoulliDropout)) {
            return false;
        }
        BernoulliDropout that = (BernoulliDropout) o;
        return Double.compare(retainProbability, that.retainProbability) == 0 && seed == that.seed
                && scaling == that.scaling && Objects.equals(retainSchedule, that.retainSchedule);
    }

    @Override
    public int hashCode() {
        return Objects.hash(retainProbability, retainSchedule, scaling, seed);
    }

    @Override
    public String toString() {
        return "BernoulliDropout(" + (retainSchedule == null ? "retainProbability=" + retainProbability
                : "retainSchedule=" + retainSchedule) + ", scaling=" + scaling + ", seed=" + seed + ")";
    }
}
