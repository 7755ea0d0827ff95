package io.github.dropout4j.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropout4j.dropout.BernoulliDropout;
import io.github.dropout4j.dropout.TestNets;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.ops.transforms.Transforms;

/** The paper's exactness claims (arXiv:1207.0580, p. 2), checked by enumerating every sub-network. */
class PaperClaimsTest {

    private static final int HIDDEN = 12;

    /** Trains a little so the weights are not at their initial values; the claims hold for any weights. */
    private static MultiLayerNetwork trained(MultiLayerNetwork net, INDArray x, INDArray y) {
        for (int i = 0; i < 20; i++) {
            net.fit(x, y);
        }
        return net;
    }

    /**
     * Every sub-network's softmax output computed by hand from the raw (trained, unscaled) weights, independently
     * of the library: {@code softmax((tanh(x W1 + b1) * m) W2 + b2)} for each mask {@code m} of the hidden units.
     * Returns {@code [2^N, minibatch, classes]}.
     */
    private static INDArray subnetworksByHand(MultiLayerNetwork net, INDArray x, Activation out) {
        INDArray h = Transforms.tanh(x.mmul(net.getLayer(0).getParam("W"))
                .addiRowVector(net.getLayer(0).getParam("b")));
        INDArray w2 = net.getLayer(1).getParam("W");
        INDArray b2 = net.getLayer(1).getParam("b");
        int n = (int) h.size(1);
        INDArray[] q = new INDArray[1 << n];
        for (int k = 0; k < q.length; k++) {
            INDArray m = Nd4j.zeros(DataType.DOUBLE, 1, n);
            for (int u = 0; u < n; u++) {
                m.putScalar(0, u, (k >>> u) & 1);
            }
            INDArray z = h.mulRowVector(m).mmul(w2).addiRowVector(b2);
            q[k] = out == Activation.SOFTMAX ? Transforms.softmax(z, false) : z;
        }
        return Nd4j.stack(0, q);
    }

    /**
     * By hand, element by element: {@code sum_k w_k q_k} (arithmetic), or {@code exp(sum_k w_k log q_k)} renormalised
     * over each example's classes (geometric), for predictions {@code q} of shape [masks, minibatch, classes].
     */
    private static INDArray combineByHand(INDArray q, double[] w, boolean geometric) {
        int masks = (int) q.size(0);
        int rows = (int) q.size(1);
        int classes = (int) q.size(2);
        double[][] out = new double[rows][classes];
        for (int r = 0; r < rows; r++) {
            double total = 0;
            for (int c = 0; c < classes; c++) {
                double acc = 0;
                for (int k = 0; k < masks; k++) {
                    double v = q.getDouble(k, r, c);
                    acc += w[k] * (geometric ? Math.log(v) : v);
                }
                out[r][c] = geometric ? Math.exp(acc) : acc;
                total += out[r][c];
            }
            for (int c = 0; c < classes && geometric; c++) {
                out[r][c] /= total;
            }
        }
        return Nd4j.createFromArray(out);
    }

    private static double[] maskWeights(int n, double p) {
        double[] w = new double[1 << n];
        for (int k = 0; k < w.length; k++) {
            w[k] = Math.pow(p, Integer.bitCount(k)) * Math.pow(1 - p, n - Integer.bitCount(k));
        }
        return w;
    }

    @Test
    void meanNetworkEqualsGeometricMeanOfAllSubnetworks() {
        for (double p : new double[] {0.5, 0.7}) {
            Nd4j.getRandom().setSeed(1);
            INDArray x = Nd4j.randn(DataType.DOUBLE, 6, 5);
            INDArray y = Nd4j.eye(3).castTo(DataType.DOUBLE).repeat(0, 2);
            MultiLayerNetwork net = trained(
                    TestNets.softmaxNet(
                            5,
                            HIDDEN,
                            3,
                            null,
                            BernoulliDropout.retainProbability(p).withSeed(2),
                            42),
                    x,
                    y);
            INDArray mean = net.output(x);
            INDArray byHand = subnetworksByHand(net, x, Activation.SOFTMAX);
            INDArray w = Nd4j.createFromArray(maskWeights(HIDDEN, p));
            INDArray geometric = combineByHand(byHand, maskWeights(HIDDEN, p), true);
            INDArray arithmetic = combineByHand(byHand, maskWeights(HIDDEN, p), false);
            assertTrue(
                    ExactSubnetworkAverage.of(net, 1).subnetworkPredictions(x).equalsWithEps(byHand, 1e-12),
                    "ExactSubnetworkAverage enumerates the sub-networks of the trained weights");
            // 2^12 terms of magnitude <= 1 summed in double precision: rounding is ~1e-13, so 1e-6 is generous.
            assertTrue(mean.equalsWithEps(geometric, 1e-6), "p=" + p + "\n" + mean + "\nvs\n" + geometric);
            // ... and it is the geometric, not the arithmetic mean (so this test can tell the two apart).
            assertTrue(mean.sub(arithmetic).amaxNumber().doubleValue() > 1e-4, "p=" + p);
        }
    }

