package io.github.dropout4j.zoo.data;

/**
 * The content of an IDX3 unsigned-byte image file: {@code count} images of {@code rows x columns} pixels.
 *
 * @param file    file name the images were read from, for messages
 * @param count   number of images N
 * @param rows    image height (28 for MNIST and Fashion-MNIST)
 * @param columns image width (28 for MNIST and Fashion-MNIST)
 * @param pixels  N * rows * columns bytes, image after image, each row-major; unsigned 0..255 (read with
 *                {@code & 0xFF}). Not copied: treat as read-only.
 */
public record IdxImages(String file, int count, int rows, int columns, byte[] pixels) {
    public IdxImages {
        if (count < 0 || rows <= 0 || columns <= 0) {
            throw new IllegalArgumentException(
                    file + ": count must be >= 0 and rows, columns > 0, got " + count + " x " + rows + " x " + columns);
        }
        if ((long) count * rows * columns != pixels.length) {
            throw new IllegalArgumentException(file + ": expected " + (long) count * rows * columns
                    + " pixel bytes for " + count + " x " + rows + " x " + columns + ", got " + pixels.length);
        }
    }

    /** Pixels per image, {@code rows * columns} (784 for MNIST). */
    public int pixelsPerImage() {
        return rows * columns;
    }

    @Override
    public String toString() {
        return "IdxImages[" + file + ", " + count + " x " + rows + " x " + columns + "]";
    }
}
