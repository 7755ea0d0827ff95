package io.github.dropout4j.zoo.data.imagenet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Images that could not be decoded, counted and skipped up to a limit (real ILSVRC folders hold a few files that no
 * decoder reads). Thread-safe. Beyond {@code limit} files, {@link #skip} throws an {@link UncheckedIOException}
 * naming the files, so one bad image does not stop a run but a folder of them does.
 *
 * <pre>{@code
 * BadImages bad = new BadImages(10);
 * ImageNetStatistics stats = ImageNetStatistics.compute(folder, 256, bad);   // skips and records
 * System.out.println(bad.summary());
 * }</pre>
 */
public final class BadImages {

    /** The CLI's default {@code --max-bad-images}. */
    public static final int DEFAULT_LIMIT = 10;

    private final int limit;
    private final Map<Path, String> files = new TreeMap<>();

    /** @param limit how many unreadable files to tolerate, &gt;= 0 */
    public BadImages(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("bad-image limit must be >= 0, got " + limit);
        }
        this.limit = limit;
    }

    /** Records {@code file} as unreadable ({@code why}); throws once more than {@code limit} files are recorded. */
    public synchronized void skip(Path file, IOException why) {
        files.put(file, why.getMessage());
        if (files.size() > limit) {
            String message = files.size() + " images cannot be decoded, more than --max-bad-images " + limit + ": "
                    + String.join(
                            ", ",
                            files.entrySet().stream()
                                    .map(e -> e.getKey() + " (" + e.getValue() + ")")
                                    .toList());
            throw new UncheckedIOException(message, new IOException(message));
        }
    }

    /** The unreadable files so far, sorted. */
    public synchronized List<Path> files() {
        return new ArrayList<>(files.keySet());
    }

    public synchronized int count() {
        return files.size();
    }

    /** One line: "no unreadable images" or the count and the files. */
    public synchronized String summary() {
        return files.isEmpty()
                ? "no unreadable images"
                : files.size() + " unreadable image(s) skipped (limit "
                        + limit + "): "
                        + String.join(
                                ", ",
                                files.entrySet().stream()
                                        .map(e -> e.getKey() + " (" + e.getValue() + ")")
                                        .toList());
    }
}
