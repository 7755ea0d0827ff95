package io.github.dropout4j.layers;

import io.github.dropout4j.dropout.InputWeightParams;
import java.util.Collection;
import java.util.Objects;
import java.util.Set;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Standout (Ba &amp; Frey, "Adaptive dropout for training deep neural networks", NIPS 2013): a dense layer whose
 * units are dropped with a probability that is a learned function of the layer's input. This realises the
 * future-work idea of arXiv:1207.0580, p. 7 ("dropout probabilities ... a learned function of the input").
 *
 * <p>For input {@code x} of shape {@code [minibatch, nIn]}; a unit is one of the {@code nOut} output columns:
 * <pre>
 *   a  = f(x W + b)                                  main units,        [minibatch, nOut]
 *   pi = sigmoid(alpha * (x W_s + b_s) + beta)       retain probability of each unit for each example
 *   training:  y = a * m,   m ~ Bernoulli(pi) elementwise (m = 1: unit kept; drop probability 1 - pi)
 *   test:      y = a * pi   (each unit scaled by its expected retain probability)
 * </pre>
 * {@link OverlayWeights#SHARED} uses {@code W_s = W, b_s = b} (Ba &amp; Frey's tied form {@code pi = f(alpha W x +
 * beta)}; they report that learned overlay weights "recapitulate" the main ones, which motivates tying);
 * {@link OverlayWeights#SEPARATE} adds parameters {@code "Ws"} [nIn, nOut] and {@code "bs"} [1, nOut] initialised
 * like {@code W} and {@code b}. Defaults: {@code alpha = 1, beta = 0}, shared. {@code alpha} and {@code beta} are
 * fixed hyper-parameters, not learned.
 *
 * <p>Gradients (the mask is a fixed sample in backprop):
 * <ul>
 *   <li>main path: {@code dL/dz = f'(z) * (dL/dy * m)}, giving {@code W}, {@code b} and the input gradient. With
 *       shared weights this is all {@code W} gets: {@code pi} only chooses which sub-network is sampled, and the
 *       sampled loss is piecewise constant in {@code pi}, so this is the exact gradient of the sampled loss
 *       (checked numerically);</li>
 *   <li>separate overlay: straight-through, replacing {@code dm/dpi} by 1, i.e. the gradient of the expected
 *       output {@code a * pi} evaluated at the sampled upstream gradient:
 *       {@code dL/dWs = x^T [dL/dy * a * alpha * pi * (1 - pi)]}, {@code dL/dbs} the column sums of the bracket.
 *       A unit whose activity lowers the loss ({@code dL/dy * a < 0}) gets a higher retain probability for
 *       inputs like this one. The exact gradient of the sampled loss is zero almost everywhere, so some
 *       surrogate is needed; this one is deterministic, cheap and matches the test-time output {@code a * pi};</li>
 *   <li>the overlay's input is a stop-gradient: the input gradient flows through the main path only, so layers
 *       below learn as under ordinary dropout.</li>
 * </ul>
 * Masks are a pure function of {@code (seed, layer index, iteration, epoch, element index)} through
 * {@link io.github.dropout4j.dropout.BernoulliMaskKernel#bernoulli} (element {@code (b, j)} kept iff its 64-bit
 * hash is below {@code pi_bj * 2^64}), so a seed reproduces training exactly.
 *
 * <p>Sources: the layer equations follow Ba &amp; Frey (2013), eq. (2) and their tied-parameter variant; their
 * abstract reports that learned overlay parameters "recapitulate the neural network parameters", which is why
 * {@code SHARED} is the default. Where we differ: {@code beta} is added once to the unit's overlay pre-activation
 * (some replications instead add it to every overlay weight, {@code x (alpha W + beta)}).
 *
 * <pre>{@code
 * .layer(new Standout.Builder().nIn(784).nOut(800).activation(Activation.RELU)
 *         .alpha(1).beta(0).overlay(Standout.OverlayWeights.SHARED).seed(42).build())
 * }</pre>
 */
public class Standout extends FeedForwardLayer implements InputWeightParams {

    private static final long serialVersionUID = 1L;

    /** Key of the separate overlay weights {@code W_s}, [nIn, nOut]. */
    public static final String OVERLAY_WEIGHT_KEY = "Ws";
    /** Key of the separate overlay bias {@code b_s}, [1, nOut]. */
    public static final String OVERLAY_BIAS_KEY = "bs";

    /** Where the overlay (the "standout network") takes its weights from. */
    public enum OverlayWeights {
        /** {@code W_s = W, b_s = b}: no extra parameters. */
        SHARED,
        /** Own parameters {@code Ws}, {@code bs}, trained by the straight-through gradient. */
        SEPARATE
    }

    private double alpha = 1.0;
    private double beta = 0.0;
    private OverlayWeights overlay = OverlayWeights.SHARED;
    private long seed;

    /** For JSON deserialisation. */
    private Standout() {}

    private Standout(Builder b) {
        super(b);
        if (!Double.isFinite(b.alpha)) {
            throw new IllegalArgumentException("Standout alpha must be finite, got " + b.alpha);
        }
        if (!Double.isFinite(b.beta)) {
            throw new IllegalArgumentException("Standout beta must be finite, got " + b.beta);
        }
        this.alpha = b.alpha;
        this.beta = b.beta;
        this.overlay = Objects.requireNonNull(b.overlay, "overlay");
        this.seed = b.seed;
        initializeConstraints(b);
    }

    /** Scale of the overlay pre-activation in {@code pi = sigmoid(alpha * s + beta)}. */
    public double getAlpha() {
        return alpha;
    }

    /** Offset in {@code pi = sigmoid(alpha * s + beta)}; positive values retain more. */
    public double getBeta() {
        return beta;
    }

    public OverlayWeights getOverlay() {
        return overlay;
    }

    /** Seed of the masks. */
    public long getSeed() {
        return seed;
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(
            NeuralNetConfiguration conf,
            Collection<TrainingListener> trainingListeners,
            int layerIndex,
            INDArray layerParamsView,
            boolean initializeParams,
            DataType networkDataType) {
        LayerValidation.assertNInNOutSet("Standout", getLayerName(), layerIndex, getNIn(), getNOut());
        return LayerInstances.wire(
                new StandoutLayer(conf, networkDataType),
                conf,
                trainingListeners,
                layerIndex,
                layerParamsView,
                initializeParams,
                initializer());
    }

    @Override
    public ParamInitializer initializer() {
        return StandoutParamInitializer.getInstance();
    }

    @Override
    public Set<String> inputWeightParams() {
        return overlay == OverlayWeights.SHARED ? Set.of("W") : Set.of("W", OVERLAY_WEIGHT_KEY);
    }

    @Override
    public int inputUnitDimension(String paramKey) {
        return 0; // W and Ws are [nIn, nOut]
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        InputType outputType = getOutputType(-1, inputType);
        long numParams = initializer().numParams(this);
        int updaterStateSize = (int) getIUpdater().stateSize(numParams);
        long perExample = 4 * outputType.arrayElementsPerExample(); // z, a, pi, mask
        return new LayerMemoryReport.Builder(layerName, Standout.class, inputType, outputType)
                .standardMemory(numParams, updaterStateSize)
                .workingMemory(0, perExample, 0, perExample + inputType.arrayElementsPerExample())
                .cacheMemory(MemoryReport.CACHE_MODE_ALL_ZEROS, MemoryReport.CACHE_MODE_ALL_ZEROS)
                .build();
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Standout) || !super.equals(o)) {
            return false;
        }
        Standout that = (Standout) o;
        return Double.compare(alpha, that.alpha) == 0
                && Double.compare(beta, that.beta) == 0
                && overlay == that.overlay
                && seed == that.seed;
    }

    @Override
    protected boolean canEqual(Object other) {
        return other instanceof Standout;
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + Objects.hash(alpha, beta, overlay, seed);
    }

    @Override
    public String toString() {
        return "Standout(nIn=" + nIn + ", nOut=" + nOut + ", activation=" + activationFn + ", alpha=" + alpha
                + ", beta=" + beta + ", overlay=" + overlay + ", seed=" + seed + ")";
    }

    /** Builder: {@code nIn}, {@code nOut}, {@code activation} as for a dense layer, plus the overlay settings. */
    public static class Builder extends FeedForwardLayer.Builder<Builder> {

        private double alpha = 1.0;
        private double beta = 0.0;
        private OverlayWeights overlay = OverlayWeights.SHARED;
        private long seed = 0x57A2D0;

        /** Scale of the overlay pre-activation (finite; default 1, Ba &amp; Frey's choice with shared weights). */
        public Builder alpha(double alpha) {
            this.alpha = alpha;
            return this;
        }

        /** Offset added before the sigmoid (finite; default 0). */
        public Builder beta(double beta) {
            this.beta = beta;
            return this;
        }

        /** Shared (default) or separate overlay weights. */
        public Builder overlay(OverlayWeights overlay) {
            this.overlay = overlay;
            return this;
        }

        /** Seed of the masks (default fixed); the layer index is mixed in, so layers may share a seed. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public Standout build() {
            return new Standout(this);
        }
    }
}
