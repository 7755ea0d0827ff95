package io.github.dropout4j.zoo.data.imagenet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.AsyncMultiDataSetIterator;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.MultiDataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Minibatches from an {@link ImageFolder}: features {@code {crop}} or {@code {crop, subsampled}} (see
 * {@link ImageNetPreprocessor}), labels one-hot {@code [mb, numClasses]}. Training mode shuffles the examples each
 * epoch (order from {@code seed} and the epoch) and augments; test mode takes centre crops in folder order. Each
 * {@link #reset()} starts the next epoch. The images of a batch are decoded and augmented on {@code threads}
 * worker threads; wrap with {@link #prefetching} so batches are prepared while the network trains. Results do not
 * depend on the thread count (each example's view is a function of seed, epoch and index).
 */
public final class ImageNetIterator implements MultiDataSetIterator, AutoCloseable {

    private final ImageFolder folder;
    private final ImageNetPreprocessor preprocessor;
    private final int batchSize;
    private final boolean training;
    private final long seed;
    private final ExecutorService pool;
    private int epoch = -1;
    private int[] order;
    private int cursor;
    private MultiDataSetPreProcessor preProcessor;

    public ImageNetIterator(
            ImageFolder folder,
            ImageNetPreprocessor preprocessor,
            int batchSize,
            boolean training,
            long seed,
            int threads) {
        if (batchSize < 1 || threads < 1) {
            throw new IllegalArgumentException("batchSize and threads must be >= 1, got " + batchSize + ", " + threads);
        }
        this.folder = folder;
        this.preprocessor = preprocessor;
        this.batchSize = batchSize;
        this.training = training;
        this.seed = seed;
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "imagenet-decode");
            t.setDaemon(true);
            return t;
        });
        reset();
    }

    /** {@code base} behind DL4J's {@link AsyncMultiDataSetIterator} with {@code queueSize} batches prepared ahead. */
    public static MultiDataSetIterator prefetching(ImageNetIterator base, int queueSize) {
        return new AsyncMultiDataSetIterator(base, queueSize);
    }

    /** The epoch the iterator is in (0 after construction; +1 per reset). */
    public int epoch() {
        return epoch;
    }

    @Override
    public MultiDataSet next(int num) {
        if (!hasNext()) {
            throw new NoSuchElementException("epoch " + epoch + " is exhausted; call reset()");
        }
        int n = Math.min(num, order.length - cursor);
        int[] idx = Arrays.copyOfRange(order, cursor, cursor + n);
        cursor += n;
        List<Future<float[]>> futures = new ArrayList<>(n);
        for (int i : idx) {
            int e = epoch;
            futures.add(pool.submit(() -> {
                float[] img;
                try {
                    img = ImageTransforms.loadSquare(folder.file(i), preprocessor.imageSize());
                } catch (IOException ex) {
                    throw new UncheckedIOException(ex);
                }
                return training ? preprocessor.trainingCrop(img, seed, e, i) : preprocessor.centreCrop(img);
            }));
        }
        List<float[]> crops = new ArrayList<>(n);
        for (Future<float[]> f : futures) {
            try {
                crops.add(f.get());
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while decoding images", ex);
            } catch (ExecutionException ex) {
                if (ex.getCause() instanceof UncheckedIOException u) {
                    throw new UncheckedIOException(u.getCause().getMessage(), u.getCause());
                }
                throw new IllegalStateException(
                        "failed to prepare an image: " + ex.getCause().getMessage(), ex.getCause());
            }
        }
        INDArray labels = Nd4j.zeros(DataType.FLOAT, n, folder.numClasses());
        for (int k = 0; k < n; k++) {
            labels.putScalar(k, folder.label(idx[k]), 1f);
        }
        MultiDataSet mds =
                new org.nd4j.linalg.dataset.MultiDataSet(preprocessor.toInputs(crops), new INDArray[] {labels});
        if (preProcessor != null) {
            preProcessor.preProcess(mds);
        }
        return mds;
    }

    @Override
    public MultiDataSet next() {
        return next(batchSize);
    }

    @Override
    public boolean hasNext() {
        return cursor < order.length;
    }

    @Override
    public void setPreProcessor(MultiDataSetPreProcessor preProcessor) {
        this.preProcessor = preProcessor;
    }

    @Override
    public MultiDataSetPreProcessor getPreProcessor() {
        return preProcessor;
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    @Override
    public boolean asyncSupported() {
        return true;
    }

    /** Starts the next epoch (a new shuffle in training mode). */
    @Override
    public void reset() {
        epoch++;
        order = new int[folder.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        if (training) {
            Random rng = new Random(ImageNetPreprocessor.mix(seed, epoch, -1));
            for (int i = order.length - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        cursor = 0;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
