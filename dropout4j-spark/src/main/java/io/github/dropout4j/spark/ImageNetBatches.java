package io.github.dropout4j.spark;

import io.github.dropout4j.random.Seeds;
import io.github.dropout4j.zoo.data.imagenet.ImageFolder;
import io.github.dropout4j.zoo.data.imagenet.ImageNetPreprocessor;
import io.github.dropout4j.zoo.data.imagenet.ImageNetStatistics;
import io.github.dropout4j.zoo.data.imagenet.ImageTransforms;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An epoch of an ImageNet-style image folder as a Spark RDD of minibatches that the <b>executors</b> decode: the
 * driver lists (file, label) pairs ({@link ImageFolder}), shuffles them with (seed, epoch), cuts them into
 * minibatches of {@code batchPerWorker} and parallelises these lists of paths; each executor reads its images from
 * the path (a shared file system every executor mounts at the same place, e.g. NFS, or a local copy on each) and
 * preprocesses them with the zoo's ImageNet pipeline ({@link ImageNetPreprocessor}: resize, mean image, random crop
 * and reflection from (seed, epoch, index), PCA colour noise for AlexNet, the subsampled second input of the Hinton
 * net). The statistics file ({@link ImageNetStatistics}, computed once by the driver) is read by each executor JVM
 * from the same shared path. No image passes through the driver.
 */
public final class ImageNetBatches implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Statistics per file, loaded once per executor JVM. */
    private static final Map<String, ImageNetStatistics> STATISTICS = new ConcurrentHashMap<>();

    private final String[] files;
    private final int[] labels;
    private final int numClasses;
    private final int imageSize;
    private final int cropSize;
    private final int subsampleFactor;
    private final double pcaSigma;
    private final String statisticsFile;
    private final long seed;

    /**
     * @param subsampleFactor {@code HintonImageNetNet.SUBSAMPLE_FACTOR} for the two-input Hinton net, 0 for AlexNet
     * @param pcaSigma        PCA colour noise (AlexNet's {@code ColourPca.PAPER_SIGMA}; 0 for the Hinton net)
     * @param statisticsFile  {@link ImageNetStatistics#save saved} statistics at {@code imageSize}, on a path every
     *                        executor can read
     */
    public ImageNetBatches(
            ImageFolder folder,
            int imageSize,
            int cropSize,
            int subsampleFactor,
            double pcaSigma,
            Path statisticsFile,
            long seed) {
        this.files = new String[folder.size()];
        this.labels = new int[folder.size()];
        for (int i = 0; i < files.length; i++) {
            files[i] = folder.file(i).toAbsolutePath().toString();
            labels[i] = folder.label(i);
        }
        this.numClasses = folder.numClasses();
        this.imageSize = imageSize;
        this.cropSize = cropSize;
        this.subsampleFactor = subsampleFactor;
        this.pcaSigma = pcaSigma;
        this.statisticsFile = statisticsFile.toAbsolutePath().toString();
        this.seed = seed;
        new ImageNetPreprocessor(imageSize, cropSize, subsampleFactor, pcaSigma, null); // checks the sizes here
    }

    /** Images in the folder. */
    public int size() {
        return files.length;
    }

    /**
     * Epoch {@code epoch}'s minibatches in {@code partitions} partitions: a permutation of the images from
     * (seed, epoch) (Fisher-Yates on {@link Seeds#derive}), cut into lists of {@code batchPerWorker} indices (the last
     * may be shorter), decoded lazily on the executors.
     */
    public JavaRDD<MultiDataSet> epoch(JavaSparkContext sc, int epoch, int batchPerWorker, int partitions) {
        if (batchPerWorker < 1 || partitions < 1) {
            throw new IllegalArgumentException(
                    "batchPerWorker and partitions must be >= 1, got " + batchPerWorker + ", " + partitions);
        }
        int[] order = order(epoch);
        List<int[]> batches = new ArrayList<>();
        for (int from = 0; from < order.length; from += batchPerWorker) {
            batches.add(java.util.Arrays.copyOfRange(order, from, Math.min(order.length, from + batchPerWorker)));
        }
        return sc.parallelize(batches, partitions).map(new Decode(this, epoch));
    }

    /** The images' order in epoch {@code epoch}. */
    int[] order(int epoch) {
        int[] order = new int[files.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.SplittableRandom random = new java.util.SplittableRandom(Seeds.derive(seed, epoch));
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** Decodes and preprocesses the images {@code indices} of epoch {@code epoch}: inputs and one-hot labels. */
    MultiDataSet decode(int[] indices, int epoch) {
        ImageNetStatistics statistics = STATISTICS.computeIfAbsent(statisticsFile, f -> {
            try {
                return ImageNetStatistics.load(Path.of(f));
            } catch (IOException e) {
                throw new UncheckedIOException(f + ": " + e.getMessage(), e);
            }
        });
        ImageNetPreprocessor pre = new ImageNetPreprocessor(imageSize, cropSize, subsampleFactor, pcaSigma, statistics);
        List<float[]> crops = new ArrayList<>(indices.length);
        INDArray oneHot = Nd4j.zeros(DataType.FLOAT, indices.length, numClasses);
        for (int k = 0; k < indices.length; k++) {
            int i = indices[k];
            try {
                crops.add(pre.trainingCrop(ImageTransforms.loadSquare(Path.of(files[i]), imageSize), seed, epoch, i));
            } catch (IOException e) {
                throw new UncheckedIOException(files[i] + ": " + e.getMessage(), e);
            }
            oneHot.putScalar(k, labels[i], 1f);
        }
        return new org.nd4j.linalg.dataset.MultiDataSet(pre.toInputs(crops), new INDArray[] {oneHot});
    }

    /** The executors' side: a list of image indices to a minibatch. */
    private static final class Decode implements Function<int[], MultiDataSet> {
        private static final long serialVersionUID = 1L;
        private final ImageNetBatches batches;
        private final int epoch;

        Decode(ImageNetBatches batches, int epoch) {
            this.batches = batches;
            this.epoch = epoch;
        }

        @Override
        public MultiDataSet call(int[] indices) {
            return batches.decode(indices, epoch);
        }
    }
}
