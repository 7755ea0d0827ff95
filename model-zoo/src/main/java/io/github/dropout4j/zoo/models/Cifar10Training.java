package io.github.dropout4j.zoo.models;

import io.github.dropout4j.zoo.training.EpochRecord;
import io.github.dropout4j.zoo.training.Errors;
import io.github.dropout4j.zoo.training.RunManifest;
import io.github.dropout4j.zoo.training.TrainingRun;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * Trains {@link Cifar10Net} or {@link Cifar10DropoutNet} with a {@link Cifar10Recipe} and reports, after every epoch,
 * the mean training loss (cross-entropy of the dropout sub-networks actually trained, averaged over the epoch's
 * minibatches) and the test error of the mean network ({@code 1 - accuracy} of {@code output()}, which for the
 * dropout net uses the paper's test-time weight scaling). Programmatic entry point for the command line
 * ({@code train cifar10 [--dropout]}, {@code reproduce cifar10}).
 *
 * <p>The epochs run in {@link TrainingRun}, which advances DL4J's epoch counter after each pass (the learning-rate
 * schedule is by epoch; {@code fit(DataSet)} alone does not advance it). Iterators are reset at the start of every
 * epoch but the first if they are exhausted; give the training iterator {@code batchSize = recipe.batchSize()} and
 * set a {@code PixelMeanNormalizer} on both.
 *
 * <pre>{@code
 * Cifar10Data data = Cifar10Data.load(dir);
 * PixelMeanNormalizer mean = PixelMeanNormalizer.fit(data.train());
 * Cifar10Recipe recipe = Cifar10Recipe.paper(100);
 * DataSetIterator train = Cifar10DataSetIterator.builder(data.train()).batchSize(recipe.batchSize()).shuffle(1).build();
 * DataSetIterator test = Cifar10DataSetIterator.builder(data.test()).batchSize(500).build();
 * train.setPreProcessor(mean);
 * test.setPreProcessor(mean);
 * MultiLayerNetwork net = Cifar10Training.network(true, recipe, 42);
 * List<Cifar10Training.EpochReport> log = Cifar10Training.train(net, recipe, train, test,
 *     r -> System.out.println(r));
 * }</pre>
 */
public final class Cifar10Training {

    private Cifar10Training() {}

    /**
     * One finished epoch.
     *
     * @param epoch        0-based epoch just finished
     * @param trainLoss    mean minibatch loss over the epoch (with dropout active, for the dropout net)
     * @param testError    fraction of test images misclassified by the mean network, in [0, 1]
     * @param learningRate the learning rate used during this epoch
     * @param examples     training examples seen this epoch
     * @param millis       wall time of the epoch's training steps (not the evaluation)
     */
    public record EpochReport(
            int epoch, double trainLoss, double testError, double learningRate, long examples, long millis) {
        @Override
        public String toString() {
            return String.format(
                    "epoch %d: train loss %.4f, test error %.2f%%, learning rate %.1e, %d examples in %.1f s",
                    epoch, trainLoss, 100 * testError, learningRate, examples, millis / 1000.0);
        }
    }

    /** Receives each {@link EpochReport} as soon as the epoch is evaluated. */
    @FunctionalInterface
    public interface Listener {
        void onEpoch(EpochReport report);
    }

    /** Both networks of Appendix G trained with the same recipe, seed and data. */
    public record Comparison(List<EpochReport> withoutDropout, List<EpochReport> withDropout) {}

    /** A freshly initialised {@link Cifar10DropoutNet} ({@code dropout}) or {@link Cifar10Net}. */
    public static MultiLayerNetwork network(boolean dropout, Cifar10Recipe recipe, long seed) {
        return (dropout ? new Cifar10DropoutNet(recipe, seed) : new Cifar10Net(recipe, seed)).init();
    }

    /**
     * Trains {@code net} for {@code recipe.epochs()} epochs.
     *
     * @param test may be null: the test error is then reported as NaN
     * @return one report per epoch
     */
    public static List<EpochReport> train(
            MultiLayerNetwork net, Cifar10Recipe recipe, DataSetIterator train, DataSetIterator test, Listener listener)
            throws IOException {
        return train(net, recipe.epochs(), recipe, train, test, listener);
    }

    /**
     * As {@link #train(MultiLayerNetwork, Cifar10Recipe, DataSetIterator, DataSetIterator, Listener)} for {@code epochs}
     * more epochs: a {@link TrainingRun} (not saved) whose records are converted to {@link EpochReport}s.
     */
    public static List<EpochReport> train(
            MultiLayerNetwork net,
            int epochs,
            Cifar10Recipe recipe,
            DataSetIterator train,
            DataSetIterator test,
            Listener listener)
            throws IOException {
        Objects.requireNonNull(net, "net");
        Objects.requireNonNull(train, "train");
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        }
        List<EpochReport> log = new ArrayList<>();
        RunManifest unsaved = RunManifest.fresh("cifar10", "cifar10", "caller's iterator", "caller's recipe", Map.of());
        new TrainingRun(net, unsaved, TrainingRun.EpochData.of(train), evaluation(net, test))
                .learningRate(recipe.learningRateSchedule())
                .listener(new TrainingRun.Listener() {
                    @Override
                    public void epochDone(EpochRecord r, RunManifest m) {
                        EpochReport report = report(r);
                        log.add(report);
                        if (listener != null) {
                            listener.onEpoch(report);
                        }
                    }
                })
                .run(net.getEpochCount() + epochs);
        return log;
    }

    /** Test errors of the mean network on {@code test} (none if null), as a {@link TrainingRun.Evaluation}. */
    public static TrainingRun.Evaluation evaluation(MultiLayerNetwork net, DataSetIterator test) {
        return test == null
                ? TrainingRun.Evaluation.NONE
                : n -> {
                    Errors.Tally t = Errors.count(net, test);
                    return new Errors.Counts(0, 0, t.errors(), t.examples());
                };
    }

    /** A {@link TrainingRun} record as a report (0-based epoch, test error as a fraction, milliseconds). */
    public static EpochReport report(EpochRecord r) {
        return new EpochReport(
                r.epoch() - 1,
                r.trainLoss(),
                r.testCount() == 0 ? Double.NaN : (double) r.testErrors() / r.testCount(),
                r.learningRate(),
                r.examplesSeen(),
                Math.round(r.fitSeconds() * 1000));
    }

    /** Fraction of {@code test}'s images the network's {@code output()} (the mean network) gets wrong. */
    public static double testError(MultiLayerNetwork net, DataSetIterator test) {
        return Errors.count(net, test).fraction();
    }

    /**
     * Appendix G's comparison: both networks with the same recipe and seed, each on fresh iterators from the
     * suppliers, so both see the same data in the same (seeded) orders. {@code listener} receives the without-dropout
     * epochs first.
     *
     * @param test may supply null (no test error)
     */
    public static Comparison reproduce(
            Cifar10Recipe recipe,
            long seed,
            Supplier<DataSetIterator> train,
            Supplier<DataSetIterator> test,
            Listener listener)
            throws IOException {
        List<EpochReport> plain = train(network(false, recipe, seed), recipe, train.get(), test.get(), listener);
        List<EpochReport> dropout = train(network(true, recipe, seed), recipe, train.get(), test.get(), listener);
        return new Comparison(plain, dropout);
    }
}
