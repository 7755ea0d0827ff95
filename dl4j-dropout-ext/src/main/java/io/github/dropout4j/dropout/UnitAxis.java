package io.github.dropout4j.dropout;

/**
 * Which dimension of a layer's input holds the units that per-unit retain probabilities index: the layer's data
 * format. For rank-2 inputs {@code [minibatch, nIn]} both are dimension 1.
 * <ul>
 *   <li>{@link #CHANNELS_FIRST}: dimension 1 — {@code [minibatch, channels, h, w]} (NCHW),
 *       {@code [minibatch, nIn, timeSteps]} (NCW), {@code [minibatch, channels, d, h, w]} (NCDHW);</li>
 *   <li>{@link #CHANNELS_LAST}: the last dimension — NHWC, NWC, NDHWC.</li>
 * </ul>
 * {@link DropoutPlacement#check} reads it from the layer's configuration.
 */
public enum UnitAxis {
    CHANNELS_FIRST,
    CHANNELS_LAST;

    /** The unit dimension of an input of rank {@code rank} (at least 2). */
    public int dimension(int rank) {
        return this == CHANNELS_FIRST || rank < 2 ? 1 : rank - 1;
    }
}
