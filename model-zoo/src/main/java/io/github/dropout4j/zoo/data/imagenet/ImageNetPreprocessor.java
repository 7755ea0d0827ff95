package io.github.dropout4j.zoo.data.imagenet;

import io.github.dropout4j.random.Seeds;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * How an image becomes network input (Krizhevsky et al. 2012 section 4.1; Hinton et al. 2012 Appendix H). Images
 * are squares of side {@code imageSize} (256 in the papers) with the training-set mean image subtracted, then:
 * <ul>
 *   <li>training: a random {@code cropSize} window (224), mirrored with probability 1/2, plus the PCA colour offset
 *       ({@link ColourPca}, {@code sigma} 0.1, scaled from [0, 1] to 0..255; AlexNet's augmentation: pass
 *       {@code pcaSigma} 0 for the Hinton net, whose Appendix H uses crops and reflections only); the draws come from
 *       {@code SplittableRandom(mix(seed, epoch, index))}, so a given image in a given epoch always gets the same
 *       view whatever the thread scheduling;</li>
 *   <li>test: the centre window, or the ten views (centre, four corners, and their mirror images;
 *       {@link #tenViewOffsets});</li>
 *   <li>the second input of the Hinton net: the crop averaged over {@code subsampleFactor}-square blocks
 *       (224 / 4 = 56).</li>
 * </ul>
 * All sizes are parameters so tests use tiny images (e.g. 72 -&gt; 64 -&gt; 16). Immutable.
 */
public final class ImageNetPreprocessor {

    private final int imageSize;
    private final int cropSize;
    private final int subsampleFactor;
    private final double pcaSigma;
    private final ImageNetStatistics statistics;

    /**
     * @param imageSize       side of the stored square images, &gt;= cropSize
     * @param cropSize        side of the crops, a multiple of subsampleFactor
     * @param subsampleFactor block size of the second input (4), or 0 for single-input networks
     * @param pcaSigma        standard deviation of the a_i (0.1; 0 disables colour augmentation)
     * @param statistics      mean image and colour PCA at imageSize, or null (no mean subtraction, no PCA)
     */
    public ImageNetPreprocessor(
            int imageSize, int cropSize, int subsampleFactor, double pcaSigma, ImageNetStatistics statistics) {
        if (cropSize < 1 || imageSize < cropSize) {
            throw new IllegalArgumentException(
                    "need 1 <= cropSize <= imageSize, got cropSize " + cropSize + ", imageSize " + imageSize);
        }
        if (subsampleFactor < 0 || (subsampleFactor > 0 && cropSize % subsampleFactor != 0)) {
            throw new IllegalArgumentException(
                    "cropSize " + cropSize + " must be a multiple of subsampleFactor " + subsampleFactor);
        }
        if (!(pcaSigma >= 0)) {
            throw new IllegalArgumentException("pcaSigma must be >= 0, got " + pcaSigma);
        }
        if (statistics != null && statistics.size() != imageSize) {
            throw new IllegalArgumentException(
                    "statistics are for " + statistics.size() + "x" + statistics.size() + " images, not " + imageSize);
        }
        this.imageSize = imageSize;
        this.cropSize = cropSize;
        this.subsampleFactor = subsampleFactor;
        this.pcaSigma = pcaSigma;
        this.statistics = statistics;
    }

    /** The papers' sizes: 256 images, 224 crops, 56x56 second input, sigma 0.1. */
    public static ImageNetPreprocessor paper(ImageNetStatistics statistics, boolean twoInputs) {
        return new ImageNetPreprocessor(256, 224, twoInputs ? 4 : 0, ColourPca.PAPER_SIGMA, statistics);
    }

    public int imageSize() {
        return imageSize;
    }

    public int cropSize() {
        return cropSize;
    }

    /** 0 for single-input networks. */
    public int subsampleFactor() {
        return subsampleFactor;
    }

    public boolean twoInputs() {
        return subsampleFactor > 0;
    }

    public ImageNetStatistics statistics() {
        return statistics;
    }

    /** A 64-bit mix of (seed, epoch, index) (SplitMix64 finaliser over a polynomial combination). */
    static long mix(long seed, int epoch, int index) {
        return Seeds.mix(seed * Seeds.GOLDEN_GAMMA + epoch * 0xBF58476D1CE4E5B9L + index * 0x94D049BB133111EBL);
    }

    /** The augmented training crop {@code [3, crop, crop]} of example {@code index} in {@code epoch}. */
    public float[] trainingCrop(float[] image, long seed, int epoch, int index) {
        SplittableRandom rng = new SplittableRandom(mix(seed, epoch, index));
        int range = imageSize - cropSize + 1;
        int top = rng.nextInt(range);
        int left = rng.nextInt(range);
        boolean flip = rng.nextBoolean();
        float[] crop = ImageTransforms.crop(image, imageSize, mean(), top, left, cropSize, flip);
        if (pcaSigma > 0 && statistics != null) {
            float[] delta = statistics.pca().sampleDelta(rng, pcaSigma);
            for (int c = 0; c < 3; c++) {
                delta[c] *= 255f;
            }
            ImageTransforms.addPerChannel(crop, delta);
        }
        return crop;
    }

    /** The centre crop, mean subtracted, no augmentation. */
    public float[] centreCrop(float[] image) {
        int o = (imageSize - cropSize) / 2;
        return ImageTransforms.crop(image, imageSize, mean(), o, o, cropSize, false);
    }

    /**
     * The ten test views {top, left, flip (0/1)}: centre, top-left, top-right, bottom-left, bottom-right, then the
     * same five mirrored.
     */
    public static int[][] tenViewOffsets(int imageSize, int cropSize) {
        int c = (imageSize - cropSize) / 2, e = imageSize - cropSize;
        int[][] five = {{c, c}, {0, 0}, {0, e}, {e, 0}, {e, e}};
        int[][] out = new int[10][];
        for (int i = 0; i < 10; i++) {
            out[i] = new int[] {five[i % 5][0], five[i % 5][1], i / 5};
        }
        return out;
    }

    /** The ten views of one image. */
    public float[][] tenViews(float[] image) {
        int[][] off = tenViewOffsets(imageSize, cropSize);
        float[][] out = new float[10][];
        for (int i = 0; i < 10; i++) {
            out[i] = ImageTransforms.crop(image, imageSize, mean(), off[i][0], off[i][1], cropSize, off[i][2] == 1);
        }
        return out;
    }

    private float[] mean() {
        return statistics == null ? null : statistics.meanUnsafe();
    }

    /**
     * Network inputs for a batch of crops: {@code {[n, 3, crop, crop]}} or, for two-input networks,
     * {@code {crops, [n, 3, crop/f, crop/f]}}.
     */
    public INDArray[] toInputs(List<float[]> crops) {
        int n = crops.size();
        int len = 3 * cropSize * cropSize;
        float[] flat = new float[n * len];
        for (int i = 0; i < n; i++) {
            System.arraycopy(crops.get(i), 0, flat, i * len, len);
        }
        INDArray x = Nd4j.create(flat, new long[] {n, 3, cropSize, cropSize}, DataType.FLOAT);
        if (!twoInputs()) {
            return new INDArray[] {x};
        }
        int s = cropSize / subsampleFactor;
        int slen = 3 * s * s;
        float[] sub = new float[n * slen];
        for (int i = 0; i < n; i++) {
            System.arraycopy(
                    ImageTransforms.subsample(crops.get(i), cropSize, subsampleFactor), 0, sub, i * slen, slen);
        }
        return new INDArray[] {x, Nd4j.create(sub, new long[] {n, 3, s, s}, DataType.FLOAT)};
    }

    @Override
    public String toString() {
        return "ImageNetPreprocessor(imageSize=" + imageSize + ", cropSize=" + cropSize + ", subsampleFactor="
                + subsampleFactor + ", pcaSigma=" + pcaSigma + ", statistics=" + (statistics != null) + ")";
    }
}
