package io.github.dropout4j.zoo.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Labelled 32x32 RGB images in CIFAR-10's binary format, held as the files' own bytes: record {@code i} is
 * {@code RECORD_BYTES = 3073} bytes at offset {@code i * 3073} of {@link #bytes()}: one label byte (0..9), then 3072
 * pixel bytes, channel-major (1024 red, 1024 green, 1024 blue), each channel 32 rows of 32 columns, row-major. That
 * is exactly NCHW {@code [3, 32, 32]} order, so a record's pixels map to a {@code [1, 3, 32, 32]} array without
 * reordering.
 *
 * <pre>{@code
 * Cifar10Records train = Cifar10Records.read(dir.resolve("data_batch_1.bin"), dir.resolve("data_batch_2.bin"));
 * int label = train.label(0);
 * }</pre>
 */
public final class Cifar10Records {
    public static final int LABEL_BYTES = 1;
    public static final int CHANNELS = 3;
    public static final int HEIGHT = 32;
    public static final int WIDTH = 32;
    public static final int IMAGE_BYTES = CHANNELS * HEIGHT * WIDTH;
    public static final int RECORD_BYTES = LABEL_BYTES + IMAGE_BYTES;
    public static final int CLASSES = 10;
    /** CIFAR-10's class names ({@code batches.meta.txt}), index = label. */
    public static final List<String> CLASS_NAMES =
            List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");

    private final String name;
    private final byte[] bytes;
    private final int count;

    private Cifar10Records(String name, byte[] bytes) {
        this.name = name;
        this.bytes = bytes;
        this.count = bytes.length / RECORD_BYTES;
    }

    /**
     * Reads and validates the files, concatenated in the given order.
     *
     * @throws Cifar10FormatException if a file's length is not a positive multiple of 3073 or a label is above 9
     */
    public static Cifar10Records read(Path... files) throws IOException {
        if (files.length == 0) {
            throw new IllegalArgumentException("at least one CIFAR-10 file is needed");
        }
        List<byte[]> parts = new ArrayList<>();
        long total = 0;
        StringBuilder name = new StringBuilder();
        for (Path f : files) {
            byte[] b = Files.readAllBytes(f);
            validate(f.getFileName().toString(), b);
            parts.add(b);
            total += b.length;
            name.append(name.length() == 0 ? "" : "+").append(f.getFileName());
        }
        if (total > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException(name + ": " + total + " bytes is too large for one array");
        }
        byte[] all = new byte[(int) total];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return new Cifar10Records(name.toString(), all);
    }

    /** Wraps bytes already in the binary format (validated, not copied). */
    public static Cifar10Records of(String name, byte[] bytes) throws Cifar10FormatException {
        validate(name, bytes);
        return new Cifar10Records(name, bytes);
    }

    static void validate(String file, byte[] b) throws Cifar10FormatException {
        if (b.length == 0) {
            throw new Cifar10FormatException(
                    file,
                    -1,
                    "empty file, expected records of " + RECORD_BYTES + " bytes (1 label byte + " + IMAGE_BYTES
                            + " pixel bytes)");
        }
        if (b.length % RECORD_BYTES != 0) {
            long whole = b.length / RECORD_BYTES;
            long start = whole * RECORD_BYTES;
            throw new Cifar10FormatException(
                    file,
                    start,
                    "length " + b.length + " is not a multiple of "
                            + RECORD_BYTES + " (1 label byte + " + IMAGE_BYTES + " pixel bytes): record " + whole
                            + " starting at byte " + start + " has " + (b.length - start) + " bytes, expected "
                            + RECORD_BYTES);
        }
        for (int i = 0, off = 0; off < b.length; i++, off += RECORD_BYTES) {
            int label = b[off] & 0xFF;
            if (label >= CLASSES) {
                throw new Cifar10FormatException(
                        file,
                        off,
                        "record " + i + " (byte " + off + ") has label " + label + ", expected 0.." + (CLASSES - 1));
            }
        }
    }

    /** Files and order this set was read from, e.g. {@code data_batch_1.bin+data_batch_2.bin}. */
    public String name() {
        return name;
    }

    public int count() {
        return count;
    }

    /** Label of record {@code i}, 0..9. */
    public int label(int i) {
        return bytes[i * RECORD_BYTES] & 0xFF;
    }

    /** The raw records (not a copy: do not modify). */
    public byte[] bytes() {
        return bytes;
    }

    /** Records {@code from} (inclusive) to {@code to} (exclusive) as a new set (copies the bytes). */
    public Cifar10Records slice(int from, int to) {
        if (from < 0 || to > count || from >= to) {
            throw new IllegalArgumentException(
                    name + ": slice must satisfy 0 <= from < to <= " + count + ", got " + from + ".." + to);
        }
        byte[] b = java.util.Arrays.copyOfRange(bytes, from * RECORD_BYTES, to * RECORD_BYTES);
        return new Cifar10Records(name + "[" + from + ":" + to + "]", b);
    }

    @Override
    public String toString() {
        return "Cifar10Records[" + name + ", " + count + " images]";
    }
}
