package io.github.dropout4j.constraint;

import java.util.Collections;
import java.util.Map;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.Convolution1D;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.Convolution2D;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GravesLSTM;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;

/**
 * Which dimensions of a layer's weight arrays form the incoming weight vector of one unit ("unit axes").
 *
 * <table>
 *   <caption>Built-in layer types (weights key {@code "W"} only; biases never)</caption>
 *   <tr><th>layer configuration</th><th>weight shape</th><th>a unit is</th><th>norm over dims</th></tr>
 *   <tr><td>{@code DenseLayer}, {@code OutputLayer}, {@code RnnOutputLayer}, {@code CenterLossOutputLayer}</td>
 *       <td>{@code [nIn, nOut]}</td><td>one column</td><td>{@code 0}</td></tr>
 *   <tr><td>{@code ConvolutionLayer}, {@code Convolution2D}</td><td>{@code [nOut, nIn, kH, kW]}</td>
 *       <td>one filter (output channel)</td><td>{@code 1, 2, 3}</td></tr>
 *   <tr><td>{@code Convolution1DLayer}, {@code Convolution1D}</td><td>{@code [nOut, nIn, k]}</td>
 *       <td>one filter</td><td>{@code 1, 2}</td></tr>
 *   <tr><td>{@code LSTM}, {@code GravesLSTM} (input weights only; recurrent {@code "RW"} is left alone)</td>
 *       <td>{@code [nIn, 4 * nOut]}</td><td>one gate input of one cell (a column)</td><td>{@code 0}</td></tr>
 *   <tr><td>any layer implementing {@link PerUnitWeights}</td><td>its own</td><td>its own</td><td>its own</td></tr>
 * </table>
 *
 * Everything else (deconvolution, depthwise/separable/3D convolution, embeddings, batch norm, layers without
 * weights) is rejected with an {@link IllegalArgumentException} naming the layer and its type: a constraint that
 * silently does nothing is worse than an error. Convolution subclasses are matched by exact class because
 * {@code Deconvolution2D} and friends extend {@code ConvolutionLayer} with a different weight layout.
 *
 * <pre>{@code
 * Map<String, int[]> axes = UnitAxes.of(new DenseLayer.Builder().nIn(784).nOut(800).build());
 * int[] dims = axes.get("W");   // {0}: one column of [784, 800] per hidden unit
 * }</pre>
 */
public final class UnitAxes {

    private static final Map<String, int[]> COLUMNS = Collections.singletonMap("W", new int[] {0});
    private static final Map<String, int[]> FILTERS_2D = Collections.singletonMap("W", new int[] {1, 2, 3});
    private static final Map<String, int[]> FILTERS_1D = Collections.singletonMap("W", new int[] {1, 2});

    private UnitAxes() {}

    /**
     * @param conf a layer configuration
     * @return weight key to the dims forming one unit (callers must not modify the arrays)
     * @throws IllegalArgumentException if the layer type is not supported (message names layer and type)
     */
    public static Map<String, int[]> of(Layer conf) {
        if (conf instanceof PerUnitWeights) {
            Map<String, int[]> m = ((PerUnitWeights) conf).incomingWeightDims();
            if (m == null || m.isEmpty()) {
                throw unsupported(conf, "its PerUnitWeights.incomingWeightDims() is empty");
            }
            return m;
        }
        Class<?> c = conf.getClass();
        if (c == DenseLayer.class || conf instanceof BaseOutputLayer) {
            return COLUMNS;
        }
        if (c == ConvolutionLayer.class || c == Convolution2D.class) {
            return FILTERS_2D;
        }
        if (c == Convolution1DLayer.class || c == Convolution1D.class) {
            return FILTERS_1D;
        }
        if (c == LSTM.class || c == GravesLSTM.class) {
            return COLUMNS;
        }
        boolean hasWeights = !conf.initializer().weightKeys(conf).isEmpty();
        throw unsupported(
                conf,
                hasWeights
                        ? "its per-unit axes are unknown; implement io.github.dropout4j.constraint.PerUnitWeights on it"
                        : "it has no weights");
    }

    static IllegalArgumentException unsupported(Layer conf, String why) {
        return new IllegalArgumentException("PerUnitMaxNorm cannot constrain layer '" + conf.getLayerName()
                + "' of type " + conf.getClass().getSimpleName() + ": " + why);
    }
}
