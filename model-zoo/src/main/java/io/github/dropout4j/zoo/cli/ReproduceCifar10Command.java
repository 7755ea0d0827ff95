package io.github.dropout4j.zoo.cli;

import io.github.dropout4j.zoo.data.Cifar10Data;
import io.github.dropout4j.zoo.data.PixelMeanNormalizer;
import io.github.dropout4j.zoo.models.Cifar10DropoutNet;
import io.github.dropout4j.zoo.models.Cifar10Net;
import io.github.dropout4j.zoo.models.Cifar10Recipe;
import io.github.dropout4j.zoo.training.EpochRecord;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code reproduce cifar10}: Appendix G's comparison. Trains {@link Cifar10Net} (paper: 16.6% test error) and
 * {@link Cifar10DropoutNet} (the same plus a locally connected layer with 50% dropout on its output; paper: 15.6%)
 * with the same recipe, seed and data order, and writes {@code table.txt}, {@code errors.csv} (per network and
 * epoch: training loss, mean-network test errors, learning rate, seconds), {@code figure.png} (test error against
 * epochs) and {@code models/<variant>.zip} (each with its pixel mean) into {@code --out}.
 */
@Command(
        name = "cifar10",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        defaultValueProvider = ReproduceCifar10Command.Defaults.class,
        description = {
            "Train the CIFAR-10 nets of Appendix G with and without dropout and print a table shaped like "
                    + "the paper's (16.6% vs 15.6%) with our measured errors; errors.csv, figure.png, models/*.zip in --out.",
            "Default data: the shipped SYNTHETIC stand-in (1,500 / 500 images of drawn shapes, not CIFAR-10); "
                    + "--download or --data DIR for CIFAR-10."
        })
final class ReproduceCifar10Command implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    RunOptions run;

    @Mixin
    DataOptions dataOptions;

    /** {@code --epochs 3}. */
    static final class Defaults extends RunOptions.Defaults {
        Defaults() {
            super(java.util.Map.of("--epochs", "3"));
        }
    }

    @Override
    public Integer call() throws IOException {
        run.validate();
        Path dir = run.out != null
                ? run.out
                : Path.of(
                        "runs",
                        "reproduce-cifar10-"
                                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        OutputPaths.requireWritableDirectory("--out", dir);
        Cifar10Data data = Cifar10Run.load(dataOptions);
        int trainCount = dataOptions.limitFor(data.train().count(), "training");
        Cifar10Recipe r = Cifar10Run.recipe(run.recipe, run.epochs, run.batch);
        Files.createDirectories(dir.resolve("models"));
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.printf(
                Locale.ROOT,
                "Appendix G at demo scale: %d epochs per network, recipe %s (inputs %s), seed %d%n" + "  data: %s%n",
                run.epochs,
                run.recipeName(),
                Cifar10Run.pixelScaleName(r.pixelScale()),
                run.seed,
                Cifar10Run.describe(data, trainCount, dataOptions));
        stdout.flush();
        long start = System.nanoTime();
        ProgressBar bar = ProgressBar.forTerminal(spec.commandLine().getErr(), run.quiet);
        Map<String, Cifar10Run.Outcome> runs = new LinkedHashMap<>();
        PixelMeanNormalizer mean = PixelMeanNormalizer.fit(data.train()); // once: both networks subtract the same mean
        for (String variant : new String[] {"cifar10", "cifar10-dropout"}) {
            runs.put(
                    variant,
                    Cifar10Run.train(
                            variant,
                            variant.endsWith("-dropout"),
                            r,
                            run.recipeName(),
                            data,
                            mean,
                            trainCount,
                            run.seed,
                            dir.resolve("models").resolve(variant + ".zip"),
                            run.resume,
                            bar,
                            run.quiet ? null : stdout));
        }
        Cifar10Run.writeCsv(runs, dir.resolve("errors.csv"));
        ErrorCurves curves = new ErrorCurves();
        runs.forEach((variant, o) -> curves.add(variant, o.history()));
        curves.writePng(dir.resolve("figure.png"), "CIFAR-10 (Appendix G), mean-network test error");
        String table = table(runs);
        Files.writeString(dir.resolve("table.txt"), table);
        stdout.print(table);
        stdout.printf(
                Locale.ROOT,
                "%.0f s. Wrote %s (table.txt, errors.csv, figure.png, models/)%n",
                (System.nanoTime() - start) / 1e9,
                dir);
        stdout.flush();
        return Dropout4jCli.OK;
    }

    static String table(Map<String, Cifar10Run.Outcome> runs) {
        StringBuilder s = new StringBuilder(String.format(
                Locale.ROOT, "%-48s %14s %9s %8s%n", "Method (mean network)", "Test errors", "Error %", "Paper"));
        String[][] rows = {
            {"cifar10", "Conv net, no dropout (Appendix G)", "16.6%"},
            {"cifar10-dropout", "Conv net + locally connected, 50% dropout", "15.6%"}
        };
        for (String[] row : rows) {
            Cifar10Run.Outcome o = runs.get(row[0]);
            EpochRecord last = o.last();
            s.append(String.format(
                    Locale.ROOT,
                    "%-48s %14s %8.2f%% %8s%n",
                    row[1],
                    String.format(Locale.ROOT, "%,d / %,d", last.testErrors(), last.testCount()),
                    last.testErrorPercent(),
                    row[2]));
        }
        return s.toString();
    }
}
