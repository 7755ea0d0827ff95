package io.github.dropout4j.zoo.data.imagenet;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.IntStream;

/**
 * Training-set statistics the pipeline needs, computed once and stored alongside the model: the per-pixel mean
 * image {@code [3, size, size]} (0..255, subtracted from every image before cropping, Krizhevsky et al. 2012
 * section 2) and the {@link ColourPca} of RGB values scaled to [0, 1] (the PCA formula is not scale invariant; [0, 1]
 * is the scale of the widely used reimplementations, e.g. eigenvalues ~ 0.2175, 0.0188, 0.0045 on ImageNet).
 *
 * <p>File format ({@link #save}/{@link #load}): magic {@code "D4JIMST"}, version byte 1, int size, 3*size*size
 * floats, 3 doubles (eigenvalues), 9 doubles (eigenvectors row-major), big-endian. An unknown version is an
 * {@link IOException} naming the file.
 */
public final class ImageNetStatistics {

    private static final byte[] MAGIC = {'D', '4', 'J', 'I', 'M', 'S', 'T'};
    private static final int VERSION = 1;

    private final int size;
    private final float[] mean;
    private final ColourPca pca;

    public ImageNetStatistics(int size, float[] mean, ColourPca pca) {
        if (mean.length != 3 * size * size) {
            throw new IllegalArgumentException(
                    "mean image must have 3*" + size + "*" + size + " values, got " + mean.length);
        }
        this.size = size;
        this.mean = mean.clone();
        this.pca = pca;
    }

    /**
     * One pass over every image of {@code folder} (decoded in parallel on the common pool), resized to
     * {@code size x size}: mean image, and RGB covariance summed in double precision.
     */
    public static ImageNetStatistics compute(ImageFolder folder, int size) {
        return compute(folder, size, new BadImages(0));
    }

    /**
     * As {@link #compute(ImageFolder, int)}, skipping the images that cannot be decoded (recorded in {@code bad},
     * which throws beyond its limit); the mean and covariance are over the readable images.
     */
    public static ImageNetStatistics compute(ImageFolder folder, int size, BadImages bad) {
        int n = folder.size();
        int[] used = {0};
        int plane = size * size;
        int block = 64; // images decoded in parallel per step; partial sums reduced in index order (deterministic)
        double[] s = new double[9]; // sum r, g, b; sum rr, rg, rb, gg, gb, bb (values in [0, 1])
        double[] m = new double[3 * plane];
        for (int start = 0; start < n; start += block) {
            float[][] imgs = new float[Math.min(block, n - start)][];
            int base = start;
            IntStream.range(0, imgs.length).parallel().forEach(i -> {
                try {
                    imgs[i] = ImageTransforms.loadSquare(folder.file(base + i), size);
                } catch (IOException e) {
                    bad.skip(folder.file(base + i), e);
                }
            });
            for (float[] img : imgs) {
                if (img == null) {
                    continue;
                }
                used[0]++;
                for (int p = 0; p < plane; p++) {
                    double r = img[p] / 255.0, g = img[plane + p] / 255.0, b = img[2 * plane + p] / 255.0;
                    s[0] += r;
                    s[1] += g;
                    s[2] += b;
                    s[3] += r * r;
                    s[4] += r * g;
                    s[5] += r * b;
                    s[6] += g * g;
                    s[7] += g * b;
                    s[8] += b * b;
                }
                for (int k = 0; k < img.length; k++) {
                    m[k] += img[k];
                }
            }
        }
        if (used[0] == 0) {
            throw new UncheckedIOException(new IOException("no readable image in " + folder.root()));
        }
        n = used[0];
        float[] mean = new float[m.length];
        for (int k = 0; k < m.length; k++) {
            mean[k] = (float) (m[k] / n);
        }
        double count = (double) n * plane;
        double[] mu = {s[0] / count, s[1] / count, s[2] / count};
        double[][] cov = new double[3][3];
        int[][] idx = {{3, 4, 5}, {4, 6, 7}, {5, 7, 8}};
        for (int a = 0; a < 3; a++) {
            for (int b = 0; b < 3; b++) {
                cov[a][b] = s[idx[a][b]] / count - mu[a] * mu[b];
            }
        }
        return new ImageNetStatistics(size, mean, ColourPca.ofCovariance(cov));
    }

    public int size() {
        return size;
    }

    /** The mean image, {@code [3, size, size]}; a copy. */
    public float[] mean() {
        return mean.clone();
    }

    float[] meanUnsafe() {
        return mean;
    }

    public ColourPca pca() {
        return pca;
    }

    public void save(Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".part");
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
            out.write(MAGIC);
            out.writeByte(VERSION);
            out.writeInt(size);
            for (float v : mean) {
                out.writeFloat(v);
            }
            for (double v : pca.eigenvalues()) {
                out.writeDouble(v);
            }
            for (double[] row : pca.eigenvectors()) {
                for (double v : row) {
                    out.writeDouble(v);
                }
            }
        }
        Files.move(
                tmp,
                file,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    public static ImageNetStatistics load(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            byte[] magic = in.readNBytes(MAGIC.length);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new IOException(file + ": not an ImageNetStatistics file (bad magic at offset 0)");
            }
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new IOException(file + ": unknown ImageNetStatistics version " + version + " at offset "
                        + MAGIC.length + " (this build reads version " + VERSION + ")");
            }
            int size = in.readInt();
            float[] mean = new float[3 * size * size];
            for (int i = 0; i < mean.length; i++) {
                mean[i] = in.readFloat();
            }
            double[] l = new double[3];
            for (int i = 0; i < 3; i++) {
                l[i] = in.readDouble();
            }
            double[][] p = new double[3][3];
            for (int r = 0; r < 3; r++) {
                for (int c = 0; c < 3; c++) {
                    p[r][c] = in.readDouble();
                }
            }
            return new ImageNetStatistics(size, mean, new ColourPca(l, p));
        }
    }
}
