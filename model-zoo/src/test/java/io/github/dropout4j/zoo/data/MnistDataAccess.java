package io.github.dropout4j.zoo.data;

/** Test access to the bundled directory for tests outside this package. */
public final class MnistDataAccess {
    private MnistDataAccess() {}

    public static java.nio.file.Path bundledDir() {
        return TestFiles.mnistDir();
    }
}
