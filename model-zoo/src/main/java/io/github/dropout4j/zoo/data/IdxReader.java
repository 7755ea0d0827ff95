package io.github.dropout4j.zoo.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files (LeCun's MNIST format), raw or gzip-compressed.
 *
 * <p>Format (all integers big-endian): bytes 0-3 magic number {@code 0x00 0x00 type ndims}, where type
 * {@code 0x08} is unsigned byte; then {@code ndims} 32-bit sizes; then the data, row-major. Images are
 * {@code 0x00000803} (N, rows, columns), labels {@code 0x00000801} (N). Compression is detected by the gzip
 * magic bytes {@code 1f 8b}, never by the file name.
 *
 * <p>Every problem is an {@link IdxFormatException} naming the file, the byte offset in the decompressed
 * stream, the expected and the found value: wrong magic, a size of zero or above the limit, truncation,
 * trailing bytes after the declared data, or a corrupt gzip stream.
 */
public final class IdxReader {
    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;
    /** Largest data section accepted, to fail early on a corrupt header instead of allocating gigabytes. */
    static final long MAX_DATA_BYTES = Integer.MAX_VALUE - 16;

    private IdxReader() {}

    /** Reads an IDX3 unsigned-byte image file. */
    public static IdxImages readImages(Path path) throws IOException {
        try (InputStream in = open(path)) {
            return readImages(path.getFileName().toString(), in);
        }
    }

    /** Reads an IDX1 unsigned-byte label file. */
    public static IdxLabels readLabels(Path path) throws IOException {
        try (InputStream in = open(path)) {
            return readLabels(path.getFileName().toString(), in);
        }
    }

    /** Reads images from an already decompressed IDX stream; {@code file} names it in messages. */
    static IdxImages readImages(String file, InputStream in) throws IOException {
        Cursor c = new Cursor(file, in);
        c.expectMagic(IMAGES_MAGIC, "unsigned-byte images, 3 dimensions");
        int count = c.readSize("image count", 0);
        int rows = c.readSize("row count", 1);
        int columns = c.readSize("column count", 1);
        long bytes = (long) count * rows * columns;
        byte[] pixels = c.readData(bytes, "pixel data");
        c.expectEnd();
        return new IdxImages(file, count, rows, columns, pixels);
    }

    /** Reads labels from an already decompressed IDX stream; {@code file} names it in messages. */
    static IdxLabels readLabels(String file, InputStream in) throws IOException {
        Cursor c = new Cursor(file, in);
        c.expectMagic(LABELS_MAGIC, "unsigned-byte labels, 1 dimension");
        int count = c.readSize("label count", 0);
        byte[] labels = c.readData(count, "label data");
        c.expectEnd();
        return new IdxLabels(file, labels);
    }

    /** Opens a file, decompressing it if it starts with the gzip magic bytes {@code 1f 8b}. */
    static InputStream open(Path path) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(path), 1 << 16);
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            try {
                // Not wrapped in a BufferedInputStream: that would drop the count of bytes it delivered in a read that
                // then fails, and the Cursor reads large blocks anyway.
                return new GZIPInputStream(raw, 1 << 16);
            } catch (IOException e) {
                raw.close();
                throw new IdxFormatException(
                        path.getFileName().toString(),
                        -1,
                        "starts with the gzip magic bytes but its gzip header is corrupt: " + e.getMessage());
            }
        }
        return raw;
    }

    /** Sequential reader that knows its offset and turns every failure into an {@link IdxFormatException}. */
    private static final class Cursor {
        private final String file;
        private final InputStream in;
        private long offset;

        Cursor(String file, InputStream in) {
            this.file = file;
            this.in = in;
        }

        void expectMagic(int expected, String meaning) throws IOException {
            int found = readInt("magic number");
            if (found != expected) {
                throw new IdxFormatException(
                        file,
                        0,
                        String.format(
                                "bad magic number at byte 0, expected 0x%08X (%s), found 0x%08X",
                                expected, meaning, found));
            }
        }

        int readSize(String what, int min) throws IOException {
            long at = offset;
            int size = readInt(what);
            if (size < min) {
                throw new IdxFormatException(
                        file,
                        at,
                        String.format(
                                "bad %s at byte %d, expected >= %d, found %d",
                                what, at, min, Integer.toUnsignedLong(size)));
            }
            return size;
        }

        byte[] readData(long bytes, String what) throws IOException {
            long at = offset;
            if (bytes > MAX_DATA_BYTES) {
                throw new IdxFormatException(
                        file,
                        at,
                        "header at bytes 4.." + (at - 1) + " declares " + bytes + " bytes of " + what
                                + ", more than the limit of " + MAX_DATA_BYTES);
            }
            byte[] data = read((int) bytes, what);
            if (data.length < bytes) {
                throw new IdxFormatException(
                        file,
                        offset,
                        "truncated at byte " + offset + ", expected " + bytes + " bytes of " + what + " from byte " + at
                                + ", found " + data.length);
            }
            return data;
        }

        void expectEnd() throws IOException {
            int next;
            try {
                next = in.read();
            } catch (IOException e) {
                throw corrupt(e);
            }
            if (next != -1) {
                throw new IdxFormatException(
                        file,
                        offset,
                        "expected end of data at byte " + offset + " (as the header declares), found more bytes");
            }
        }

        private int readInt(String what) throws IOException {
            byte[] b = read(4, what);
            if (b.length < 4) {
                throw new IdxFormatException(
                        file,
                        offset,
                        "truncated at byte " + offset + ", expected 4 bytes of " + what + " from byte "
                                + (offset - b.length) + ", found " + b.length);
            }
            return ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
        }

        /** Up to {@code n} bytes (fewer only at the end of the data); {@code offset} counts every byte delivered. */
        private byte[] read(int n, String what) throws IOException {
            byte[] b = new byte[n];
            int got = 0;
            try {
                while (got < n) {
                    int r = in.read(b, got, n - got);
                    if (r < 0) {
                        break;
                    }
                    got += r;
                    offset += r;
                }
            } catch (IOException e) {
                throw corrupt(e);
            }
            return got == n ? b : java.util.Arrays.copyOf(b, got);
        }

        /** GZIPInputStream reports a cut or damaged stream as EOFException / ZipException. */
        private IdxFormatException corrupt(IOException e) {
            IdxFormatException ex = new IdxFormatException(
                    file,
                    offset,
                    "corrupt or truncated gzip stream after " + offset + " decompressed bytes: "
                            + e.getClass().getSimpleName() + ": " + e.getMessage());
            ex.initCause(e);
            return ex;
        }
    }
}
