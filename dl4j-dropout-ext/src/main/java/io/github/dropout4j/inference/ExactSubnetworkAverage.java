package io.github.dropout4j.inference;

import io.github.dropout4j.dropout.BernoulliDropout;
import io.github.dropout4j.dropout.DropoutPlacement;
import io.github.dropout4j.dropout.Dropouts;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The exact average over all {@code 2^N} dropout sub-networks of one layer whose input has {@code N} units,
 * each mask {@code m} weighted by its probability {@code p^|m| (1 - p)^(N - |m|)}; every other layer runs as
 * in the mean network (per-unit retain probabilities {@code p_u} are supported). This is the quantity the paper's mean network approximates (and, for a softmax layer
 * on top of one dropout layer, equals under the GEOMETRIC mean: arXiv:1207.0580, p. 2).
 *
 * <p>Input {@code x}: the network's input, {@code [minibatch, nIn]}; the chosen layer's input must be rank 2
 * with {@code N <= 20} units and a {@link BernoulliDropout}. All sub-networks run in one batch of
 * {@code 2^N * minibatch} rows.
 */
public final class ExactSubnetworkAverage {

    /** Largest number of units enumerated: 2^20 sub-networks. */
    public static final int MAX_UNITS = 20;

    private final MultiLayerNetwork net;
    private final int layer;

    private ExactSubnetworkAverage(MultiLayerNetwork net, int layer) {
        LayerwiseForward.requireLayerIndex(net, layer);
        Dropouts.require(net, layer);
        DropoutPlacement.check(net.getLayerWiseConfigurations());
        this.net = net;
        this.layer = layer;
    }

    /** Enumerates the masks of the input of layer {@code layer} of {@code net}. */
    public static ExactSubnetworkAverage of(MultiLayerNetwork net, int layer) {
        return new ExactSubnetworkAverage(net, layer);
    }

    /** The weighted mean of all sub-networks' predictions, shape {@code [minibatch, outputs]}. */
    public INDArray predict(INDArray x, SubnetworkMean mean) {
        INDArray q = subnetworkPredictions(x);
        return Subnetworks.combine(q, Nd4j.createFromArray(maskProbabilities(q.size(0))), mean);
    }

    /**
     * Every sub-network's prediction, shape {@code [2^N, minibatch, outputs]}; sub-network {@code k} keeps unit
     * {@code u} iff bit {@code u} of {@code k} is set.
     */
    public INDArray subnetworkPredictions(INDArray x) {
        INDArray a = LayerwiseForward.inputOf(net, x, layer);
        if (a.rank() != 2) {
            throw new IllegalArgumentException(
                    "layer " + layer + " input must be rank 2, got shape " + java.util.Arrays.toString(a.shape()));
        }
        long n = a.size(1);
        if (n > MAX_UNITS) {
            throw new IllegalArgumentException("layer " + layer + " has " + n + " input units; exact enumeration "
                    + "supports at most " + MAX_UNITS);
        }
        int masks = 1 << n;
        long mb = a.size(0);
        double[] p = Subnetworks.retainProbabilities(net, dropout(), (int) n);
        double[][] m = new double[masks][(int) n];
        for (int k = 0; k < masks; k++) {
            for (int u = 0; u < n; u++) {
                // inverted form: the layer's inference path restores the scale (see Subnetworks.sample)
                m[k][u] = ((k >>> u) & 1) == 1 ? 1.0 / p[u] : 0.0;
            }
        }
        INDArray maskRows = Nd4j.createFromArray(m).castTo(a.dataType()).repeat(0, mb);
        INDArray batch = Nd4j.tile(a, masks, 1).muli(maskRows);
        INDArray out = LayerwiseForward.run(net, batch, layer, false, (i, in) -> in);
        return out.reshape(masks, mb, out.size(1));
    }

    /** Probability {@code prod_u (p_u if kept else 1 - p_u)} of each of the {@code masks = 2^N} masks. */
    private double[] maskProbabilities(long masks) {
        int n = Long.numberOfTrailingZeros(masks);
        double[] p = Subnetworks.retainProbabilities(net, dropout(), n);
        double[] w = new double[(int) masks];
        for (int k = 0; k < masks; k++) {
            double prob = 1;
            for (int u = 0; u < n; u++) {
                prob *= ((k >>> u) & 1) == 1 ? p[u] : 1 - p[u];
            }
            w[k] = prob;
        }
        return w;
    }

    private BernoulliDropout dropout() {
        return Dropouts.require(net, layer);
    }
}
