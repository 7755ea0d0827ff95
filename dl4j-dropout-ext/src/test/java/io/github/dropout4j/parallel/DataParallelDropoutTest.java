package io.github.dropout4j.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropout4j.constraint.PerUnitMaxNorm;
import io.github.dropout4j.dropout.BernoulliDropout;
import io.github.dropout4j.dropout.Dropouts;
import io.github.dropout4j.dropout.TestTimeWeightScaling;
import io.github.dropout4j.layers.Standout;
import io.github.dropout4j.layers.StandoutLayer;
import io.github.dropout4j.testsupport.Bits;
import io.github.dropout4j.updater.DampedMomentum;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.parallelism.ParallelWrapper;
import org.deeplearning4j.parallelism.ParallelWrapper.TrainingMode;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Dropout4j under data parallelism: distinct masks per worker, worker 0 = plain fit, bounds kept by averaging. */
class DataParallelDropoutTest {

    private static final double MAX_NORM = 0.5;

    /**
     * 20 -> 16 (Standout) -> 12 (dense, dropout on its input) -> 3 softmax, damped momentum, max-norm on the dense
     * and output units.
     */
    private static MultiLayerConfiguration conf(long seed) {
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.DOUBLE)
                .weightInit(WeightInit.XAVIER)
                .updater(new DampedMomentum(0.5, 0.9))
                .weightNoise(new TestTimeWeightScaling())
                .list()
                .layer(new Standout.Builder()
                        .nIn(20)
                        .nOut(16)
                        .activation(Activation.RELU)
                        .seed(7)
                        .build())
                .layer(new DenseLayer.Builder()
                        .nIn(16)
                        .nOut(12)
                        .activation(Activation.RELU)
                        .constrainWeights(PerUnitMaxNorm.maxNorm(MAX_NORM))
                        .dropOut(BernoulliDropout.retainProbability(0.5).withSeed(11))
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(12)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .constrainWeights(PerUnitMaxNorm.maxNorm(MAX_NORM))
                        .dropOut(BernoulliDropout.retainProbability(0.5).withSeed(13))
                        .build())
                .build();
    }

    private static MultiLayerNetwork net(long seed) {
        MultiLayerNetwork net = new MultiLayerNetwork(conf(seed));
        net.init();
        return net;
    }

    /** A replica as ParallelWrapper builds it: the JSON configuration, then the original's parameters. */
    private static MultiLayerNetwork replica(MultiLayerNetwork original) {
        MultiLayerNetwork r = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(
                original.getLayerWiseConfigurations().toJson()));
        r.init(original.params().dup(), true);
        return r;
    }

    private static List<DataSet> batches(int count, int size, long seed) {
        Nd4j.getRandom().setSeed(seed);
        List<DataSet> list = new ArrayList<>();
        for (int b = 0; b < count; b++) {
            INDArray x = Nd4j.rand(DataType.DOUBLE, size, 20);
            INDArray y = Nd4j.zeros(DataType.DOUBLE, size, 3);
            for (int i = 0; i < size; i++) {
                y.putScalar(i, (int) (x.getDouble(i, 0) * 3), 1.0);
            }
            list.add(new DataSet(x, y));
        }
        return list;
    }

    @Test
    void twoWorkersDrawDifferentMasksForTheSameStep() {
        MultiLayerNetwork original = net(1);
        MultiLayerNetwork worker0 = replica(original);
        MultiLayerNetwork worker1 = replica(original);
        Dropouts.setWorkerIndex(worker0, 0);
        Dropouts.setWorkerIndex(worker1, 1);
        assertEquals(1, ((StandoutLayer) worker1.getLayer(0)).workerIndex(), "the Standout layer's worker");
        assertEquals(1, Dropouts.require(worker1, 2).workerIndex(), "the output layer's dropout's worker");
        DataSet batch = batches(1, 32, 5).get(0);
        worker0.fit(batch);
        worker1.fit(batch);
        // same data, same parameters, same step: only the masks can make the parameters differ
        assertNotEquals(worker0.params(), worker1.params());
        INDArray ones = Nd4j.ones(DataType.DOUBLE, 64, 16);
        BernoulliDropout d0 =
                (BernoulliDropout) worker0.getLayer(1).conf().getLayer().getIDropout();
        BernoulliDropout d1 =
                (BernoulliDropout) worker1.getLayer(1).conf().getLayer().getIDropout();
        assertNotEquals(d0.maskKey(3, 0), d1.maskKey(3, 0));
        INDArray m0 = d0.applyDropout(ones.dup(), Nd4j.createUninitialized(DataType.DOUBLE, 64, 16), 3, 0, null);
        INDArray m1 = d1.applyDropout(ones.dup(), Nd4j.createUninitialized(DataType.DOUBLE, 64, 16), 3, 0, null);
        double agree = m0.eq(m1).castTo(DataType.DOUBLE).meanNumber().doubleValue();
        // independent Bernoulli(0.5) masks agree on about half of 1,024 elements (sd 1.6%): far from all
        assertTrue(agree > 0.4 && agree < 0.6, "fraction of equal mask elements " + agree);
    }

    @Test
    void workerZeroDrawsThePlainFitMasks() {
        MultiLayerNetwork plain = net(2);
        MultiLayerNetwork worker0 = replica(plain);
        Dropouts.setWorkerIndex(worker0, 0);
        for (DataSet batch : batches(3, 16, 6)) {
            plain.fit(batch);
            worker0.fit(batch);
        }
        Bits.assertSameBits(plain.params(), worker0.params(), "bit-identical parameters after three steps");
    }

    @Test
    void workerIndexIsNotSerialised() {
        MultiLayerNetwork worker1 = net(3);
        Dropouts.setWorkerIndex(worker1, 1);
        MultiLayerNetwork back = replica(worker1);
        BernoulliDropout d =
                (BernoulliDropout) back.getLayer(1).conf().getLayer().getIDropout();
        assertEquals(0, d.workerIndex());
    }

    @Test
    void rejectsANegativeWorkerIndex() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Dropouts.setWorkerIndex(net(4), -1));
        assertEquals("workerIndex must be >= 0, got -1", e.getMessage());
    }

    @Test
    void sharedGradientsModeIsRejected() throws Exception {
        try (ParallelWrapper wrapper = new ParallelWrapper.Builder<>(net(7))
                .workers(2)
                .trainingMode(TrainingMode.SHARED_GRADIENTS)
                .build()) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> DropoutTrainerContext.install(wrapper));
            assertEquals(
                    "DropoutTrainerContext supports ParallelWrapper's AVERAGING mode only; this wrapper uses "
                            + "SymmetricTrainerContext",
                    e.getMessage());
        }
    }

    @Test
    void parallelWrapperGivesEachWorkerItsMasksAndAveragingKeepsTheBound() throws Exception {
        Set<Integer> workersSeen = ConcurrentHashMap.newKeySet();
        MultiLayerNetwork net = net(6);
        try (ParallelWrapper wrapper = new ParallelWrapper.Builder<>(net)
                .workers(2)
                .prefetchBuffer(2)
                .averagingFrequency(2)
                .build()) {
            DropoutTrainerContext.install(wrapper);
            wrapper.setListeners(new BaseTrainingListener() {
                @Override
                public void iterationDone(Model model, int iteration, int epoch) {
                    MultiLayerNetwork m = (MultiLayerNetwork) model;
                    workersSeen.add(
                            ((BernoulliDropout) m.getLayer(1).conf().getLayer().getIDropout()).workerIndex());
                }
            });
            wrapper.fit(new ListDataSetIterator<>(batches(16, 16, 9), 1));
        }
        // worker 0 trains the original network itself, so it draws the masks of a plain fit
        // (workerZeroDrawsThePlainFitMasks); DL4J's ParallelWrapper refuses fewer than 2 workers.
        assertEquals(Set.of(0, 1), workersSeen, "worker indices seen by the replicas' dropouts");
        // every unit's incoming weights (a column of W [nIn, nOut]) within the bound after averaging
        for (int layer = 1; layer < 3; layer++) {
            INDArray w = net.getLayer(layer).getParam("W");
            for (int unit = 0; unit < w.columns(); unit++) {
                double sq = 0;
                for (int in = 0; in < w.rows(); in++) {
                    sq += w.getDouble(in, unit) * w.getDouble(in, unit);
                }
                assertTrue(
                        Math.sqrt(sq) <= MAX_NORM * (1 + 1e-9),
                        "layer " + layer + " unit " + unit + " norm " + Math.sqrt(sq));
            }
        }
    }

    /**
     * Without dropout or constraints, 2 workers on the two halves of each minibatch, averaged after every step, are
     * SGD on the whole minibatch (the loss is a mean over examples; damped momentum's velocity is linear in the
     * gradient and averaged too): the parameters equal a plain fit's up to double rounding. This needs every replica
     * to start from the network as {@code fit} began, not from a step worker 0 already took, and the network to keep
     * its momentum from one {@code fit} (e.g. one epoch) to the next.
     */
    @Test
    void averagingEveryStepOnHalvesIsSgdOnTheWholeMinibatch() throws Exception {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(8)
                .dataType(DataType.DOUBLE)
                .weightInit(WeightInit.XAVIER)
                .updater(new DampedMomentum(0.5, 0.9))
                .list()
                .layer(new DenseLayer.Builder()
                        .nIn(20)
                        .nOut(12)
                        .activation(Activation.TANH)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(12)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .build())
                .build();
        MultiLayerNetwork plain = new MultiLayerNetwork(conf.clone());
        plain.init();
        MultiLayerNetwork parallel = new MultiLayerNetwork(conf.clone());
        parallel.init();
        List<DataSet> batches = batches(4, 16, 10);
        List<DataSet> halves = new ArrayList<>();
        for (DataSet b : batches) {
            plain.fit(b);
            halves.addAll(b.batchBy(8));
        }
        for (int epoch = 0; epoch < 2; epoch++) { // two fits of two minibatches each
            try (ParallelWrapper wrapper = new ParallelWrapper.Builder<>(parallel)
                    .workers(2)
                    .prefetchBuffer(0)
                    .averagingFrequency(1)
                    .build()) {
                DropoutTrainerContext.install(wrapper);
                wrapper.fit(new ListDataSetIterator<>(halves.subList(4 * epoch, 4 * epoch + 4), 1));
            }
        }
        double momentum = plain.getUpdater()
                .getStateViewArray()
                .sub(parallel.getUpdater().getStateViewArray())
                .amaxNumber()
                .doubleValue();
        assertTrue(momentum < 1e-12, "largest momentum difference to the plain fit " + momentum);
        double largest = plain.params().sub(parallel.params()).amaxNumber().doubleValue();
        double moved = plain.params().sub(net0(conf).params()).amaxNumber().doubleValue();
        assertTrue(moved > 1e-3, "the steps moved the parameters by " + moved);
        assertTrue(largest < 1e-12, "largest difference to the plain fit " + largest);
        assertEquals(plain.getIterationCount(), parallel.getIterationCount(), "one iteration per averaged step");
    }

    private static MultiLayerNetwork net0(MultiLayerConfiguration conf) {
        MultiLayerNetwork n = new MultiLayerNetwork(conf.clone());
        n.init();
        return n;
    }
}
