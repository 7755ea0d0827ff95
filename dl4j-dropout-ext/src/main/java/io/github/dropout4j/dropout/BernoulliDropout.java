package io.github.dropout4j.dropout;

import io.github.dropout4j.random.Seeds;
import java.util.Objects;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonAutoDetect;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonGetter;
import org.nd4j.shade.jackson.annotation.JsonInclude;
import org.nd4j.shade.jackson.annotation.JsonProperty;

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
 * The retain probability is one {@link RetainProbability} value: fixed, scheduled or per unit. At test time DL4J
 * never calls an {@code IDropout}. With test-time weight scaling, the mean network (weights multiplied by
 * {@code p}) is computed by {@link TestTimeWeightScaling}, which must be the layer's weight noise:
 * {@link DropoutPlacement#check} rejects a configuration where it is not, naming the layer.
 *
 * <p>Masks are a pure function of {@code (seed, worker index, iteration, epoch, element index)} (see
 * {@link #maskKey}): the same seed gives the same masks whatever the threading, and backprop regenerates the
 * forward mask rather than storing it. Seeds are explicit: {@link #withSeed}, or, for an instance built without
 * one, derived by {@link DropoutPlacement#check} from the network's seed and the layer's position (so DL4J's global
 * {@code NeuralNetConfiguration.Builder.dropOut(...)}, which clones one instance into every layer, still gives
 * every layer its own masks). An unseeded instance refuses to draw a mask.
 *
 * <pre>{@code
 * new DenseLayer.Builder().nIn(784).nOut(800)
 *     .dropOut(BernoulliDropout.retainProbability(0.8).withSeed(1))   // keep 80% of the inputs
 *     .weightNoise(new TestTimeWeightScaling())                        // output() = the mean network
 *     .build();
 * }</pre>
 *
 * <p><b>State.</b> The configuration (retain probability, scaling, seed, unit axis) is immutable. Two things are
 * not configuration: the training step recorded for schedules ({@link #lastTrainingStep}, serialised, so that
 * test time evaluates a schedule where training last used it), and the runtime-only worker index
 * ({@link #setWorkerIndex}, default 0). A transient cache of the last mask makes backprop a masked copy.
 */
@JsonAutoDetect(
        fieldVisibility = JsonAutoDetect.Visibility.NONE,
        getterVisibility = JsonAutoDetect.Visibility.NONE,
        isGetterVisibility = JsonAutoDetect.Visibility.NONE,
        setterVisibility = JsonAutoDetect.Visibility.NONE)
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class BernoulliDropout implements IDropout {

    private static final long serialVersionUID = 2L;

    private final RetainProbability retain;
    private final DropoutScaling scaling;
    /** Null until given ({@link #withSeed}) or derived by {@link DropoutPlacement#check}. */
    private final Long seed;
    /** Per-unit only: where the units are; null means "not resolved" (dimension 1 for rank-2 inputs). */
    private final UnitAxis unitAxis;

    /** Scheduled only: the (iteration, epoch) of the last training step; null before the first. */
    private volatile TrainingStep lastTrainingStep;
    /** Runtime only (never serialised): mixed into the mask key so data-parallel workers draw different masks. */
    private transient volatile int workerIndex;
    /** Cache of the last forward mask, so backprop is a masked copy; regenerated from the key on a miss. */
    private transient MaskBits lastMask;

    /** The (iteration, epoch) of a training step. */
    public record TrainingStep(
            @JsonProperty("iteration") int iteration,
            @JsonProperty("epoch") int epoch) implements java.io.Serializable {}

    private BernoulliDropout(
            RetainProbability retain,
            DropoutScaling scaling,
            Long seed,
            UnitAxis unitAxis,
            TrainingStep lastTrainingStep) {
        this.retain = Objects.requireNonNull(retain, "retainProbability");
        this.scaling = Objects.requireNonNull(scaling, "scaling");
        this.seed = seed;
        if (unitAxis != null && !(retain instanceof RetainProbability.PerUnit)) {
            throw new IllegalArgumentException(
                    "unitAxis applies to per-unit retain probabilities only, got " + unitAxis + " with " + retain);
        }
        this.unitAxis = unitAxis;
        this.lastTrainingStep = retain instanceof RetainProbability.Scheduled ? lastTrainingStep : null;
    }

    /**
     * JSON: the retain probability is written as exactly one of {@code retainProbability} (fixed),
     * {@code retainSchedule} or {@code retainProbabilities} (per unit). Older files wrote all three, the unused ones
     * as null or {@code "NaN"}; they load the same.
     */
    @JsonCreator
    static BernoulliDropout fromJson(
            @JsonProperty("retainProbability") Double retainProbability,
            @JsonProperty("retainSchedule") ISchedule retainSchedule,
            @JsonProperty("retainProbabilities") double[] retainProbabilities,
            @JsonProperty("scaling") DropoutScaling scaling,
            @JsonProperty("seed") Long seed,
            @JsonProperty("unitAxis") UnitAxis unitAxis,
            @JsonProperty("lastTrainingStep") TrainingStep lastTrainingStep) {
        RetainProbability retain;
        if (retainProbabilities != null) {
            retain = RetainProbability.perUnit(retainProbabilities);
        } else if (retainSchedule != null) {
            retain = RetainProbability.scheduled(retainSchedule);
        } else if (retainProbability != null) {
            retain = RetainProbability.fixed(retainProbability);
        } else {
            throw new IllegalArgumentException(
                    "BernoulliDropout JSON needs one of retainProbability, retainSchedule " + "or retainProbabilities");
        }
        return new BernoulliDropout(
                retain,
                scaling == null ? DropoutScaling.TEST_TIME_WEIGHT_SCALING : scaling,
                seed,
                unitAxis,
                lastTrainingStep);
    }

    /**
     * Dropout with the given retain probability and test-time weight scaling, not yet seeded: give it
     * {@link #withSeed}, or let {@link DropoutPlacement#check} derive the seed from the network's seed and the
     * layer's position.
     */
    public static BernoulliDropout of(RetainProbability retainProbability) {
        return new BernoulliDropout(retainProbability, DropoutScaling.TEST_TIME_WEIGHT_SCALING, null, null, null);
    }

    /**
     * Dropout that keeps each input unit with probability {@code retainProbability} (the paper: 0.5 for hidden
     * units, 0.8 for input pixels), with test-time weight scaling, not yet seeded ({@link #of}).
     *
     * @param retainProbability probability of keeping a unit, in (0, 1]; 1 disables dropout
     * @throws IllegalArgumentException if the value is outside (0, 1] or NaN
     */
    public static BernoulliDropout retainProbability(double retainProbability) {
        return of(RetainProbability.fixed(retainProbability));
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
     * in (0, 1]. The value at (0, 0) is checked now, later values when they are used. At test time the schedule
     * is evaluated at the last training step ({@link #lastTrainingStep}).
     */
    public static BernoulliDropout retainSchedule(ISchedule retainSchedule) {
        return of(RetainProbability.scheduled(retainSchedule));
    }

    /**
     * Dropout with one retain probability per unit of the layer's input: unit {@code u} is index {@code u} of the
     * input's unit dimension ({@code [minibatch, nIn]}: feature {@code u}; NCHW {@code [minibatch, channels, h, w]}:
     * channel {@code u}, all positions alike; NHWC: the last dimension; see {@link UnitAxis}, which
     * {@link DropoutPlacement#check} reads from the layer). At test time each unit's outgoing weights are multiplied
     * by its own {@code p_u}. Used by adaptive dropout (arXiv:1207.0580, p. 7).
     *
     * @param retainProbabilities one value in (0, 1] per input unit (copied)
     * @throws IllegalArgumentException naming the first bad index and value
     */
    public static BernoulliDropout perUnitRetainProbabilities(double... retainProbabilities) {
        return of(RetainProbability.perUnit(retainProbabilities));
    }

    /** A copy with per-unit retain probabilities (same scaling, seed and unit axis). */
    public BernoulliDropout withRetainProbabilities(double... retainProbabilities) {
        return new BernoulliDropout(RetainProbability.perUnit(retainProbabilities), scaling, seed, unitAxis, null);
    }

    /** A copy with the given scaling convention. */
    public BernoulliDropout withScaling(DropoutScaling scaling) {
        return new BernoulliDropout(retain, scaling, seed, unitAxis, lastTrainingStep);
    }

    /** A copy using inverted dropout: kept units divided by {@code p} in training, nothing at test. */
    public BernoulliDropout inverted() {
        return withScaling(DropoutScaling.INVERTED);
    }

    /** A copy whose masks derive from {@code seed}. */
    public BernoulliDropout withSeed(long seed) {
        return new BernoulliDropout(retain, scaling, seed, unitAxis, lastTrainingStep);
    }

    /** A copy with per-unit probabilities along {@code unitAxis} (per-unit dropout only). */
    public BernoulliDropout withUnitAxis(UnitAxis unitAxis) {
        return new BernoulliDropout(
                retain, scaling, seed, Objects.requireNonNull(unitAxis, "unitAxis"), lastTrainingStep);
    }

    /** The retain probability: fixed, scheduled or per unit. */
    public RetainProbability retain() {
        return retain;
    }

    /** The fixed retain probability, or NaN when a schedule or per-unit probabilities are used. */
    public double retainProbability() {
        return retain instanceof RetainProbability.Fixed f ? f.value() : Double.NaN;
    }

    /** A copy of the per-unit retain probabilities, or null when one probability applies to all units. */
    public double[] retainProbabilities() {
        return retain instanceof RetainProbability.PerUnit u ? u.values() : null;
    }

    /** Whether each input unit has its own retain probability. */
    public boolean isPerUnit() {
        return retain instanceof RetainProbability.PerUnit;
    }

    /** The schedule of the retain probability, or null. */
    public ISchedule retainSchedule() {
        return retain instanceof RetainProbability.Scheduled s ? s.schedule() : null;
    }

    /**
     * The retain probability of each of {@code units} input units at training step {@code (iteration, epoch)}.
     *
     * @throws IllegalArgumentException if per-unit probabilities were given for another number of units
     */
    public double[] retainProbabilitiesAt(int units, int iteration, int epoch) {
        return retain.at(units, iteration, epoch);
    }

    /**
     * The retain probability in force at training step {@code (iteration, epoch)}.
     *
     * @throws IllegalStateException if this dropout is per unit, or the schedule yields a value outside (0, 1]
     */
    public double retainProbabilityAt(int iteration, int epoch) {
        if (retain instanceof RetainProbability.Uniform u) {
            return u.valueAt(iteration, epoch);
        }
        throw new IllegalStateException("this BernoulliDropout has per-unit retain probabilities; "
                + "use retainProbabilitiesAt(units, iteration, epoch)");
    }

    /**
     * The step at which test time evaluates the retain probability: the last training step recorded by this
     * dropout (a schedule records it in every training forward pass, and it is saved with the model), else
     * {@code (iteration, epoch)} — the layer's counters, which before any training are (0, 0), the step the first
     * training pass will use. (Models saved before the step was recorded thus keep the counters they used then.)
     */
    public TrainingStep testTimeStep(int iteration, int epoch) {
        TrainingStep last = lastTrainingStep;
        return last != null ? last : new TrainingStep(iteration, epoch);
    }

    /**
     * The test-time retain probability of each of {@code units} input units: {@link #retainProbabilitiesAt} at
     * {@link #testTimeStep testTimeStep(iteration, epoch)}.
     */
    public double[] testTimeRetainProbabilities(int units, int iteration, int epoch) {
        TrainingStep at = testTimeStep(iteration, epoch);
        return retain.at(units, at.iteration(), at.epoch());
    }

    /** The last training step of a scheduled dropout, or null (never trained, or not scheduled). */
    public TrainingStep lastTrainingStep() {
        return lastTrainingStep;
    }

    public DropoutScaling scaling() {
        return scaling;
    }

    /**
     * The seed the masks derive from.
     *
     * @throws IllegalStateException if this dropout has not been seeded yet ({@link #isSeeded})
     */
    public long seed() {
        if (seed == null) {
            throw new IllegalStateException("BernoulliDropout(" + retain + ") has no seed yet: give it withSeed(...), "
                    + "or run DropoutPlacement.check(conf), which derives one from the network's seed and the "
                    + "layer's position");
        }
        return seed;
    }

    /** Whether a seed was given ({@link #withSeed}) or derived ({@link DropoutPlacement#check}). */
    public boolean isSeeded() {
        return seed != null;
    }

    /** Per-unit dropout: the unit axis set explicitly or by {@link DropoutPlacement#check}; else null. */
    public UnitAxis unitAxis() {
        return unitAxis;
    }

    /** The data-parallel worker index mixed into the mask key (runtime only; 0 unless set). */
    public int workerIndex() {
        return workerIndex;
    }

    /**
     * Sets the data-parallel worker index mixed into {@link #maskKey} (runtime only, not serialised or cloned):
     * workers of one data-parallel run given distinct indices draw independent masks; index 0 gives the masks of
     * single-process training bit for bit. Set it on every layer at once with {@link Dropouts#setWorkerIndex}.
     */
    public void setWorkerIndex(int workerIndex) {
        this.workerIndex = Seeds.requireWorkerIndex(workerIndex);
    }

    /**
     * The mask key of a training step; masks for equal keys are equal. The one place the key is made:
     * {@code Seeds.key(Seeds.forWorker(seed, workerIndex), iteration, epoch)}.
     */
    public long maskKey(int iteration, int epoch) {
        return Seeds.key(Seeds.forWorker(seed(), workerIndex), iteration, epoch);
    }

    /** Multiplier of a kept unit during training: 1, or {@code 1/p} for inverted dropout. */
    double keptScale(double p) {
        return scaling == DropoutScaling.INVERTED ? 1.0 / p : 1.0;
    }

    /**
     * The mask of training step {@code (iteration, epoch)} for an input of {@code input.shape()}: key, thresholds
     * and kept scales.
     *
     * @throws IllegalStateException for per-unit probabilities on an input of rank 3 or more whose unit axis is
     *                               not known (run {@link DropoutPlacement#check} on the configuration)
     */
    public StepMask stepMask(INDArray input, int iteration, int epoch) {
        long key = maskKey(iteration, epoch);
        if (retain instanceof RetainProbability.Uniform u) {
            double p = u.valueAt(iteration, epoch);
            return StepMask.uniform(key, p, keptScale(p));
        }
        double[] p = ((RetainProbability.PerUnit) retain).values();
        double[] kept = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            kept[i] = keptScale(p[i]);
        }
        return StepMask.perUnit(key, p, kept, unitAxisFor(input));
    }

    private UnitAxis unitAxisFor(INDArray input) {
        if (unitAxis != null || input.rank() <= 2) {
            return unitAxis == null ? UnitAxis.CHANNELS_FIRST : unitAxis;
        }
        throw new IllegalStateException("per-unit BernoulliDropout on a rank-" + input.rank() + " input "
                + java.util.Arrays.toString(input.shape()) + " does not know which dimension holds the units: run "
                + "DropoutPlacement.check(conf) (it reads the layer's data format) or set withUnitAxis(...)");
    }

    @Override
    public INDArray applyDropout(
            INDArray inputActivations, INDArray resultArray, int iteration, int epoch, LayerWorkspaceMgr workspaceMgr) {
        if (retain instanceof RetainProbability.Scheduled) {
            lastTrainingStep = new TrainingStep(iteration, epoch);
        }
        if (lastMask == null) {
            lastMask = new MaskBits();
        }
        return BernoulliMaskKernel.apply(
                inputActivations, resultArray, stepMask(inputActivations, iteration, epoch), lastMask);
    }

    @Override
    public INDArray backprop(INDArray gradAtOutput, INDArray gradAtInput, int iteration, int epoch) {
        return BernoulliMaskKernel.applyRecorded(
                gradAtOutput, gradAtInput, stepMask(gradAtOutput, iteration, epoch), lastMask);
    }

    /**
     * One training-time sub-network's input, written in the inverted form {@code x * m / p} whatever this
     * dropout's scaling: a layer at inference (weights scaled by {@code p} under test-time scaling, unscaled when
     * inverted) turns it into exactly that sub-network. The retain probabilities are the test-time ones
     * ({@link #testTimeRetainProbabilities}). Used for Monte-Carlo and exact sub-network averaging.
     *
     * @param key the mask key; equal keys give equal masks
     * @param iteration the layer's iteration counter (used only if no training step was recorded)
     * @param epoch the layer's epoch counter (likewise)
     * @return {@code out}
     */
    public INDArray sampleSubnetworkInput(INDArray in, INDArray out, long key, int iteration, int epoch) {
        TrainingStep at = testTimeStep(iteration, epoch);
        if (retain instanceof RetainProbability.Uniform u) {
            double p = u.valueAt(at.iteration(), at.epoch());
            return BernoulliMaskKernel.apply(in, out, StepMask.uniform(key, p, 1.0 / p));
        }
        double[] p = ((RetainProbability.PerUnit) retain).values();
        double[] inverse = new double[p.length];
        for (int u = 0; u < p.length; u++) {
            inverse[u] = 1.0 / p[u];
        }
        return BernoulliMaskKernel.apply(in, out, StepMask.perUnit(key, p, inverse, unitAxisFor(in)));
    }

    @Override
    public void clear() {
        // Nothing to clear: the cached mask is only a cache; backprop regenerates it from (seed, iteration, epoch).
    }

    /** A copy of the configuration and the recorded training step (not the runtime worker index or mask cache). */
    @Override
    public BernoulliDropout clone() {
        RetainProbability r = retain instanceof RetainProbability.Scheduled s
                ? RetainProbability.scheduled(s.schedule().clone())
                : retain;
        return new BernoulliDropout(r, scaling, seed, unitAxis, lastTrainingStep);
    }

    // ---------------------------------------------------------------------------------------------- JSON

    @JsonGetter("retainProbability")
    Double jsonRetainProbability() {
        return retain instanceof RetainProbability.Fixed f ? f.value() : null;
    }

    @JsonGetter("retainSchedule")
    ISchedule jsonRetainSchedule() {
        return retainSchedule();
    }

    @JsonGetter("retainProbabilities")
    double[] jsonRetainProbabilities() {
        return retainProbabilities();
    }

    @JsonGetter("scaling")
    DropoutScaling jsonScaling() {
        return scaling;
    }

    @JsonGetter("seed")
    Long jsonSeed() {
        return seed;
    }

    @JsonGetter("unitAxis")
    UnitAxis jsonUnitAxis() {
        return unitAxis;
    }

    @JsonGetter("lastTrainingStep")
    TrainingStep jsonLastTrainingStep() {
        return lastTrainingStep;
    }

    /** Equal configurations (retain probability, scaling, seed, unit axis); run state is not compared. */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof BernoulliDropout)) {
            return false;
        }
        BernoulliDropout that = (BernoulliDropout) o;
        return Objects.equals(seed, that.seed)
                && scaling == that.scaling
                && unitAxis == that.unitAxis
                && retain.equals(that.retain);
    }

    @Override
    public int hashCode() {
        return Objects.hash(retain, scaling, seed, unitAxis);
    }

    @Override
    public String toString() {
        return "BernoulliDropout(" + retain + ", scaling=" + scaling + ", seed=" + (seed == null ? "unset" : seed)
                + (unitAxis == null ? "" : ", unitAxis=" + unitAxis) + ")";
    }
}