    @Test
    void linearOutputMeanNetworkErrorIsAtMostTheSubnetworksAverageError() {
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 10, 4);
        INDArray y = x.sum(true, 1).reshape(10, 1).mul(0.5);
        MultiLayerNetwork net = trained(
                TestNets.oneHidden(
                        4,
                        HIDDEN,
                        1,
                        null,
                        BernoulliDropout.retainProbability(0.5).withSeed(4),
                        Activation.IDENTITY,
                        LossFunctions.LossFunction.MSE,
                        7),
                x,
                y);
        INDArray mean = net.output(x);
        ExactSubnetworkAverage exact = ExactSubnetworkAverage.of(net, 1);
        // For a linear output the mean network is exactly the (probability-weighted) average prediction ...
        assertTrue(mean.equalsWithEps(exact.predict(x, SubnetworkMean.ARITHMETIC), 1e-9));
        // ... so by Jensen its squared error is <= the average squared error of the 2^12 sub-networks.
        INDArray q = subnetworksByHand(net, x, Activation.IDENTITY); // [4096, 10, 1], masks equally likely
        assertTrue(exact.subnetworkPredictions(x).equalsWithEps(q, 1e-12));
        double avgSubnetError = q.sub(y.reshape(1, 10, 1).broadcast(q.shape()))
                .muli(q.sub(y.reshape(1, 10, 1).broadcast(q.shape())))
                .meanNumber()
                .doubleValue();
        double meanNetError = mean.sub(y).muli(mean.sub(y)).meanNumber().doubleValue();
        assertTrue(meanNetError <= avgSubnetError, meanNetError + " > " + avgSubnetError);
        assertTrue(avgSubnetError - meanNetError > 1e-6, "the gap is the sub-networks' variance, > 0 here");
    }

    @Test
    void invertedAndWeightScaledNetworksAgreeWhenWeightsDifferByP() {
        double p = 0.6;
        Nd4j.getRandom().setSeed(5);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 7, 5);
        BernoulliDropout inputScaled = BernoulliDropout.retainProbability(0.8).withSeed(1);
        BernoulliDropout hiddenScaled = BernoulliDropout.retainProbability(p).withSeed(2);
        MultiLayerNetwork scaled = TestNets.softmaxNet(5, 9, 3, inputScaled, hiddenScaled, 1);
        MultiLayerNetwork inverted = TestNets.softmaxNet(5, 9, 3, inputScaled.inverted(), hiddenScaled.inverted(), 1);
        inverted.setParams(scaled.params().dup());
        inverted.getLayer(0).getParam("W").muli(0.8);
        inverted.getLayer(1).getParam("W").muli(p);
        assertTrue(scaled.output(x).equalsWithEps(inverted.output(x), 1e-12), "test time");
        // With equal seeds the training-time sub-networks are the same too: W (x m) = (p W)(x m / p).
        assertTrue(scaled.output(x, true).equalsWithEps(inverted.output(x, true), 1e-12), "training time");
        assertTrue(
                scaled.output(x, true).sub(scaled.output(x)).amaxNumber().doubleValue() > 1e-3,
                "training-time outputs must differ from the mean network for this test to mean anything");
    }

    @Test
    void monteCarloAverageConvergesToTheExactAverage() {
        Nd4j.getRandom().setSeed(6);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 4, 5);
        MultiLayerNetwork net = TestNets.softmaxNet(
                5, 10, 3, null, BernoulliDropout.retainProbability(0.5).withSeed(3), 8);
        INDArray exact = ExactSubnetworkAverage.of(net, 1).predict(x, SubnetworkMean.ARITHMETIC);
        MonteCarloDropout mc = MonteCarloDropout.of(net).samples(4000).seed(1);
        INDArray q = mc.sampledPredictions(x);
        INDArray estimate = q.mean(0);
        // Each estimate is a mean of 4000 i.i.d. samples: within 4.5 standard errors (per-cell sd estimated
        // from the samples) except with probability < 1e-5 per cell.
        INDArray sd = q.std(true, 0).reshape(exact.shape());
        INDArray z = estimate.sub(exact).divi(sd.div(Math.sqrt(4000)).addi(1e-12));
        assertTrue(z.amaxNumber().doubleValue() < 4.5, "z-scores " + z);
        assertEquals(estimate, mc.predict(x, SubnetworkMean.ARITHMETIC));
        assertEquals(
                mc.predict(x, SubnetworkMean.GEOMETRIC),
                MonteCarloDropout.of(net).samples(4000).seed(1).predict(x, SubnetworkMean.GEOMETRIC),
                "same seed, same prediction");
    }
}
