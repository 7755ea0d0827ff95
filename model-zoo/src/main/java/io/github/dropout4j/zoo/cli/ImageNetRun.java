package io.github.dropout4j.zoo.cli;

import io.github.dropout4j.zoo.data.imagenet.BadImages;
import io.github.dropout4j.zoo.data.imagenet.ColourPca;
import io.github.dropout4j.zoo.data.imagenet.ImageFolder;
import io.github.dropout4j.zoo.data.imagenet.ImageNetEpochs;
import io.github.dropout4j.zoo.data.imagenet.ImageNetPreprocessor;
import io.github.dropout4j.zoo.data.imagenet.ImageNetStatistics;
import io.github.dropout4j.zoo.data.imagenet.TenViewEvaluator;
import io.github.dropout4j.zoo.models.AlexNetDropout;
import io.github.dropout4j.zoo.models.HintonImageNetNet;
import io.github.dropout4j.zoo.models.ImageNetZooModel;
import io.github.dropout4j.zoo.models.ZooEntry;
import io.github.dropout4j.zoo.training.EpochRecord;
import io.github.dropout4j.zoo.training.LearningRatePlateau;
import io.github.dropout4j.zoo.training.LegacyModelZips;
import io.github.dropout4j.zoo.training.ModelZip;
import io.github.dropout4j.zoo.training.Recipe;
import io.github.dropout4j.zoo.training.RunManifest;
import io.github.dropout4j.zoo.training.TrainingRun;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.evaluation.classification.Evaluation;

/**
 * The CLI's ImageNet {@link DataSetType}: training for {@code train hinton-imagenet} / {@code train alexnet-dropout}
 * and the ten-view {@code evaluate}: an image folder
 * ({@code DIR/train/<class>/*.png|jpg} or {@code DIR/<class>/...}), the mean image and colour PCA computed on it and
 * saved as {@value #STATISTICS_FILE} next to the model and inside it, the model zip written atomically after every
 * epoch with its run manifest (preprocessing sizes, class names in label order) so that {@code evaluate} rebuilds
 * the ten views and maps validation folders by name.
 *
 * <p>Augmentation: random crops and reflections for both nets; the PCA colour noise only for AlexNet (Krizhevsky et
 * al. 2012, section 4.1), not for the Hinton net (Appendix H: "random 224x224 patches ... and their horizontal
 * reflections" only). Under {@code --recipe paper} a validation error (mean network, centre crops) is measured after
 * every epoch (stored as the epoch's test counts in the manifest's history) and the learning rate divided by 10 on
 * plateaus ({@link LearningRatePlateau}, its state stored in the manifest's preprocessing map as
 * {@value #PLATEAU_KEY} for {@code --resume}); the validation images are {@code DIR/val} when {@code DIR/train} and
 * {@code DIR/val} exist, else a seeded hold-out of {@value #HOLD_OUT_PERCENT}% of the training folder
 * ({@link #split}). Undecodable training images are skipped up to {@code --max-bad-images}, listed in the zip entry
 * {@value #UNREADABLE_ENTRY} and excluded again on resume.
 */
final class ImageNetRun implements DataSetType {
    /** The data set, for {@link DataSetType#of}. */
    static final ImageNetRun TYPE = new ImageNetRun();

    /** The statistics file written next to {@code model.zip} (and stored in it as {@value #STATISTICS_ENTRY}). */
    static final String STATISTICS_FILE = "imagenet-statistics.bin";
    /** Model-zip entry: the {@link ImageNetStatistics} of the training images (the manifest names it). */
    static final String STATISTICS_ENTRY = "dropout4j-imagenet-statistics.bin";
    /** Model-zip entry: the training images skipped as unreadable, one path a line (excluded again on resume). */
    static final String UNREADABLE_ENTRY = "dropout4j-imagenet-unreadable.txt";
    /** Manifest preprocessing key: the {@link LearningRatePlateau} state after the last epoch (paper recipe). */
    static final String PLATEAU_KEY = "learningRatePlateau";
    /** Share of the training images held out for validation when there is no {@code DIR/val}. */
    static final int HOLD_OUT_PERCENT = 5;

    private ImageNetRun() {}

    /** The sizes and width of the network and its inputs (the CLI's {@code --size --crop --width-divisor ...}). */
    record Shape(int imageSize, int cropSize, int widthDivisor, int fcUnits) {}

