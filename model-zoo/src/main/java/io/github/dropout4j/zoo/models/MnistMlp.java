package io.github.dropout4j.zoo.models;

import io.github.dropout4j.updater.DampedMomentum;
import java.util.List;

/**
 * The paper's MNIST networks (Hinton et al. 2012, Figure 1 and Appendix A.1): 784 pixels in [0, 1], fully
 * connected hidden layers, 10-way softmax.
 *
 * <p>The four architectures of Figure 1 are 784-800-800-10, 784-1200-1200-10, 784-2000-2000-10 and
 * 784-1200-1200-1200-10. With dropout ({@link #paper(boolean, int...)} with {@code true}): 20% of the pixels and
 * 50% of the hidden units dropped, test-time weight scaling, squared length of each unit's incoming weights
 * bounded by 15. Without dropout: plain backpropagation, no bound ("standard backprop" of Figure 1). Both use
 * N(0, 0.01^2) weights, {@link DampedMomentum#mnistRecipe()} and minibatches of 100 (the batch size is the
 * trainer's, not the model's). Hidden units are ReLU (Srivastava et al. 2014); the 2012 paper's logistic units
 * are {@code config.withActivation(HiddenActivation.LOGISTIC)}.
 *
 * <pre>{@code
 * MultiLayerNetwork net = MnistMlp.of(MnistMlp.paper(true, 800, 800)).init();   // 1,276,810 parameters
 * }</pre>
 */
public final class MnistMlp extends FeedForwardZooModel {
    /** 28 x 28 pixels. */
    public static final int INPUTS = 784;
    /** Digits 0-9. */
    public static final int CLASSES = 10;
    /** The paper's minibatch size. */
    public static final int BATCH_SIZE = 100;

    private MnistMlp(MlpConfig config) {
        super(config);
    }

    /** A zoo model for {@code config} (which should have nIn 784 and nOut 10). */
    public static MnistMlp of(MlpConfig config) {
        if (config.nIn() != INPUTS || config.nOut() != CLASSES) {
            throw new IllegalArgumentException("an MNIST network maps " + INPUTS + " pixels to " + CLASSES
                    + " classes, got " + config.architecture());
        }
        return new MnistMlp(config);
    }

    /**
     * The paper's recipe for {@code 784-hidden...-10}: with dropout (input retain 0.8, hidden retain 0.5,
     * max squared length 15) or without (standard backprop, no bound). Name e.g. {@code mnist-800x2-dropout}.
     */
    public static MlpConfig paper(boolean dropout, int... hidden) {
        List<Integer> sizes = java.util.Arrays.stream(hidden).boxed().toList();
        MlpConfig standard = new MlpConfig(
                name(sizes, dropout),
                INPUTS,
                sizes,
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

    /** {@code mnist-800x2} / {@code mnist-800x2-dropout}: 784-800-800-10, 1,276,810 parameters. */
    public static MlpConfig paper800(boolean dropout) {
        return paper(dropout, 800, 800);
    }

    /** {@code mnist-1200x2[-dropout]}: 784-1200-1200-10, 2,395,210 parameters. */
    public static MlpConfig paper1200(boolean dropout) {
        return paper(dropout, 1200, 1200);
    }

    /** {@code mnist-2000x2[-dropout]}: 784-2000-2000-10, 5,592,010 parameters. */
    public static MlpConfig paper2000(boolean dropout) {
        return paper(dropout, 2000, 2000);
    }

    /** {@code mnist-1200x3[-dropout]}: 784-1200-1200-1200-10, 3,836,410 parameters. */
    public static MlpConfig paper1200x3(boolean dropout) {
        return paper(dropout, 1200, 1200, 1200);
    }

    /** {@code mnist-<h>x<n>} when all hidden layers have h units, else {@code mnist-<h1>-<h2>...}. */
    static String name(List<Integer> sizes, boolean dropout) {
        boolean uniform = sizes.stream().distinct().count() == 1;
        String shape = uniform
                ? sizes.get(0) + "x" + sizes.size()
                : String.join("-", sizes.stream().map(String::valueOf).toList());
        return "mnist-" + shape + (dropout ? "-dropout" : "");
    }
}
