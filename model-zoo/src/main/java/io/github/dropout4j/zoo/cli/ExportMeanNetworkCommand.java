package io.github.dropout4j.zoo.cli;

import io.github.dropout4j.inference.MeanNetwork;
import io.github.dropout4j.zoo.data.PixelMeanNormalizer;
import io.github.dropout4j.zoo.training.LegacyModelZips;
import io.github.dropout4j.zoo.training.ModelZip;
import io.github.dropout4j.zoo.training.RunManifest;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code export-mean-network MODEL.zip --out FILE}: folds the retain probabilities into the weights
 * ({@link MeanNetwork#export}; a {@code MultiLayerNetwork} or a {@code ComputationGraph}) and writes a plain DL4J
 * model that loads without Dropout4j. Check first, write after: both networks predict on random inputs of the
 * model's input shape, and a largest output difference above {@value #TOLERANCE} is an error (exit 1, nothing
 * written). Models with Dropout4j's own layers have no plain DL4J form (exit 1), unless
 * {@code --keep-dropout4j-layers} asks for {@link MeanNetwork#fold} instead. Only then is the zip written to a temporary file in the target's directory, with every extra entry of
 * the source zip (the run manifest, the CIFAR-10 pixel mean, the ImageNet statistics, the MNIST split, ...), and
 * moved into place atomically.
 */
@Command(
        name = "export-mean-network",
        mixinStandardHelpOptions = true,
        description = {
            "Write the paper's mean network (weights times retain probabilities) as a plain DL4J zip "
                    + "that loads without Dropout4j, after checking on random inputs that it predicts as the model does "
                    + "(largest softmax difference <= " + ExportMeanNetworkCommand.TOLERANCE + ").",
            "Models using Dropout4j's own layers (cifar10-dropout, hinton-imagenet*, alexnet-dropout) have no plain "
                    + "DL4J form: exit 1 unless --keep-dropout4j-layers."
        })
final class ExportMeanNetworkCommand implements Callable<Integer> {
    /**
     * Largest allowed absolute difference between the two networks' outputs (softmax probabilities): folding
     * {@code p} into the weights reorders float products, which moves outputs by ~1e-7 per layer.
     */
    static final double TOLERANCE = 1e-4;
    /** Random check inputs: up to 256, fewer for large images (about 262,144 input values in all, at least 2). */
    private static final long CHECK_VALUES = 1L << 18;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL.zip", description = "A trained model (model.zip or a checkpoint).")
    Path modelFile;

    @Option(
            names = "--out",
            paramLabel = "FILE",
            required = true,
            description = "Where to write the plain DL4J zip " + "(a file; its directory is created).")
    Path out;

    @Option(
            names = "--keep-dropout4j-layers",
            description = "For models with Dropout4j's own layers "
                    + "(cifar10-dropout, hinton-imagenet*, alexnet-dropout): fold the retain probabilities into the weights but keep "
                    + "those layers (MeanNetwork.fold); loading the result needs Dropout4j.")
    boolean keepOurLayers;

    @Override
    public Integer call() throws IOException {
        OutputPaths.requireWritableFile("--out", out);
        Model model = ModelZip.readModel(modelFile);
        List<String> objects = ModelSerializer.listObjectsInFile(modelFile.toFile());
        Model mean;
        try {
            if (model instanceof ComputationGraph g) {
                mean = keepOurLayers ? MeanNetwork.fold(g) : MeanNetwork.export(g);
            } else {
                MultiLayerNetwork net = (MultiLayerNetwork) model;
                mean = keepOurLayers ? MeanNetwork.fold(net) : MeanNetwork.export(net);
            }
        } catch (IllegalStateException e) {
            throw new Dropout4jCli.UserException(modelFile + ": "
                    + e.getMessage()
                            .replace(
                                    "MeanNetwork.fold keeps " + "Dropout4j's layers",
                                    "--keep-dropout4j-layers keeps them (the result then needs Dropout4j to load)"));
        }
        INDArray[] x = checkInputs(model, objects);
        double maxDiff = maxDifference(output(model, x), output(mean, x));
        long n = x[0].size(0);
        if (!(maxDiff <= TOLERANCE)) {
            throw new Dropout4jCli.UserException(String.format(
                    Locale.ROOT,
                    "the exported mean network of %s differs "
                            + "from the model by %.2e on %d random inputs (tolerance %.0e); nothing written",
                    modelFile,
                    maxDiff,
                    n,
                    TOLERANCE));
        }
        Path dir = out.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, out.getFileName().toString(), ".tmp");
        try {
            ModelSerializer.writeModel(mean, tmp.toFile(), false);
            for (String key : objects) {
                Object o = ModelSerializer.getObjectFromFile(modelFile.toFile(), key);
                if (o instanceof Serializable) {
                    ModelSerializer.addObjectToFile(tmp.toFile(), key, o);
                }
            }
            for (String entry : RAW_ENTRIES) {
                byte[] bytes = rawEntry(modelFile, entry);
                if (bytes != null) {
                    ModelZip.addEntry(tmp.toFile(), entry, bytes);
                }
            }
            Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        copyStatisticsFile(objects);
        spec.commandLine()
                .getOut()
                .printf(
                        Locale.ROOT,
                        "Wrote %s (%s -> %s, %,d parameters%s); "
                                + "largest output difference on %d random inputs: %.2e (tolerance %.0e)%n",
                        out,
                        modelFile.getFileName(),
                        keepOurLayers ? "mean network keeping Dropout4j's layers" : "plain DL4J mean network",
                        mean.numParams(),
                        objects.isEmpty() ? "" : ", with " + String.join(", ", objects),
                        n,
                        maxDiff,
                        TOLERANCE);
        spec.commandLine().getOut().flush();
        return Dropout4jCli.OK;
    }

    /** Zip entries besides the model and its objects that evaluation reads: the run manifest, ImageNet statistics. */
    private static final List<String> RAW_ENTRIES =
            List.of(RunManifest.ZIP_ENTRY, ImageNetRun.STATISTICS_ENTRY, ImageNetRun.UNREADABLE_ENTRY);

    /** The bytes of zip entry {@code name}, or null if {@code file} has none. */
    private static byte[] rawEntry(Path file, String name) throws IOException {
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(file.toFile())) {
            java.util.zip.ZipEntry e = zip.getEntry(name);
            if (e == null) {
                return null;
            }
            try (java.io.InputStream in = zip.getInputStream(e)) {
                return in.readAllBytes();
            }
        }
    }

    /**
     * An ImageNet model's {@code {cropSize, subsampleFactor}}: from its run manifest's preprocessing, or for a zip
     * written before manifests from its sizes entry; null for other models.
     */
    private int[] imageNetSizes(List<String> objects) throws IOException {
        java.util.Optional<RunManifest> m = ModelZip.readManifest(modelFile);
        if (m.isPresent()) {
            if (!m.get().dataset().equals("imagenet")) {
                return null;
            }
            return new int[] {
                Integer.parseInt(m.get().preprocessing("cropSize")),
                Integer.parseInt(m.get().preprocessing("subsampleFactor"))
            };
        }
        if (objects.contains(LegacyModelZips.IMAGENET_SIZES)) {
            int[] sizes = LegacyModelZips.imageNetSizes(modelFile);
            return new int[] {sizes[1], sizes[2]};
        }
        return null;
    }

    /**
     * A zip written before run manifests keeps the ImageNet statistics beside it, not inside: copied next to
     * {@code --out} (newer zips carry them as an entry, copied with the zip).
     */
    private void copyStatisticsFile(List<String> objects) throws IOException {
        Path stats = modelFile.toAbsolutePath().resolveSibling(ImageNetRun.STATISTICS_FILE);
        Path target = out.toAbsolutePath().resolveSibling(ImageNetRun.STATISTICS_FILE);
        if (objects.contains(LegacyModelZips.IMAGENET_SIZES) && Files.isRegularFile(stats) && !Files.exists(target)) {
            Path tmp = Files.createTempFile(target.getParent(), ImageNetRun.STATISTICS_FILE, ".tmp");
            try {
                Files.copy(stats, tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /**
     * Uniform [0, 1) inputs of the model's input shape: from the zip's preprocessing entries for image models (the
     * CIFAR-10 pixel mean's length, the ImageNet crop size), else from the first layer.
     */
    private INDArray[] checkInputs(Model model, List<String> objects) throws IOException {
        long[][] shapes;
        int[] sizes = imageNetSizes(objects);
        if (sizes != null) {
            int crop = sizes[0];
            shapes = sizes[1] > 0
                    ? new long[][] {{3, crop, crop}, {3, crop / sizes[1], crop / sizes[1]}}
                    : new long[][] {{3, crop, crop}};
        } else if (objects.contains(PixelMeanNormalizer.MODEL_ZIP_KEY)) {
            int side = (int) Math.round(
                    Math.sqrt(PixelMeanNormalizer.readFrom(modelFile.toFile()).mean().length / 3.0));
            shapes = new long[][] {{3, side, side}};
        } else if (model instanceof MultiLayerNetwork net
                && net.getLayerWiseConfigurations().getInputPreProcess(0) instanceof FeedForwardToCnnPreProcessor f) {
            shapes = new long[][] {{f.getInputHeight() * f.getInputWidth() * f.getNumChannels()}};
        } else if (model instanceof MultiLayerNetwork net
                && net.getLayerWiseConfigurations().getInputPreProcess(0) == null
                && (net.getLayerWiseConfigurations().getConf(0).getLayer() instanceof DenseLayer
                        || net.getLayerWiseConfigurations().getConf(0).getLayer() instanceof BaseOutputLayer)) {
            shapes = new long[][] {{net.layerInputSize(0)}};
        } else if (model instanceof ComputationGraph g && denseInputSizes(g) != null) {
            shapes = denseInputSizes(g);
        } else {
            throw new Dropout4jCli.UserException(modelFile + ": the input shape of this network is unknown (a "
                    + "convolutional model written by 'train' stores it: " + PixelMeanNormalizer.MODEL_ZIP_KEY
                    + " or the "
                    + "run manifest's ImageNet crop size)");
        }
        long perExample = 1;
        for (long d : shapes[0]) {
            perExample *= d;
        }
        long n = Math.max(2, Math.min(256, CHECK_VALUES / perExample));
        Random rng = Nd4j.getRandomFactory().getNewRandomInstance(7);
        INDArray[] x = new INDArray[shapes.length];
        for (int i = 0; i < x.length; i++) {
            long[] shape = new long[shapes[i].length + 1];
            shape[0] = n;
            System.arraycopy(shapes[i], 0, shape, 1, shapes[i].length);
            x[i] = Nd4j.rand(rng, shape).castTo(DataType.FLOAT);
        }
        return x;
    }

    /** {@code {{nIn}}} per input of a graph whose inputs each feed one dense layer directly, else null. */
    private static long[][] denseInputSizes(ComputationGraph g) {
        List<String> inputs = g.getConfiguration().getNetworkInputs();
        long[][] sizes = new long[inputs.size()][];
        for (int i = 0; i < sizes.length; i++) {
            for (Map.Entry<String, List<String>> e :
                    g.getConfiguration().getVertexInputs().entrySet()) {
                if (e.getValue().equals(List.of(inputs.get(i)))
                        && g.getConfiguration().getVertices().get(e.getKey()) instanceof LayerVertex v
                        && (v.getLayerConf().getLayer() instanceof DenseLayer
                                || v.getLayerConf().getLayer() instanceof BaseOutputLayer)
                        && v.getPreProcessor() == null) {
                    sizes[i] = new long[] {((FeedForwardLayer) v.getLayerConf().getLayer()).getNIn()};
                }
            }
            if (sizes[i] == null) {
                return null;
            }
        }
        return sizes;
    }

    private static INDArray[] output(Model m, INDArray[] x) {
        return m instanceof ComputationGraph g
                ? g.output(false, x)
                : new INDArray[] {((MultiLayerNetwork) m).output(x[0], false)};
    }

    private static double maxDifference(INDArray[] a, INDArray[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(
                    max,
                    a[i].castTo(DataType.DOUBLE)
                            .sub(b[i].castTo(DataType.DOUBLE))
                            .amaxNumber()
                            .doubleValue());
        }
        return Double.isNaN(max) ? Double.NaN : max;
    }
}
