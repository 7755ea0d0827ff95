package io.github.dropout4j.zoo.cli;

import io.github.dropout4j.zoo.data.MnistData;
import io.github.dropout4j.zoo.models.HiddenActivation;
import io.github.dropout4j.zoo.models.MlpConfig;
import io.github.dropout4j.zoo.models.MnistMlp;
import io.github.dropout4j.zoo.training.EpochRecord;
import io.github.dropout4j.zoo.training.Recipe;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code reproduce mnist}: the paper's Figure 1 experiment at demo scale. Trains 784-800-800-10 three ways
 * (standard backprop; 50% dropout of the hidden units; plus 20% dropout of the pixels, both with the per-unit
 * max-norm bound) with the same weight seed and data order, then prints the test errors of the mean networks
 * after the last epoch, writes {@code errors.csv} (per-epoch train and test errors), {@code figure1.png} (test
 * error against epochs) and {@code table.txt} into {@code --out}, and keeps a checkpoint per variant in
 * {@code --out/checkpoints} for {@code --resume}.
 */
@Command(
        name = "mnist",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        defaultValueProvider = ReproduceMnistCommand.Defaults.class,
        description = {
            "Train 784-800-800-10 with and without dropout on MNIST and print a table shaped like the "
                    + "paper's Figure 1 results; write per-epoch errors (CSV) and a test-error plot (PNG).",
            "Default: the bundled 8,000 training / 1,000 test digits, " + ReproduceMnistCommand.DEFAULT_EPOCHS
                    + " epochs, the 'short' recipe (the paper's with eps_0 = 1); about 3 minutes on 2 cores."
        })
final class ReproduceMnistCommand implements Callable<Integer> {
    static final int DEFAULT_EPOCHS = 40;
    /** Training error is measured on the first 2,000 training digits (a full pass would cost ~1/3 of an epoch). */
    static final int TRAIN_EVAL = 2_000;
    /** The table also shows the mean test errors of this many final epochs. */
    static final int LAST_EPOCHS = 10;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    RunOptions run;

    @Option(
            names = "--activation",
            paramLabel = "A",
            description =
                    "Hidden units: RELU (default, as in " + "Srivastava et al. 2014) or LOGISTIC (the 2012 paper's).")
    HiddenActivation activation = HiddenActivation.RELU;

    @Option(
            names = "--bound-output-units",
            description = "Dropout nets: bound the softmax output units' incoming "
                    + "weights too (max-norm on every layer); default: hidden units only, as Appendix A.1.")
    boolean boundOutputUnits;

    @Mixin
    DataOptions dataOptions;

    /** The three rows of the table. */
    enum Variant {
        STANDARD("standard", "Standard backprop", () -> MnistMlp.paper800(false)),
        DROPOUT_HIDDEN(
                "dropout-hidden",
                "Dropout 50% hidden",
                () -> MnistMlp.paper800(true)
                        .withRetainProbabilities(1.0, MlpConfig.PAPER_HIDDEN_RETAIN)
                        .withName("mnist-800x2-dropout-hidden")),
        DROPOUT_HIDDEN_INPUT("dropout-hidden-input", "Dropout 50% hidden + 20% input", () -> MnistMlp.paper800(true));

        final String key;
        final String label;
        final Supplier<MlpConfig> config;

        Variant(String key, String label, Supplier<MlpConfig> config) {
            this.key = key;
            this.label = label;
            this.config = config;
        }

        MlpConfig config(long seed, Recipe recipe, HiddenActivation activation, boolean boundOutputUnits) {
            return config.get()
                    .withSeed(seed)
                    .withUpdater(recipe.updater())
                    .withActivation(activation)
                    .withBoundOutputUnits(boundOutputUnits);
        }
    }

    /** {@code --epochs 40}; the recipe's table in the help: short is Appendix A.1 with eps_0 = 1, paper exactly. */
    static final class Defaults extends RunOptions.Defaults {
        Defaults() {
            super(java.util.Map.of("--epochs", String.valueOf(DEFAULT_EPOCHS)));
        }
    }

