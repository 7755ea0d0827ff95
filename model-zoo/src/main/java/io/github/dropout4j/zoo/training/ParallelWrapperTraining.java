package io.github.dropout4j.zoo.training;

import io.github.dropout4j.parallel.DropoutTrainerContext;
import java.util.function.Consumer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.parallelism.ParallelWrapper;
import org.nd4j.linalg.api.blas.Blas;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.linalg.factory.Environment;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Epochs of data-parallel training on one machine with DL4J's {@code ParallelWrapper}, each worker drawing its own
 * dropout masks ({@link DropoutTrainerContext}); a {@link MultiLayerNetwork} or a {@link ComputationGraph}.
 *
 * <p>Each minibatch of the epoch's iterator goes to one worker, in turn; with {@code averagingFrequency = 1} the
 * workers' parameters and updater state are averaged after every step, which is synchronous SGD on the union of the
 * workers' minibatches: feed minibatches of {@code batch / workers} examples to train like a single process with
 * minibatches of {@code batch} ({@link TrainingRun#workers} cuts each minibatch into such slices). Worker 0 trains
 * the network itself; {@code ParallelWrapper} does not advance its epoch counter, and the other workers' replicas
 * copy the counters when they are built, so every epoch gets a fresh wrapper after the counter of the previous one
 * was advanced: epoch-based schedules (the MNIST recipes' learning rate and momentum) see the right epoch, and a
 * change to the network between epochs (a learning-rate cut) reaches every replica. Iteration counters count each
 * worker's own steps, one per averaged step.
 *
 * <p>Threads: the workers share the machine's cores with ND4J's own threads (its parallel ops and BLAS), so while an
 * epoch trains, ND4J is limited to {@link #threadsPerWorker} threads (default {@code max(1, cores / workers)}: on 2
 * cores, 1 per worker) and restored afterwards; the setting is process-wide.
 */
public final class ParallelWrapperTraining {
    private final Model net;
    private final int workers;
    private final int averagingFrequency;
    private int threadsPerWorker;

    /**
     * @param net                a MultiLayerNetwork or ComputationGraph, initialised
     * @param workers            2 or more (DL4J's minimum)
     * @param averagingFrequency steps of each worker between two averagings, >= 1
     */
    public ParallelWrapperTraining(Model net, int workers, int averagingFrequency) {
        if (workers < 2) {
            throw new IllegalArgumentException("workers must be >= 2 for ParallelWrapper, got " + workers);
        }
        if (averagingFrequency < 1) {
            throw new IllegalArgumentException("averagingFrequency must be >= 1, got " + averagingFrequency);
        }
        if (!(net instanceof MultiLayerNetwork) && !(net instanceof ComputationGraph)) {
            throw new IllegalArgumentException(
                    "unsupported model type " + net.getClass().getName());
        }
        this.net = net;
        this.workers = workers;
        this.averagingFrequency = averagingFrequency;
        this.threadsPerWorker = Math.max(1, Runtime.getRuntime().availableProcessors() / workers);
    }

    public int workers() {
        return workers;
    }

    /** ND4J threads (parallel ops and BLAS) while the workers train, >= 1; 0 keeps ND4J's settings. */
    public ParallelWrapperTraining threadsPerWorker(int threads) {
        if (threads < 0) {
            throw new IllegalArgumentException("threadsPerWorker must be >= 0, got " + threads);
        }
        this.threadsPerWorker = threads;
        return this;
    }

    /** One epoch over {@code epochData}; afterwards the network's epoch counter is advanced by one. */
    public void fitEpoch(DataSetIterator epochData) {
        epoch(wrapper -> wrapper.fit(epochData));
    }

    /**
     * One epoch over {@code epochData} (for a ComputationGraph, e.g. one with two inputs); afterwards the network's
     * epoch counter is advanced by one.
     */
    public void fitEpoch(MultiDataSetIterator epochData) {
        epoch(wrapper -> wrapper.fit(epochData));
    }

    /** A fresh wrapper (the replicas copy this epoch's counters) fits, then the epoch counter advances. */
    private void epoch(Consumer<ParallelWrapper> fit) {
        ParallelWrapper wrapper = DropoutTrainerContext.install(new ParallelWrapper.Builder<>(net)
                .workers(workers)
                .prefetchBuffer(2)
                .averagingFrequency(averagingFrequency)
                .reportScoreAfterAveraging(false)
                .build());
        Environment env = Nd4j.getEnvironment();
        Blas blas = Nd4j.factory().blas();
        int[] before = {env.maxThreads(), env.maxMasterThreads(), blas.getMaxThreads()};
        if (threadsPerWorker > 0) {
            env.setMaxThreads(threadsPerWorker);
            env.setMaxMasterThreads(threadsPerWorker);
            blas.setMaxThreads(threadsPerWorker);
        }
        try {
            fit.accept(wrapper);
        } finally {
            wrapper.shutdown();
            env.setMaxThreads(before[0]);
            env.setMaxMasterThreads(before[1]);
            blas.setMaxThreads(before[2]);
        }
        incrementEpochCount();
    }

    private void incrementEpochCount() {
        if (net instanceof ComputationGraph g) {
            g.incrementEpochCount();
        } else {
            ((MultiLayerNetwork) net).incrementEpochCount();
        }
    }
}
