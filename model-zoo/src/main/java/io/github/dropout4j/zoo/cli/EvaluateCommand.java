package io.github.dropout4j.zoo.cli;

import io.github.dropout4j.zoo.data.Downloader;
import io.github.dropout4j.zoo.data.LabeledImages;
import io.github.dropout4j.zoo.data.MnistData;
import io.github.dropout4j.zoo.data.PixelMeanNormalizer;
import io.github.dropout4j.zoo.data.imagenet.BadImages;
import io.github.dropout4j.zoo.models.ModelRegistry;
import io.github.dropout4j.zoo.pretrained.PretrainedWeights;
import io.github.dropout4j.zoo.pretrained.TrainedOn;
import io.github.dropout4j.zoo.pretrained.WeightsEntry;
import io.github.dropout4j.zoo.training.LegacyModelZips;
import io.github.dropout4j.zoo.training.ModelZip;
import io.github.dropout4j.zoo.training.RunManifest;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code evaluate MODEL.zip}: test-time (mean-network) classification error of a saved model. The data set is read
 * from the zip's run manifest: a CIFAR-10 model carries its {@link PixelMeanNormalizer} (applied to the test images),
 * an ImageNet model its preprocessing sizes and statistics (evaluated with ten views). Zips written before manifests
 * are recognised by their entries ({@link LegacyModelZips}); a plain DL4J model is taken for an MNIST model.
 */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        description = {
            "Classification error of a saved model (model.zip, a checkpoint, or an exported mean network) "
                    + "with dropout off (the mean network): MNIST models on an MNIST split, CIFAR-10 models on the CIFAR-10 "
                    + "test batch (default: the synthetic stand-in's), ImageNet models on --data DIR (DIR/val if present) "
                    + "with ten views (--ten-view)."
        })
final class EvaluateCommand implements Callable<Integer> {
    enum Split {
        TRAIN,
        VALIDATION,
        TEST
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(
            index = "0",
            paramLabel = "MODEL.zip",
            description = "A DL4J model zip written by 'train', or " + "with --pretrained a zoo model name.")
    Path modelFile;

    @Option(
            names = "--pretrained",
            description = "MODEL is a zoo model name: evaluate its published weights (see "
                    + "'models' and 'pull') on the test split of the data set they were trained on.")
    boolean pretrained;

    @Option(
            names = "--data-set",
            paramLabel = "NAME",
            description = "With --pretrained: mnist-bundled or "
                    + "fashion-mnist (default: the model's first). Fashion-MNIST is read from --data DIR or "
                    + TrainedOn.FASHION_MNIST_DEBIAN_DIR + " (Debian's dataset-fashion-mnist).")
    String dataSet;

    @Option(
            names = "--split",
            paramLabel = "SPLIT",
            description = "MNIST: TRAIN, VALIDATION or TEST (default: " + "${DEFAULT-VALUE}).")
    Split split = Split.TEST;

    @Option(
            names = "--ten-view",
            description = "ImageNet models: average the softmax over the centre and four "
                    + "corner crops and their mirror images (Appendix H; the only ImageNet protocol, so implied).")
    boolean tenView;

    @Option(
            names = "--max-bad-images",
            paramLabel = "N",
            description = "ImageNet: skip and report up to N images "
                    + "that cannot be decoded; more is an error naming them (default: ${DEFAULT-VALUE}).")
    int maxBadImages = BadImages.DEFAULT_LIMIT;

    @Mixin
    DataOptions dataOptions;

    @Override
    public Integer call() throws IOException {
        if (pretrained) {
            return evaluatePretrained();
        }
        if (dataSet != null) {
            throw new IllegalArgumentException("--data-set applies to --pretrained only");
        }
        Model model = ModelZip.readModel(modelFile);
        // The manifest names the data set; zips written before manifests are recognised by their entries, and a plain
        // DL4J model (an exported mean network, an old MNIST checkpoint) is taken for an MNIST model.
        String dataset = ModelZip.readManifest(modelFile)
                .map(RunManifest::dataset)
                .or(() -> LegacyModelZips.dataset(modelFile))
                .orElse("mnist");
        DataSetType type = DataSetType.of(dataset, modelFile);
        if (tenView && !type.name().equals("imagenet")) {
            throw new IllegalArgumentException("--ten-view applies to ImageNet models; " + modelFile + " is not one");
        }
        return type.evaluate(model, this);
    }

    /** {@code model} as a MultiLayerNetwork. @throws IOException naming the file if it is a ComputationGraph */
    MultiLayerNetwork network(Model model, String dataset) throws IOException {
        if (!(model instanceof MultiLayerNetwork net)) {
            throw new IOException(modelFile + " is a ComputationGraph of data set " + dataset + "; not a model written "
                    + "by 'train'");
        }
        return net;
    }

    private Integer evaluatePretrained() throws IOException {
        if (tenView || dataOptions.download) {
            throw new IllegalArgumentException("--pretrained evaluates on the data set the weights were trained on; "
                    + "--ten-view and --download do not apply");
        }
        WeightsEntry entry = PullCommand.entry(modelFile.toString(), dataSet);
        PretrainedWeights store =
                PullCommand.store(dataOptions.downloadOptions().offline());
        Downloader.Fetched fetched = store.fetch(entry);
        MultiLayerNetwork net = (MultiLayerNetwork)
                ModelRegistry.standard().require(entry.model()).create(1).initPretrained(entry.trainedOn(), store);
        MnistData data = entry.trainedOn().load(dataOptions.dir);
        LabeledImages set = switch (split) {
            case TRAIN -> data.train();
            case VALIDATION -> data.validation();
            case TEST -> data.test();
        };
        if (set.count() == 0) {
            throw new IllegalArgumentException(
                    entry.trainedOn().id() + " has no " + split.name().toLowerCase(Locale.ROOT) + " split");
        }
        int count = dataOptions.limitFor(set);
        int errors = MnistRun.errors(net, set, count);
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                Locale.ROOT,
                "%s pretrained on %s (%s, from %s) on %s (%,d examples), mean network: %,d / %,d "
                        + "errors (%.2f%%), accuracy %.2f%%%s%n",
                entry.model(),
                entry.trainedOn().id(),
                fetched.file(),
                fetched.describeSource(),
                split.name().toLowerCase(Locale.ROOT),
                set.count(),
                errors,
                count,
                100.0 * errors / count,
                100.0 - 100.0 * errors / count,
                split == Split.TEST && count == set.count()
                        ? String.format(
                                Locale.ROOT,
                                "; the registry records %,d / %,d",
                                entry.testErrors(),
                                entry.testExamples())
                        : "");
        out.flush();
        return Dropout4jCli.OK;
    }
}
