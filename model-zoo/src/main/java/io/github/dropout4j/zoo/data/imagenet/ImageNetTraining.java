package io.github.dropout4j.zoo.data.imagenet;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;

/**
 * The training loop for the ImageNet networks, for the CLI and for scripts: epochs over an {@link ImageNetIterator}
 * (with prefetch), the two-input {@code HintonImageNetNet} graph or a single-input network such as
 * {@code AlexNetDropout}, and a callback after every epoch (log, checkpoint, evaluate, change the learning rate,
 * stop early).
 *
 * <pre>{@code
 * ImageFolder train = ImageFolder.open(dir.resolve("train"));
 * ImageNetStatistics stats = ImageNetStatistics.compute(train, 256);
 * ComputationGraph net = HintonImageNetNet.builder().numClasses(train.numClasses()).build().init();
 * new ImageNetTraining(train, ImageNetPreprocessor.paper(stats, true), 128, 42, 4)
 *         .train(net, 90, (epoch, loss, model) -> { System.out.println(epoch + " " + loss); return true; });
 * }</pre>
 */
public final class ImageNetTraining {

    /** Called after each epoch with the epoch number (0-based), the mean minibatch loss and the model. */
    @FunctionalInterface
    public interface EpochCallback {
        /** @return false to stop training */
        boolean afterEpoch(int epoch, double meanLoss, Model model);
    }

    private final ImageFolder folder;
    private final ImageNetPreprocessor preprocessor;
    private final int batchSize;
    private final long seed;
    private final int threads;

    /**
     * @param threads decoding threads (the prefetch queue holds 4 batches)
     */
    public ImageNetTraining(ImageFolder folder, ImageNetPreprocessor preprocessor, int batchSize, long seed,
                            int threads) {
        this.folder = folder;
        this.preprocessor = preprocessor;
        this.batchSize = batchSize;
        this.seed = seed;
        this.threads = threads;
    }

    /**
     * Top-1 error of {@code net} (inference mode: the mean network) on the centre crops of {@code folder}'s images,
     * the validation error that drives the learning-rate plateau rule; undecodable images are skipped and recorded
     * in {@code bad}.
     *
     * @return the fraction of readable images misclassified, in [0, 1]
     */
    public static double centreCropError(Model net, ImageFolder folder, ImageNetPreprocessor preprocessor,
                                         BadImages bad) {
        int errors = 0;
        int seen = 0;
        java.util.List<float[]> crops = new java.util.ArrayList<>();
        java.util.List<Integer> labels = new java.util.ArrayList<>();
        for (int i = 0; i <= folder.size(); i++) {
            if (i < folder.size()) {
                try {
                    crops.add(preprocessor.centreCrop(ImageTransforms.loadSquare(folder.file(i),
                            preprocessor.imageSize())));
                    labels.add(folder.label(i));
                } catch (java.io.IOException e) {
                    bad.skip(folder.file(i), e);
                }
            }
            if (crops.size() == 32 || (i == folder.size() && !crops.isEmpty())) {
                org.nd4j.linalg.api.ndarray.INDArray p = TenViewEvaluator.output(net, preprocessor.toInputs(crops));
                for (int k = 0; k < crops.size(); k++) {
                    if (p.getRow(k).argMax().getInt(0) != labels.get(k)) {
                        errors++;
                    }
                }
                seen += crops.size();
                crops.clear();
                labels.clear();
            }
        }
        if (seen == 0) {
            throw new IllegalArgumentException("no readable validation image in " + folder.root());
        }
        return (double) errors / seen;
    }

    /**
     * Trains until the model has trained {@code epochs} epochs in all: a model that has already trained k epochs (its
     * epoch counter, e.g. restored from a checkpoint) continues with epoch k, seeing the same orders, crops and
     * dropout masks as an uninterrupted run. The callback's epoch numbers are these absolute, 0-based epochs.
     *
     * @return the model's epoch count at the end (less than {@code epochs} if the callback stopped early)
     */
    public int train(Model net, int epochs, EpochCallback callback) {
        boolean graph = net instanceof ComputationGraph;
        if (!graph && !(net instanceof MultiLayerNetwork)) {
            throw new IllegalArgumentException("unsupported model type " + net.getClass().getName());
        }
        if (!graph && preprocessor.twoInputs()) {
            throw new IllegalArgumentException("a MultiLayerNetwork takes one input; use subsampleFactor 0");
        }
        int first = graph ? ((ComputationGraph) net).getEpochCount() : ((MultiLayerNetwork) net).getEpochCount();
        try (ImageNetIterator base = new ImageNetIterator(folder, preprocessor, batchSize, true, seed, threads)) {
            for (int k = 0; k < first; k++) {
                base.reset(); // a resumed model: the orders and crops of epoch `first` on, as in an unbroken run
            }
            for (int epoch = first; epoch < epochs; epoch++) {
                if (epoch > first) {
                    base.reset();
                }
                MultiDataSetIterator it = ImageNetIterator.prefetching(base, 4);
                double sum = 0;
                int batches = 0;
                while (it.hasNext()) {
                    MultiDataSet mds = it.next();
                    if (graph) {
                        ((ComputationGraph) net).fit(mds);
                    } else {
                        ((MultiLayerNetwork) net).fit(new DataSet(mds.getFeatures(0), mds.getLabels(0)));
                    }
                    sum += net.score();
                    batches++;
                }
                if (it instanceof org.nd4j.linalg.dataset.AsyncMultiDataSetIterator) {
                    ((org.nd4j.linalg.dataset.AsyncMultiDataSetIterator) it).shutdown();
                }
                if (graph) {
                    ((ComputationGraph) net).incrementEpochCount();
                } else {
                    ((MultiLayerNetwork) net).incrementEpochCount();
                }
                if (!callback.afterEpoch(epoch, batches == 0 ? Double.NaN : sum / batches, net)) {
                    return epoch + 1;
                }
            }
        }
        return epochs;
    }
}
