package io.github.dropout4j.dropout;

import static io.github.dropout4j.testsupport.TestSupport.oneHot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropout4j.inference.MeanNetwork;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

/**
 * A scheduled retain probability is evaluated at test time where training last used it: DL4J advances its
 * iteration and epoch counters right after each step, so the network's counters name a step no training used.
 */
class ScheduledRetainProbabilityTest {

    /** 4 -> 5 (tanh) -> 2 softmax; the hidden units' retain probability is {@code schedule}. */
    private static MultiLayerNetwork net(ScheduleType type) {
        return TestNets.oneHidden(
                4,
                5,
                2,
                null,
                BernoulliDropout.retainSchedule(new ExponentialSchedule(type, 0.9, 0.5))
                        .withSeed(3),
                Activation.SOFTMAX,
                LossFunctions.LossFunction.MCXENT,
                1,
                new Sgd(0.1));
    }

    /** By hand from the raw weights: softmax(tanh(x W0 + b0) (p W1) + b1). */
    private static INDArray meanNetworkByHand(MultiLayerNetwork net, INDArray x, double p) {
        INDArray h = Transforms.tanh(x.mmul(net.getLayer(0).getParam("W"))
                .addiRowVector(net.getLayer(0).getParam("b")));
        return Transforms.softmax(
                h.mmul(net.getLayer(1).getParam("W").mul(p))
                        .addiRowVector(net.getLayer(1).getParam("b")),
                false);
    }

    @Test
    void iterationScheduleIsReadAtTheLastTrainingIteration() throws IOException {
        MultiLayerNetwork net = net(ScheduleType.ITERATION);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 6, 4);
        for (int i = 0; i < 3; i++) { // iterations 0, 1, 2
            net.fit(x, oneHot(6, 2));
        }
        assertEquals(3, net.getIterationCount());
        double last = 0.9 * 0.5 * 0.5; // the value training used at iteration 2 (iteration 3 would be 0.1125)
        BernoulliDropout d = Dropouts.of(net, 1).orElseThrow();
        assertEquals(new BernoulliDropout.TrainingStep(2, 0), d.lastTrainingStep());
        INDArray expected = meanNetworkByHand(net, x, last);
        assertTrue(expected.equalsWithEps(net.output(x), 1e-12), "TestTimeWeightScaling");
        assertTrue(expected.equalsWithEps(MeanNetwork.export(net).output(x), 1e-12), "MeanNetwork");
        // the recorded step is saved with the model
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(net, bytes, true);
        MultiLayerNetwork back =
                ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes.toByteArray()));
        assertEquals(
                new BernoulliDropout.TrainingStep(2, 0),
                Dropouts.of(back, 1).orElseThrow().lastTrainingStep());
        assertTrue(expected.equalsWithEps(back.output(x), 1e-12), "restored");
    }

    @Test
    void epochScheduleIsReadAtTheLastTrainingEpoch() {
        MultiLayerNetwork net = net(ScheduleType.EPOCH);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 6, 4);
        net.fit(new ListDataSetIterator<>(new DataSet(x, oneHot(6, 2)).asList(), 3), 2); // epochs 0 and 1
        assertEquals(2, net.getEpochCount());
        assertEquals(1, Dropouts.of(net, 1).orElseThrow().lastTrainingStep().epoch());
        assertTrue(meanNetworkByHand(net, x, 0.45).equalsWithEps(net.output(x), 1e-12));
    }

    @Test
    void untrainedNetworkUsesTheFirstStepsValue() {
        MultiLayerNetwork net = net(ScheduleType.ITERATION);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 3, 4);
        assertTrue(meanNetworkByHand(net, x, 0.9).equalsWithEps(net.output(x), 1e-12));
    }
}
