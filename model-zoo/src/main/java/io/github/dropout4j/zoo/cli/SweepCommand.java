package io.github.dropout4j.zoo.cli;

import io.github.dropout4j.zoo.data.IdxDataSetIterator;
import io.github.dropout4j.zoo.data.MnistData;
import io.github.dropout4j.zoo.models.HiddenActivation;
import io.github.dropout4j.zoo.models.LeNet;
import io.github.dropout4j.zoo.models.MnistMlp;
import io.github.dropout4j.zoo.training.Recipe;
import io.github.dropout4j.zoo.training.TrainingRun;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sweep}: a grid of drop probabilities x per-unit max-norm bounds x seeds on a small network, a few epochs
 * each, printing the mean +/- sample standard deviation of the validation accuracy of each cell and the sweep's
 * wall time (the practitioners' experiment of PAPER-NOTES section 7, at minute scale). {@code --model mlp}:
 * {@code 784-<hidden>-10}, the hidden units dropped; {@code --model lenet}: {@link LeNet}, the inputs of its dense
 * and softmax layers dropped. Run {@code k} of a cell (k = 1..{@code --seeds}) has seed k: its weights, masks and
 * data order derive from k alone, so the same command prints the same table. Accuracies are measured on the
 * validation split, not the test split, since the sweep selects settings.
 */
@Command(
        name = "sweep",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Grid of dropout rates x max-norm bounds x seeds on a small network (784-H-10 MLP or LeNet); "
                + "mean +/- std validation accuracy per cell and the wall time.")
final class SweepCommand implements Callable<Integer> {
    /** The networks a sweep trains. */
    enum Model {
        /** {@code 784-<hidden>-10} ReLU, dropout on the hidden units. */
        MLP(List.of(0.0, 0.25, 0.5), List.of(0.0, 1.0, 2.0, 4.0), 3, 5, Integer.MAX_VALUE),
        /**
         * {@link LeNet}, dropout on the inputs of its dense and softmax layers; by default 2 epochs on the first 2,000
         * training digits, so that the 60 runs of the default grid take minutes on 2 cores (README-cli).
         */
        LENET(List.of(0.0, 0.5), List.of(0.0, 1.0, 3.0), 10, 2, 2_000);

        final List<Double> drop;
        final List<Double> maxNorm;
        final int seeds;
        final int epochs;
        /** Training examples used without {@code --limit} (at most all). */
        final int trainExamples;

        Model(List<Double> drop, List<Double> maxNorm, int seeds, int epochs, int trainExamples) {
            this.drop = drop;
            this.maxNorm = maxNorm;
            this.seeds = seeds;
            this.epochs = epochs;
            this.trainExamples = trainExamples;
        }
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--model",
            paramLabel = "M",
            description = "mlp (default: 784-<hidden>-10 ReLU, hidden units "
                    + "dropped) or lenet (conv 5x5x20, pool 2, conv 5x5x50, pool 2, dense 500 ReLU, softmax; the dense and "
                    + "softmax inputs dropped).")
    Model model = Model.MLP;

    @Option(
            names = "--drop",
            split = ",",
            paramLabel = "P",
            description = "Drop probabilities, each in [0, 1) " + "(default: 0,0.25,0.5 for mlp; 0,0.5 for lenet).")
    List<Double> dropProbabilities;

    @Option(
            names = "--max-norm",
            split = ",",
            paramLabel = "C",
            description = "Bounds on the L2 norm of each "
                    + "unit's incoming weights, every layer's units alike (max-norm on every layer, as in practitioners' "
                    + "sweeps; not squared); 0 = no bound (default: 0,1,2,4 for mlp; 0,1,3 for lenet).")
    List<Double> maxNorms;

    @Option(
            names = "--seeds",
            paramLabel = "K",
            description = "Runs per cell, seeds 1..K (default: 3 for mlp; 10 " + "for lenet).")
    Integer seeds;

    @Option(
            names = "--epochs",
            paramLabel = "N",
            description = "Epochs per run (default: 5 for mlp; 2 for lenet, "
                    + "on the first 2,000 training digits unless --limit).")
    Integer epochs;

    @Option(
            names = "--hidden",
            paramLabel = "H",
            description = "mlp: units of the one hidden layer (default: " + "${DEFAULT-VALUE}).")
    int hidden = 256;

    @Option(
            names = "--recipe",
            paramLabel = "R",
            description = "short (default) or paper: the MNIST recipes' "
                    + "DampedMomentum with eps_0 = 10 (paper) or the short rate, 1 for mlp, 0.3 for lenet.")
    Recipe recipe = Recipe.SHORT;

    @Option(names = "--out", paramLabel = "DIR", description = "Also write sweep.csv (one row per run) here.")
    Path out;

    @Option(names = "--quiet", description = "No progress bar.")
    boolean quiet;

    @Mixin
    DataOptions dataOptions;

    @Override
    public Integer call() throws IOException {
        long started = System.nanoTime();
        List<Double> drops = dropProbabilities == null ? model.drop : dropProbabilities;
        List<Double> bounds = maxNorms == null ? model.maxNorm : maxNorms;
        int seedCount = seeds == null ? model.seeds : seeds;
        int epochCount = epochs == null ? model.epochs : epochs;
        Dropout4jCli.atLeastOne("--epochs", epochCount);
        Dropout4jCli.atLeastOne("--seeds", seedCount);
        Dropout4jCli.atLeastOne("--hidden", hidden);
        if (model != Model.MLP && spec.commandLine().getParseResult().hasMatchedOption("--hidden")) {
            throw new IllegalArgumentException("--hidden applies to --model mlp only; lenet's layer sizes are fixed");
        }
        if (out != null) {
            OutputPaths.requireWritableDirectory("--out", out);
        }
        if (drops.isEmpty() || bounds.isEmpty()) {
            throw new IllegalArgumentException((drops.isEmpty() ? "--drop" : "--max-norm") + " needs at least "
                    + "one value (comma-separated, e.g. 0,0.5)");
        }
        for (double d : drops) {
            if (!(d >= 0 && d < 1)) {
                throw new IllegalArgumentException("--drop values must be drop probabilities in [0, 1), got " + d);
            }
        }
        for (double c : bounds) {
            if (Double.isNaN(c) || Double.isInfinite(c)) {
                throw new IllegalArgumentException("--max-norm values must be finite numbers (0 = no bound), got " + c);
            }
            if (c < 0) {
                throw new IllegalArgumentException("--max-norm values must be >= 0 (0 = no bound), got " + c);
            }
        }
        MnistData data = dataOptions.load(10_000);
        if (data.validation().count() == 0) {
            throw new IllegalArgumentException("the data have no validation split to sweep on");
        }
        int trainCount = dataOptions.limit == null
                ? Math.min(model.trainExamples, data.train().count())
                : dataOptions.trainCount(data);
        String recipeName = recipe.name().toLowerCase(Locale.ROOT);
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.printf(
                Locale.ROOT,
                "Sweep: %s, %d seeds, %d epochs, batch %d, recipe %s%n"
                        + "  data: %s; accuracy on the %,d validation digits (mean network)%n%n",
                model == Model.MLP
                        ? "784-" + hidden + "-10 ReLU, hidden dropout x max-norm"
                        : "LeNet " + LeNet.standard().architecture()
                                + ", dropout on the dense and softmax inputs x max-norm",
                seedCount,
                epochCount,
                MnistMlp.BATCH_SIZE,
                recipeName,
                DataOptions.describe(data, trainCount, dataOptions),
                data.validation().count());
        stdout.flush();
        ProgressBar bar = ProgressBar.forTerminal(spec.commandLine().getErr(), quiet);
        int runs = drops.size() * bounds.size() * seedCount;
        bar.start("sweep", runs);
        StringBuilder csv = new StringBuilder("drop_probability,max_norm,seed,validation_errors,validation_count\n");
        double[][] mean = new double[drops.size()][bounds.size()];
        double[][] std = new double[drops.size()][bounds.size()];
        int done = 0;
        for (int i = 0; i < drops.size(); i++) {
            for (int j = 0; j < bounds.size(); j++) {
                double[] acc = new double[seedCount];
                for (int s = 1; s <= seedCount; s++) {
                    MnistRun.Network network = network(drops.get(i), bounds.get(j), s);
                    MultiLayerNetwork net = network.fresh().get();
                    IdxDataSetIterator it = IdxDataSetIterator.builder(data.train())
                            .batchSize(MnistMlp.BATCH_SIZE)
                            .limit(trainCount)
                            .shuffle(MnistRun.dataSeed(s))
                            .build();
                    new TrainingRun(
                                    net,
                                    MnistRun.manifest(network, recipeName, trainCount, MnistMlp.BATCH_SIZE, s),
                                    TrainingRun.EpochData.of(it),
                                    TrainingRun.Evaluation.NONE)
                            .run(epochCount);
                    int errors = MnistRun.errors(
                            net, data.validation(), data.validation().count());
                    acc[s - 1] = 100.0 - 100.0 * errors / data.validation().count();
                    csv.append(String.format(
                            Locale.ROOT,
                            "%s,%s,%d,%d,%d%n",
                            drops.get(i),
                            bounds.get(j),
                            s,
                            errors,
                            data.validation().count()));
                    bar.update(++done, 0);
                }
                mean[i][j] = java.util.Arrays.stream(acc).average().orElse(Double.NaN);
                double m = mean[i][j];
                std[i][j] = seedCount < 2
                        ? 0
                        : Math.sqrt(java.util.Arrays.stream(acc)
                                        .map(a -> (a - m) * (a - m))
                                        .sum()
                                / (seedCount - 1));
            }
        }
        bar.clear();
        stdout.printf("%-22s", "drop \\ max-norm");
        for (double c : bounds) {
            stdout.printf(Locale.ROOT, "%18s", c == 0 ? "none" : String.format(Locale.ROOT, "%.1f", c));
        }
        stdout.println();
        for (int i = 0; i < drops.size(); i++) {
            stdout.printf(Locale.ROOT, "%-22.2f", drops.get(i));
            for (int j = 0; j < bounds.size(); j++) {
                stdout.printf(Locale.ROOT, "%18s", String.format(Locale.ROOT, "%.2f +/- %.2f", mean[i][j], std[i][j]));
            }
            stdout.println();
        }
        stdout.printf("(validation accuracy %%, mean +/- sample std over %d seeds)%n", seedCount);
        if (out != null) {
            Files.createDirectories(out);
            Files.writeString(out.resolve("sweep.csv"), csv);
            stdout.printf("Wrote %s%n", out.resolve("sweep.csv"));
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        stdout.printf(
                Locale.ROOT,
                "Wall time: %d min %02d s (%d runs, %.1f s per run)%n",
                (long) seconds / 60,
                (long) seconds % 60,
                runs,
                seconds / runs);
        stdout.flush();
        return Dropout4jCli.OK;
    }

    /** The network of one run: drop probability {@code drop}, bound {@code maxNorm} (0 = none), seed {@code seed}. */
    MnistRun.Network network(double drop, double maxNorm, long seed) {
        if (model == Model.LENET) {
            return MnistRun.Network.of(LeNet.standard()
                    .withName("sweep-lenet")
                    .withDropProbability(drop)
                    .withMaxNorm(maxNorm)
                    .withUpdater(LeNet.updater(recipe))
                    .withSeed(seed));
        }
        return MnistRun.Network.of(MnistMlp.paper(false, hidden)
                .withName("sweep")
                .withActivation(HiddenActivation.RELU)
                .withRetainProbabilities(1.0, 1.0 - drop)
                .withMaxSquaredLength(maxNorm * maxNorm)
                .withBoundOutputUnits(true)
                .withUpdater(recipe.updater())
                .withSeed(seed));
    }
}
