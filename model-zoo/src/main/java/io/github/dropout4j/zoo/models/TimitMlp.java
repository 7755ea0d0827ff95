package io.github.dropout4j.zoo.models;

import io.github.dropout4j.updater.DampedMomentum;
import java.util.Collections;

/**
 * The paper's TIMIT frame classifier (Hinton et al. 2012, Section 3): a window of 21 frames of {@code F}
 * log filter-bank coefficients ({@code 21 * F} inputs), four hidden layers of 4000 units and a 185-way softmax
 * over HMM states (merged into 39 phone classes for scoring). Frame recognition error 22.7% without dropout,
 * 19.7% with 20% input and 50% hidden dropout (both DBN-pretrained in the paper; pretraining is not part of
 * this zoo).
 *
 * <p>{@code F} ({@code filterBanks}) defaults to {@value #DEFAULT_FILTER_BANKS}; the input width is
 * {@code 21 * F} (840 by default). Hidden units default to ReLU; the paper's DBN-initialised nets are logistic
 * ({@link HiddenActivation#LOGISTIC}). The MNIST bound, initialisation and updater are used as defaults; the
 * paper's TIMIT optimiser settings are not encoded here. 52,116,185 parameters at F = 40.
 */
public final class TimitMlp extends FeedForwardZooModel {
    /** Frames per input window. */
    public static final int FRAMES = 21;
    /** Default number of log filter-bank coefficients per frame. */
    public static final int DEFAULT_FILTER_BANKS = 40;

    public static final int HIDDEN_UNITS = 4000;
    public static final int HIDDEN_LAYERS = 4;
    /** HMM states of the softmax. */
    public static final int CLASSES = 185;

    private TimitMlp(MlpConfig config) {
        super(config);
    }

    public static TimitMlp of(MlpConfig config) {
        if (config.nIn() % FRAMES != 0 || config.nOut() != CLASSES) {
            throw new IllegalArgumentException("a TIMIT network maps " + FRAMES + " x F filter-bank features to "
                    + CLASSES + " states, got " + config.architecture());
        }
        return new TimitMlp(config);
    }

    /** {@code timit-4x4000[-dropout]} with {@value #DEFAULT_FILTER_BANKS} filter banks per frame. */
    public static MlpConfig paper(boolean dropout) {
        return paper(dropout, DEFAULT_FILTER_BANKS);
    }

    /**
     * {@code 21*F-4000-4000-4000-4000-185}; name {@code timit-4x4000[-dropout]}, with {@code -f<F>} appended when
     * F is not the default.
     *
     * @param filterBanks F, log filter-bank coefficients per frame, >= 1
     */
    public static MlpConfig paper(boolean dropout, int filterBanks) {
        if (filterBanks < 1) {
            throw new IllegalArgumentException("filterBanks must be >= 1, got " + filterBanks);
        }
        String name = "timit-4x4000" + (filterBanks == DEFAULT_FILTER_BANKS ? "" : "-f" + filterBanks)
                + (dropout ? "-dropout" : "");
        MlpConfig standard = new MlpConfig(
                name,
                FRAMES * filterBanks,
                Collections.nCopies(HIDDEN_LAYERS, HIDDEN_UNITS),
                CLASSES,
                HiddenActivation.RELU,
                1.0,
                1.0,
                0,
                MlpConfig.PAPER_INIT_STD,
                DampedMomentum.mnistRecipe(),
                MlpConfig.DEFAULT_SEED);
        return dropout
                ? standard.withRetainProbabilities(MlpConfig.PAPER_INPUT_RETAIN, MlpConfig.PAPER_HIDDEN_RETAIN)
                        .withMaxSquaredLength(MlpConfig.PAPER_MAX_SQUARED_LENGTH)
                : standard;
    }
}
