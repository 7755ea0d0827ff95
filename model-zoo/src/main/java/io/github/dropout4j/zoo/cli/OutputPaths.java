package io.github.dropout4j.zoo.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks an output option ({@code --out}) before any work is done, so that a run does not train for an hour and
 * then fail to write: an empty path, a file where a directory is wanted (or the reverse), a parent that is a file,
 * and a directory that cannot be written are user errors naming the option, the path and the reason.
 */
final class OutputPaths {
    private OutputPaths() {}

    /** {@code dir} is, or can be created as, a writable directory (it is created). */
    static void requireWritableDirectory(String option, Path dir) throws IOException {
        requireNonEmpty(option, dir, "directory");
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IOException(option + " " + dir + " is a file, not a directory");
        }
        requireCreatableDirectory(option, dir, dir);
    }

    /** {@code file} is not a directory, and its directory is, or can be created as, a writable directory. */
    static void requireWritableFile(String option, Path file) throws IOException {
        requireNonEmpty(option, file, "file");
        if (Files.isDirectory(file)) {
            throw new IOException(
                    option + " " + file + " is a directory; give a file name, e.g. " + file.resolve("mean.zip"));
        }
        requireCreatableDirectory(option, file, file.toAbsolutePath().getParent());
    }

    private static void requireNonEmpty(String option, Path p, String what) {
        if (p.toString().isBlank()) {
            throw new IllegalArgumentException(option + " is empty: name a " + what);
        }
    }

    /** Creates {@code dir} and proves it writable by creating and deleting a file in it. */
    private static void requireCreatableDirectory(String option, Path given, Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath();
        for (Path p = absolute; p != null; p = p.getParent()) {
            if (Files.exists(p) && !Files.isDirectory(p)) {
                throw new IOException(option + " " + given + ": " + p + " is a file, not a directory");
            }
            if (Files.isDirectory(p)) {
                break;
            }
        }
        try {
            Files.createDirectories(absolute);
            Files.delete(Files.createTempFile(absolute, ".dropout4j-write-check", ".tmp"));
        } catch (IOException | SecurityException e) {
            throw new IOException(option + " " + given + ": cannot write in " + absolute + " (" + reason(e) + ")", e);
        }
    }

    private static String reason(Exception e) {
        return e instanceof java.nio.file.AccessDeniedException
                ? "permission denied"
                : e instanceof java.nio.file.FileSystemException f && f.getReason() != null
                        ? f.getReason()
                        : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