    /** {@code DIR/<split>} if it exists, else {@code DIR}; one-line errors for a missing folder. */
    static Path splitRoot(Path dir, String split) throws IOException {
        if (dir == null) {
            throw new IllegalArgumentException("--data DIR is required for ImageNet models (an image folder: " + "DIR/"
                    + split + "/<class>/*.jpg or DIR/<class>/*.jpg)");
        }
        if (!Files.isDirectory(dir)) {
            throw new IOException("--data " + dir + ": no such directory");
        }
        return Files.isDirectory(dir.resolve(split)) ? dir.resolve(split) : dir;
    }

    /** {@code DIR/<split>} if it exists, else {@code DIR}, as a class-per-folder image set. */
    static ImageFolder folder(Path dir, String split) throws IOException {
        return ImageFolder.open(splitRoot(dir, split));
    }

    /** Training and validation images, and where the validation images come from. */
    record Split(ImageFolder train, ImageFolder validation, String description) {}

    /**
     * The validation images of a paper-recipe run: {@code DIR/val} (class folders or the flat ILSVRC layout, labelled
     * by the training classes' names) when {@code train} is {@code DIR/train} and {@code DIR/val} exists; otherwise
     * {@value #HOLD_OUT_PERCENT}% of {@code train} (at least one image), drawn by a {@code java.util.Random} seeded
     * with {@code seed} and removed from the training images.
     */
    static Split split(Path dir, ImageFolder train, long seed) {
        Path val = dir.resolve("val");
        if (train.root().equals(dir.resolve("train")) && Files.isDirectory(val)) {
            ImageFolder v = ImageFolder.openLabelled(val, train.classes());
            return new Split(train, v, v.size() + " validation images from " + val);
        }
        int n = train.size();
        int held = Math.max(1, (int) Math.round(n * HOLD_OUT_PERCENT / 100.0));
        if (held >= n) {
            throw new IllegalArgumentException(train.root() + " holds " + n + " images: too few to hold out "
                    + HOLD_OUT_PERCENT + "% for validation (give DIR/train and DIR/val)");
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Random rng = new Random(seed * 0x9E3779B97F4A7C15L + 0x7E57L);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int[] v = Arrays.copyOf(order, held);
        int[] t = Arrays.copyOfRange(order, held, n);
        Arrays.sort(v);
        Arrays.sort(t);
        return new Split(
                train.subset(t),
                train.subset(v),
                held + " of " + n + " training images held out for " + "validation (seed " + seed + ")");
    }

    /** A fresh network for {@code folder}'s classes with {@code recipe}'s settings, initialised. */
    static Model network(boolean alexNet, boolean dropout, Shape s, int classes, Recipe recipe, long seed) {
        ImageNetZooModel.Builder<?, ?> b =
                alexNet ? AlexNetDropout.builder() : HintonImageNetNet.builder().dropout(dropout);
        return b.cropSize(s.cropSize())
                .widthDivisor(s.widthDivisor())
                .fcUnits(s.fcUnits())
                .numClasses(classes)
                .seed(seed)
                .recipe(recipe)
                .build()
                .init();
    }

    /** The manifest of a fresh run: what a resumed run must repeat, and the preprocessing evaluation repeats. */
    static RunManifest manifest(
            String label,
            Shape s,
            boolean twoInputs,
            long seed,
            int batch,
            String recipe,
            ImageFolder folder,
            Split split,
            LearningRatePlateau plateau) {
        Map<String, String> settings = new LinkedHashMap<>();
        if (split != null) {
            settings.put("validation", split.description());
        }
        if (plateau != null) {
            settings.put("plateau", plateau.toString());
        }
        settings.put("seed", String.valueOf(seed));
        settings.put("batch", String.valueOf(batch));
        settings.put("imageSize", String.valueOf(s.imageSize()));
        settings.put("cropSize", String.valueOf(s.cropSize()));
        settings.put("widthDivisor", String.valueOf(s.widthDivisor()));
        settings.put("fcUnits", String.valueOf(s.fcUnits()));
        return RunManifest.fresh(
                        label,
                        "imagenet",
                        folder.size() + " images of " + folder.root().toAbsolutePath(),
                        recipe,
                        settings)
                .withPreprocessing("imageSize", String.valueOf(s.imageSize()))
                .withPreprocessing("cropSize", String.valueOf(s.cropSize()))
                .withPreprocessing(
                        "subsampleFactor", String.valueOf(twoInputs ? HintonImageNetNet.SUBSAMPLE_FACTOR : 0))
                .withPreprocessing("statistics", STATISTICS_ENTRY)
                .withClassNames(folder.classes());
    }

    /**
     * Trains {@code run} (fresh or resumed: {@link ModelZip#freshOrResumed}) on {@code trainingImages} until it has
     * trained {@code epochs} epochs, writing {@code modelFile} atomically after every epoch with the run manifest, the
     * statistics (computed once on a fresh run and written next to the model as well; a resumed run reads them back
     * from the zip) and the unreadable training images (skipped, recorded in {@code bad}; excluded again on resume).
     * With a {@code validation} folder, the mean network's centre-crop error on it is measured after every epoch
     * and, with {@code freshPlateau}, the learning rate divided by 10 when the rule says so (a resumed run restores
     * the rule's state from the manifest; the rate itself is part of the saved configuration).
     *
     * @return the finished run: network and manifest (whose history holds every epoch's mean training loss and, with
     *     a validation folder, its validation errors as the test counts)
     */
    static TrainingRun.Result train(
            String label,
            ModelZip.Saved run,
            boolean alexNet,
            ImageFolder trainingImages,
            ImageFolder validation,
            LearningRatePlateau freshPlateau,
            Shape s,
            int epochs,
            int batch,
            int workers,
            long seed,
            Path modelFile,
            BadImages bad,
            ProgressBar bar,
            PrintWriter log)
            throws IOException {
        long start = System.nanoTime();
        Path statsFile = modelFile.resolveSibling(STATISTICS_FILE);
        Model net = run.network();
        RunManifest manifest = run.manifest();
        ImageNetStatistics stats;
        Set<Path> unreadable = new HashSet<>();
        LearningRatePlateau plateau = freshPlateau;
        if (manifest.epochsDone() > 0) {
            stats = statistics(modelFile);
            String listed = new String(ModelZip.entry(modelFile, UNREADABLE_ENTRY), StandardCharsets.UTF_8);
            listed.lines().filter(l -> !l.isEmpty()).forEach(l -> unreadable.add(Path.of(l)));
            if (plateau != null) {
                plateau = LearningRatePlateau.restore(
                        Arrays.stream(manifest.preprocessing(PLATEAU_KEY).split(","))
                                .mapToDouble(Double::parseDouble)
                                .toArray());
            }
        } else {
            stats = ImageNetStatistics.compute(trainingImages, s.imageSize(), bad);
            stats.save(statsFile);
            unreadable.addAll(bad.files());
            if (log != null) {
                log.printf(
                        Locale.ROOT,
                        "%s: mean image and colour PCA of %,d images at %dx%d in %.1f s -> %s (%s)%n",
                        label,
                        trainingImages.size() - unreadable.size(),
                        s.imageSize(),
                        s.imageSize(),
                        (System.nanoTime() - start) / 1e9,
                        statsFile,
                        bad.summary());
                log.flush();
            }
        }
        ImageFolder folder = without(trainingImages, unreadable);
        byte[] unreadableBytes = (String.join(
                        "\n", unreadable.stream().map(Path::toString).sorted().toList()))
                .getBytes(StandardCharsets.UTF_8);
        int subsample = Integer.parseInt(manifest.preprocessing("subsampleFactor"));
        ImageNetPreprocessor pre =
                new ImageNetPreprocessor(s.imageSize(), s.cropSize(), subsample, colourPcaSigma(alexNet), stats);
        ImageNetPreprocessor testPre = new ImageNetPreprocessor(s.imageSize(), s.cropSize(), subsample, 0, stats);
        int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        byte[] statsBytes = Files.readAllBytes(statsFile);
        TrainingRun.Evaluation evaluation = validation == null
                ? TrainingRun.Evaluation.NONE
                : m -> TenViewEvaluator.centreCropErrors(m, validation, testPre, bad);
        LearningRatePlateau rule = plateau;
        Map<Integer, String> cuts = new java.util.HashMap<>();
        TrainingRun training = new TrainingRun(
                        net, manifest, new ImageNetEpochs(folder, pre, batch, seed, threads), evaluation)
                .workers(workers)
                .saveTo(modelFile, zip -> {
                    ModelZip.addEntry(zip, STATISTICS_ENTRY, statsBytes);
                    ModelZip.addEntry(zip, UNREADABLE_ENTRY, unreadableBytes);
                })
                .listener(new EpochLines(
                        label,
                        bar,
                        log,
                        r -> String.format(
                                Locale.ROOT,
                                "%s epoch %d/%d: train loss " + "%.4f%s, %.1f s",
                                label,
                                r.epoch(),
                                epochs,
                                r.trainLoss(),
                                validation == null
                                        ? ""
                                        : String.format(Locale.ROOT, ", validation error %.2f%%", r.testErrorPercent())
                                                + cuts.getOrDefault(r.epoch(), ""),
                                r.fitSeconds())));
        if (rule != null) {
            training.afterEachEpoch((model, r, m) -> {
                if (rule.update((double) r.testErrors() / r.testCount())) {
                    double rate = learningRate(model);
                    setLearningRate(model, rate / LearningRatePlateau.FACTOR);
                    cuts.put(
                            r.epoch(),
                            String.format(
                                    Locale.ROOT,
                                    "; no improvement: learning rate %.3g -> %.3g",
                                    rate,
                                    rate / LearningRatePlateau.FACTOR));
                }
                return m.withPreprocessing(
                        PLATEAU_KEY,
                        Arrays.stream(rule.state())
                                .mapToObj(Double::toString)
                                .collect(java.util.stream.Collectors.joining(",")));
            });
        }
        TrainingRun.Result result = training.run(epochs);
        bar.clear();
        return result;
    }

    /**
     * Standard deviation of the PCA colour noise: AlexNet's {@link ColourPca#PAPER_SIGMA} (Krizhevsky et al. 2012,
     * section 4.1); 0 for the Hinton net, whose Appendix H augments with crops and reflections only.
     */
    static double colourPcaSigma(boolean alexNet) {
        return alexNet ? ColourPca.PAPER_SIGMA : 0;
    }

    private static ImageFolder without(ImageFolder folder, Set<Path> files) {
        if (files.isEmpty()) {
            return folder;
        }
        List<Integer> keep = new ArrayList<>();
        for (int i = 0; i < folder.size(); i++) {
            if (!files.contains(folder.file(i))) {
                keep.add(i);
            }
        }
        return folder.subset(keep.stream().mapToInt(Integer::intValue).toArray());
    }

    /** The current learning rate of the network's first layer ({@code conv1} in both ImageNet nets). */
    static double learningRate(Model net) {
        Double rate = net instanceof ComputationGraph g
                ? g.getLearningRate("conv1")
                : ((MultiLayerNetwork) net).getLearningRate(0);
        if (rate == null) {
            throw new IllegalStateException("conv1 has no learning rate");
        }
        return rate;
    }

    private static void setLearningRate(Model net, double rate) {
        if (net instanceof ComputationGraph g) {
            g.setLearningRate(rate);
        } else {
            ((MultiLayerNetwork) net).setLearningRate(rate);
        }
    }

    /** {@code figure.png}: the mean training loss against epochs. */
    static void writeLossPng(Path file, String label, List<Double> losses) throws IOException {
        double[] x = new double[losses.size()];
        double[] y = new double[losses.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = i + 1;
            y[i] = losses.get(i);
        }
        Map<String, double[][]> series = new LinkedHashMap<>();
        series.put(label, new double[][] {x, y});
        ErrorCurves.writeLines(
                file, label + ": mean training loss (cross-entropy)", "Training loss", series, Double.NaN);
    }

    /**
     * The preprocessor a model was trained with: from its manifest (statistics from the zip), or for a zip written
     * before manifests from its sizes entry and the statistics file beside it.
     */
    static ImageNetPreprocessor preprocessorOf(Path modelFile) throws IOException {
        Optional<RunManifest> manifest = ModelZip.readManifest(modelFile);
        if (manifest.isPresent()) {
            RunManifest m = manifest.get();
            try {
                return new ImageNetPreprocessor(
                        Integer.parseInt(m.preprocessing("imageSize")),
                        Integer.parseInt(m.preprocessing("cropSize")),
                        Integer.parseInt(m.preprocessing("subsampleFactor")),
                        0,
                        statistics(modelFile));
            } catch (IllegalArgumentException e) {
                throw new IOException(modelFile + ": " + e.getMessage(), e);
            }
        }
        int[] sizes = LegacyModelZips.imageNetSizes(modelFile);
        Path statsFile = modelFile.resolveSibling(STATISTICS_FILE);
        if (!Files.isRegularFile(statsFile)) {
            throw new IOException(statsFile + ": no such file (the training statistics written next to the model)");
        }
        return new ImageNetPreprocessor(sizes[0], sizes[1], sizes[2], 0, ImageNetStatistics.load(statsFile));
    }

    /**
     * The training class names in label order, from the model's run manifest; null for a zip written before
     * manifests (or a manifest without class names).
     */
    static List<String> classesOf(Path modelFile) throws IOException {
        return ModelZip.readManifest(modelFile)
                .map(RunManifest::classNames)
                .filter(c -> !c.isEmpty())
                .orElse(null);
    }

    /** The statistics stored in a model zip as {@value #STATISTICS_ENTRY}. */
    static ImageNetStatistics statistics(Path modelFile) throws IOException {
        try (FileSystem zip = FileSystems.newFileSystem(modelFile)) {
            Path entry = zip.getPath(STATISTICS_ENTRY);
            if (!Files.exists(entry)) {
                throw new IOException(
                        modelFile + " has no entry " + STATISTICS_ENTRY + " (the training images' statistics)");
            }
            return ImageNetStatistics.load(entry);
        }
    }

    @Override
    public String name() {
        return "imagenet";
    }

    @Override
    public String displayName() {
        return "ImageNet";
    }

    @Override
    public Object newTrainOptions() {
        return new ImageNetTrainOptions();
    }

    @Override
    public int train(ZooEntry entry, TrainCommand c) throws IOException {
        ImageNetTrainOptions o = c.optionsOf(this, ImageNetTrainOptions.class);
        if (c.dataOptions.download) {
            throw new IllegalArgumentException("ImageNet cannot be downloaded here; pass --data DIR (an image folder)");
        }
        if (o.cropSize < 64 || o.cropSize % 4 != 0 || o.imageSize < o.cropSize) {
            throw new IllegalArgumentException("need --crop a multiple of 4, >= 64 and <= --size; got --crop "
                    + o.cropSize + ", --size " + o.imageSize);
        }
        if (o.widthDivisor < 1 || o.fcUnits < 1) {
            throw new IllegalArgumentException(
                    "--width-divisor and --fc-units must be >= 1, got " + o.widthDivisor + " and " + o.fcUnits);
        }
        Dropout4jCli.atLeastOne("--plateau-patience", o.plateauPatience);
        BadImages bad = badImages(o.maxBadImages);
        ImageFolder all = ImageNetRun.folder(c.dataOptions.dir, "train");
        boolean paper = c.run.recipe == Recipe.PAPER;
        Split split = paper ? split(c.dataOptions.dir, all, c.run.seed) : null;
        ImageFolder unlimited = paper ? split.train() : all;
        int limit = c.dataOptions.limitFor(unlimited.size(), "training");
        ImageFolder folder = limit < unlimited.size() ? unlimited.first(limit) : unlimited;
        LearningRatePlateau plateau =
                paper ? new LearningRatePlateau(o.plateauPatience, LearningRatePlateau.DEFAULT_MIN_IMPROVEMENT) : null;
        boolean alexNet = entry.name().equals("alexnet-dropout");
        ImageNetRun.Shape shape = new ImageNetRun.Shape(o.imageSize, o.cropSize, o.widthDivisor, o.fcUnits);
        int b = c.run.batchOr(paper ? HintonImageNetNet.PAPER_BATCH_SIZE : ImageNetTrainOptions.DEFAULT_BATCH);
        int workers = c.workersFor(b);
        Files.createDirectories(c.run.out);
        PrintWriter stdout = c.spec.commandLine().getOut();
        Path modelFile = c.run.out.resolve("model.zip");
        RunManifest manifest = ImageNetRun.manifest(
                        entry.name(), shape, !alexNet, c.run.seed, b, c.run.recipeName(), folder, split, plateau)
                .withWorkers(workers);
        ModelZip.Saved saved = ModelZip.freshOrResumed(
                modelFile,
                c.run.resume,
                manifest,
                () -> ImageNetRun.network(
                        alexNet,
                        !entry.name().endsWith("-nodropout"),
                        shape,
                        folder.numClasses(),
                        c.run.recipe,
                        c.run.seed));
        if (saved.manifest().epochsDone() > 0 && !c.run.quiet) {
            stdout.printf(
                    Locale.ROOT,
                    "resuming from %s after epoch %d%n",
                    modelFile,
                    saved.manifest().epochsDone());
        }
        stdout.printf(
                Locale.ROOT,
                "Training %s (%,d parameters at this size; %,d at the paper's), %d epochs, "
                        + "batch %d%s, recipe %s, %dx%d images, %dx%d crops%s, augmentation: crops, reflections%s%n"
                        + "  data: %,d%s images in %d classes from %s%s%n",
                entry.name(),
                saved.network().numParams(),
                entry.parameterCount(),
                c.run.epochs,
                b,
                TrainCommand.onWorkers(workers, b),
                c.run.recipeName(),
                o.imageSize,
                o.imageSize,
                o.cropSize,
                o.cropSize,
                ", width / " + o.widthDivisor + ", fc " + o.fcUnits,
                alexNet ? ", PCA colour noise" : "",
                folder.size(),
                limit < unlimited.size() ? String.format(Locale.ROOT, " of %,d", unlimited.size()) : "",
                folder.numClasses(),
                folder.root(),
                paper ? "\n  validation: " + split.description() + "; " + plateau : "");
        stdout.flush();
        TrainingRun.Result result = ImageNetRun.train(
                entry.name(),
                saved,
                alexNet,
                folder,
                paper ? split.validation() : null,
                plateau,
                shape,
                c.run.epochs,
                b,
                workers,
                c.run.seed,
                modelFile,
                bad,
                ProgressBar.forTerminal(c.spec.commandLine().getErr(), c.run.quiet),
                c.run.quiet ? null : stdout);
        List<Double> losses =
                result.history().stream().map(EpochRecord::trainLoss).toList();
        ImageNetRun.writeLossPng(c.run.out.resolve("figure.png"), entry.name(), losses);
        stdout.printf(
                Locale.ROOT,
                "%s after %d epochs: train loss %.4f%s%nWrote %s, %s and %s%n",
                entry.name(),
                losses.size(),
                losses.get(losses.size() - 1),
                bad.count() == 0 ? "" : "\n" + bad.summary(),
                modelFile,
                c.run.out.resolve(ImageNetRun.STATISTICS_FILE),
                c.run.out.resolve("figure.png"));
        stdout.flush();
        return Dropout4jCli.OK;
    }

    /** The unreadable-image tally of {@code --max-bad-images N}. @throws IllegalArgumentException for N &lt; 0 */
    private static BadImages badImages(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("--max-bad-images must be >= 0, got " + limit);
        }
        return new BadImages(limit);
    }

