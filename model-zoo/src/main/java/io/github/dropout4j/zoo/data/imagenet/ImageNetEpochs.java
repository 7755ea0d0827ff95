package io.github.dropout4j.zoo.data.imagenet;

import io.github.dropout4j.zoo.training.TrainingRun;
import org.nd4j.linalg.dataset.AsyncMultiDataSetIterator;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;

/**
 * An image folder's training epochs for {@link TrainingRun}: shuffled, augmented minibatches from an
 * {@link ImageNetIterator} (decoded on {@code threads} threads, 4 batches prefetched). Epoch k's order and crops are
 * those of the iterator after k resets, so a run resumed at epoch k sees what an unbroken run would. Two inputs
 * (crop and subsampled crop) for {@code HintonImageNetNet}, one for single-input networks such as
 * {@code AlexNetDropout}.
 *
 * <pre>{@code
 * ImageFolder train = ImageFolder.open(dir.resolve("train"));
 * ImageNetStatistics stats = ImageNetStatistics.compute(train, 256);
 * ComputationGraph net = HintonImageNetNet.builder().numClasses(train.numClasses()).build().init();
 * new TrainingRun(net, manifest, new ImageNetEpochs(train, ImageNetPreprocessor.paper(stats, true), 128, 42, 4),
 *     TrainingRun.Evaluation.NONE).run(90);
 * }</pre>
 */
public final class ImageNetEpochs implements TrainingRun.EpochData {
    private final ImageNetIterator base;
    private int resets;

    /** @param threads decoding threads */
    public ImageNetEpochs(
            ImageFolder folder, ImageNetPreprocessor preprocessor, int batchSize, long seed, int threads) {
        this.base = new ImageNetIterator(folder, preprocessor, batchSize, true, seed, threads);
    }

    @Override
    public MultiDataSetIterator epoch(int epoch) {
        if (epoch < resets) {
            throw new IllegalStateException("epoch " + epoch + " requested after epoch " + resets);
        }
        while (resets < epoch) {
            base.reset();
            resets++;
        }
        return ImageNetIterator.prefetching(base, 4);
    }

    @Override
    public void epochDone(MultiDataSetIterator it) {
        if (it instanceof AsyncMultiDataSetIterator async) {
            async.shutdown();
        }
    }

    @Override
    public void close() {
        base.close();
    }
}
