package io.github.dropout4j.zoo.models;

import io.github.dropout4j.updater.DampedMomentum;
import java.util.List;

/**
 * The paper's Reuters RCV1-v2 document classifier (Hinton et al. 2012, Section 6): 2000 inputs (the
 * {@code log(1 + count)} of the 2000 most frequent non-stop words), hidden layers of 2000 and 1000 units,
 * a 50-way softmax over topic classes; written 2000-2000-1000-50. Test error 31.05% without dropout, 29.62%
 * with 50% dropout of the hidden units.
 *
 * <p>The dropout variant drops 50% of the hidden units only (the paper reports no input dropout for this
 * network) and keeps the MNIST recipe's per-unit bound (squared length 15), N(0, 0.01^2) initialisation and
 * {@link DampedMomentum#mnistRecipe()}; the paper's own Reuters optimiser settings are not encoded here, so
 * treat the updater as a starting point. 6,053,050 parameters.
 */
public final class ReutersMlp extends FeedForwardZooModel {
    public static final int INPUTS = 2000;
    public static final int CLASSES = 50;

    private ReutersMlp(MlpConfig config) {
        super(config);
    }

    public static ReutersMlp of(MlpConfig config) {
        if (config.nIn() != INPUTS || config.nOut() != CLASSES) {
            throw new IllegalArgumentException("a Reuters network maps " + INPUTS + " word features to " + CLASSES
                    + " classes, got " + config.architecture());
        }
        return new ReutersMlp(config);
    }

    /** {@code reuters-2000-1000[-dropout]}: 2000-2000-1000-50. */
    public static MlpConfig paper(boolean dropout) {
        MlpConfig standard = new MlpConfig(
                "reuters-2000-1000" + (dropout ? "-dropout" : ""),
                INPUTS,
                List.of(2000, 1000),
                CLASSES,
                HiddenActivation.RELU,
                1.0,
                1.0,
                0,
                MlpConfig.PAPER_INIT_STD,
                DampedMomentum.mnistRecipe(),
                MlpConfig.DEFAULT_SEED);
        return dropout
                ? standard.withRetainProbabilities(1.0, MlpConfig.PAPER_HIDDEN_RETAIN)
                        .withMaxSquaredLength(MlpConfig.PAPER_MAX_SQUARED_LENGTH)
                : standard;
    }
}
