package io.github.dropout4j.inference;

import io.github.dropout4j.dropout.DropoutPlacement;
import io.github.dropout4j.random.Seeds;
import java.util.Objects;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Monte-Carlo dropout inference: the average of the predictions of {@code K} dropout sub-networks, each drawn
 * by sampling a fresh mask on every layer that has dropout, as in training (Srivastava et al. 2014, section 7.5,
 * find that about 50 samples match the weight-scaled mean network on MNIST).
 *
 * <p>Only dropout is stochastic: every layer runs in inference mode, so batch normalisation uses its running
 * statistics (unlike calling {@code output(x, true)}, which would switch everything into training mode). Masks
 * derive from {@code (seed, sample, layer)}: the same seed gives the same prediction.
 *
 * <pre>{@code
 * INDArray probs = MonteCarloDropout.of(net).samples(50).seed(7).predict(x, SubnetworkMean.GEOMETRIC);
 * }</pre>
 * Input {@code x}: the network's input ({@code [minibatch, nIn]} for dense networks); output: the network's
 * output for the mean over sub-networks ({@code [minibatch, classes]}). Feature masks are not supported.
 */
public final class MonteCarloDropout {

    private final MultiLayerNetwork net;
    private final int samples;
    private final long seed;

    private MonteCarloDropout(MultiLayerNetwork net, int samples, long seed) {
        this.net = Objects.requireNonNull(net, "net");
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be >= 1, got " + samples);
        }
        this.samples = samples;
        this.seed = seed;
    }

    /** Monte-Carlo inference for {@code net} with 50 samples and seed 0. */
    public static MonteCarloDropout of(MultiLayerNetwork net) {
        DropoutPlacement.check(net.getLayerWiseConfigurations());
        return new MonteCarloDropout(net, 50, 0L);
    }

    /** A copy drawing {@code samples} sub-networks (>= 1). */
    public MonteCarloDropout samples(int samples) {
        return new MonteCarloDropout(net, samples, seed);
    }

    /** A copy whose masks derive from {@code seed}. */
    public MonteCarloDropout seed(long seed) {
        return new MonteCarloDropout(net, samples, seed);
    }

    public int samples() {
        return samples;
    }

    /** The predictions of each sampled sub-network, shape {@code [samples, minibatch, outputs]}. */
    public INDArray sampledPredictions(INDArray x) {
        Nd4j.getRandom().setSeed(seed); // for DL4J's own dropout classes, which draw from ND4J's RNG
        INDArray[] out = new INDArray[samples];
        for (int s = 0; s < samples; s++) {
            final int sample = s;
            out[s] = LayerwiseForward.run(
                    net,
                    x,
                    0,
                    true,
                    (layer, a) -> Subnetworks.sample(net, layer, a, Seeds.key(seed, sample, layer), sample));
        }
        return Nd4j.stack(0, out);
    }

    /** The mean of the sampled sub-networks' predictions; GEOMETRIC renormalises each row. */
    public INDArray predict(INDArray x, SubnetworkMean mean) {
        INDArray q = sampledPredictions(x);
        return Subnetworks.combine(q, Subnetworks.uniformWeights(samples, q.dataType()), mean);
    }
}
