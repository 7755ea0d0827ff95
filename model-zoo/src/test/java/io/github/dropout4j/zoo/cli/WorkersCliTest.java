package io.github.dropout4j.zoo.cli;

import static io.github.dropout4j.zoo.testsupport.CliRuns.assertOneLineError;
import static io.github.dropout4j.zoo.testsupport.CliRuns.concat;
import static io.github.dropout4j.zoo.testsupport.CliRuns.imageNetSynthetic;
import static io.github.dropout4j.zoo.testsupport.CliRuns.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropout4j.zoo.testsupport.Bits;
import io.github.dropout4j.zoo.testsupport.CliRuns.Run;
import io.github.dropout4j.zoo.training.EpochRecord;
import io.github.dropout4j.zoo.training.ModelZip;
import io.github.dropout4j.zoo.training.RunManifest;
import java.io.IOException;
import java.nio.file.Path;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/** {@code train --workers N}: data-parallel training through ParallelWrapper on tiny data (seconds each). */
class WorkersCliTest {
    private static final String[] MNIST = {"--limit", "300", "--seed", "7", "--quiet"};

    private static MultiLayerNetwork mlp(Path dir, String zip) throws IOException {
        return (MultiLayerNetwork) ModelZip.readModel(dir.resolve(zip));
    }

    @Test
    void oneWorkerIsThePlainFitBitForBit(@TempDir Path dir) throws IOException {
        Path plain = dir.resolve("plain");
        Path one = dir.resolve("one");
        assertEquals(
                0,
                run(concat(
                                new String[] {"train", "mnist-800x2-dropout", "--epochs", "1", "--out", plain.toString()
                                },
                                MNIST))
                        .exitCode());
        Run r = run(concat(
                new String[] {"train", "mnist-800x2-dropout", "--epochs", "1", "--workers", "1", "--out", one.toString()
                },
                MNIST));
        assertEquals(0, r.exitCode(), r.err());
        MultiLayerNetwork a = mlp(plain, "model.zip");
        MultiLayerNetwork b = mlp(one, "model.zip");
        Bits.assertSameBits(a.params(), b.params(), "parameters");
        Bits.assertSameBits(a.getUpdater().getStateViewArray(), b.getUpdater().getStateViewArray(), "momentum state");
        assertEquals(a.getIterationCount(), b.getIterationCount());
        RunManifest m = ModelZip.readManifest(one.resolve("model.zip")).orElseThrow();
        assertEquals(
                ModelZip.readManifest(plain.resolve("model.zip")).orElseThrow().settings(), m.settings());
        assertFalse(m.settings().containsKey(RunManifest.WORKERS), "one worker is recorded by the key's absence");
    }

