package io.github.dropout4j.adaptive;

import io.github.dropout4j.dropout.BernoulliDropout;
import io.github.dropout4j.dropout.DropoutPlacement;
import io.github.dropout4j.dropout.Dropouts;
import io.github.dropout4j.dropout.Probabilities;
import io.github.dropout4j.random.Seeds;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Adaptive dropout as proposed in arXiv:1207.0580, p. 7: "adapt the individual dropout probability of each hidden
 * or input unit by comparing the average performance on a validation set with the average performance when the
 * unit is present". A training listener that, every {@code everyEpochs} epochs, estimates for every input unit of
 * every adapted layer at once how much the validation loss rises when the unit is dropped, and moves that unit's
 * retain probability accordingly. The new probabilities replace the layer's {@link BernoulliDropout} by
 * {@link BernoulliDropout#withRetainProbabilities}, so they are part of the configuration: saved by
 * {@code ModelSerializer}, used by test-time weight scaling, restored with the model.
 *
 * <p><b>Units.</b> A layer's units are the columns of its input {@code [minibatch, nIn]} (the previous layer's
 * outputs, or the pixels for the first layer); the probability adapted is the <em>retain</em> probability
 * {@code p_u} (drop probability {@code 1 - p_u}). Adapted layers: those given to {@link Builder#layers}, by
 * default every layer whose dropout is a {@link BernoulliDropout} (uniform ones become per-unit, freezing any
 * schedule at its current value). Rank-2 (dense) inputs only.
 *
 * <p><b>Estimator</b> (one adaptation costs {@code M + 1} inference passes over the validation batch of {@code B}
 * examples, whatever the number of units). Pass 0 is the mean network, giving each example's baseline loss
 * {@code L̄_b}. In passes {@code s = 1..M}, every example gets its own mask on every dropout layer, drawn with
 * the current probabilities from the key {@code (seed, layer, pass, iteration, epoch)}; the sub-network's loss
 * {@code L_sb} gives a centred record {@code c_sb = L_sb - L̄_b} (the baseline does not depend on the masks, so it
 * changes no conditional mean but removes the spread between easy and hard examples). For unit {@code u}, the
 * {@code n = M B} records split into {@code n1} with {@code m_u = 1} and {@code n0} with {@code m_u = 0}:
 * <pre>
 *   effect_u = mean(c | m_u = 0) - mean(c | m_u = 1)          (positive: the unit lowers the loss)
 *   SE_u     = sqrt( s0² / n0 + s1² / n1 )                     (Welch; s_k² the sample variance of group k)
 * </pre>
 * which estimates {@code E[L | u absent] - E[L | u present]}, marginalising over all other units' dropout. All
 * units' group sums come from one {@code [3, B] x [B, U]} product per layer and pass. Every record has its own
 * mask draws (masks are per example and per pass), so records are independent given the network; treating the
 * validation examples as a random sample, {@code SE_u} is the standard error of a difference of two means
 * (Welch), and it shrinks as {@code 1 / sqrt(M B p_u (1 - p_u))}: the estimate uses {@code M B} samples per unit,
 * not {@code M}. Compared with one pass per unit, the price is that each record also carries the other units'
 * dropout noise (in {@code s0, s1}); this is the marginalisation the paper asks for. A unit with fewer than 2
 * records in a group, or whose input was 0 in every record (an MNIST border pixel: masking it changes nothing),
 * gets {@code z = NaN} and is left alone, so {@code maxRetainProbability = 1} is absorbing (a never-dropped unit
 * cannot be assessed).
 *
 * <p><b>Cost</b>: {@code M + 1} inference passes over {@code B} examples, about {@code (M + 1) B / (3 N)} of a
 * training epoch on {@code N} examples (forward + backward ~ 3 forward passes), plus per pass one bit-sliced
 * mask of {@code B x U} elements and one small product per layer. Defaults: {@code M = 8}.
 *
 * <p><b>Update</b>, with {@code z_u = effect_u / SE_u}:
 * {@code p_u <- clip(p_u + stepSize * sign(z_u) * tanh(max(0, |z_u| - 1)), minRetainProbability,
 * maxRetainProbability)}: an effect within one standard error ({@code |z_u| <= 1}) does not move {@code p_u} at
 * all, and clear effects approach a full step ({@code |z_u| = 2}: 0.76 of a step, {@code |z_u| = 3}: 0.96). The
 * soft threshold is ours (the paper gives no rule); it keeps units whose effect is noise from drifting.
 *
 * <pre>{@code
 * AdaptiveDropout adaptive = AdaptiveDropout.builder(validation.getFeatures(), validation.getLabels())
 *         .everyEpochs(1).passes(8).stepSize(0.05).retainBounds(0.2, 0.95).seed(7).build();
 * net.addListeners(adaptive);
 * net.fit(trainIterator, 20);
 * }</pre>
 * Deterministic: the same seed, network state and validation batch give the same probabilities.
 */
public final class AdaptiveDropout extends BaseTrainingListener {

    private final INDArray features;
    private final INDArray labels;
    private final int everyEpochs;
    private final int passes;
    private final double stepSize;
    private final double minRetainProbability;
    private final double maxRetainProbability;
    private final long seed;
    private final int[] layers;

    /** Estimates of the last adaptation (diagnostics only). */
    private transient volatile Map<Integer, UnitEffects> lastEffects = Collections.emptyMap();

    private AdaptiveDropout(Builder b) {
        this.features = Objects.requireNonNull(b.features, "validation features");
        this.labels = Objects.requireNonNull(b.labels, "validation labels");
        if (features.rank() < 2 || features.size(0) < 1 || features.size(0) != labels.size(0)) {
            throw new IllegalArgumentException("validation features and labels must have the same number (>= 1) of "
                    + "rows, got " + Arrays.toString(features.shape()) + " and " + Arrays.toString(labels.shape()));
        }
        if (b.everyEpochs < 1) {
            throw new IllegalArgumentException("everyEpochs must be >= 1, got " + b.everyEpochs);
        }
        if (b.passes < 1) {
            throw new IllegalArgumentException("passes must be >= 1, got " + b.passes);
        }
        if (!(b.stepSize > 0 && b.stepSize <= 1)) {
            throw new IllegalArgumentException("stepSize must be in (0, 1], got " + b.stepSize);
        }
        Probabilities.requireRetain("minRetainProbability", b.minRetainProbability);
        Probabilities.requireRetain("maxRetainProbability", b.maxRetainProbability);
        if (b.minRetainProbability > b.maxRetainProbability) {
            throw new IllegalArgumentException("minRetainProbability (" + b.minRetainProbability
                    + ") must not exceed maxRetainProbability (" + b.maxRetainProbability + ")");
        }
        if (b.layers != null) {
            for (int l : b.layers) {
                if (l < 0) {
                    throw new IllegalArgumentException("layers must be indices >= 0, got " + l);
                }
            }
        }
        this.everyEpochs = b.everyEpochs;
        this.passes = b.passes;
        this.stepSize = b.stepSize;
        this.minRetainProbability = b.minRetainProbability;
        this.maxRetainProbability = b.maxRetainProbability;
        this.seed = b.seed;
        this.layers = b.layers == null ? null : b.layers.clone();
    }

    /**
     * A builder adapting on a fixed validation batch.
     *
     * @param features validation inputs, {@code [B, nIn]} (the network's input)
     * @param labels   validation labels, {@code [B, nOut]}
     */
    public static Builder builder(INDArray features, INDArray labels) {
        return new Builder(features, labels);
    }

    @Override
    public void onEpochEnd(Model model) {
        if (!(model instanceof MultiLayerNetwork)) {
            throw new IllegalStateException("AdaptiveDropout supports MultiLayerNetwork, got "
                    + model.getClass().getSimpleName());
        }
        MultiLayerNetwork net = (MultiLayerNetwork) model;
        if ((net.getEpochCount() + 1) % everyEpochs == 0) { // DL4J counts the finished epoch after this call
            adapt(net);
        }
    }

    /**
     * Estimates every adapted unit's effect ({@link UnitEffects}) without changing the network.
     *
     * @return layer index to that layer's estimates, in layer order
     */
    public Map<Integer, UnitEffects> estimate(MultiLayerNetwork net) {
        DropoutPlacement.check(net.getLayerWiseConfigurations());
        Map<Integer, double[]> retain = new LinkedHashMap<>();
        for (int l : adaptedLayers(net)) {
            retain.put(
                    l,
                    Dropouts.require(net, l)
                            .testTimeRetainProbabilities(units(net, l), net.getIterationCount(), net.getEpochCount()));
        }
        long key = Seeds.key(seed, net.getIterationCount(), net.getEpochCount());
        return UnitEffectEstimator.estimate(net, features, labels, retain, passes, key);
    }

    /**
     * One adaptation: estimates, then sets each adapted layer's dropout to
     * {@code withRetainProbabilities(clip(p + step(effect / SE)))} ({@link #step}).
     *
     * @return the estimates the update was made from
     */
    public Map<Integer, UnitEffects> adapt(MultiLayerNetwork net) {
        Map<Integer, UnitEffects> effects = estimate(net);
        for (UnitEffects e : effects.values()) {
            double[] p = e.retainProbabilities().clone();
            for (int u = 0; u < p.length; u++) {
                double z = e.zScore(u);
                if (!Double.isNaN(z)) {
                    p[u] = Math.min(maxRetainProbability, Math.max(minRetainProbability, p[u] + step(z)));
                }
            }
            net.getLayer(e.layer())
                    .conf()
                    .getLayer()
                    .setIDropout(Dropouts.require(net, e.layer()).withRetainProbabilities(p));
        }
        lastEffects = Collections.unmodifiableMap(effects);
        return effects;
    }

    /**
     * The change of a retain probability for z-score {@code z}: {@code stepSize * sign(z) * tanh(max(0, |z| - 1))}
     * (0 within one standard error).
     */
    public double step(double z) {
        return stepSize * Math.signum(z) * Math.tanh(Math.max(0.0, Math.abs(z) - 1.0));
    }

    /** The estimates of the last adaptation made by this listener (empty before the first). */
    public Map<Integer, UnitEffects> lastEffects() {
        return lastEffects;
    }

    private int[] adaptedLayers(MultiLayerNetwork net) {
        if (layers != null) {
            for (int l : layers) {
                if (l >= net.getnLayers()) {
                    throw new IllegalArgumentException(
                            "layers: index " + l + " but the network has " + net.getnLayers() + " layers");
                }
                if (Dropouts.of(net, l).isEmpty()) {
                    throw new IllegalArgumentException("layers: layer " + l + " has dropout "
                            + net.getLayer(l).conf().getLayer().getIDropout()
                            + "; adaptive dropout needs a BernoulliDropout on each adapted layer");
                }
                units(net, l);
            }
            return layers.clone();
        }
        return java.util.stream.IntStream.range(0, net.getnLayers())
                .filter(l -> Dropouts.of(net, l).isPresent())
                .peek(l -> units(net, l))
                .toArray();
    }

    private static int units(MultiLayerNetwork net, int layer) {
        org.deeplearning4j.nn.conf.layers.Layer conf =
                net.getLayer(layer).conf().getLayer();
        if (!(conf instanceof FeedForwardLayer)) {
            throw new IllegalArgumentException("adaptive dropout supports dense layers (input [minibatch, nIn]); layer "
                    + layer + " is " + conf.getClass().getSimpleName());
        }
        return (int) ((FeedForwardLayer) conf).getNIn();
    }

    public int everyEpochs() {
        return everyEpochs;
    }

    public int passes() {
        return passes;
    }

    public double stepSize() {
        return stepSize;
    }

    public double minRetainProbability() {
        return minRetainProbability;
    }

    public double maxRetainProbability() {
        return maxRetainProbability;
    }

    public long seed() {
        return seed;
    }

    @Override
    public String toString() {
        return "AdaptiveDropout(validation=" + features.size(0) + " examples, everyEpochs=" + everyEpochs
                + ", passes=" + passes + ", stepSize=" + stepSize + ", retainBounds=[" + minRetainProbability + ", "
                + maxRetainProbability + "], seed=" + seed + ", layers="
                + (layers == null ? "all BernoulliDropout layers" : Arrays.toString(layers)) + ")";
    }

    /** Builder; defaults: everyEpochs 1, passes 8, stepSize 0.05, retain bounds [0.2, 0.95], seed 0. */
    public static final class Builder {
        private final INDArray features;
        private final INDArray labels;
        private int everyEpochs = 1;
        private int passes = 8;
        private double stepSize = 0.05;
        private double minRetainProbability = 0.2;
        private double maxRetainProbability = 0.95;
        private long seed;
        private int[] layers;

        private Builder(INDArray features, INDArray labels) {
            this.features = features;
            this.labels = labels;
        }

        /** Adapt after every {@code k}-th epoch ({@code k >= 1}). */
        public Builder everyEpochs(int k) {
            this.everyEpochs = k;
            return this;
        }

        /** Stochastic passes {@code M >= 1} over the validation batch per adaptation (plus one mean-network pass). */
        public Builder passes(int m) {
            this.passes = m;
            return this;
        }

        /** Largest change of a retain probability per adaptation, in (0, 1]. */
        public Builder stepSize(double stepSize) {
            this.stepSize = stepSize;
            return this;
        }

        /** Bounds of the adapted retain probabilities, {@code 0 < min <= max <= 1}. */
        public Builder retainBounds(double minRetainProbability, double maxRetainProbability) {
            this.minRetainProbability = minRetainProbability;
            this.maxRetainProbability = maxRetainProbability;
            return this;
        }

        /** Seed of the adaptation masks (independent of the training masks). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Indices of the layers whose input units to adapt (default: all layers with a BernoulliDropout). */
        public Builder layers(int... layers) {
            this.layers = layers == null ? null : layers.clone();
            return this;
        }

        /** @throws IllegalArgumentException naming the first bad parameter and its value */
        public AdaptiveDropout build() {
            return new AdaptiveDropout(this);
        }
    }
}
