package io.github.dropout4j.zoo.training;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongConsumer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * The one epoch loop of the zoo: trains a {@link MultiLayerNetwork} or {@link ComputationGraph} from its current
 * epoch (0 for a fresh network, k for one read back by {@link ModelZip#readRun}) up to a number of epochs. Each
 * epoch fits every minibatch of the epoch's data ({@code fit(DataSet)} or, for a graph, {@code fit(MultiDataSet)};
 * or, with {@link #workers} N > 1, N data-parallel workers on slices of each minibatch), advances DL4J's epoch counter (which drives the per-epoch learning-rate and momentum schedules), measures the
 * mean network's errors, appends an {@link EpochRecord} to the {@link RunManifest}, runs the {@link EpochHook} if
 * any, rewrites the {@link ModelZip}
 * atomically and tells the {@link Listener}s.
 *
 * <p>Reproducibility: a run is a pure function of the network's seed, the data's order and the data. Dropout masks
 * derive from (layer seed, iteration, epoch) and a seeded iterator's order from (seed, epoch), so a run resumed
 * after epoch k (network, updater state, counters, data positioned at epoch k) produces the same parameters, bit
 * for bit, as an unbroken one. With N > 1 workers the same holds for a run resumed with the same N (thread
 * scheduling does not enter: each worker's slice, masks and the averaging order are fixed).
 *
 * <pre>{@code
 * RunManifest m = RunManifest.fresh("mnist-800x2-dropout", "mnist", "train: all 8000", "short", settings);
 * TrainingRun.Result r = new TrainingRun(net, m, EpochData.of(trainIterator), evaluation)
 *     .saveTo(Path.of("runs/m/model.zip"), null).listener(progress).run(10);
 * }</pre>
 */
public final class TrainingRun {

    /** Receives progress; every method has an empty default. */
    public interface Listener {
        /** Before the first epoch: {@code manifest.epochsDone()} are done (a resumed run), {@code epochs} in all. */
        default void started(RunManifest manifest, int epochs) {}

        /** After batch {@code batch} (1-based) of epoch {@code epoch} (1-based). */
        default void batchDone(int epoch, int batch) {}

        /** After epoch {@code record.epoch()} is measured and saved; {@code manifest} includes it. */
        default void epochDone(EpochRecord record, RunManifest manifest) {}
    }

    /** The training data, epoch by epoch. */
    public interface EpochData extends AutoCloseable {
        /**
         * The minibatches of 0-based epoch {@code epoch}. Called once per epoch, in order, starting with the
         * network's current epoch; the data must then be in the order an unbroken run would see at that epoch.
         */
        MultiDataSetIterator epoch(int epoch);

        /** After the epoch's last minibatch (e.g. to stop prefetch threads). */
        default void epochDone(MultiDataSetIterator it) {}

        @Override
        default void close() {}

        /**
         * A {@link DataSetIterator} already positioned at the run's first epoch (e.g. built with {@code startEpoch(k)}),
         * reset at the start of every later epoch; its minibatches are handed to the network unchanged.
         */
        static EpochData of(DataSetIterator it) {
            return epoch -> {
                if (!it.hasNext()) {
                    it.reset();
                }
                return new SingleInput(it);
            };
        }
    }

    /** Measures the mean network after an epoch. */
    @FunctionalInterface
    public interface Evaluation {
        /** Nothing measured. */
        Evaluation NONE = net -> new Errors.Counts(0, 0, 0, 0);

        Errors.Counts measure(Model net) throws IOException;
    }

    /**
     * Runs after an epoch is measured and before it is saved, e.g. a learning-rate rule driven by the validation
     * error ({@link LearningRatePlateau}): it may change the network for the next epoch (its learning rate is part of
     * the saved configuration, so a resumed run keeps it) and returns the manifest to save, e.g. with the rule's
     * state in its preprocessing map so that {@code --resume} restores it.
     */
    @FunctionalInterface
    public interface EpochHook {
        /** @param manifest the run including {@code record}; return it, or a copy with more entries */
        RunManifest afterEpoch(Model net, EpochRecord record, RunManifest manifest) throws IOException;
    }

    /** The finished run: the trained network, its manifest and the time split of its {@code fit} calls. */
    public record Result(Model network, RunManifest manifest, double fitSeconds, double pipelineSeconds) {
        public List<EpochRecord> history() {
            return manifest.history();
        }
    }

    private final Model net;
    private final EpochData data;
    private final Evaluation evaluation;
    private RunManifest manifest;
    private Path file;
    private ModelZip.Extras extras;
    private ISchedule learningRate;
    private EpochHook hook;
    private ParallelWrapperTraining parallel;
    private final List<Listener> listeners = new ArrayList<>();

    /**
     * @param net        a MultiLayerNetwork or ComputationGraph (initialised), fresh or resumed
     * @param manifest   the run so far (its history must cover the network's epochs if the run is saved)
     * @param data       the training data
     * @param evaluation measures the errors after each epoch
     */
    public TrainingRun(Model net, RunManifest manifest, EpochData data, Evaluation evaluation) {
        if (!(net instanceof MultiLayerNetwork) && !(net instanceof ComputationGraph)) {
            throw new IllegalArgumentException(
                    "unsupported model type " + net.getClass().getName());
        }
        this.net = net;
        this.manifest = Objects.requireNonNull(manifest, "manifest");
        this.data = Objects.requireNonNull(data, "data");
        this.evaluation = Objects.requireNonNull(evaluation, "evaluation");
    }

    /** Rewrite {@code file} (a {@link ModelZip} with {@code extras}, which may be null) after every epoch. */
    public TrainingRun saveTo(Path file, ModelZip.Extras extras) {
        if (manifest.epochsDone() != ModelZip.epochCount(net)) {
            throw new IllegalArgumentException("the manifest records " + manifest.epochsDone() + " epochs, the network "
                    + "has trained " + ModelZip.epochCount(net));
        }
        this.file = file;
        this.extras = extras;
        return this;
    }

    /**
     * Record {@code schedule}'s value at the start of each epoch as the epoch's learning rate (the rate as the recipe
     * states it; an updater may hold it scaled, e.g. {@code DampedMomentum}). Without it the rate is not recorded.
     */
    public TrainingRun learningRate(ISchedule schedule) {
        this.learningRate = schedule;
        return this;
    }

    /** Call {@code hook} after every epoch's measurement, before the save. */
    public TrainingRun afterEachEpoch(EpochHook hook) {
        this.hook = Objects.requireNonNull(hook, "hook");
        return this;
    }

    /**
     * Train with {@code workers} data-parallel workers on this machine ({@link ParallelWrapperTraining}, averaging
     * after every step): each minibatch of the data is cut into {@code workers} consecutive slices, one per worker, so
     * the run is synchronous SGD on the same minibatches as one process; each worker draws its own dropout masks.
     * With 1 (the default) the network fits every minibatch itself, as without this call. The epoch's training loss
     * is the mean of the workers' losses after each averaging.
     *
     * @throws IllegalArgumentException if {@code workers < 1}
     */
    public TrainingRun workers(int workers) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be >= 1, got " + workers);
        }
        this.parallel = workers == 1 ? null : new ParallelWrapperTraining(net, workers, 1);
        return this;
    }

    public TrainingRun listener(Listener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /**
     * Trains until the network has trained {@code epochs} epochs in all (its epoch counter).
     *
     * @throws IllegalArgumentException if it has already trained more
     */
    public Result run(int epochs) throws IOException {
        int start = ModelZip.epochCount(net);
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        }
        if (start > epochs) {
            throw new IllegalArgumentException(
                    "the saved run already has " + start + " epochs, more than --epochs " + epochs);
        }
        listeners.forEach(l -> l.started(manifest, epochs));
        double fitSeconds = 0;
        long pipelineNanos = 0;
        try (EpochData d = data) {
            for (int epoch = start; epoch < epochs; epoch++) {
                int[] counters = counters();
                double rate = learningRate == null ? Double.NaN : learningRate.valueAt(counters[0], counters[1]);
                MultiDataSetIterator it = d.epoch(epoch);
                long t0 = System.nanoTime();
                EpochTally batchDone = new EpochTally(epoch + 1);
                if (parallel == null) {
                    while (true) {
                        long p = System.nanoTime();
                        if (!it.hasNext()) {
                            pipelineNanos += System.nanoTime() - p;
                            break;
                        }
                        MultiDataSet mds = it.next();
                        pipelineNanos += System.nanoTime() - p;
                        fit(mds);
                        batchDone.accept(mds.getFeatures(0).size(0));
                    }
                } else {
                    pipelineNanos += fitParallel(it, batchDone);
                }
                d.epochDone(it);
                double seconds = (System.nanoTime() - t0) / 1e9;
                fitSeconds += seconds;
                if (parallel == null) {
                    incrementEpochCount();
                }
                Errors.Counts c = evaluation.measure(net);
                EpochRecord record = new EpochRecord(
                        epoch + 1,
                        c.trainErrors(),
                        c.trainCount(),
                        c.testErrors(),
                        c.testCount(),
                        batchDone.meanLoss(),
                        rate,
                        batchDone.examples,
                        seconds);
                manifest = manifest.plus(record);
                if (hook != null) {
                    manifest = hook.afterEpoch(net, record, manifest);
                }
                if (file != null) {
                    ModelZip.write(net, manifest, extras, file);
                }
                RunManifest now = manifest;
                listeners.forEach(l -> l.epochDone(record, now));
            }
        }
        return new Result(net, manifest, fitSeconds, pipelineNanos / 1e9);
    }

    /** An epoch's running loss and example count; tells the listeners after each minibatch. */
    private final class EpochTally implements LongConsumer {
        private final int epoch;
        private double lossSum;
        private long examples;
        private int batches;

        EpochTally(int epoch) {
            this.epoch = epoch;
        }

        /** After a minibatch of {@code n} examples: adds the network's loss on it. */
        @Override
        public void accept(long n) {
            lossSum += net.score() * n;
            examples += n;
            int b = ++batches;
            listeners.forEach(l -> l.batchDone(epoch, b));
        }

        double meanLoss() {
            return examples == 0 ? Double.NaN : lossSum / examples;
        }
    }

    /** One epoch on the workers, which advances the epoch counter; the nanoseconds spent waiting for the data. */
    private long fitParallel(MultiDataSetIterator it, LongConsumer batchDone) {
        WorkerSlices slices = new WorkerSlices(it, parallel.workers(), batchDone);
        if (net instanceof ComputationGraph) {
            parallel.fitEpoch(slices.asMultiDataSetIterator());
        } else {
            parallel.fitEpoch(slices.asDataSetIterator());
        }
        slices.finish();
        return slices.pipelineNanos();
    }

    private void fit(MultiDataSet mds) {
        if (net instanceof ComputationGraph g) {
            g.fit(mds);
        } else {
            if (mds.getFeatures().length != 1) {
                throw new IllegalArgumentException(
                        "a MultiLayerNetwork takes one input, the data have " + mds.getFeatures().length);
            }
            ((MultiLayerNetwork) net)
                    .fit(
                            mds instanceof SingleInput.Wrapped w
                                    ? w.dataSet()
                                    : new DataSet(mds.getFeatures(0), mds.getLabels(0)));
        }
    }

    private void incrementEpochCount() {
        if (net instanceof ComputationGraph g) {
            g.incrementEpochCount();
        } else {
            ((MultiLayerNetwork) net).incrementEpochCount();
        }
    }

    /** The network's iteration and epoch counters, {@code {iteration, epoch}}. */
    private int[] counters() {
        return net instanceof ComputationGraph g
                ? new int[] {g.getIterationCount(), g.getEpochCount()}
                : new int[] {((MultiLayerNetwork) net).getIterationCount(), ((MultiLayerNetwork) net).getEpochCount()};
    }

    /** Hands a {@link DataSetIterator}'s minibatches to the loop as single-input {@link MultiDataSet}s. */
    private static final class SingleInput implements MultiDataSetIterator {
        private static final long serialVersionUID = 1L;
        private final DataSetIterator it;

        SingleInput(DataSetIterator it) {
            this.it = it;
        }

        /** Keeps the original {@link DataSet}, so a MultiLayerNetwork fits exactly what the iterator made. */
        static final class Wrapped extends org.nd4j.linalg.dataset.MultiDataSet {
            private static final long serialVersionUID = 1L;
            private final transient DataSet dataSet;

            Wrapped(DataSet d) {
                super(d.getFeatures(), d.getLabels(), d.getFeaturesMaskArray(), d.getLabelsMaskArray());
                this.dataSet = d;
            }

            DataSet dataSet() {
                return dataSet;
            }
        }

        @Override
        public MultiDataSet next(int num) {
            return new Wrapped(it.next(num));
        }

        @Override
        public MultiDataSet next() {
            return new Wrapped(it.next());
        }

        @Override
        public boolean hasNext() {
            return it.hasNext();
        }

        @Override
        public void setPreProcessor(org.nd4j.linalg.dataset.api.MultiDataSetPreProcessor preProcessor) {
            throw new UnsupportedOperationException("set a DataSetPreProcessor on the DataSetIterator");
        }

        @Override
        public org.nd4j.linalg.dataset.api.MultiDataSetPreProcessor getPreProcessor() {
            return null;
        }

        @Override
        public boolean resetSupported() {
            return it.resetSupported();
        }

        @Override
        public boolean asyncSupported() {
            return false;
        }

        @Override
        public void reset() {
            it.reset();
        }
    }
}