    /**
     * Without dropout and max-norm, 2 workers on halves of each minibatch averaged after every step are SGD on the
     * whole minibatch (the loss is a mean over examples, damped momentum is linear in the gradient): the parameters
     * equal the plain fit's up to float rounding. Tolerance: 1e-5 absolute on weights of order 0.01-0.1 after 6
     * steps, far below one step's change (learning rate x gradient, ~1e-3).
     */
    @Test
    void twoWorkersOnHalfBatchesTrainLikeOneProcess(@TempDir Path dir) throws IOException {
        Path plain = dir.resolve("plain");
        Path two = dir.resolve("two");
        assertEquals(
                0,
                run(concat(new String[] {"train", "mnist-800x2", "--epochs", "2", "--out", plain.toString()}, MNIST))
                        .exitCode());
        Run r = run(concat(
                new String[] {"train", "mnist-800x2", "--epochs", "2", "--workers", "2", "--out", two.toString()},
                "--limit",
                "300",
                "--seed",
                "7"));
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("batch 100 = 2 workers x 50"), r.out());
        MultiLayerNetwork a = mlp(plain, "model.zip");
        MultiLayerNetwork b = mlp(two, "model.zip");
        assertEquals(2, b.getEpochCount());
        assertEquals(a.getIterationCount(), b.getIterationCount(), "one iteration per averaged step");
        INDArray diff = a.params().sub(b.params());
        double largest = diff.amaxNumber().doubleValue();
        double scale = a.params().amaxNumber().doubleValue();
        assertTrue(largest < 1e-5, "largest parameter difference " + largest + " (parameters up to " + scale + ")");
        RunManifest m = ModelZip.readManifest(two.resolve("model.zip")).orElseThrow();
        assertEquals("2", m.settings().get(RunManifest.WORKERS));
        RunManifest p = ModelZip.readManifest(plain.resolve("model.zip")).orElseThrow();
        for (int e = 0; e < 2; e++) {
            EpochRecord x = p.history().get(e);
            EpochRecord y = m.history().get(e);
            assertEquals(x.examplesSeen(), y.examplesSeen());
            assertEquals(x.trainLoss(), y.trainLoss(), 1e-5, "mean of the workers' losses after each averaging");
            assertEquals(x.testErrors(), y.testErrors(), 2, "the same network up to rounding");
        }
    }

    /** With dropout: a run resumed on the same workers equals an unbroken one; other workers are refused. */
    @Test
    void twoWorkerRunResumesBitForBitAndRefusesOtherWorkers(@TempDir Path dir) throws IOException {
        String[] common = concat(new String[] {"train", "mnist-800x2-dropout", "--workers", "2"}, MNIST);
        Path straight = dir.resolve("straight");
        Path resumed = dir.resolve("resumed");
        assertEquals(
                0,
                run(concat(common, "--epochs", "2", "--out", straight.toString()))
                        .exitCode());
        assertEquals(
                0,
                run(concat(common, "--epochs", "1", "--out", resumed.toString()))
                        .exitCode());
        Run second = run(concat(common, "--epochs", "2", "--resume", "--out", resumed.toString()));
        assertEquals(0, second.exitCode(), second.err());
        MultiLayerNetwork a = mlp(straight, "model.zip");
        MultiLayerNetwork b = mlp(resumed, "model.zip");
        Bits.assertSameBits(a.params(), b.params(), "parameters after resume");
        Bits.assertSameBits(a.getUpdater().getStateViewArray(), b.getUpdater().getStateViewArray(), "momentum state");

        assertOneLineError(
                run(concat(
                        new String[] {
                            "train", "mnist-800x2-dropout", "--epochs", "3", "--resume", "--out", resumed.toString()
                        },
                        MNIST)),
                Dropout4jCli.USER_ERROR,
                "--workers 2 there, --workers 1 here");
        assertOneLineError(
                run(concat(
                        new String[] {"train", "mnist-800x2-dropout", "--workers", "4"},
                        concat(MNIST, "--epochs", "3", "--resume", "--out", resumed.toString()))),
                Dropout4jCli.USER_ERROR,
                "--workers 2 there, --workers 4 here");
    }

    @Test
    void badWorkerCountsGiveOneLine(@TempDir Path dir) {
        assertOneLineError(
                run("train", "mnist-800x2-dropout", "--workers", "0", "--out", dir.toString()),
                Dropout4jCli.USER_ERROR,
                "--workers must be >= 1, got 0");
        assertOneLineError(
                run("train", "mnist-800x2-dropout", "--workers", "3", "--out", dir.toString()),
                Dropout4jCli.USER_ERROR,
                "--batch 100 is not divisible by --workers 3");
        assertOneLineError(
                run("train", "cifar10", "--workers", "3", "--batch", "16", "--out", dir.toString()),
                Dropout4jCli.USER_ERROR,
                "--batch 16 is not divisible by --workers 3");
    }

    /** The convolutional nets: CIFAR-10's MultiLayerNetwork and the two-input ImageNet ComputationGraph. */
    @Test
    void convolutionalNetsTrainOnTwoWorkers(@TempDir Path dir) throws IOException {
        Path cifar = dir.resolve("cifar");
        Run c = run(
                "train",
                "cifar10",
                "--dropout",
                "--epochs",
                "1",
                "--limit",
                "32",
                "--batch",
                "16",
                "--workers",
                "2",
                "--quiet",
                "--out",
                cifar.toString());
        assertEquals(0, c.exitCode(), c.err());
        assertTrained(cifar, 32);

        Path imagenet = dir.resolve("imagenet");
        Run i = run(
                "train",
                "imagenet",
                "--data",
                imageNetSynthetic().toString(),
                "--epochs",
                "1",
                "--batch",
                "8",
                "--workers",
                "2",
                "--quiet",
                "--out",
                imagenet.toString());
        assertEquals(0, i.exitCode(), i.err());
        assertTrue(i.out().contains("batch 8 = 2 workers x 4"), i.out());
        Model g = assertTrained(imagenet, -1);
        assertTrue(g instanceof ComputationGraph, g.getClass().getName());
    }

    private static Model assertTrained(Path out, long examples) throws IOException {
        RunManifest m = ModelZip.readManifest(out.resolve("model.zip")).orElseThrow();
        assertEquals("2", m.settings().get(RunManifest.WORKERS));
        EpochRecord r = m.history().get(0);
        if (examples > 0) {
            assertEquals(examples, r.examplesSeen());
        }
        assertTrue(r.examplesSeen() > 0);
        assertTrue(r.trainLoss() > 0 && Double.isFinite(r.trainLoss()), "loss " + r.trainLoss());
        Model net = ModelZip.readModel(out.resolve("model.zip"));
        assertEquals(1, ModelZip.epochCount(net));
        return net;
    }
}
