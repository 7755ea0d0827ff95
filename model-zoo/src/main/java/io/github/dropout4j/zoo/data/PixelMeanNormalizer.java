package io.github.dropout4j.zoo.data;

import java.io.File;
import java.util.Arrays;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastSubOp;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The paper's only CIFAR-10 preprocessing (Hinton et al. 2012, Appendix G): subtract from every image the
 * <b>per-pixel mean</b> of the training set, {@code x[c, y, x] - mean[c, y, x]}, on features
 * {@code [minibatch, 3, 32, 32]} in the scale {@link Cifar10DataSetIterator} produces ([0, 1]), then multiply by
 * {@link #pixelScale()}: {@code scale * (x[c, y, x] - mean[c, y, x])}. Scale 255 gives the centred <b>raw RGB
 * values</b> (0..255 scale) Appendix F trains on; scale 1 (the default) keeps [0, 1]. Fitted once on the training
 * images; the same mean and scale are applied to test images.
 *
 * <p>Saved with the model: {@link #addTo(File)} stores the 3072 means in a {@code ModelSerializer} zip under
 * {@value #MODEL_ZIP_KEY} (Java serialisation of a {@code float[]}) and the scale under {@value #SCALE_ZIP_KEY}
 * (a {@code Double}); {@link #readFrom(File)} reads both back (scale 1 for zips written before the scale was
 * stored).
 *
 * <pre>{@code
 * PixelMeanNormalizer mean = PixelMeanNormalizer.fit(data.train());
 * trainIterator.setPreProcessor(mean);
 * testIterator.setPreProcessor(mean);
 * ModelSerializer.writeModel(net, file, true);
 * mean.addTo(file);
 * }</pre>
 */
public final class PixelMeanNormalizer implements DataSetPreProcessor {
    private static final long serialVersionUID = 1L;
    /** Key of the mean in a model zip. */
    public static final String MODEL_ZIP_KEY = "dropout4j-cifar10-pixel-mean";
    /** Key of the pixel scale in a model zip. */
    public static final String SCALE_ZIP_KEY = "dropout4j-cifar10-pixel-scale";

    private final float[] mean;
    private final double scale;
    private transient INDArray meanArray;

    private PixelMeanNormalizer(float[] mean, double scale) {
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("pixel scale must be > 0 and finite, got " + scale);
        }
        if (mean.length != Cifar10Records.IMAGE_BYTES) {
            throw new IllegalArgumentException(
                    "pixel mean must have " + Cifar10Records.IMAGE_BYTES + " values, got " + mean.length);
        }
        for (int i = 0; i < mean.length; i++) {
            if (!Float.isFinite(mean[i])) {
                throw new IllegalArgumentException("pixel mean value " + i + " is " + mean[i]);
            }
        }
        this.mean = mean.clone();
        this.scale = scale;
    }

    /** The per-pixel mean of {@code train}'s images, each pixel as {@code byte / 255}. */
    public static PixelMeanNormalizer fit(Cifar10Records train) {
        long[] sums = new long[Cifar10Records.IMAGE_BYTES];
        byte[] b = train.bytes();
        for (int i = 0; i < train.count(); i++) {
            int off = i * Cifar10Records.RECORD_BYTES + Cifar10Records.LABEL_BYTES;
            for (int p = 0; p < sums.length; p++) {
                sums[p] += b[off + p] & 0xFF;
            }
        }
        float[] m = new float[sums.length];
        for (int p = 0; p < m.length; p++) {
            m[p] = (float) (sums[p] / (255.0 * train.count()));
        }
        return new PixelMeanNormalizer(m, 1.0);
    }

    /** This mean with inputs multiplied by {@code scale} after the subtraction (255: raw RGB values). */
    public PixelMeanNormalizer withPixelScale(double scale) {
        return new PixelMeanNormalizer(mean, scale);
    }

    /** The factor applied after the subtraction: 255 for raw RGB values, 1 for [0, 1]. */
    public double pixelScale() {
        return scale;
    }

    /** From 3072 means in {@code [3, 32, 32]} C order. */
    public static PixelMeanNormalizer of(float[] mean) {
        return new PixelMeanNormalizer(mean, 1.0);
    }

    /** The mean stored in a model zip by {@link #addTo(File)}. */
    public static PixelMeanNormalizer readFrom(File modelZip) {
        Object o = ModelSerializer.getObjectFromFile(modelZip, MODEL_ZIP_KEY);
        if (!(o instanceof float[])) {
            throw new IllegalArgumentException(modelZip + ": entry " + MODEL_ZIP_KEY + " is not a float[] pixel mean");
        }
        if (!ModelSerializer.listObjectsInFile(modelZip).contains(SCALE_ZIP_KEY)) {
            return new PixelMeanNormalizer((float[]) o, 1.0);
        }
        Object scale = ModelSerializer.getObjectFromFile(modelZip, SCALE_ZIP_KEY);
        if (!(scale instanceof Double)) {
            throw new IllegalArgumentException(modelZip + ": entry " + SCALE_ZIP_KEY + " is not a Double pixel scale");
        }
        return new PixelMeanNormalizer((float[]) o, (Double) scale);
    }

    /** Stores this mean and scale in an existing {@code ModelSerializer} zip. */
    public void addTo(File modelZip) {
        ModelSerializer.addObjectToFile(modelZip, MODEL_ZIP_KEY, mean.clone());
        ModelSerializer.addObjectToFile(modelZip, SCALE_ZIP_KEY, scale);
    }

    /** The 3072 means, {@code [3, 32, 32]} C order (a copy). */
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public void preProcess(DataSet ds) {
        INDArray f = ds.getFeatures();
        if (f.rank() != 4 || f.size(1) != 3 || f.size(2) != 32 || f.size(3) != 32) {
            throw new IllegalArgumentException(
                    "PixelMeanNormalizer expects features [minibatch, 3, 32, 32], got " + Arrays.toString(f.shape()));
        }
        if (meanArray == null || meanArray.dataType() != f.dataType()) {
            meanArray =
                    Nd4j.create(mean, new long[] {3, 32, 32}, DataType.FLOAT).castTo(f.dataType());
        }
        Nd4j.getExecutioner().exec(new BroadcastSubOp(f, meanArray, f, 1, 2, 3));
        if (scale != 1.0) {
            f.muli(scale);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PixelMeanNormalizer n && Arrays.equals(mean, n.mean) && scale == n.scale;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Double.hashCode(scale);
    }

    @Override
    public String toString() {
        double s = 0;
        for (float v : mean) {
            s += v;
        }
        return String.format(
                java.util.Locale.ROOT,
                "PixelMeanNormalizer(mean of means=%.4f, pixel scale=%s)",
                s / mean.length,
                scale);
    }
}
