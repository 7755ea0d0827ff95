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
    @JsonProperty("retainProbabilities")
    private final double[] retainProbabilities;
    @JsonProperty("scaling")
    private final DropoutScaling scaling;
    @JsonProperty("seed")
    private final long seed;

    /** Set by {@link TestTimeWeightScaling} when it sees this layer's weights during training. */
    private transient volatile boolean weightScalingAttached;
    /** Cache of the last forward mask, so backprop is a masked copy; regenerated from the key on a miss. */
    private transient MaskBits lastMask;
    /** Per-unit thresholds and kept-unit multipliers, derived from retainProbabilities on first use. */
    private transient long[] unitThresholds;
    private transient double[] unitKeptScales;
    private transient boolean stepSeen;
    private transient long firstStepSeen;
    /** Data-parallel worker whose masks this replica draws (0: a single process); see {@link WorkerMasks}. */
    private transient volatile int workerIndex;

    @JsonCreator
    private BernoulliDropout(@JsonProperty("retainProbability") double retainProbability,
                             @JsonProperty("retainSchedule") ISchedule retainSchedule,
                             @JsonProperty("retainProbabilities") double[] retainProbabilities,
                             @JsonProperty("scaling") DropoutScaling scaling,
                             @JsonProperty("seed") long seed) {
        if (retainProbabilities != null) {
            if (retainProbabilities.length == 0) {
                throw new IllegalArgumentException("retainProbabilities must name at least one unit, got none");
            }
            for (int u = 0; u < retainProbabilities.length; u++) {
                Probabilities.requireRetain("retainProbabilities[" + u + "]", retainProbabilities[u]);
            }
        } else if (retainSchedule == null) {
            Probabilities.requireRetain("retainProbability", retainProbability);
        } else {
            Probabilities.requireRetain("retainSchedule value at iteration 0, epoch 0", retainSchedule.valueAt(0, 0));
        }
        this.retainProbabilities = retainProbabilities == null ? null : retainProbabilities.clone();
        this.retainProbability = retainSchedule == null && retainProbabilities == null ? retainProbability : Double.NaN;
        this.retainSchedule = retainProbabilities == null ? retainSchedule : null;
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
        return new BernoulliDropout(retainProbability, null, null, DropoutScaling.TEST_TIME_WEIGHT_SCALING, nextDefaultSeed());
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
        return new BernoulliDropout(Double.NaN, retainSchedule, null, DropoutScaling.TEST_TIME_WEIGHT_SCALING,
                nextDefaultSeed());
    }

    /**
     * Dropout with one retain probability per unit of the layer's input: unit {@code u} is dimension-1 index
     * {@code u} of the input ({@code [minibatch, nIn]}: feature {@code u}; {@code [minibatch, channels, h, w]}:
     * channel {@code u}, all positions alike; {@code [minibatch, nIn, timeSteps]}: feature {@code u}). At test
     * time each unit's outgoing weights are multiplied by its own {@code p_u}. Used by adaptive dropout
     * (arXiv:1207.0580, p. 7).
     *
     * @param retainProbabilities one value in (0, 1] per input unit (copied)
     * @throws IllegalArgumentException naming the first bad index and value
     */
    public static BernoulliDropout perUnitRetainProbabilities(double... retainProbabilities) {
        Objects.requireNonNull(retainProbabilities, "retainProbabilities");
        return new BernoulliDropout(Double.NaN, null, retainProbabilities, DropoutScaling.TEST_TIME_WEIGHT_SCALING,
                nextDefaultSeed());
    }

    /** A copy with per-unit retain probabilities (same scaling and seed); see {@link #perUnitRetainProbabilities}. */
    public BernoulliDropout withRetainProbabilities(double... retainProbabilities) {
        Objects.requireNonNull(retainProbabilities, "retainProbabilities");
        return new BernoulliDropout(Double.NaN, null, retainProbabilities, scaling, seed);
    }

    /** A copy with the given scaling convention. */
    public BernoulliDropout withScaling(DropoutScaling scaling) {
        return new BernoulliDropout(retainProbability, retainSchedule, retainProbabilities, scaling, seed);
    }

    /** A copy using inverted dropout: kept units divided by {@code p} in training, nothing at test. */
    public BernoulliDropout inverted() {
        return withScaling(DropoutScaling.INVERTED);
    }

    /** A copy whose masks derive from {@code seed}. */
    public BernoulliDropout withSeed(long seed) {
        return new BernoulliDropout(retainProbability, retainSchedule, retainProbabilities, scaling, seed);
    }

    /** The fixed retain probability, or NaN when a schedule is used. */
    public double retainProbability() {
        return retainProbability;
    }

    /** A copy of the per-unit retain probabilities, or null when one probability applies to all units. */
    public double[] retainProbabilities() {
        return retainProbabilities == null ? null : retainProbabilities.clone();
    }

    /** Whether each input unit has its own retain probability. */
    public boolean isPerUnit() {
        return retainProbabilities != null;
    }

    /**
     * The retain probability of each of {@code units} input units at {@code (iteration, epoch)}.
     *
     * @throws IllegalArgumentException if per-unit probabilities were given for another number of units
     */
    public double[] retainProbabilitiesAt(int units, int iteration, int epoch) {
        if (retainProbabilities == null) {
            double[] p = new double[units];
            java.util.Arrays.fill(p, retainProbabilityAt(iteration, epoch));
            return p;
        }
        if (retainProbabilities.length != units) {
            throw new IllegalArgumentException("BernoulliDropout has " + retainProbabilities.length
                    + " per-unit retain probabilities but the layer input has " + units + " units");
        }
        return retainProbabilities.clone();
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
        if (retainProbabilities != null) {
            throw new IllegalStateException("this BernoulliDropout has per-unit retain probabilities; "
                    + "use retainProbabilitiesAt(units, iteration, epoch)");
        }
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

    /**
     * The mask key of a training step; masks for equal keys are equal. Worker 0 (a single process) uses the seed as
     * it is; data-parallel worker {@code k > 0} uses {@link WorkerMasks#workerSeed(long, int)}.
     */
    public long maskKey(int iteration, int epoch) {
        return BernoulliMaskKernel.key(WorkerMasks.workerSeed(seed, workerIndex), iteration, epoch);
    }

    /**
     * Makes this replica draw the masks of data-parallel worker {@code workerIndex} (0 = the single-process masks).
     * Runtime state of one replica: not serialised, not copied by {@link #clone()}. Call it through
     * {@link WorkerMasks#assign}.
     */
    void assignWorker(int workerIndex) {
        this.workerIndex = WorkerMasks.requireWorkerIndex(workerIndex);
    }

    /** The data-parallel worker whose masks this replica draws; 0 in a single process. */
    public int workerIndex() {
        return workerIndex;
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
        if (retainProbabilities != null) {
            return applyPerUnit(inputActivations, resultArray, maskKey(iteration, epoch));
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
        if (retainProbabilities != null) {
            return applyPerUnit(gradAtOutput, gradAtInput, maskKey(iteration, epoch));
        }
        double p = retainProbabilityAt(iteration, epoch);
        return BernoulliMaskKernel.applyRecorded(gradAtOutput, gradAtInput, maskKey(iteration, epoch),
                BernoulliMaskKernel.threshold(p), keptScale(p), lastMask);
    }

    private INDArray applyPerUnit(INDArray in, INDArray out, long key) {
        if (unitThresholds == null) {
            long[] t = new long[retainProbabilities.length];
            double[] k = new double[retainProbabilities.length];
            for (int u = 0; u < t.length; u++) {
                t[u] = BernoulliMaskKernel.threshold(retainProbabilities[u]);
                k[u] = keptScale(retainProbabilities[u]);
            }
            unitKeptScales = k;
            unitThresholds = t;
        }
        return BernoulliMaskKernel.applyPerUnit(in, out, key, unitThresholds, unitKeptScales);
    }

    /**
     * One training-time sub-network's input, written in the inverted form {@code x * m / p} whatever this
     * dropout's scaling: a layer at inference (weights scaled by {@code p} under test-time scaling, unscaled when
     * inverted) turns it into exactly that sub-network. Used for Monte-Carlo and exact sub-network averaging.
     *
     * @param key the mask key; equal keys give equal masks
     * @return {@code out}
     */
    public INDArray sampleSubnetworkInput(INDArray in, INDArray out, long key, int iteration, int epoch) {
        if (retainProbabilities != null) {
            long[] t = new long[retainProbabilities.length];
            double[] k = new double[retainProbabilities.length];
            for (int u = 0; u < t.length; u++) {
                t[u] = BernoulliMaskKernel.threshold(retainProbabilities[u]);
                k[u] = 1.0 / retainProbabilities[u];
            }
            return BernoulliMaskKernel.applyPerUnit(in, out, key, t, k);
        }
        double p = retainProbabilityAt(iteration, epoch);
        return BernoulliMaskKernel.apply(in, out, key, BernoulliMaskKernel.threshold(p), 1.0 / p);
    }

    @Override
    public void clear() {
        // Nothing to clear: the cached mask is only a cache; backprop regenerates it from (seed, iteration, epoch).
    }

    @Override
    public BernoulliDropout clone() {
        return new BernoulliDropout(retainProbability, retainSchedule == null ? null : retainSchedule.clone(),
                retainProbabilities, scaling, seed);
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
                && scaling == that.scaling && Objects.equals(retainSchedule, that.retainSchedule)
                && java.util.Arrays.equals(retainProbabilities, that.retainProbabilities);
    }

    @Override
    public int hashCode() {
        return Objects.hash(retainProbability, retainSchedule, scaling, seed) * 31
                + java.util.Arrays.hashCode(retainProbabilities);
    }

    @Override
    public String toString() {
        String p = retainProbabilities != null ? "retainProbabilities=" + describe(retainProbabilities)
                : retainSchedule != null ? "retainSchedule=" + retainSchedule : "retainProbability=" + retainProbability;
        return "BernoulliDropout(" + p + ", scaling=" + scaling + ", seed=" + seed + ")";
    }

    private static String describe(double[] p) {
        java.util.DoubleSummaryStatistics st = java.util.Arrays.stream(p).summaryStatistics();
        return p.length <= 6 ? java.util.Arrays.toString(p) : String.format(java.util.Locale.ROOT,
                "[%d units, min %.4g, mean %.4g, max %.4g]", p.length, st.getMin(), st.getAverage(), st.getMax());
    }
}
