package io.github.dropout4j.constraint;

import java.util.Map;

/**
 * Extension point for {@link PerUnitMaxNorm}: a layer <em>configuration</em>
 * ({@code org.deeplearning4j.nn.conf.layers.Layer} subclass) implements this to say which dimensions of each of its
 * weight arrays form the incoming weight vector of one unit.
 *
 * <p>For a weight array {@code W} with key {@code k} (as in {@code Layer.paramTable()}), the dimensions
 * {@code incomingWeightDims().get(k)} are reduced by the L2 norm; the remaining dimensions index the units. For
 * example DL4J's dense layer would answer {@code {"W": [0]}} (weights {@code [nIn, nOut]}, one column per unit) and a
 * 2D convolution {@code {"W": [1, 2, 3]}} (weights {@code [nOut, nIn, kH, kW]}, one filter per output channel).
 * Future Dropout4j layers (locally connected, grouped convolution) implement this so the constraint never guesses.
 *
 * <p>Only the returned keys are constrained; biases must not be listed. The dims must be valid, distinct and not
 * all of the array's dims (at least one dim must index units).
 *
 * <pre>{@code
 * public class LocallyConnected extends FeedForwardLayer implements PerUnitWeights {
 *     public Map<String, int[]> incomingWeightDims() { return Map.of("W", new int[]{1}); }   // W: [positions*nOut, kH*kW*nIn]
 * }
 * }</pre>
 *
 * <p>See Appendix A.1 of Hinton et al. 2012 (arXiv 1207.0580) for the per-unit bound itself.
 */
public interface PerUnitWeights {

    /**
     * @return for each weight parameter key to constrain, the dimensions (of the array in {@code paramTable()}) that
     *         make up one unit's incoming weight vector; never null, never contains bias keys
     */
    Map<String, int[]> incomingWeightDims();
}
