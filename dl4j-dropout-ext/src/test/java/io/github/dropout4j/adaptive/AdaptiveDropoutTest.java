package io.github.dropout4j.adaptive;

import static io.github.dropout4j.testsupport.TestSupport.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropout4j.dropout.BernoulliDropout;
import io.github.dropout4j.dropout.BernoulliMaskKernel;
import io.github.dropout4j.dropout.Dropouts;
import io.github.dropout4j.dropout.TestNets;
import java.io.File;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Adaptive per-unit dropout (arXiv:1207.0580, p. 7). */
class AdaptiveDropoutTest {

    static final int INFORMATIVE = 8;
    static final int NOISE = 8;

    /**
     * {@code n} examples of 16 inputs ~ N(0, 1): the label (2 classes) is a logistic draw from the first 8 inputs
     * only, {@code P(y = 1) = sigmoid(3 w.x_{0..7})}; the last 8 inputs are pure noise.
     */
    static DataSet informativeAndNoiseInputs(int n, long seed) {
        Random rnd = new Random(seed);
        double[] w = {1, -1, 0.8, -0.8, 0.6, -0.6, 0.5, -0.5};
        double[][] x = new double[n][INFORMATIVE + NOISE];
        double[][] y = new double[n][2];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < INFORMATIVE + NOISE; j++) {
                x[i][j] = rnd.nextGaussian();
                if (j < INFORMATIVE) {
                    s += w[j] * x[i][j];
                }
            }
            int label = rnd.nextDouble() < 1 / (1 + Math.exp(-3 * s)) ? 1 : 0;
            y[i][label] = 1;
        }
        return new DataSet(Nd4j.createFromArray(x), Nd4j.createFromArray(y));
    }

    private static double[] uniform(int n, double p) {
        double[] a = new double[n];
        Arrays.fill(a, p);
        return a;
    }

    /** 16 -> 32 (tanh) -> 2 softmax; per-unit input dropout at 0.6, hidden dropout 0.8. */
    private static MultiLayerNetwork synthNet() {
        return TestNets.oneHidden(
                16,
                32,
                2,
                BernoulliDropout.perUnitRetainProbabilities(uniform(16, 0.6)).withSeed(1),
                BernoulliDropout.retainProbability(0.8).withSeed(2),
                Activation.SOFTMAX,
                LossFunctions.LossFunction.MCXENT,
                3,
                new Nesterovs(0.05, 0.9));
    }

    private static double mean(double[] a, int from, int to) {
        return Arrays.stream(a, from, to).average().orElseThrow();
    }

    @Test
    void noiseInputsLoseRetainProbabilityAndInformativeInputsGainIt() {
        // A small training set (60 cases), so the network also fits the noise inputs; a held-out validation batch.
        DataSet train = informativeAndNoiseInputs(60, 11);
        DataSet validation = informativeAndNoiseInputs(500, 12);
        MultiLayerNetwork net = synthNet();
        AdaptiveDropout adaptive = AdaptiveDropout.builder(validation.getFeatures(), validation.getLabels())
                .layers(0)
                .passes(16)
                .stepSize(0.05)
                .retainBounds(0.2, 0.95)
                .seed(5)
                .build();
        net.fit(
                new ListDataSetIterator<>(train.asList(), 20),
                60); // train first: effects of an untrained net are noise
        net.addListeners(adaptive);
        net.fit(new ListDataSetIterator<>(train.asList(), 20), 8); // 8 more epochs -> 8 adaptations
        double[] p = Dropouts.of(net, 0).orElseThrow().retainProbabilities();
        double informative = mean(p, 0, INFORMATIVE);
        double noise = mean(p, INFORMATIVE, INFORMATIVE + NOISE);
        // From 0.6, 8 steps of at most 0.05: informative inputs can reach 0.95 (capped), noise 0.2. Criterion:
        // informative mean up by >= 0.2, noise mean down by >= 0.05, and the two >= 0.3 apart. (Observed with these
        // seeds: 0.92 and 0.44.) A noise unit's effect is harmful only once the net has fitted the noise of the
        // 60 training cases; units with no effect at all would just random-walk.
        String msg = "retain probabilities " + Arrays.toString(p);
        System.out.printf(
                java.util.Locale.ROOT,
                "adaptive dropout: informative mean %.2f, noise mean %.2f%n",
                informative,
                noise);
        assertTrue(informative >= 0.8, msg);
        assertTrue(noise <= 0.55, msg);
        assertTrue(informative >= noise + 0.3, msg);
        assertEquals(8, adaptive.lastEffects().get(0).units() / 2);
    }

    @Test
    void allAtOnceEstimatorAgreesWithNaivePerUnitEstimator() {
        // A small trained network with 6 input units and 5 hidden units, both dropped out.
        DataSet data = informativeAndNoiseInputs(300, 21);
        INDArray x = data.getFeatures()
                .get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(5, 11))
                .dup(); // 3 informative + 3 noise inputs
        double[] pIn = {0.9, 0.5, 0.7, 0.6, 0.8, 0.5};
        double[] pHidden = {0.5, 0.6, 0.7, 0.8, 0.9};
        MultiLayerNetwork net = TestNets.oneHidden(
                6,
                5,
                2,
                BernoulliDropout.perUnitRetainProbabilities(pIn).withSeed(1),
                BernoulliDropout.perUnitRetainProbabilities(pHidden).withSeed(2),
                Activation.SOFTMAX,
                LossFunctions.LossFunction.MCXENT,
                7,
                new Nesterovs(0.1, 0.9));
        for (int i = 0; i < 30; i++) {
            net.fit(x, data.getLabels());
        }
        INDArray y = data.getLabels();
        Map<Integer, UnitEffects> fast =
                AdaptiveDropout.builder(x, y).passes(64).seed(3).build().estimate(net);

        Map<Integer, double[]> retain = Map.of(0, pIn, 1, pHidden);
        int significant = 0;
        for (int layer = 0; layer < 2; layer++) {
            UnitEffects e = fast.get(layer);
            double[] p = retain.get(layer);
            for (int u = 0; u < p.length; u++) {
                double[] naive = naiveEffect(net, x, y, retain, layer, u, 32, 1000L * layer + u);
                double tolerance = 4 * Math.hypot(e.standardError()[u], naive[1]); // 4 sigma over 11 units
                assertTrue(
                        Math.abs(e.effect()[u] - naive[0]) <= tolerance,
                        "layer " + layer + " unit " + u
                                + ": all-at-once " + e.effect()[u] + " +- " + e.standardError()[u] + ", naive "
                                + naive[0]
                                + " +- " + naive[1]);
                if (Math.abs(naive[0]) > 4 * naive[1]) {
                    significant++;
                }
            }
        }
        // the comparison must have teeth: several units have effects far from zero
        assertTrue(significant >= 3, "only " + significant + " units with a clear effect");
    }

    /**
     * The naive estimator: {@code passes} passes with every unit sampled, run twice with unit {@code u} of
     * {@code layer} forced off and on; the paired mean difference of the per-example losses and its standard
     * error {@code sd / sqrt(passes * B)}. Costs 2 passes per unit and repetition.
     */
    private static double[] naiveEffect(
            MultiLayerNetwork net,
            INDArray x,
            INDArray y,
            Map<Integer, double[]> retain,
            int layer,
            int unit,
            int passes,
            long seed) {
        int b = (int) x.size(0);
        double sum = 0;
        double sumSq = 0;
        for (int s = 0; s < passes; s++) {
            Map<Integer, INDArray> off = new HashMap<>();
            Map<Integer, INDArray> on = new HashMap<>();
            for (Map.Entry<Integer, double[]> e : retain.entrySet()) {
                double[] p = e.getValue();
                long[] t = Arrays.stream(p)
                        .mapToLong(BernoulliMaskKernel::threshold)
                        .toArray();
                double[] inv = Arrays.stream(p).map(v -> 1 / v).toArray();
                INDArray m = BernoulliMaskKernel.applyPerUnit(
                        Nd4j.ones(DataType.DOUBLE, b, p.length),
                        Nd4j.zeros(DataType.DOUBLE, b, p.length),
                        BernoulliMaskKernel.key(seed, e.getKey(), s),
                        t,
                        inv);
                INDArray mOff = m.dup();
                INDArray mOn = m.dup();
                if (e.getKey() == layer) {
                    mOff.getColumn(unit).assign(0);
                    mOn.getColumn(unit).assign(inv[unit]);
                }
                off.put(e.getKey(), mOff);
                on.put(e.getKey(), mOn);
            }
            INDArray d = MaskedForward.losses(net, x, y, off, 0, (l, a) -> {})
                    .sub(MaskedForward.losses(net, x, y, on, 0, (l, a) -> {}));
            sum += d.sumNumber().doubleValue();
            sumSq += d.mul(d).sumNumber().doubleValue();
        }
        long n = (long) passes * b;
        double mean = sum / n;
        double var = (sumSq - n * mean * mean) / (n - 1);
        return new double[] {mean, Math.sqrt(var / n)};
    }

    @Test
    void sameSeedGivesIdenticalAdaptedProbabilities() {
        DataSet v = informativeAndNoiseInputs(100, 31);
        Supplier<double[]> run = () -> {
            MultiLayerNetwork net = synthNet();
            AdaptiveDropout a = AdaptiveDropout.builder(v.getFeatures(), v.getLabels())
                    .passes(4)
                    .seed(9)
                    .build();
            a.adapt(net);
            a.adapt(net);
            return Dropouts.of(net, 0).orElseThrow().retainProbabilities();
        };
        double[] first = run.get();
        assertArrayEquals(first, run.get(), 0.0);
        assertFalse(Arrays.equals(first, uniform(16, 0.6)), "adaptation must move the probabilities");
        MultiLayerNetwork other = synthNet();
        AdaptiveDropout.builder(v.getFeatures(), v.getLabels())
                .passes(4)
                .seed(10)
                .build()
                .adapt(other);
        assertFalse(Arrays.equals(first, Dropouts.of(other, 0).orElseThrow().retainProbabilities()));
    }

    @Test
    void listenerAdaptsEveryKEpochsAndAllBernoulliLayersByDefault() {
        DataSet train = informativeAndNoiseInputs(60, 41);
        MultiLayerNetwork net = synthNet();
        AdaptiveDropout a = AdaptiveDropout.builder(train.getFeatures(), train.getLabels())
                .everyEpochs(2)
                .passes(2)
                .build();
        net.addListeners(a);
        net.fit(new ListDataSetIterator<>(train.asList(), 30));
        assertTrue(a.lastEffects().isEmpty(), "no adaptation after epoch 1 of every 2");
        net.fit(new ListDataSetIterator<>(train.asList(), 30));
        assertEquals(
                java.util.List.of(0, 1), java.util.List.copyOf(a.lastEffects().keySet()));
        BernoulliDropout hidden = Dropouts.of(net, 1).orElseThrow();
        assertTrue(hidden.isPerUnit(), "a uniform BernoulliDropout becomes per-unit");
        assertEquals(32, hidden.retainProbabilities().length);
        assertEquals(2, hidden.seed(), "the layer's own mask seed is kept");
    }

    /**
     * Inputs that are 0 on every validation example (MNIST's border pixels) cannot be assessed: masking them changes
     * nothing, so their z-score would be noise. They are left exactly where they are.
     */
    @Test
    void inputsThatAreZeroOnEveryValidationExampleAreLeftAlone() {
        DataSet train = informativeAndNoiseInputs(60, 61);
        DataSet v = informativeAndNoiseInputs(300, 62);
        int[] dead = {3, 9, 14};
        for (int u : dead) {
            v.getFeatures().getColumn(u).assign(0);
        }
        MultiLayerNetwork net = synthNet();
        net.fit(new ListDataSetIterator<>(train.asList(), 20), 20);
        AdaptiveDropout a = AdaptiveDropout.builder(v.getFeatures(), v.getLabels())
                .layers(0)
                .passes(8)
                .stepSize(0.2)
                .seed(4)
                .build();
        for (int round = 0; round < 4; round++) {
            UnitEffects e = a.adapt(net).get(0);
            for (int u : dead) {
                assertTrue(Double.isNaN(e.zScore(u)), "round " + round + " unit " + u + ": z " + e.zScore(u));
            }
        }
        double[] p = Dropouts.of(net, 0).orElseThrow().retainProbabilities();
        for (int u : dead) {
            assertEquals(0.6, p[u], 0.0, "unit " + u);
        }
        assertFalse(Arrays.stream(p).allMatch(x -> x == 0.6), "the other units moved");
    }

    /** The step rule of the Javadoc, exactly: nothing within one standard error, then stepSize * tanh(|z| - 1). */
    @Test
    void effectsWithinOneStandardErrorDoNotMove() {
        AdaptiveDropout a = AdaptiveDropout.builder(Nd4j.zeros(2, 3), Nd4j.zeros(2, 2))
                .stepSize(0.1)
                .build();
        for (double z : new double[] {0, 0.3, -0.7, 1.0, -1.0}) {
            assertEquals(0.0, a.step(z), 0.0, "z = " + z);
        }
        assertEquals(0.1 * Math.tanh(1.0), a.step(2.0), 1e-15);
        assertEquals(-0.1 * Math.tanh(2.0), a.step(-3.0), 1e-15);
        assertEquals(0.1, a.step(40), 1e-15);
    }

    @Test
    void modelSerializerRoundTripKeepsAdaptedProbabilities(@TempDir File dir) throws IOException {
        DataSet v = informativeAndNoiseInputs(100, 51);
        MultiLayerNetwork net = synthNet();
        AdaptiveDropout.builder(v.getFeatures(), v.getLabels())
                .passes(4)
                .build()
                .adapt(net);
        double[] p = Dropouts.of(net, 0).orElseThrow().retainProbabilities();
        File file = new File(dir, "adapted.zip");
        ModelSerializer.writeModel(net, file, true);
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(file, true);
        assertArrayEquals(p, Dropouts.of(restored, 0).orElseThrow().retainProbabilities(), 0.0);
        assertEquals(net.getLayerWiseConfigurations(), restored.getLayerWiseConfigurations());
        assertEquals(net.output(v.getFeatures()), restored.output(v.getFeatures()), "same mean network");
    }

    @Test
    void badConfigurationIsRejectedNamingTheParameterAndValue() {
        INDArray x = Nd4j.zeros(4, 3);
        INDArray y = Nd4j.zeros(4, 2);
        assertMessage(
                "passes must be >= 1, got 0",
                () -> AdaptiveDropout.builder(x, y).passes(0).build());
        assertMessage(
                "everyEpochs must be >= 1, got 0",
                () -> AdaptiveDropout.builder(x, y).everyEpochs(0).build());
        assertMessage(
                "stepSize must be in (0, 1], got NaN",
                () -> AdaptiveDropout.builder(x, y).stepSize(Double.NaN).build());
        assertMessage(
                "stepSize must be in (0, 1], got 0.0",
                () -> AdaptiveDropout.builder(x, y).stepSize(0).build());
        assertMessage(
                "stepSize must be in (0, 1], got -0.1",
                () -> AdaptiveDropout.builder(x, y).stepSize(-0.1).build());
        assertMessage(
                "minRetainProbability must be in (0, 1], got 0.0",
                () -> AdaptiveDropout.builder(x, y).retainBounds(0, 0.5).build());
        assertMessage(
                "maxRetainProbability must be in (0, 1], got 1.5",
                () -> AdaptiveDropout.builder(x, y).retainBounds(0.5, 1.5).build());
        assertMessage(
                "minRetainProbability (0.9) must not exceed maxRetainProbability (0.5)",
                () -> AdaptiveDropout.builder(x, y).retainBounds(0.9, 0.5).build());
        assertMessage(
                "same number",
                () -> AdaptiveDropout.builder(x, Nd4j.zeros(3, 2)).build());
        MultiLayerNetwork net = TestNets.softmaxNet(3, 4, 2, null, BernoulliDropout.retainProbability(0.5), 1);
        assertMessage(
                "layers: layer 0 has dropout null",
                () -> AdaptiveDropout.builder(x, y).layers(0).build().adapt(net));
        assertMessage(
                "layers: index 5 but the network has 2 layers",
                () -> AdaptiveDropout.builder(x, y).layers(5).build().adapt(net));
    }
}
