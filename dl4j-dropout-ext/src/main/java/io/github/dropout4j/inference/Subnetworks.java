package io.github.dropout4j.inference;

import io.github.dropout4j.dropout.BernoulliDropout;
import io.github.dropout4j.dropout.Dropouts;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Shared pieces of sub-network sampling and averaging. */
public final class Subnetworks {

    /** Probabilities below this are clamped before taking logs, so a zero does not make the mean -infinity. */
    static final double LOG_FLOOR = 1e-30;

    private Subnetworks() {}

    static IDropout dropoutOf(MultiLayerNetwork net, int layer) {
        return net.getLayer(layer).conf().getLayer().getIDropout();
    }

    /** The test-time retain probabilities of {@code d}'s {@code units} units (a schedule at its last training step). */
    static double[] retainProbabilities(MultiLayerNetwork net, BernoulliDropout d, int units) {
        return d.testTimeRetainProbabilities(units, net.getIterationCount(), net.getEpochCount());
    }

    /**
     * One sampled dropout of a layer's input, expressed for the layer's <em>inference</em> path. A
     * {@link BernoulliDropout} layer at inference multiplies its input weights by {@code p} (test-time scaling)
     * or not (inverted); feeding it {@code x * m / p} gives exactly the training-time sub-network
     * {@code W (x * m)} resp. {@code W (x * m / p)} in both conventions, with the test-time retain probabilities.
     * Other DL4J dropouts are applied as in training (they are all of the inverted kind, with no test-time step),
     * at iteration {@code sampleIndex}.
     */
    public static INDArray sample(MultiLayerNetwork net, int layer, INDArray a, long key, int sampleIndex) {
        IDropout d = dropoutOf(net, layer);
        if (d == null) {
            return a;
        }
        INDArray out = a.ulike();
        BernoulliDropout bernoulli = Dropouts.of(net, layer).orElse(null);
        if (bernoulli != null) {
            return bernoulli.sampleSubnetworkInput(a, out, key, net.getIterationCount(), net.getEpochCount());
        }
        return d.clone().applyDropout(a, out, sampleIndex, 0, LayerWorkspaceMgr.noWorkspaces());
    }

    /** Combines predictions {@code q} of shape [S, minibatch, classes] with weights {@code w} of shape [S]. */
    static INDArray combine(INDArray q, INDArray w, SubnetworkMean mean) {
        long s = q.size(0);
        INDArray flat = q.reshape(s, q.length() / s);
        INDArray wRow = w.reshape(1, s).castTo(q.dataType());
        if (mean == SubnetworkMean.ARITHMETIC) {
            return wRow.mmul(flat).reshape(q.size(1), q.size(2));
        }
        INDArray logs = Transforms.log(Transforms.max(flat, LOG_FLOOR, true), false);
        INDArray g = Transforms.exp(wRow.mmul(logs).reshape(q.size(1), q.size(2)), false);
        return g.diviColumnVector(g.sum(true, 1));
    }

    static INDArray uniformWeights(int samples, org.nd4j.linalg.api.buffer.DataType type) {
        return Nd4j.valueArrayOf(new long[] {samples}, 1.0 / samples, type);
    }
}