    @Override
    public Integer call() throws IOException {
        run.validate();
        int batch = run.batchOr(MnistMlp.BATCH_SIZE);
        if (run.resume && run.out == null) {
            throw new IllegalArgumentException("--resume needs the --out directory of the run to continue");
        }
        long start = System.nanoTime();
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        Path dir = run.out != null
                ? run.out
                : Path.of(
                        "runs",
                        "reproduce-mnist-"
                                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        OutputPaths.requireWritableDirectory("--out", dir);
        MnistData data = dataOptions.load(MnistSplit.TRAIN_HELD_OUT);
        int trainCount = dataOptions.trainCount(data);
        Files.createDirectories(dir.resolve("checkpoints"));

        String header = header(data, trainCount, batch, run.epochs, run.seed, run.recipe);
        stdout.print(header);
        stdout.flush();
        ProgressBar bar = ProgressBar.forTerminal(err, run.quiet);
        ErrorCurves curves = new ErrorCurves();
        List<List<EpochRecord>> histories = new ArrayList<>();
        for (Variant v : Variant.values()) {
            MnistRun.Outcome o = MnistRun.train(
                    v.key,
                    v.config(run.seed, run.recipe, activation, boundOutputUnits),
                    run.recipeName(),
                    data,
                    trainCount,
                    Math.min(TRAIN_EVAL, trainCount),
                    run.epochs,
                    batch,
                    run.seed,
                    dir.resolve("checkpoints").resolve(v.key + ".zip"),
                    run.resume,
                    bar,
                    run.quiet ? null : err);
            curves.add(v.key, o.history());
            histories.add(o.history());
        }
        String table = table(histories, data.test().count());
        double seconds = (System.nanoTime() - start) / 1e9;
        stdout.print(table);
        curves.writeCsv(dir.resolve("errors.csv"));
        curves.writePng(dir.resolve("figure1.png"), "MNIST 784-800-800-10, " + trainCount + " training digits");
        Files.writeString(dir.resolve("table.txt"), header + table);
        stdout.printf(
                "%nWrote %s, %s and %s%nWall time %s on %d cores%n",
                dir.resolve("table.txt"),
                dir.resolve("errors.csv"),
                dir.resolve("figure1.png"),
                ProgressBar.clock(seconds),
                Runtime.getRuntime().availableProcessors());
        stdout.flush();
        return Dropout4jCli.OK;
    }

    private String header(MnistData data, int trainCount, int batch, int epochs, long seed, Recipe recipe) {
        return String.format(
                Locale.ROOT,
                "Hinton et al. 2012, Figure 1 at demo scale: MNIST 784-800-800-10 (%s "
                        + "hidden units), minibatch %d, %d epochs, seed %d%n  data:   %s%n  recipe: %s%n  dropout nets: "
                        + "test-time weight scaling, per-unit max squared length %s (%s units), N(0, 0.01^2) init%n%n",
                activation.name().toLowerCase(Locale.ROOT),
                batch,
                epochs,
                seed,
                DataOptions.describe(data, trainCount, dataOptions),
                recipe.describe(),
                (long) MlpConfig.PAPER_MAX_SQUARED_LENGTH,
                boundOutputUnits ? "hidden and output" : "hidden");
    }

    /** Errors of the last epoch, and their mean over the last (up to) 10 epochs as a check on test-set noise. */
    static String table(List<List<EpochRecord>> histories, int testCount) {
        StringWriter s = new StringWriter();
        PrintWriter w = new PrintWriter(s);
        int window = Math.min(LAST_EPOCHS, histories.get(0).size());
        w.printf(
                Locale.ROOT,
                "%-32s %16s %9s %22s%n",
                "Method (mean network)",
                "Test errors",
                "Error %",
                "Mean, last " + window + " epochs");
        Variant[] variants = Variant.values();
        for (int i = 0; i < histories.size(); i++) {
            List<EpochRecord> h = histories.get(i);
            EpochRecord r = h.get(h.size() - 1);
            double mean = h.subList(h.size() - window, h.size()).stream()
                    .mapToInt(EpochRecord::testErrors)
                    .average()
                    .orElse(Double.NaN);
            w.printf(
                    Locale.ROOT,
                    "%-32s %16s %8.2f%% %22s%n",
                    variants[i].label,
                    String.format(Locale.ROOT, "%,d / %,d", r.testErrors(), testCount),
                    r.testErrorPercent(),
                    String.format(Locale.ROOT, "%.1f (%.2f%%)", mean, 100 * mean / testCount));
        }
        w.printf("%nTest errors after the last epoch (no early stopping). Paper (60,000 training / 10,000 test digits, "
                + "3,000 epochs):%nstandard backprop 160 (1.60%%), dropout 50%% hidden ~130, + 20%% input ~110.%n");
        w.flush();
        return s.toString();
    }
}