    @Override
    public int evaluate(Model net, EvaluateCommand c) throws IOException {
        BadImages bad = badImages(c.maxBadImages);
        List<String> classes = classesOf(c.modelFile);
        Path root = splitRoot(c.dataOptions.dir, "val");
        ImageFolder folder = classes == null ? ImageFolder.open(root) : ImageFolder.openLabelled(root, classes);
        TenViewEvaluator evaluator = new TenViewEvaluator(ImageNetRun.preprocessorOf(c.modelFile));
        long start = System.nanoTime();
        Evaluation eval = evaluator.evaluate(net, folder, bad);
        int count = folder.size() - bad.count();
        double top1 = 1.0 - eval.accuracy();
        PrintWriter out = c.spec.commandLine().getOut();
        out.printf(
                Locale.ROOT,
                "%s on %s (%,d images, %d classes%s), ten views, mean network: top-1 error %.2f%% "
                        + "(%,d / %,d)%s, %.1f s%n",
                c.modelFile.getFileName(),
                folder.root(),
                count,
                folder.numClasses(),
                classes == null ? ", labels from the folder's own listing: the zip stores no class names" : "",
                100 * top1,
                Math.round(top1 * count),
                count,
                folder.numClasses() > 5
                        ? String.format(Locale.ROOT, ", top-5 error %.2f%%", 100 * (1 - eval.topNAccuracy()))
                        : "",
                (System.nanoTime() - start) / 1e9);
        if (bad.count() > 0) {
            out.println(bad.summary());
        }
        out.flush();
        return Dropout4jCli.OK;
    }
}
