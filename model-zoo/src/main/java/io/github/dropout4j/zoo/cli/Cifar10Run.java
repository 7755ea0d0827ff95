package io.github.dropout4j.zoo.cli;

import io.github.dropout4j.zoo.data.Cifar10Data;
import io.github.dropout4j.zoo.data.Cifar10DataSetIterator;
import io.github.dropout4j.zoo.data.Cifar10Download;
import io.github.dropout4j.zoo.data.Cifar10Records;
import io.github.dropout4j.zoo.data.Downloader;
import io.github.dropout4j.zoo.data.PixelMeanNormalizer;
import io.github.dropout4j.zoo.models.Cifar10Recipe;
import io.github.dropout4j.zoo.models.Cifar10Training;
import io.github.dropout4j.zoo.models.ZooEntry;
import io.github.dropout4j.zoo.training.EpochRecord;
import io.github.dropout4j.zoo.training.Errors;
import io.github.dropout4j.zoo.training.ModelZip;
import io.github.dropout4j.zoo.training.Recipe;
import io.github.dropout4j.zoo.training.RunManifest;
import io.github.dropout4j.zoo.training.TrainingRun;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * The CLI's CIFAR-10 {@link DataSetType} ({@code train}, {@code evaluate}), and one CIFAR-10 training run for
 * {@code train cifar10} and {@code reproduce cifar10}: data from {@code --data},
 * {@code --download} or the shipped synthetic stand-in; the per-pixel mean of the training images subtracted
 * (Appendix G) and stored in the model zip; the model written atomically after every epoch with its run manifest.
 */
final class Cifar10Run implements DataSetType {
    /** The data set, for {@link DataSetType#of}. */
    static final Cifar10Run TYPE = new Cifar10Run();

    /** Test images per evaluation minibatch. */
    private static final int TEST_BATCH = 100;

    private Cifar10Run() {}

    /** A finished run: the trained net and its manifest (settings, pixel mean entry, one record per epoch). */
    record Outcome(MultiLayerNetwork network, RunManifest manifest) {
        List<EpochRecord> history() {
            return manifest.history();
        }

        EpochRecord last() {
            return manifest.history().get(manifest.history().size() - 1);
        }
    }

    /** CIFAR-10 from {@code --download}, {@code --data DIR} (the {@code cifar-10-batches-bin} layout) or synthetic. */
    static Cifar10Data load(DataOptions o) throws IOException {
        if (o.download) {
            return Cifar10Data.load(Cifar10Download.fetchAndExtract(new Downloader(o.downloadOptions())));
        }
        if (o.dir == null) {
            return Cifar10Data.synthetic();
        }
        if (!Files.isDirectory(o.dir)) {
            throw new IOException("--data " + o.dir + ": no such directory");
        }
        requireCompleteBatches(o.dir);
        return Cifar10Data.load(o.dir);
    }

    /** Records in each batch file of CIFAR-10 ({@code data_batch_k.bin}, {@code test_batch.bin}). */
    static final int RECORDS_PER_BATCH = 10_000;

