package io.github.dropout4j.constraint;

import io.github.dropout4j.dropout.Probabilities;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.layers.LayerConstraint;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.longer.MatchCondition;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonIgnore;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Max-norm: an upper bound on the L2 norm of the <b>incoming weight vector of each unit</b> (Hinton et al. 2012,
 * arXiv 1207.0580, section 1 and Appendix A.1). After every parameter update, each unit {@code j} whose incoming
 * weights {@code w_j} violate the bound is renormalised by division:
 * <pre>
 *   if ||w_j||_2 &gt; c :  w_j &lt;- w_j * c / ||w_j||_2      (same direction, norm exactly c)
 *   else           :  w_j unchanged
 * </pre>
 * The paper states the bound on the squared length, {@code l = 15} for MNIST, i.e. {@code c = sqrt(15) ~= 3.873}.
 * Test-time behaviour: none (the constraint only acts after training updates).
 *
 * <p><b>Which axis is a unit</b> is decided from the layer type, not by the user (see {@link UnitAxes}): dense and
 * output layers, weights {@code [nIn, nOut]}: one column, norm over dim 0; 2D convolution, weights
 * {@code [nOut, nIn, kH, kW]}: one filter, norm over dims 1, 2, 3; LSTM input weights {@code [nIn, 4*nOut]}: one
 * column; own layers: {@link PerUnitWeights}. An unsupported layer type is an {@link IllegalArgumentException} naming
 * the layer and its type at the first application.
 *
 * <p><b>Weights only, never biases</b>: whatever DL4J registers via {@code constrainWeights},
 * {@code constrainAllParameters}, only the layer's unit weight keys are touched; registering it only for biases
 * ({@code constrainBias}) is an error. Applied exactly once per parameter update per weight array, in place
 * (unlike DL4J's {@code BaseConstraint}, which applies itself twice). Register it per layer
 * ({@code DenseLayer.Builder.constrainWeights}) or network-wide with {@code NeuralNetConfiguration.Builder
 * .constrainWeights}; note that DL4J 1.0.0-M2.1's network-wide {@code constrainAllParameters} silently attaches
 * nothing (its {@code LayerValidation} loops over the wrong list).
 *
 * <p><b>Dropout scaling</b>: the bound depends on the convention. The paper scales outgoing weights by the retain
 * probability at test time; under inverted dropout (kept units divided by {@code retainProbability} while training)
 * weights relate by {@code W_inverted = retainProbability * W_scaled}, so use {@link #forInvertedDropout}.
 *
 * <p>Configuration is a value: immutable bound, validated, JSON-serialisable ({@code @class}). The parameter-key set
 * is assigned once by DL4J on its per-layer clone ({@link #setParams}). The norm buffers are transient.
 *
 * <pre>{@code
 * new NeuralNetConfiguration.Builder()
 *     .constrainWeights(PerUnitMaxNorm.maxSquaredLength(15))     // paper, MNIST: ||w_j||^2 <= 15
 *     .list().layer(new DenseLayer.Builder().nIn(784).nOut(800).build()) ...
 * }</pre>
 */
public class PerUnitMaxNorm implements LayerConstraint {

    /** Relative tolerance of {@link #fractionAtBound}: a unit is at the bound when {@code ||w_j|| >= c (1 - 1e-5)}. */
    public static final double AT_BOUND_RELATIVE_TOLERANCE = 1e-5;

    private final double maxNorm;
    private Set<String> params;

    private transient MaxNormKernel kernel;
    private transient org.deeplearning4j.nn.conf.layers.Layer resolvedFor;
    private transient Map<String, int[]> resolvedAxes;

    /**
     * @param maxNorm bound c on each unit's incoming-weight L2 norm, finite and &gt; 0
     * @param params  parameter keys DL4J registered this constraint for (may be null or empty: all unit weights)
     */
    @JsonCreator
    protected PerUnitMaxNorm(@JsonProperty("maxNorm") double maxNorm, @JsonProperty("params") Set<String> params) {
        this.maxNorm = requirePositiveFinite("maxNorm", maxNorm);
        this.params = params == null ? Collections.emptySet() : Collections.unmodifiableSet(new TreeSet<>(params));
    }

    /**
     * The paper's form: {@code ||w_j||^2 <= maxSquaredLength} (MNIST: 15).
     *
     * @param maxSquaredLength l, finite and &gt; 0
     */
    public static PerUnitMaxNorm maxSquaredLength(double maxSquaredLength) {
        return new PerUnitMaxNorm(Math.sqrt(requirePositiveFinite("maxSquaredLength", maxSquaredLength)), null);
    }

    /**
     * {@code ||w_j||_2 <= maxNorm} (Srivastava et al. 2014 use c in [2, 4]).
     *
     * @param maxNorm c, finite and &gt; 0
     */
    public static PerUnitMaxNorm maxNorm(double maxNorm) {
        return new PerUnitMaxNorm(maxNorm, null);
    }

    /**
     * Converts a bound stated for the paper's test-time weight scaling into the equivalent bound under inverted
     * dropout: {@code c_inverted = retainProbability * c_scaled}, because {@code W_inverted = retainProbability *
     * W_scaled} for the same function. Use the retain probability of the layer's <em>input</em> (the dropout applied
     * to the activations these weights multiply). Example: c = sqrt(15), input retain 0.5 gives 1.936.
     *
     * @param cScaled           bound under test-time weight scaling, finite and &gt; 0
     * @param retainProbability probability of keeping an input unit, in (0, 1]
     * @return the bound to use with inverted dropout (e.g. DL4J's {@code Dropout})
     */
    public static PerUnitMaxNorm forInvertedDropout(double cScaled, double retainProbability) {
        return maxNorm(convertToInverted(cScaled, retainProbability));
    }

    /** The number behind {@link #forInvertedDropout}: {@code retainProbability * cScaled}. */
    public static double convertToInverted(double cScaled, double retainProbability) {
        requirePositiveFinite("cScaled", cScaled);
        Probabilities.requireRetain("retainProbability", retainProbability);
        return retainProbability * cScaled;
    }

    /** @return the bound c on each unit's incoming-weight L2 norm */
    public double getMaxNorm() {
        return maxNorm;
    }

    /** @return c squared, the paper's "squared length" l */
    @JsonIgnore
    public double getMaxSquaredLength() {
        return maxNorm * maxNorm;
    }

    @Override
    public Set<String> getParams() {
        return params;
    }

    /** Called by DL4J on its per-layer clone to bind the parameter keys (see class doc: biases are never touched). */
    @Override
    public void setParams(Set<String> params) {
        this.params = params == null ? Collections.emptySet() : Collections.unmodifiableSet(new TreeSet<>(params));
    }

    @Override
    public void applyConstraint(Layer layer, int iteration, int epoch) {
        Map<String, int[]> axes = axesFor(layer);
        for (Map.Entry<String, int[]> e : axes.entrySet()) {
            if (params.isEmpty() || params.contains(e.getKey())) {
                renormalise(e.getKey(), layer.getParam(e.getKey()), e.getValue());
            }
        }
    }

    /**
     * Renormalises one weight array in place; called exactly once per weight key per update. Overridable only so
     * tests can count applications.
     */
    protected void renormalise(String paramKey, INDArray weights, int[] unitDims) {
        if (kernel == null) {
            kernel = new MaxNormKernel();
        }
        kernel.renormalise(weights, unitDims, maxNorm);
    }

    /**
     * The fraction of units at the bound, computed from the layer's <em>current</em> weights (not recorded at the
     * last application): units with {@code ||w_j|| >= c (1 - AT_BOUND_RELATIVE_TOLERANCE)} over all units of the
     * constrained weight arrays. The tolerance absorbs float32 rounding of a renormalised norm (~1e-7 relative).
     *
     * @param layer a layer whose configuration carries a {@code PerUnitMaxNorm}
     * @return fraction in [0, 1]
     * @throws IllegalArgumentException if the layer has no {@code PerUnitMaxNorm}
     */
    public static double fractionAtBound(Layer layer) {
        PerUnitMaxNorm c = find(layer);
        if (c == null) {
            throw new IllegalArgumentException(
                    "layer '" + layer.conf().getLayer().getLayerName() + "' (index " + layer.getIndex()
                            + ") has no PerUnitMaxNorm constraint");
        }
        return c.fractionAtBoundOf(layer);
    }

    /**
     * {@link #fractionAtBound(Layer)} for every layer of {@code net} that has a {@code PerUnitMaxNorm}, keyed
     * {@code "<index>:<layerName>"}, in layer order.
     */
    public static Map<String, Double> fractionsAtBound(MultiLayerNetwork net) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Layer l : net.getLayers()) {
            PerUnitMaxNorm c = find(l);
            if (c != null) {
                out.put(l.getIndex() + ":" + l.conf().getLayer().getLayerName(), c.fractionAtBoundOf(l));
            }
        }
        return out;
    }

    private double fractionAtBoundOf(Layer layer) {
        MaxNormKernel k = new MaxNormKernel();
        long units = 0;
        long atBound = 0;
        double threshold = maxNorm * (1 - AT_BOUND_RELATIVE_TOLERANCE);
        for (Map.Entry<String, int[]> e : axesFor(layer).entrySet()) {
            if (params.isEmpty() || params.contains(e.getKey())) {
                INDArray norms = k.unitNorms(layer.getParam(e.getKey()), e.getValue());
                units += norms.length();
                atBound += Nd4j.getExecutioner()
                        .exec(new MatchCondition(norms, Conditions.greaterThanOrEqual(threshold)))
                        .getInt(0);
            }
        }
        return units == 0 ? 0.0 : (double) atBound / units;
    }

    private static PerUnitMaxNorm find(Layer layer) {
        var constraints = layer.conf().getLayer().getConstraints();
        if (constraints != null) {
            for (LayerConstraint lc : constraints) {
                if (lc instanceof PerUnitMaxNorm) {
                    return (PerUnitMaxNorm) lc;
                }
            }
        }
        return null;
    }

    private Map<String, int[]> axesFor(Layer layer) {
        org.deeplearning4j.nn.conf.layers.Layer conf = layer.conf().getLayer();
        if (conf != resolvedFor) {
            Map<String, int[]> axes = UnitAxes.of(conf);
            if (!params.isEmpty() && Collections.disjoint(params, axes.keySet())) {
                throw UnitAxes.unsupported(
                        conf,
                        "the constraint is registered for " + params + " but only weights " + axes.keySet()
                                + " can be constrained (biases never)");
            }
            for (String key : axes.keySet()) {
                if (layer.getParam(key) == null) {
                    throw UnitAxes.unsupported(
                            conf,
                            "it has no parameter '" + key + "' (has "
                                    + layer.paramTable().keySet() + ")");
                }
            }
            resolvedAxes = axes;
            resolvedFor = conf;
        }
        return resolvedAxes;
    }

    private static double requirePositiveFinite(String name, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + " must be finite and > 0, got " + v);
        }
        return v;
    }

    @Override
    public PerUnitMaxNorm clone() {
        return new PerUnitMaxNorm(maxNorm, params);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (o == null || o.getClass() != getClass()) {
            return false;
        }
        PerUnitMaxNorm that = (PerUnitMaxNorm) o;
        return Double.compare(maxNorm, that.maxNorm) == 0 && params.equals(that.params);
    }

    @Override
    public int hashCode() {
        return Objects.hash(maxNorm, params);
    }

    @Override
    public String toString() {
        return "PerUnitMaxNorm(maxNorm=" + maxNorm + ", maxSquaredLength=" + getMaxSquaredLength() + ", params="
                + params + ")";
    }
}
