package io.github.dropout4j.zoo.cli;

import io.github.dropout4j.zoo.data.IdxDataSetIterator;
import io.github.dropout4j.zoo.data.LabeledImages;
import io.github.dropout4j.zoo.data.MnistData;
import io.github.dropout4j.zoo.models.FeedForwardZooModel;
import io.github.dropout4j.zoo.models.LeNet;
import io.github.dropout4j.zoo.models.MlpConfig;
import io.github.dropout4j.zoo.models.MnistMlp;
import io.github.dropout4j.zoo.models.ZooEntry;
import io.github.dropout4j.zoo.training.EpochRecord;
import io.github.dropout4j.zoo.training.Errors;
import io.github.dropout4j.zoo.training.ModelZip;
import io.github.dropout4j.zoo.training.Recipe;
import io.github.dropout4j.zoo.training.RunManifest;
import io.github.dropout4j.zoo.training.TrainingRun;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * The CLI's MNIST {@link DataSetType}: {@code train} and {@code evaluate} for the MNIST models (MLPs and LeNet), and
 * one MNIST network trained through {@link TrainingRun} (fresh or resumed from its checkpoint, a {@link ModelZip} with
 * the run manifest) with a progress bar and one log line per epoch, for {@code train}, {@code reproduce mnist} and
 * {@code sweep}.
 */
final class MnistRun implements DataSetType {
    /** The data set, for {@link DataSetType#of}. */
    static final MnistRun TYPE = new MnistRun();

    /** Examples per forward pass when counting errors. */
    static final int EVAL_BATCH = 1000;

    /** The seed of the data shuffles, derived from the run's seed so it differs from the weight seed. */
    static long dataSeed(long seed) {
        return seed * 0x9E3779B97F4A7C15L + 0x5EED;
    }

    record Outcome(MultiLayerNetwork network, TrainingRun.Result result) {
        List<EpochRecord> history() {
            return result.history();
        }

        RunManifest manifest() {
            return result.manifest();
        }
    }

    private MnistRun() {}

    /** How many of the first {@code count} examples of {@code set} {@code net} misclassifies (mean network). */
    static int errors(MultiLayerNetwork net, LabeledImages set, int count) {
        return Errors.count(
                        net,
                        IdxDataSetIterator.builder(set)
                                .batchSize(EVAL_BATCH)
                                .limit(count)
                                .build())
                .errors();
    }

    /**
     * What an MNIST run trains: the name and the model's own settings that its manifest records, and a fresh network.
     * The MLPs ({@link #of(MlpConfig)}) and {@link LeNet} ({@link #of(LeNet.Config)}) read the same digits.
     */
    record Network(
            String name,
            String architecture,
            long parameterCount,
            Map<String, String> settings,
            Supplier<MultiLayerNetwork> fresh) {
        static Network of(MlpConfig c) {
            return new Network(
                    c.name(),
                    c.architecture(),
                    c.parameterCount(),
                    Map.of(
                            "activation",
                            c.activation().name().toLowerCase(Locale.ROOT),
                            "boundOutputUnits",
                            String.valueOf(c.boundOutputUnits())),
                    () -> MnistMlp.of(c).init());
        }

        static Network of(LeNet.Config c) {
            return new Network(
                    c.name(),
                    c.architecture(),
                    LeNet.PARAMETER_COUNT,
                    Map.of(
                            "retainProbability",
                            String.valueOf(c.retainProbability()),
                            "maxSquaredLength",
                            String.valueOf(c.maxSquaredLength())),
                    () -> LeNet.of(c).init());
        }
    }

    /** The manifest of a fresh MNIST run: what a resumed run must repeat. */
    static RunManifest manifest(MlpConfig config, String recipe, int trainCount, int batch, long seed) {
        return manifest(Network.of(config), recipe, trainCount, batch, seed);
    }

    /** The manifest of a fresh MNIST run of {@code network}: what a resumed run must repeat. */
    static RunManifest manifest(Network network, String recipe, int trainCount, int batch, long seed) {
        Map<String, String> settings = new LinkedHashMap<>(network.settings());
        settings.put("batch", String.valueOf(batch));
        settings.put("seed", String.valueOf(seed));
        settings.put("dataSeed", String.valueOf(dataSeed(seed)));
        return RunManifest.fresh(network.name(), "mnist", "first " + trainCount + " training digits", recipe, settings);
    }