    /**
     * For {@code --data DIR}: every batch file present ({@code data_batch_k.bin}, {@code test_batch.bin}) holds
     * CIFAR-10's {@value #RECORDS_PER_BATCH} records, so that a batch cut at a record boundary is not read as a smaller
     * data set; a smaller set in the same format (such as the shipped synthetic stand-in) lists its files in
     * {@code DIR/SHA256SUMS} ({@code sha256sum} format), and then their SHA-256 must match instead.
     */
    static void requireCompleteBatches(Path dir) throws IOException {
        Map<String, String> sums = new LinkedHashMap<>();
        Path sumsFile = dir.resolve("SHA256SUMS");
        if (Files.isRegularFile(sumsFile)) {
            for (String line : Files.readAllLines(sumsFile)) {
                String[] f = line.trim().split("\\s+\\*?", 2);
                if (f.length == 2) {
                    sums.put(f[1], f[0].toLowerCase(Locale.ROOT));
                }
            }
        }
        List<Path> batches = new ArrayList<>();
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            files.filter(p -> p.getFileName().toString().matches("data_batch_\\d+\\.bin|test_batch\\.bin"))
                    .sorted()
                    .forEach(batches::add);
        }
        for (Path p : batches) {
            String name = p.getFileName().toString();
            if (sums.containsKey(name)) {
                String actual = Downloader.sha256(p);
                if (!actual.equals(sums.get(name))) {
                    throw new IOException(p + ": SHA-256 " + actual + " does not match " + sumsFile + " ("
                            + sums.get(name) + "); the file is damaged or truncated");
                }
                continue;
            }
            long size = Files.size(p);
            long records = size / Cifar10Records.RECORD_BYTES;
            if (size % Cifar10Records.RECORD_BYTES == 0 && records != RECORDS_PER_BATCH) {
                throw new IOException(String.format(
                        Locale.ROOT,
                        "%s holds %,d records, a CIFAR-10 batch %,d: truncated? "
                                + "(a smaller set in this format lists its files in %s)",
                        p,
                        records,
                        RECORDS_PER_BATCH,
                        sumsFile));
            }
        }
    }

    /**
     * Only the test batch ({@code evaluate}): for {@code --data DIR} just {@code DIR/test_batch.bin}, no training
     * batches needed.
     */
    static Cifar10Records loadTest(DataOptions o) throws IOException {
        if (o.download || o.dir == null) {
            return load(o).test();
        }
        if (!Files.isDirectory(o.dir)) {
            throw new IOException("--data " + o.dir + ": no such directory");
        }
        requireCompleteBatches(o.dir);
        return Cifar10Data.loadTest(o.dir);
    }

    static String source(DataOptions o) {
        return o.download
                ? "CIFAR-10 (downloaded)"
                : o.dir == null ? "shipped SYNTHETIC stand-in (not CIFAR-10)" : "CIFAR-10 from " + o.dir;
    }

    static String describe(Cifar10Data data, int trainCount, DataOptions o) {
        String source = source(o);
        return String.format(
                Locale.ROOT,
                "%s: %,d%s training images, %,d test images",
                source,
                trainCount,
                trainCount < data.train().count()
                        ? " of "
                                + String.format(Locale.ROOT, "%,d", data.train().count())
                        : "",
                data.test().count());
    }

    /** {@link Cifar10Recipe#of} the choice for {@code epochs}, with {@code --batch} if given. */
    static Cifar10Recipe recipe(Recipe r, int epochs, Integer batch) {
        Cifar10Recipe c = Cifar10Recipe.of(r, epochs);
        return batch == null ? c : c.withBatchSize(batch);
    }

    /**
     * Trains one network for {@code recipe.epochs()} epochs on {@code data} less {@code mean} (the training images'
     * per-pixel mean, {@code PixelMeanNormalizer.fit(data.train())}, computed once by the caller) times the recipe's
     * pixel scale through {@link TrainingRun}, rewriting {@code modelFile} atomically after every epoch with the pixel
     * mean and scale and the run manifest. With {@code resume} and an existing {@code modelFile}, continues that run after its last finished epoch:
     * parameters, updater state, iteration and epoch counters come from the zip, the data order of epoch k and the
     * dropout masks are functions of (seed, k) and (seed, iteration), so the result equals an uninterrupted run bit
     * for bit.
     *
     * @throws IOException if {@code modelFile} exists without {@code resume}, or was written with other settings
     */
    static Outcome train(
            String label,
            boolean dropout,
            Cifar10Recipe recipe,
            String recipeName,
            Cifar10Data data,
            PixelMeanNormalizer trainingMean,
            int trainCount,
            long seed,
            Path modelFile,
            boolean resume,
            ProgressBar bar,
            PrintWriter log)
            throws IOException {
        return train(
                label,
                dropout,
                recipe,
                recipeName,
                data,
                trainingMean,
                trainCount,
                1,
                seed,
                modelFile,
                resume,
                bar,
                log);
    }

    /** As above, on {@code workers} data-parallel workers ({@link TrainingRun#workers}). */
    static Outcome train(
            String label,
            boolean dropout,
            Cifar10Recipe recipe,
            String recipeName,
            Cifar10Data data,
            PixelMeanNormalizer trainingMean,
            int trainCount,
            int workers,
            long seed,
            Path modelFile,
            boolean resume,
            ProgressBar bar,
            PrintWriter log)
            throws IOException {
        PixelMeanNormalizer mean = trainingMean.withPixelScale(recipe.pixelScale());
        ModelZip.Saved run = ModelZip.freshOrResumed(
                modelFile,
                resume,
                manifest(label, recipeName, seed, trainCount, recipe)
                        .withWorkers(workers)
                        .withPreprocessing("pixelMean", "objects/" + PixelMeanNormalizer.MODEL_ZIP_KEY)
                        .withPreprocessing("pixelScale", String.valueOf(recipe.pixelScale())),
                () -> Cifar10Training.network(dropout, recipe, seed));
        MultiLayerNetwork net = (MultiLayerNetwork) run.network();
        RunManifest manifest = run.manifest();
        if (manifest.epochsDone() > 0 && log != null) {
            log.printf(Locale.ROOT, "%s: resuming from %s after epoch %d%n", label, modelFile, manifest.epochsDone());
            log.flush();
        }
        DataSetIterator train = Cifar10DataSetIterator.builder(data.train())
                .batchSize(recipe.batchSize())
                .limit(trainCount)
                .shuffle(seed)
                .startEpoch(manifest.epochsDone())
                .build();
        DataSetIterator test = Cifar10DataSetIterator.builder(data.test())
                .batchSize(TEST_BATCH)
                .build();
        train.setPreProcessor(mean);
        test.setPreProcessor(mean);
        TrainingRun.Result result = new TrainingRun(
                        net, manifest, TrainingRun.EpochData.of(train), Cifar10Training.evaluation(net, test))
                .saveTo(modelFile, mean::addTo)
                .workers(workers)
                .learningRate(recipe.learningRateSchedule())
                .listener(new EpochLines(
                        label,
                        bar,
                        log,
                        r -> String.format(
                                Locale.ROOT,
                                "%s epoch %d/%d: train loss "
                                        + "%.4f, test error %.2f%% (%,d / %,d), rate %.0e, %.1f s",
                                label,
                                r.epoch(),
                                recipe.epochs(),
                                r.trainLoss(),
                                r.testErrorPercent(),
                                r.testErrors(),
                                r.testCount(),
                                r.learningRate(),
                                r.fitSeconds())))
                .run(recipe.epochs());
        bar.clear();
        return new Outcome(net, result.manifest());
    }

    /**
     * What a resumed run must share with the saved one: everything that shapes the updates. The number of epochs
     * only through the learning-rate schedule (so a 1-epoch run extends to 2 epochs when neither drops the rate).
     */
    static RunManifest manifest(String label, String recipeName, long seed, int trainCount, Cifar10Recipe r) {
        String schedule = r.firstDropEpoch() >= r.epochs()
                ? "constant"
                : "/10 from epoch " + r.firstDropEpoch()
                        + (r.secondDropEpoch() < r.epochs() ? ", /100 from epoch " + r.secondDropEpoch() : "");
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("seed", String.valueOf(seed));
        settings.put("batch", String.valueOf(r.batchSize()));
        settings.put("learningRate", r.learningRate() + " (" + schedule + ")");
        settings.put("momentum", String.valueOf(r.momentum()));
        settings.put("initStd", String.valueOf(r.weightStd()));
        settings.put("hiddenBiasInit", String.valueOf(r.hiddenBiasInit()));
        settings.put("pixelScale", String.valueOf(r.pixelScale()));
        return RunManifest.fresh(label, "cifar10", "first " + trainCount + " training images", recipeName, settings);
    }

    /** How the inputs are scaled, for headers and settings. */
    static String pixelScaleName(double scale) {
        return scale == Cifar10Recipe.RAW_PIXEL_SCALE
                ? "raw RGB 0..255 minus the pixel mean"
                : scale == 1.0 ? "[0, 1] minus the pixel mean" : scale + " x ([0, 1] minus the pixel mean)";
    }

    /** Fraction of {@code data}'s test images misclassified by {@code net} (mean network) after {@code mean}. */
    static int testErrors(MultiLayerNetwork net, PixelMeanNormalizer mean, Cifar10Records testImages) {
        DataSetIterator test =
                Cifar10DataSetIterator.builder(testImages).batchSize(TEST_BATCH).build();
        test.setPreProcessor(mean);
        return Errors.count(net, test).errors();
    }

    static final String CSV_HEADER =
            "variant,epoch,train_loss,test_errors,test_count,test_error_pct,learning_rate," + "fit_seconds";

    /** One row per (variant, epoch), epochs 1-based. */
    static void writeCsv(Map<String, Outcome> runs, Path file) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write(CSV_HEADER + "\n");
            for (Map.Entry<String, Outcome> run : runs.entrySet()) {
                for (EpochRecord r : run.getValue().history()) {
                    w.write(String.format(
                            Locale.ROOT,
                            "%s,%d,%.5f,%d,%d,%.4f,%.2e,%.3f%n",
                            run.getKey(),
                            r.epoch(),
                            r.trainLoss(),
                            r.testErrors(),
                            r.testCount(),
                            r.testErrorPercent(),
                            r.learningRate(),
                            r.fitSeconds()));
                }
            }
        }
    }

    static Map<String, Outcome> single(String variant, Outcome o) {
        Map<String, Outcome> m = new LinkedHashMap<>();
        m.put(variant, o);
        return m;
    }

    @Override
    public String name() {
        return "cifar10";
    }

    @Override
    public int train(ZooEntry entry, TrainCommand c) throws IOException {
        Cifar10Data data = Cifar10Run.load(c.dataOptions);
        int trainCount = c.dataOptions.limitFor(data.train().count(), "training");
        Cifar10Recipe r = Cifar10Run.recipe(c.run.recipe, c.run.epochs, c.run.batch);
        boolean withDropout = entry.name().equals("cifar10-dropout");
        int workers = c.workersFor(r.batchSize());
        Files.createDirectories(c.run.out);
        PrintWriter stdout = c.spec.commandLine().getOut();
        stdout.printf(
                Locale.ROOT,
                "Training %s (%,d parameters), %d epochs, recipe %s (rate %.0e, batch %d%s, "
                        + "N(0, %s^2) init, hidden biases %s, inputs %s)%n  data: %s%n",
                entry.name(),
                entry.parameterCount(),
                c.run.epochs,
                c.run.recipeName(),
                r.learningRate(),
                r.batchSize(),
                TrainCommand.onWorkers(workers, r.batchSize()),
                r.weightStd(),
                r.hiddenBiasInit(),
                pixelScaleName(r.pixelScale()),
                Cifar10Run.describe(data, trainCount, c.dataOptions));
        stdout.flush();
        Path modelFile = c.run.out.resolve("model.zip");
        Cifar10Run.Outcome o = Cifar10Run.train(
                entry.name(),
                withDropout,
                r,
                c.run.recipeName(),
                data,
                PixelMeanNormalizer.fit(data.train()),
                trainCount,
                workers,
                c.run.seed,
                modelFile,
                c.run.resume,
                ProgressBar.forTerminal(c.spec.commandLine().getErr(), c.run.quiet),
                c.run.quiet ? null : stdout);
        Cifar10Run.writeCsv(Cifar10Run.single(entry.name(), o), c.run.out.resolve("errors.csv"));
        ErrorCurves curves = new ErrorCurves();
        curves.add(entry.name(), o.history());
        curves.writePng(c.run.out.resolve("figure.png"), entry.name() + ": mean-network test error");
        EpochRecord last = o.last();
        stdout.printf(
                Locale.ROOT,
                "%s after %d epochs: train loss %.4f, test errors %,d / %,d (%.2f%%)%n"
                        + "Wrote %s (with the pixel mean), %s and %s%n",
                entry.name(),
                c.run.epochs,
                last.trainLoss(),
                last.testErrors(),
                last.testCount(),
                last.testErrorPercent(),
                modelFile,
                c.run.out.resolve("errors.csv"),
                c.run.out.resolve("figure.png"));
        stdout.flush();
        return Dropout4jCli.OK;
    }

    @Override
    public int evaluate(Model model, EvaluateCommand c) throws IOException {
        MultiLayerNetwork net = c.network(model, "cifar10");
        if (c.split != EvaluateCommand.Split.TEST) {
            throw new IllegalArgumentException("CIFAR-10 models are evaluated on the test batch only (no --split)");
        }
        PixelMeanNormalizer mean = PixelMeanNormalizer.readFrom(c.modelFile.toFile());
        Cifar10Records test = Cifar10Run.loadTest(c.dataOptions);
        int errors = Cifar10Run.testErrors(net, mean, test);
        int count = test.count();
        PrintWriter out = c.spec.commandLine().getOut();
        out.printf(
                Locale.ROOT,
                "%s on test (%s: %,d test images), mean network, training pixel mean subtracted: %,d / "
                        + "%,d errors (%.2f%%), accuracy %.2f%%%n",
                c.modelFile.getFileName(),
                Cifar10Run.source(c.dataOptions),
                count,
                errors,
                count,
                100.0 * errors / count,
                100.0 - 100.0 * errors / count);
        out.flush();
        return Dropout4jCli.OK;
    }
}
