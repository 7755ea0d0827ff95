package io.github.dropout4j.inference;

/**
 * How predictions of dropout sub-networks are combined.
 * For sub-network predictions {@code q_s} (rows of class probabilities) with weights {@code w_s} summing to 1:
 */
public enum SubnetworkMean {
    /** {@code sum_s w_s q_s}: the model average. */
    ARITHMETIC,
    /**
     * {@code exp(sum_s w_s log q_s)}, renormalised to sum to 1 over the classes of each example. For a softmax
     * output on top of one dropout layer this equals the mean network's output exactly (arXiv:1207.0580, p. 2).
     */
    GEOMETRIC
}
