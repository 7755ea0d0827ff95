package io.github.dropout4j.dropout;

import java.util.Set;

/**
 * Implemented by a layer configuration to tell {@link TestTimeWeightScaling} which of its parameters multiply
 * the layer's input (for example {@code "W"}, but not a bias or a recurrent weight). Scaling exactly those
 * parameters by the retain probability {@code p} turns the layer into its mean-network form, provided the
 * layer's pre-activation is linear in its input.
 */
public interface InputWeightParams {

    /** Keys of the parameters that multiply the layer's input. */
    Set<String> inputWeightParams();

    /**
     * The dimension of input-weight parameter {@code paramKey} that indexes the layer's input units (the
     * dimension-1 index of its input), so per-unit retain probabilities can scale each unit's outgoing weights.
     * Layers that do not support per-unit probabilities need not override this.
     */
    default int inputUnitDimension(String paramKey) {
        throw new UnsupportedOperationException(
                getClass().getSimpleName() + " does not support per-unit retain probabilities");
    }
}