    /**
     * @param label      name shown in the progress bar and log lines
     * @param config     the network (its seed is the weight seed)
     * @param recipe     the recipe's name, recorded in the manifest
     * @param trainEval  how many of the first training digits to measure the training error on after each epoch
     * @param checkpoint rewritten after every epoch
     * @param resume     continue from {@code checkpoint} if it exists; without it an existing checkpoint is an error
     * @param log        per-epoch lines, or null for none
     */
    static Outcome train(
            String label,
            MlpConfig config,
            String recipe,
            MnistData data,
            int trainCount,
            int trainEval,
            int epochs,
            int batch,
            long seed,
            Path checkpoint,
            boolean resume,
            ProgressBar bar,
            PrintWriter log)
            throws IOException {
        return train(
                label,
                Network.of(config),
                recipe,
                data,
                trainCount,
                trainEval,
                epochs,
                batch,
                1,
                seed,
                checkpoint,
                resume,
                bar,
                log);
    }

    /**
     * As {@link #train(String, MlpConfig, String, MnistData, int, int, int, int, long, Path, boolean, ProgressBar,
     * PrintWriter)} for any MNIST network, on {@code workers} data-parallel workers ({@link TrainingRun#workers}).
     */
    static Outcome train(
            String label,
            Network network,
            String recipe,
            MnistData data,
            int trainCount,
            int trainEval,
            int epochs,
            int batch,
            int workers,
            long seed,
            Path checkpoint,
            boolean resume,
            ProgressBar bar,
            PrintWriter log)
            throws IOException {
        ModelZip.Saved run = ModelZip.freshOrResumed(
                checkpoint,
                resume,
                manifest(network, recipe, trainCount, batch, seed).withWorkers(workers),
                network.fresh());
        MultiLayerNetwork net = (MultiLayerNetwork) run.network();
        RunManifest manifest = run.manifest();
        if (manifest.epochsDone() > 0 && log != null) {
            log.printf("%s: resuming from %s after epoch %d%n", label, checkpoint, manifest.epochsDone());
        }
        int start = manifest.epochsDone();
        IdxDataSetIterator it = IdxDataSetIterator.builder(data.train())
                .batchSize(batch)
                .limit(trainCount)
                .shuffle(dataSeed(seed))
                .startEpoch(start)
                .build();
        int eval = Math.min(trainEval, trainCount);
        LabeledImages test = data.test();
        TrainingRun.Evaluation errors = n -> new Errors.Counts(
                eval == 0 ? 0 : errors(net, data.train(), eval), eval, errors(net, test, test.count()), test.count());
        int batches = (trainCount + batch - 1) / batch;
        long doneAtStart = (long) start * batches;
        bar.start(label, (long) epochs * batches);
        TrainingRun.Result result = new TrainingRun(net, manifest, TrainingRun.EpochData.of(it), errors)
                .saveTo(checkpoint, null)
                .workers(workers)
                .listener(new TrainingRun.Listener() {
                    @Override
                    public void batchDone(int epoch, int b) {
                        bar.update((long) (epoch - 1) * batches + b, doneAtStart);
                    }

                    @Override
                    public void epochDone(EpochRecord r, RunManifest m) {
                        if (log != null) {
                            bar.clear();
                            log.printf(
                                    "%s: epoch %d/%d  test errors %d/%d (%.2f%%)%s  fit %.1f s%n",
                                    label,
                                    r.epoch(),
                                    epochs,
                                    r.testErrors(),
                                    r.testCount(),
                                    r.testErrorPercent(),
                                    r.trainCount() == 0
                                            ? ""
                                            : String.format("  train error %.2f%%", r.trainErrorPercent()),
                                    r.fitSeconds());
                            log.flush();
                        }
                    }
                })
                .run(epochs);
        bar.clear();
        return new Outcome(net, result);
    }

    @Override
    public String name() {
        return "mnist";
    }

