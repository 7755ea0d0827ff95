package io.github.dropout4j.zoo.models;

import io.github.dropout4j.dropout.Probabilities;
import io.github.dropout4j.updater.DampedMomentum;
import java.util.List;
import java.util.Objects;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * The configuration of a zoo feed-forward network {@code nIn -> hiddenSizes... -> nOut (softmax)}: an immutable
 * value, validated here, from which {@link FeedForwardZooModel#conf()} builds the DL4J configuration.
 *
 * <p>Dropout follows the paper (Hinton et al. 2012, Section 2): each input unit is kept with
 * {@code inputRetainProbability} and each hidden unit with {@code hiddenRetainProbability}; at test time the
 * outgoing weights of those units are multiplied by the retain probability (test-time weight scaling). A
 * retain probability of 1 means no dropout on that layer. {@code maxSquaredLength} bounds the squared L2 norm of
 * every <em>hidden</em> unit's incoming weight vector (the paper's MNIST value is 15; Appendix A.1: "an upper bound
 * on the L2 norm of the incoming weight vector for each individual hidden unit"); 0 means unconstrained. The
 * softmax output units are bounded too only with {@code boundOutputUnits} (not the paper's recipe; the common
 * Keras/Srivastava-style "max-norm on every layer").
 *
 * @param name                    registry name, e.g. {@code "mnist-800x2-dropout"}
 * @param nIn                     input units, >= 1 (784 for MNIST)
 * @param hiddenSizes             units per hidden layer, each >= 1, at least one layer
 * @param nOut                    softmax outputs, >= 2
 * @param activation              hidden nonlinearity
 * @param inputRetainProbability  probability of keeping an input unit, in (0, 1] (paper: 0.8)
 * @param hiddenRetainProbability probability of keeping a hidden unit, in (0, 1] (paper: 0.5)
 * @param maxSquaredLength        bound on each unit's squared incoming weight length, > 0, or 0 for none
 * @param initStd                 standard deviation of the N(0, initStd^2) weight initialisation, > 0 (paper:
 *                                0.01); biases start at 0
 * @param updater                 the optimiser (paper: {@link DampedMomentum#mnistRecipe()})
 * @param seed                    seed of the weight initialisation; per-layer dropout seeds are derived from it
 * @param boundOutputUnits        also bound the output units' incoming weights by {@code maxSquaredLength}
 *                                (default false: the paper bounds hidden units only)
 */
public record MlpConfig(
        String name,
        int nIn,
        List<Integer> hiddenSizes,
        int nOut,
        HiddenActivation activation,
        double inputRetainProbability,
        double hiddenRetainProbability,
        double maxSquaredLength,
        double initStd,
        IUpdater updater,
        long seed,
        boolean boundOutputUnits) {

    /** The paper's MNIST bound on the squared length of each unit's incoming weights (Appendix A.1). */
    public static final double PAPER_MAX_SQUARED_LENGTH = 15.0;
    /** The paper's initial weight scale, N(0, 0.01^2). */
    public static final double PAPER_INIT_STD = 0.01;
    /** Retain probability of input units in the paper's dropout nets (20% dropout). */
    public static final double PAPER_INPUT_RETAIN = 0.8;
    /** Retain probability of hidden units in the paper's dropout nets (50% dropout). */
    public static final double PAPER_HIDDEN_RETAIN = 0.5;
    /** Default model seed. */
    public static final long DEFAULT_SEED = 12345L;

    /** As the canonical constructor with {@code boundOutputUnits} false (the paper: hidden units only). */
    public MlpConfig(
            String name,
            int nIn,
            List<Integer> hiddenSizes,
            int nOut,
            HiddenActivation activation,
            double inputRetainProbability,
            double hiddenRetainProbability,
            double maxSquaredLength,
            double initStd,
            IUpdater updater,
            long seed) {
        this(
                name,
                nIn,
                hiddenSizes,
                nOut,
                activation,
                inputRetainProbability,
                hiddenRetainProbability,
                maxSquaredLength,
                initStd,
                updater,
                seed,
                false);
    }

    public MlpConfig {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank, got '" + name + "'");
        }
        if (nIn < 1) {
            throw new IllegalArgumentException("nIn must be >= 1, got " + nIn);
        }
        hiddenSizes = List.copyOf(Objects.requireNonNull(hiddenSizes, "hiddenSizes"));
        if (hiddenSizes.isEmpty()) {
            throw new IllegalArgumentException("hiddenSizes must name at least one hidden layer, got none");
        }
        for (int i = 0; i < hiddenSizes.size(); i++) {
            if (hiddenSizes.get(i) < 1) {
                throw new IllegalArgumentException("hiddenSizes[" + i + "] must be >= 1, got " + hiddenSizes.get(i));
            }
        }
        if (nOut < 2) {
            throw new IllegalArgumentException("nOut must be >= 2 for a softmax, got " + nOut);
        }
        Objects.requireNonNull(activation, "activation");
        requireRetain("inputRetainProbability", inputRetainProbability);
        requireRetain("hiddenRetainProbability", hiddenRetainProbability);
        if (!(maxSquaredLength >= 0) || Double.isInfinite(maxSquaredLength)) {
            throw new IllegalArgumentException(
                    "maxSquaredLength must be > 0, or 0 for no bound, got " + maxSquaredLength);
        }
        if (!(initStd > 0) || Double.isInfinite(initStd)) {
            throw new IllegalArgumentException("initStd must be > 0, got " + initStd);
        }
        Objects.requireNonNull(updater, "updater");
    }

    private static void requireRetain(String what, double p) {
        Probabilities.requireRetain(what, p);
    }

    /**
     * The number of trainable parameters, computed from the sizes: the sum over layers of
     * {@code nIn * nOut + nOut} (weights plus biases). Does not build the network.
     */
    public long parameterCount() {
        long total = 0;
        int in = nIn;
        for (int h : hiddenSizes) {
            total += (long) in * h + h;
            in = h;
        }
        return total + (long) in * nOut + nOut;
    }

    /** The layer sizes as the paper writes them, e.g. {@code "784-800-800-10"}. */
    public String architecture() {
        StringBuilder s = new StringBuilder().append(nIn);
        hiddenSizes.forEach(h -> s.append('-').append(h));
        return s.append('-').append(nOut).toString();
    }

    /** True if any layer drops units in training. */
    public boolean usesDropout() {
        return inputRetainProbability < 1 || hiddenRetainProbability < 1;
    }

    public MlpConfig withName(String newName) {
        return new MlpConfig(
                newName,
                nIn,
                hiddenSizes,
                nOut,
                activation,
                inputRetainProbability,
                hiddenRetainProbability,
                maxSquaredLength,
                initStd,
                updater,
                seed,
                boundOutputUnits);
    }

    public MlpConfig withHiddenSizes(List<Integer> sizes) {
        return new MlpConfig(
                name,
                nIn,
                sizes,
                nOut,
                activation,
                inputRetainProbability,
                hiddenRetainProbability,
                maxSquaredLength,
                initStd,
                updater,
                seed,
                boundOutputUnits);
    }

    public MlpConfig withActivation(HiddenActivation newActivation) {
        return new MlpConfig(
                name,
                nIn,
                hiddenSizes,
                nOut,
                newActivation,
                inputRetainProbability,
                hiddenRetainProbability,
                maxSquaredLength,
                initStd,
                updater,
                seed,
                boundOutputUnits);
    }

    /** Dropout on the inputs and on the hidden units; 1 turns a layer's dropout off. */
    public MlpConfig withRetainProbabilities(double input, double hidden) {
        return new MlpConfig(
                name,
                nIn,
                hiddenSizes,
                nOut,
                activation,
                input,
                hidden,
                maxSquaredLength,
                initStd,
                updater,
                seed,
                boundOutputUnits);
    }

    public MlpConfig withMaxSquaredLength(double newMaxSquaredLength) {
        return new MlpConfig(
                name,
                nIn,
                hiddenSizes,
                nOut,
                activation,
                inputRetainProbability,
                hiddenRetainProbability,
                newMaxSquaredLength,
                initStd,
                updater,
                seed,
                boundOutputUnits);
    }

    /**
     * {@code true}: the output units' incoming weights are bounded by {@code maxSquaredLength} as well (max-norm on
     * every layer); {@code false} (default): hidden units only, as Appendix A.1.
     */
    public MlpConfig withBoundOutputUnits(boolean bound) {
        return new MlpConfig(
                name,
                nIn,
                hiddenSizes,
                nOut,
                activation,
                inputRetainProbability,
                hiddenRetainProbability,
                maxSquaredLength,
                initStd,
                updater,
                seed,
                bound);
    }

    public MlpConfig withUpdater(IUpdater newUpdater) {
        return new MlpConfig(
                name,
                nIn,
                hiddenSizes,
                nOut,
                activation,
                inputRetainProbability,
                hiddenRetainProbability,
                maxSquaredLength,
                initStd,
                newUpdater,
                seed,
                boundOutputUnits);
    }

    public MlpConfig withSeed(long newSeed) {
        return new MlpConfig(
                name,
                nIn,
                hiddenSizes,
                nOut,
                activation,
                inputRetainProbability,
                hiddenRetainProbability,
                maxSquaredLength,
                initStd,
                updater,
                newSeed,
                boundOutputUnits);
    }

    @Override
    public String toString() {
        return "MlpConfig[" + name + ", " + architecture() + ", " + activation + ", inputRetainProbability="
                + inputRetainProbability + ", hiddenRetainProbability=" + hiddenRetainProbability
                + ", maxSquaredLength="
                + maxSquaredLength + (boundOutputUnits ? " (hidden and output units)" : " (hidden units)")
                + ", initStd="
                + initStd + ", updater=" + updater + ", seed=" + seed + "]";
    }
}
