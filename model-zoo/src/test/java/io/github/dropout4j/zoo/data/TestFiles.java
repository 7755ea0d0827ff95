package io.github.dropout4j.zoo.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Locates the bundled {@code src-test-data/mnist} files for tests. */
final class TestFiles {
    private TestFiles() {}

    static Path mnistDir() {
        try {
            return MnistData.findBundledDir(null, Path.of("").toAbsolutePath());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path shipped(String name) {
        return mnistDir().resolve(name);
    }

    /** The decompressed bytes of a shipped {@code .gz} file. */
    static byte[] gunzip(String name) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(shipped(name)))) {
            return in.readAllBytes();
        }
    }
}
