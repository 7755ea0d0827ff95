package io.github.dropout4j.dropout;

/**
 * How a dropout network is turned into one deterministic network for test time. With retain probability
 * {@code p}, input {@code x}, mask {@code m ~ Bernoulli(p)} and the receiving layer's weights {@code W}:
 *
 * <table>
 *   <caption>Training and test functions of the two conventions</caption>
 *   <tr><th>mode</th><th>training</th><th>test</th></tr>
 *   <tr><td>{@link #TEST_TIME_WEIGHT_SCALING}</td><td>{@code W (x * m)}</td><td>{@code (p W) x}</td></tr>
 *   <tr><td>{@link #INVERTED}</td><td>{@code W (x * m / p)}</td><td>{@code W x}</td></tr>
 * </table>
 *
 * Both give test outputs equal to the expectation of the training pre-activation, and the two function
 * families coincide under {@code W_inverted = p * W_scaled}. They differ in what the stored weights mean, and so
 * in how max-norm bounds ({@code c_inverted = p * c_scaled}), weight decay, learning rates and initialisation
 * act on them: a faithful reproduction of Hinton et al. (2012) uses {@link #TEST_TIME_WEIGHT_SCALING}.
 */
public enum DropoutScaling {
    /**
     * The paper's mean network (arXiv:1207.0580, p. 2): kept units pass unchanged in training; at test all units
     * are present and the outgoing weights of each unit are multiplied by its retain probability. In DL4J the
     * test-time multiplication is done by {@link TestTimeWeightScaling}, which must be set on the same layer.
     */
    TEST_TIME_WEIGHT_SCALING,
    /** Kept units are divided by the retain probability in training; the test network is the trained one. */
    INVERTED
}
