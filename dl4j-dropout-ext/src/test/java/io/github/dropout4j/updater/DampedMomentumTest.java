package io.github.dropout4j.updater;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.ScheduleType;

/** {@link DampedMomentum}: the Appendix A.1 equations, the schedules, and DL4J round trips. */
class DampedMomentumTest {

    @Test
    void mnistSchedulesMatchThePaperAtEpochs0_250_500_1000() {
        DampedMomentum d = DampedMomentum.mnistRecipe();
        int[] epochs = {0, 250, 500, 1000};
        double[] momentum = {0.5, 0.745, 0.99, 0.99};
        for (int i = 0; i < epochs.length; i++) {
            double eps = 10.0 * Math.pow(0.998, epochs[i]); // eps_t = eps_0 f^t
            assertEquals(eps, d.getLearningRate(12345, epochs[i]), 1e-12, "eps at epoch " + epochs[i]);
            assertEquals(momentum[i], d.momentumAt(12345, epochs[i]), 1e-12, "p at epoch " + epochs[i]);
        }
        assertEquals(6.0623, d.getLearningRate(0, 250), 1e-4); // 10 * 0.998^250
        assertEquals(0.5 + 0.49 / 500, d.momentumAt(0, 1), 1e-15);
    }

    @Test
    void linearRampRejectsBadArguments() {
        assertEquals(
                "rampLength must be >= 1, got 0",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> new LinearRampSchedule(ScheduleType.EPOCH, 0.5, 0.99, 0))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LinearRampSchedule(null, 0.5, 0.99, 10));
        assertThrows(
                IllegalArgumentException.class, () -> new LinearRampSchedule(ScheduleType.EPOCH, Double.NaN, 1, 10));
        assertThrows(
                IllegalArgumentException.class,
                () -> new LinearRampSchedule(ScheduleType.EPOCH, 0, Double.POSITIVE_INFINITY, 10));
        assertEquals(
                "momentum must be in [0, 1], got 1.5",
                assertThrows(IllegalArgumentException.class, () -> new DampedMomentum(0.1, 1.5))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> new DampedMomentum(-1, 0.5));
        DampedMomentum rampsTooHigh = new DampedMomentum(
                new ExponentialSchedule(ScheduleType.EPOCH, 1, 1),
                new LinearRampSchedule(ScheduleType.EPOCH, 0.5, 2.0, 10));
        assertThrows(IllegalArgumentException.class, () -> rampsTooHigh.momentumAt(0, 10));
    }

    /** Three epochs of the MNIST recipe straight on the GradientUpdater, against the equations in doubles. */
    @Test
    void gradientUpdaterFollowsTheAppendixEquationsAndWritesTheUpdateToSubtract() {
        DampedMomentum d = DampedMomentum.mnistRecipe();
        INDArray state = Nd4j.zeros(DataType.DOUBLE, 1, 3);
        GradientUpdater<?> u = d.instantiate(state, true);
        double[][] grads = {{1.0, -2.0, 0.5}, {0.3, 0.0, -1.0}, {-4.0, 2.5, 0.25}};
        double[] v = new double[3];
        double[] w = {0.1, 0.2, 0.3};
        INDArray params = Nd4j.createFromArray(w.clone());
        for (int epoch = 0; epoch < grads.length; epoch++) {
            double p = 0.5 + (0.99 - 0.5) * epoch / 500.0;
            double eps = 10.0 * Math.pow(0.998, epoch);
            INDArray g = Nd4j.createFromArray(grads[epoch].clone());
            u.applyUpdater(g, 7 * epoch, epoch);
            params.subi(g); // what DL4J's default step function does
            for (int i = 0; i < 3; i++) {
                v[i] = p * v[i] - (1 - p) * eps * grads[epoch][i];
                w[i] += v[i];
                assertEquals(-v[i], g.getDouble(i), 1e-6, "update = -dw, epoch " + epoch);
                assertEquals(v[i], state.getDouble(0, i), 1e-6, "state V = dw lives in the view, epoch " + epoch);
                assertEquals(w[i], params.getDouble(i), 1e-6, "w_t = w_{t-1} + dw_t, epoch " + epoch);
            }
            if (epoch == 0) {
                // Sign, independent of the loop's algebra: a gradient of +1 at p = 0.5, eps = 10 moves the weight
                // from 0.1 down to 0.1 - 0.5 * 10 * 1 = -4.9; a gradient of -2 moves 0.2 up to 0.2 + 10 = 10.2.
                assertEquals(-4.9, params.getDouble(0), 1e-6);
                assertEquals(10.2, params.getDouble(1), 1e-6);
            }
        }
    }

    private static MultiLayerConfiguration net232(DampedMomentum updater) {
        return new NeuralNetConfiguration.Builder()
                .seed(11)
                .dataType(DataType.DOUBLE)
                .updater(updater)
                .list()
                .layer(new DenseLayer.Builder()
                        .nIn(2)
                        .nOut(3)
                        .activation(Activation.TANH)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX)
                        .nIn(3)
                        .nOut(2)
                        .build())
                .build();
    }

    /** Iteration-based schedules so every step uses a different p_t and eps_t. */
    private static DampedMomentum changingEveryIteration() {
        return new DampedMomentum(
                new ExponentialSchedule(ScheduleType.ITERATION, 0.5, 0.9),
                new LinearRampSchedule(ScheduleType.ITERATION, 0.5, 0.9, 4));
    }

    private static DataSet data() {
        INDArray x = Nd4j.createFromArray(new double[][] {{0.5, -1}, {1, 2}, {-1.5, 0.3}, {0.2, 0.1}});
        INDArray y = Nd4j.createFromArray(new double[][] {{1, 0}, {0, 1}, {1, 0}, {0, 1}});
        return new DataSet(x, y);
    }

    /** On a 2-3-2 network: each fit step equals the equations applied to DL4J's own minibatch-average gradient. */
    @Test
    void tinyNetworkStepsMatchHandComputation() {
        MultiLayerNetwork net = new MultiLayerNetwork(net232(changingEveryIteration()));
        net.init();
        DataSet d = data();
        INDArray v = Nd4j.zeros(DataType.DOUBLE, net.numParams());
        for (int t = 0; t < 5; t++) {
            MultiLayerNetwork probe = net.clone();
            probe.setInput(d.getFeatures());
            probe.setLabels(d.getLabels());
            probe.computeGradientAndScore();
            INDArray meanGrad =
                    probe.gradient().gradient().dup().reshape(net.numParams()).divi(4); // batch 4
            double p = 0.5 + 0.4 * Math.min(t, 4) / 4.0;
            double eps = 0.5 * Math.pow(0.9, t);
            v = v.mul(p).sub(meanGrad.mul((1 - p) * eps));
            INDArray expected = net.params().dup().reshape(net.numParams()).add(v);
            net.fit(d);
            INDArray actual = net.params().reshape(net.numParams());
            assertTrue(expected.equalsWithEps(actual, 1e-6), "step " + t + ": " + expected + " vs " + actual);
        }
    }

    @Test
    void jsonRoundTripOfAConfigurationUsingTheUpdater() {
        MultiLayerConfiguration conf = net232(DampedMomentum.mnistRecipe());
        String json = conf.toJson();
        assertTrue(
                json.contains("io.github.dropout4j.updater.DampedMomentum")
                        && json.contains("io.github.dropout4j.updater.LinearRampSchedule"),
                json);
        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(json);
        assertEquals(conf, back);
        assertEquals(
                DampedMomentum.mnistRecipe(),
                ((org.deeplearning4j.nn.conf.layers.BaseLayer) back.getConf(0).getLayer()).getIUpdater());
        assertNotEquals(DampedMomentum.mnistRecipe(), changingEveryIteration());
        assertEquals(DampedMomentum.mnistRecipe(), DampedMomentum.mnistRecipe().clone());
    }

    /** Save with updater state after 3 steps, restore, 3 more steps == 6 uninterrupted steps, bit for bit. */
    @Test
    void checkpointRestoreThenContinueEqualsUninterruptedTraining(@TempDir File dir) throws Exception {
        DataSet d = data();
        MultiLayerNetwork straight = new MultiLayerNetwork(net232(changingEveryIteration()));
        straight.init();
        for (int i = 0; i < 6; i++) {
            straight.fit(d);
        }

        MultiLayerNetwork first = new MultiLayerNetwork(net232(changingEveryIteration()));
        first.init();
        for (int i = 0; i < 3; i++) {
            first.fit(d);
        }
        File f = new File(dir, "checkpoint.zip");
        ModelSerializer.writeModel(first, f, true);
        MultiLayerNetwork resumed = ModelSerializer.restoreMultiLayerNetwork(f, true);
        INDArray velocity = resumed.getUpdater().getStateViewArray();
        assertEquals(first.getUpdater().getStateViewArray(), velocity);
        assertTrue(velocity.norm2Number().doubleValue() > 0, "velocity V was checkpointed");
        assertEquals(first.getLayerWiseConfigurations(), resumed.getLayerWiseConfigurations());
        for (int i = 0; i < 3; i++) {
            resumed.fit(d);
        }
        assertArrayEquals(straight.params().toDoubleVector(), resumed.params().toDoubleVector(), 0.0);
    }

    @Test
    void schedulesRoundTripThroughTheirOwnJson() throws Exception {
        var mapper = org.deeplearning4j.nn.conf.serde.JsonMappers.getMapper();
        ISchedule ramp = new LinearRampSchedule(ScheduleType.ITERATION, 0.1, 0.2, 3);
        assertEquals(ramp, mapper.readValue(mapper.writeValueAsString(ramp), ISchedule.class));
    }
}
