package io.github.dropout4j.zoo.data;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One downloadable file of a data set and how to recognise it.
 *
 * @param fileName  name on the mirrors and in the cache, no directory part, e.g. {@code train-images-idx3-ubyte.gz}
 * @param sha256    expected SHA-256 of the file's bytes, 64 hex digits (stored lower-case)
 * @param sizeBytes expected size in bytes, or -1 if unknown; when known, a response that ends early is
 *                  resumed and one that sends more is rejected
 */
public record DatasetFile(String fileName, String sha256, long sizeBytes) {
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    public DatasetFile {
        if (fileName == null
                || fileName.isEmpty()
                || fileName.contains("/")
                || fileName.contains("\\")
                || fileName.startsWith(".")) {
            throw new IllegalArgumentException("fileName must be a plain file name, got '" + fileName + "'");
        }
        sha256 = sha256 == null ? null : sha256.toLowerCase(Locale.ROOT);
        if (sha256 == null || !HEX64.matcher(sha256).matches()) {
            throw new IllegalArgumentException(fileName + ": sha256 must be 64 hex digits, got '" + sha256 + "'");
        }
        if (sizeBytes < -1) {
            throw new IllegalArgumentException(fileName + ": sizeBytes must be >= 0 or -1 (unknown), got " + sizeBytes);
        }
    }
}
