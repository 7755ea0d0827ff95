package io.github.dropout4j.zoo.data.imagenet;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Image kernels on planar RGB float arrays ({@code [3, h, w]} row-major, values 0..255 before mean subtraction).
 * Decoding uses {@code javax.imageio} (JPEG, PNG) with the TwelveMonkeys JPEG plugin, which also reads the CMYK and
 * YCCK JPEGs found in real ILSVRC folders (the JDK's own reader rejects them); no native libraries.
 */
public final class ImageTransforms {

    private ImageTransforms() {}

    /**
     * Decodes an image, rescales it so its shorter side is {@code size} (bilinear) and takes the central
     * {@code size x size} square (Krizhevsky et al. 2012, section 2).
     *
     * @return {@code [3, size, size]} floats in 0..255
     * @throws IOException naming the file if it cannot be decoded
     */
    public static float[] loadSquare(Path file, int size) throws IOException {
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new IOException(
                    "cannot decode image " + file + " ("
                            + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")",
                    e);
        }
        if (img == null) {
            throw new IOException("cannot decode image " + file + " (not a JPEG/PNG javax.imageio can read)");
        }
        int w = img.getWidth(), h = img.getHeight();
        double scale = (double) size / Math.min(w, h);
        int sw = Math.max(size, (int) Math.round(w * scale));
        int sh = Math.max(size, (int) Math.round(h * scale));
        BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(img, -(sw - size) / 2, -(sh - size) / 2, sw, sh, null);
        g.dispose();
        int[] rgb = out.getRGB(0, 0, size, size, null, 0, size);
        float[] chw = new float[3 * size * size];
        int plane = size * size;
        for (int i = 0; i < plane; i++) {
            int p = rgb[i];
            chw[i] = (p >> 16) & 0xFF;
            chw[plane + i] = (p >> 8) & 0xFF;
            chw[2 * plane + i] = p & 0xFF;
        }
        return chw;
    }

    /**
     * The {@code crop x crop} window at row {@code top}, column {@code left} of a {@code [3, size, size]} image,
     * minus {@code mean} (same shape as the image, or null), optionally mirrored left-right.
     */
    public static float[] crop(float[] image, int size, float[] mean, int top, int left, int crop, boolean flip) {
        if (top < 0 || left < 0 || top + crop > size || left + crop > size) {
            throw new IllegalArgumentException("crop " + crop + " at (" + top + ", " + left + ") does not fit in a "
                    + size + "x" + size + " image");
        }
        float[] out = new float[3 * crop * crop];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < crop; y++) {
                int src = c * size * size + (top + y) * size + left;
                int dst = c * crop * crop + y * crop;
                for (int x = 0; x < crop; x++) {
                    int sx = flip ? crop - 1 - x : x;
                    out[dst + x] = image[src + sx] - (mean == null ? 0f : mean[src + sx]);
                }
            }
        }
        return out;
    }

    /** Averages {@code factor x factor} blocks: {@code [3, n, n]} to {@code [3, n/factor, n/factor]}. */
    public static float[] subsample(float[] image, int size, int factor) {
        if (size % factor != 0) {
            throw new IllegalArgumentException("image size " + size + " is not a multiple of " + factor);
        }
        int s = size / factor;
        float[] out = new float[3 * s * s];
        float norm = 1f / (factor * factor);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    out[c * s * s + (y / factor) * s + x / factor] += image[c * size * size + y * size + x] * norm;
                }
            }
        }
        return out;
    }

    /** Adds {@code delta[c]} to every pixel of channel c, in place. */
    public static void addPerChannel(float[] image, float[] delta) {
        int plane = image.length / 3;
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < plane; i++) {
                image[c * plane + i] += delta[c];
            }
        }
    }
}
