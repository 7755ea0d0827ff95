package io.github.dropout4j.zoo.models;

import org.nd4j.linalg.activations.Activation;

/**
 * The nonlinearity of the hidden units of a zoo feed-forward network.
 *
 * <ul>
 *   <li>{@link #RELU}: {@code max(0, x)}, as in the JMLR follow-up (Srivastava et al. 2014, Table 2) and the
 *       zoo's default;</li>
 *   <li>{@link #LOGISTIC}: {@code 1 / (1 + exp(-x))}, the hidden units of the 2012 paper's MNIST nets (Figure 1,
 *       Appendix A.1).</li>
 * </ul>
 */
public enum HiddenActivation {
    RELU(Activation.RELU),
    LOGISTIC(Activation.SIGMOID);

    private final Activation dl4j;

    HiddenActivation(Activation dl4j) {
        this.dl4j = dl4j;
    }

    /** The DL4J activation function. */
    public Activation dl4j() {
        return dl4j;
    }
}
