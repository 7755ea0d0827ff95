package io.github.dropout4j.zoo.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fetches CIFAR-10's binary archive with the {@link Downloader} (mirrors, SHA-256 check, resumable {@code .part}
 * files) and extracts it next to the archive in the cache: {@code <cacheRoot>/cifar10/cifar-10-batches-bin/} with
 * {@code data_batch_1.bin} .. {@code data_batch_5.bin}, {@code test_batch.bin} (and the archive's text files).
 * Extraction is skipped when all six batches are already there with their full size (30,730,000 bytes each).
 *
 * <pre>{@code
 * Path dir = Cifar10Download.fetchAndExtract(new Downloader(DownloadOptions.defaults()));
 * Cifar10Data data = Cifar10Data.load(dir);
 * }</pre>
 */
public final class Cifar10Download {
    /** The directory the archive unpacks to. */
    public static final String BATCHES_DIR = "cifar-10-batches-bin";
    /** 10,000 records of 3,073 bytes. */
    public static final long BATCH_BYTES = 10_000L * Cifar10Records.RECORD_BYTES;

    private Cifar10Download() {}

    /** CIFAR-10 from {@link DatasetManifest#cifar10()}. */
    public static Path fetchAndExtract(Downloader downloader) throws IOException {
        return fetchAndExtract(downloader, DatasetManifest.cifar10(), BATCH_BYTES);
    }

    /**
     * The archive of {@code manifest} (its first file), extracted.
     *
     * @param batchBytes expected size of each batch file, used only to decide whether extraction can be skipped
     * @return the directory holding the batch files
     */
    public static Path fetchAndExtract(Downloader downloader, DatasetManifest manifest, long batchBytes)
            throws IOException {
        Path cache = downloader.cacheDir(manifest);
        Path batches = cache.resolve(BATCHES_DIR);
        if (complete(batches, batchBytes)) {
            return batches;
        }
        Path archive = downloader.fetch(manifest, manifest.files().get(0));
        TarGzExtractor.extract(archive, cache);
        if (!Files.isRegularFile(batches.resolve("data_batch_1.bin"))
                || !Files.isRegularFile(batches.resolve(Cifar10Data.TEST_FILE))) {
            throw new IOException(
                    archive + ": extracted, but " + batches + " lacks data_batch_1.bin or " + Cifar10Data.TEST_FILE);
        }
        return batches;
    }

    private static boolean complete(Path dir, long batchBytes) throws IOException {
        for (int i = 1; i <= 5; i++) {
            if (!hasSize(dir.resolve("data_batch_" + i + ".bin"), batchBytes)) {
                return false;
            }
        }
        return hasSize(dir.resolve(Cifar10Data.TEST_FILE), batchBytes);
    }

    private static boolean hasSize(Path p, long size) throws IOException {
        return Files.isRegularFile(p) && Files.size(p) == size;
    }
}