    @Override
    public int train(ZooEntry entry, TrainCommand c) throws IOException {
        int batch = c.run.batchOr(MnistMlp.BATCH_SIZE);
        int workers = c.workersFor(batch);
        Network network = network(entry.create(c.run.seed), c.run.recipe);
        MnistData data = c.dataOptions.load(MnistSplit.TRAIN_HELD_OUT);
        int trainCount = c.dataOptions.trainCount(data);
        Files.createDirectories(c.run.out);
        PrintWriter stdout = c.spec.commandLine().getOut();
        stdout.printf(
                "Training %s (%s, %,d parameters), %d epochs, batch %d%s, recipe %s%n  data: %s%n",
                c.model,
                network.architecture(),
                network.parameterCount(),
                c.run.epochs,
                batch,
                TrainCommand.onWorkers(workers, batch),
                c.run.recipe.describe(),
                DataOptions.describe(data, trainCount, c.dataOptions));
        stdout.flush();
        ProgressBar bar = ProgressBar.forTerminal(c.spec.commandLine().getErr(), c.run.quiet);
        MnistRun.Outcome o = MnistRun.train(
                c.model,
                network,
                c.run.recipeName(),
                data,
                trainCount,
                trainCount,
                c.run.epochs,
                batch,
                workers,
                c.run.seed,
                c.run.out.resolve("checkpoint.zip"),
                c.run.resume,
                bar,
                c.run.quiet ? null : c.spec.commandLine().getErr());
        ModelZip.write(
                o.network(),
                o.manifest(),
                zip -> MnistSplit.writeTo(zip.toPath(), MnistSplit.TRAIN_HELD_OUT),
                c.run.out.resolve("model.zip"));
        ErrorCurves curves = new ErrorCurves();
        curves.add(c.model, o.history());
        curves.writeCsv(c.run.out.resolve("errors.csv"));
        curves.writePng(c.run.out.resolve("figure.png"), c.model + ": mean-network test error");
        EpochRecord last = o.history().get(o.history().size() - 1);
        stdout.printf(
                Locale.ROOT,
                "%s after %d epochs: test errors %,d / %,d (%.2f%%), train error %.2f%%%n" + "Wrote %s, %s and %s%n",
                c.model,
                last.epoch(),
                last.testErrors(),
                last.testCount(),
                last.testErrorPercent(),
                last.trainErrorPercent(),
                c.run.out.resolve("model.zip"),
                c.run.out.resolve("errors.csv"),
                c.run.out.resolve("figure.png"));
        stdout.flush();
        return Dropout4jCli.OK;
    }

    /** The MNIST network of zoo model {@code model}, trained with {@code recipe}'s updater for it. */
    static Network network(Object model, Recipe recipe) {
        if (model instanceof FeedForwardZooModel f) {
            return Network.of(f.config().withUpdater(recipe.updater()));
        }
        if (model instanceof LeNet l) {
            return Network.of(l.config().withUpdater(LeNet.updater(recipe)));
        }
        throw new IllegalStateException("not an MNIST zoo model: " + model);
    }

    @Override
    public int evaluate(Model model, EvaluateCommand c) throws IOException {
        MultiLayerNetwork net = c.network(model, "mnist");
        DataOptions dataOptions = c.dataOptions;
        LabeledImages set;
        String source;
        if (c.split == EvaluateCommand.Split.TEST) {
            set = dataOptions.loadTest();
            source = dataOptions.source() + ": " + set.count() + " test " + dataOptions.noun();
        } else {
            int heldOut = MnistSplit.validationHeldOut(c.modelFile);
            MnistData data = dataOptions.load(heldOut);
            set = c.split == EvaluateCommand.Split.TRAIN ? data.train() : data.validation();
            if (set.count() == 0) {
                throw new IllegalArgumentException(c.modelFile + " was trained on all "
                        + data.train().count() + " training "
                        + dataOptions.noun() + " of " + dataOptions.source() + " (no validation split held out: "
                        + MnistSplit.describe(heldOut)
                        + "), so --split VALIDATION would measure examples it was trained on");
            }
            source =
                    DataOptions.describe(data, data.train().count(), dataOptions) + "; " + MnistSplit.describe(heldOut);
        }
        requireInputs(net, set.images().pixelsPerImage(), c.modelFile);
        int count = dataOptions.limitFor(set);
        int errors = MnistRun.errors(net, set, count);
        c.spec.commandLine()
                .getOut()
                .printf(
                        Locale.ROOT,
                        "%s on %s (%s): %,d / %,d errors (%.2f%%), accuracy %.2f%%%n",
                        c.modelFile.getFileName(),
                        c.split.name().toLowerCase(Locale.ROOT),
                        source,
                        errors,
                        count,
                        100.0 * errors / count,
                        100.0 - 100.0 * errors / count);
        c.spec.commandLine().getOut().flush();
        return Dropout4jCli.OK;
    }

    static void requireInputs(MultiLayerNetwork net, int inputs, Path modelFile) {
        // a convolutional net on flat pixels (LeNet) reshapes them first; its first layer's nIn is the channel count
        long nIn = net.getLayerWiseConfigurations().getInputPreProcess(0) instanceof FeedForwardToCnnPreProcessor p
                ? p.getInputHeight() * p.getInputWidth() * p.getNumChannels()
                : net.layerInputSize(0);
        if (nIn != inputs) {
            throw new IllegalArgumentException(modelFile + " takes " + nIn + " inputs, the data have " + inputs);
        }
    }
}
