package io.github.dropout4j.dropout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropout4j.testsupport.Bits;
import java.util.Map;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.nd4j.linalg.schedule.StepSchedule;

class BernoulliDropoutTest {

    private static final LayerWorkspaceMgr NO_WS = LayerWorkspaceMgr.noWorkspaces();

    private static INDArray apply(BernoulliDropout d, INDArray x, int iteration, int epoch) {
        return d.applyDropout(x, x.ulike(), iteration, epoch, NO_WS);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, -0.1, 1.5, Double.NaN, Double.POSITIVE_INFINITY})
    void badRetainProbabilityNamesParameterAndValue(double p) {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> BernoulliDropout.retainProbability(p));
        assertTrue(
                e.getMessage().contains("retainProbability") && e.getMessage().contains(String.valueOf(p)),
                e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(doubles = {1.0, -0.1, Double.NaN})
    void badDropProbabilityNamesParameterAndValue(double p) {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> BernoulliDropout.dropProbability(p));
        assertTrue(
                e.getMessage().contains("dropProbability") && e.getMessage().contains(String.valueOf(p)),
                e.getMessage());
    }

    @Test
    void dropProbabilityIsOneMinusRetain() {
        assertEquals(0.8, BernoulliDropout.dropProbability(0.2).retainProbability(), 1e-15);
    }

    @Test
    void scheduleOutsideRangeFailsAtConfigurationOrAtTheStepThatUsesIt() {
        assertThrows(
                IllegalArgumentException.class,
                () -> BernoulliDropout.retainSchedule(new StepSchedule(ScheduleType.EPOCH, 1.5, 0.5, 1)));
        BernoulliDropout d =
                BernoulliDropout.retainSchedule(new MapSchedule(ScheduleType.EPOCH, Map.of(0, 0.5, 3, 0.0)));
        assertEquals(0.5, d.retainProbabilityAt(10, 2));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> d.retainProbabilityAt(10, 3));
        assertTrue(e.getMessage().contains("epoch 3") && e.getMessage().contains("0.0"), e.getMessage());
    }

    @Test
    void testTimeScalingModeKeepsValuesUnchangedAndInvertedDividesByP() {
        INDArray x = Nd4j.rand(DataType.FLOAT, 64, 100).addi(0.5); // strictly positive
        BernoulliDropout scaled = BernoulliDropout.retainProbability(0.8).withSeed(3);
        INDArray y = apply(scaled, x, 0, 0);
        INDArray yInv = apply(scaled.inverted(), x, 0, 0);
        INDArray kept = y.neq(0).castTo(DataType.FLOAT);
        assertEquals(x.mul(kept), y);
        assertTrue(x.mul(kept).div(0.8).equalsWithEps(yInv, 1e-6));
    }

    @Test
    void masksDifferPerExampleAndPerIterationAndRepeatForTheSameSeed() {
        INDArray x = Nd4j.ones(DataType.FLOAT, 8, 1000);
        BernoulliDropout d = BernoulliDropout.retainProbability(0.5).withSeed(11);
        INDArray m0 = apply(d, x, 0, 0);
        assertNotEquals(m0.getRow(0), m0.getRow(1), "examples of one minibatch share a mask");
        assertNotEquals(m0, apply(d, x, 1, 0), "iterations share a mask");
        assertNotEquals(m0, apply(d, x, 0, 1), "epochs share a mask");
        assertNotEquals(m0, apply(d.withSeed(12), x, 0, 0), "seeds share a mask");
        assertEquals(m0, apply(BernoulliDropout.retainProbability(0.5).withSeed(11), x, 0, 0));
        assertEquals(m0, apply(d.clone(), x, 0, 0));
    }

    @Test
    void backpropPassesGradientOnlyThroughKeptUnits() {
        INDArray x = Nd4j.rand(DataType.DOUBLE, 16, 300).addi(0.1);
        for (BernoulliDropout d : new BernoulliDropout[] {
            BernoulliDropout.retainProbability(0.6).withSeed(5),
            BernoulliDropout.retainProbability(0.6).withSeed(5).inverted()
        }) {
            INDArray y = apply(d, x, 4, 2);
            INDArray g = Nd4j.ones(DataType.DOUBLE, 16, 300);
            INDArray gIn = d.backprop(g, g.ulike(), 4, 2);
            // dy/dx is elementwise: y / x for every element (0 where dropped, 1 or 1/p where kept)
            assertTrue(y.div(x).equalsWithEps(gIn, 1e-12), d.toString());
        }
    }

    @Test
    void configurationIsAValue() {
        BernoulliDropout a = BernoulliDropout.retainProbability(0.5).withSeed(9);
        assertEquals(a, BernoulliDropout.retainProbability(0.5).withSeed(9));
        assertEquals(
                a.hashCode(),
                BernoulliDropout.retainProbability(0.5).withSeed(9).hashCode());
        assertNotEquals(a, a.inverted());
        assertNotEquals(a, a.withSeed(10));
        assertEquals(a, a.clone());
        assertTrue(
                a.toString().contains("retainProbability=0.5") && a.toString().contains("TEST_TIME_WEIGHT_SCALING"),
                a.toString());
        assertFalse(BernoulliDropout.retainProbability(0.5).isSeeded());
    }

    /**
     * An unseeded dropout gets its seed from the network's seed and the layer's position when the configuration is
     * checked, whatever else the JVM built before; DL4J's global dropOut(...) clones one instance into every layer,
     * and each layer still gets its own seed. An unseeded instance refuses to draw a mask.
     */
    @Test
    void unseededDropoutsDeriveTheirSeedFromTheNetworkSeedAndTheLayerPosition() {
        java.util.function.Supplier<org.deeplearning4j.nn.conf.MultiLayerConfiguration> conf =
                () -> new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder()
                        .seed(42)
                        .weightNoise(new TestTimeWeightScaling())
                        .dropOut(BernoulliDropout.retainProbability(0.5))
                        .list()
                        .layer(new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder()
                                .nIn(4)
                                .nOut(4)
                                .build())
                        .layer(new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder()
                                .nIn(4)
                                .nOut(4)
                                .build())
                        .layer(new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder()
                                .nIn(4)
                                .nOut(2)
                                .build())
                        .build();
        org.deeplearning4j.nn.conf.MultiLayerConfiguration first = conf.get();
        for (int i = 0; i < 5; i++) {
            BernoulliDropout.retainProbability(0.5); // other instances built in between change nothing
        }
        org.deeplearning4j.nn.conf.MultiLayerConfiguration second = conf.get();
        DropoutPlacement.check(first);
        DropoutPlacement.check(second);
        java.util.Set<Long> seeds = new java.util.HashSet<>();
        for (int i = 0; i < 3; i++) {
            long seed = Dropouts.of(first.getConf(i).getLayer()).orElseThrow().seed();
            assertEquals(io.github.dropout4j.random.Seeds.derive(42, i), seed, "layer " + i);
            assertEquals(
                    seed,
                    Dropouts.of(second.getConf(i).getLayer()).orElseThrow().seed(),
                    "layer " + i);
            seeds.add(seed);
        }
        assertEquals(3, seeds.size(), "every layer its own seed");
        BernoulliDropout unseeded = BernoulliDropout.retainProbability(0.5);
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> unseeded.applyDropout(Nd4j.ones(2, 3), Nd4j.ones(2, 3), 0, 0, NO_WS));
        assertTrue(e.getMessage().contains("DropoutPlacement.check"), e.getMessage());
    }

    /**
     * The worker index of data-parallel training is mixed into the mask key: index 0 gives the single-process masks
     * bit for bit, other indices other masks; it is runtime state, not configuration (not serialised or cloned).
     */
    @Test
    void workerIndexGivesEachWorkerItsOwnMasksAndZeroTheSingleProcessOnes() {
        BernoulliDropout d = BernoulliDropout.retainProbability(0.5).withSeed(8);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 16, 32);
        INDArray single = apply(d, x.dup(), 3, 1);
        d.setWorkerIndex(0);
        Bits.assertSameBits(single, apply(d, x.dup(), 3, 1), "worker 0 = single process");
        d.setWorkerIndex(2);
        INDArray worker2 = apply(d, x.dup(), 3, 1);
        assertNotEquals(single, worker2);
        assertEquals(
                io.github.dropout4j.random.Seeds.key(io.github.dropout4j.random.Seeds.derive(8, 2), 3, 1),
                d.maskKey(3, 1));
        assertEquals(0, d.clone().workerIndex());
        assertEquals(d, BernoulliDropout.retainProbability(0.5).withSeed(8), "not part of the configuration");
        org.deeplearning4j.nn.multilayer.MultiLayerNetwork net = TestNets.softmaxNet(
                4,
                5,
                2,
                BernoulliDropout.retainProbability(0.8).withSeed(1),
                BernoulliDropout.retainProbability(0.5).withSeed(2),
                1);
        Dropouts.setWorkerIndex(net, 3);
        assertEquals(3, Dropouts.of(net, 0).orElseThrow().workerIndex());
        assertEquals(3, Dropouts.of(net, 1).orElseThrow().workerIndex());
        assertFalse(net.getLayerWiseConfigurations().toJson().contains("workerIndex"));
    }
}
