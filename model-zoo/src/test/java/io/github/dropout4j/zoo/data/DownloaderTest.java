package io.github.dropout4j.zoo.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The downloader against a real HTTP server on 127.0.0.1 serving the shipped IDX files: caching, checksum
 * rejection, resume after a cut connection or a stall, mirror fallback and offline mode.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DownloaderTest {
    private static final String IMAGES = "test-images-idx3-ubyte.gz";
    private static final String LABELS = "test-labels-idx1-ubyte.gz";

    @TempDir
    Path cache;

    private HttpServer server;
    private ExecutorService executor;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<String> ranges = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private Map<String, byte[]> files;
    private DatasetManifest manifest;

    /** What a mirror does with a request for a file it has. */
    private interface Behaviour {
        void serve(HttpExchange exchange, byte[] content, int requestNumber) throws IOException;
    }

    @BeforeEach
    void startServer() throws Exception {
        files = Map.of(
                IMAGES,
                Files.readAllBytes(TestFiles.shipped(IMAGES)),
                LABELS,
                Files.readAllBytes(TestFiles.shipped(LABELS)));
        List<DatasetFile> manifestFiles = Stream.of(LABELS, IMAGES)
                .map(n -> new DatasetFile(n, sha(files.get(n)), files.get(n).length))
                .toList();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        executor = Executors.newCachedThreadPool();
        server.setExecutor(executor);
        server.start();
        manifest = new DatasetManifest("subset", List.of(mirror("good")), manifestFiles);
    }

    @AfterEach
    void stopServer() {
        release.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    @Test
    void downloadsVerifiesAndThenServesFromCacheWithoutRequests() throws Exception {
        serve("good", DownloaderTest::honestly);
        Downloader downloader = new Downloader(options());
        Path dir = downloader.fetchAll(manifest);
        assertEquals(cache.resolve("subset"), dir);
        assertArrayEquals(files.get(IMAGES), Files.readAllBytes(dir.resolve(IMAGES)));
        assertArrayEquals(files.get(LABELS), Files.readAllBytes(dir.resolve(LABELS)));
        assertEquals(2, requests.size());
        assertNoPartFiles();
        assertEquals(1000, IdxReader.readImages(dir.resolve(IMAGES)).count());

        downloader.fetchAll(manifest);
        new Downloader(options().withOffline(true)).fetchAll(manifest);
        assertEquals(2, requests.size(), "a verified cached file needs no request");
    }

    @Test
    void corruptedFileIsRejectedWithBothHashesAndNothingIsCached() throws Exception {
        serve("good", (ex, content, n) -> {
            byte[] bad = content.clone();
            bad[bad.length / 2] ^= 1;
            honestly(ex, bad, n);
        });
        byte[] bad = files.get(IMAGES).clone();
        bad[bad.length / 2] ^= 1;
        ChecksumMismatchException e = assertThrows(
                ChecksumMismatchException.class,
                () -> new Downloader(options()).fetch(manifest, manifest.file(IMAGES)));
        assertMessage(e, IMAGES, "expected " + sha(files.get(IMAGES)), "actual " + sha(bad));
        try (Stream<Path> left = Files.list(cache.resolve("subset"))) {
            assertEquals(
                    List.of(),
                    left.filter(p -> !p.toString().endsWith(".lock")).toList(),
                    "no file, partial or complete, stays in the cache (only the empty lock file)");
        }
    }

    @Test
    void corruptedCachedFileIsReplacedOnlineAndKeptAsideOffline() throws Exception {
        serve("good", DownloaderTest::honestly);
        Path cached = Files.createDirectories(cache.resolve("subset")).resolve(LABELS);
        Files.write(cached, new byte[] {1, 2, 3});
        String badSha = sha(new byte[] {1, 2, 3});
        ChecksumMismatchException offline = assertThrows(
                ChecksumMismatchException.class,
                () -> new Downloader(options().withOffline(true)).fetch(manifest, manifest.file(LABELS)));
        Path aside = cached.resolveSibling(LABELS + ".sha256-mismatch-" + badSha.substring(0, 12));
        assertMessage(offline, LABELS, "offline", "expected " + sha(files.get(LABELS)), aside.toString());
        assertFalse(Files.exists(cached));
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(aside), "offline: the user's only copy is kept");
        assertEquals(List.of(), requests, "offline: no request");

        Files.write(cached, new byte[] {1, 2, 3});
        new Downloader(options()).fetch(manifest, manifest.file(LABELS));
        assertArrayEquals(files.get(LABELS), Files.readAllBytes(cached));
    }

    @Test
    void localDirectoryMirrorServesOfflineAndIsReported() throws Exception {
        Path shipped = Files.createDirectories(cache.resolve("shipped"));
        Files.write(shipped.resolve(LABELS), files.get(LABELS));
        URI local = shipped.toUri();
        Downloader.Fetched f = new Downloader(options().withOffline(true))
                .fetch(cache.resolve("subset"), List.of(mirror("good"), local), manifest.file(LABELS));
        assertArrayEquals(files.get(LABELS), Files.readAllBytes(f.file()));
        assertEquals(local, f.source());
        assertEquals(List.of(), requests, "offline: the http mirror is skipped");
        assertEquals(
                null,
                new Downloader(options().withOffline(true))
                        .fetch(cache.resolve("subset"), List.of(local), manifest.file(LABELS))
                        .source(),
                "the second time it comes from the cache");
    }

    @Test
    void connectionCutMidFileIsResumedWithARangeRequest() throws Exception {
        serve("good", (ex, content, n) -> {
            if (n == 1) {
                ex.sendResponseHeaders(200, content.length);
                OutputStream out = ex.getResponseBody();
                out.write(content, 0, content.length / 2);
                out.flush();
                ex.close(); // fixed-length body short of its length: the server drops the connection
            } else {
                honestly(ex, content, n);
            }
        });
        byte[] want = files.get(IMAGES);
        Path got = new Downloader(options()).fetch(manifest, manifest.file(IMAGES));
        assertArrayEquals(want, Files.readAllBytes(got));
        assertEquals(2, requests.size(), "one cut transfer, one resume");
        assertTrue(ranges.get(1).matches("bytes=\\d+-"), "second request resumes: " + ranges);
        long from = Long.parseLong(ranges.get(1).replaceAll("\\D", ""));
        assertTrue(from > 0 && from <= want.length / 2, "resumed from " + from + " of " + want.length);
        assertNoPartFiles();
    }

    @Test
    void stalledTransferIsAbandonedAndResumed() throws Exception {
        serve("good", (ex, content, n) -> {
            if (n == 1) {
                ex.sendResponseHeaders(200, content.length);
                ex.getResponseBody().write(content, 0, 1000);
                ex.getResponseBody().flush();
                awaitRelease(); // hold the connection open without sending more
                ex.close();
            } else {
                honestly(ex, content, n);
            }
        });
        DownloadOptions quick = options().withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(300));
        Path got = new Downloader(quick).fetch(manifest, manifest.file(IMAGES));
        assertArrayEquals(files.get(IMAGES), Files.readAllBytes(got));
        assertEquals("bytes=1000-", ranges.get(1));
    }

    @Test
    void existingPartFileIsResumed() throws Exception {
        serve("good", DownloaderTest::honestly);
        byte[] want = files.get(IMAGES);
        Path dir = Files.createDirectories(cache.resolve("subset"));
        Files.write(dir.resolve(IMAGES + ".part"), Arrays.copyOf(want, 12_345));
        Path got = new Downloader(options()).fetch(manifest, manifest.file(IMAGES));
        assertArrayEquals(want, Files.readAllBytes(got));
        assertEquals(List.of("bytes=12345-"), ranges);
        assertNoPartFiles();
    }

    @Test
    void serverIgnoringRangeRestartsFromScratch() throws Exception {
        serve("good", (ex, content, n) -> {
            ex.sendResponseHeaders(200, content.length); // ignores any Range header
            ex.getResponseBody().write(content);
            ex.close();
        });
        byte[] want = files.get(IMAGES);
        Path dir = Files.createDirectories(cache.resolve("subset"));
        Files.write(dir.resolve(IMAGES + ".part"), new byte[5000]); // garbage that must not be kept
        Path got = new Downloader(options()).fetch(manifest, manifest.file(IMAGES));
        assertArrayEquals(want, Files.readAllBytes(got));
        assertEquals(List.of("bytes=5000-"), ranges);
    }

    @Test
    void notFoundOnFirstMirrorFallsBackToTheSecond() throws Exception {
        serve("missing", (ex, content, n) -> {
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        serve("good", DownloaderTest::honestly);
        DatasetManifest twoMirrors = manifest.withMirrors(List.of(mirror("missing"), mirror("good")));
        Path got = new Downloader(options()).fetch(twoMirrors, twoMirrors.file(LABELS));
        assertArrayEquals(files.get(LABELS), Files.readAllBytes(got));
        assertEquals(List.of("/missing/" + LABELS, "/good/" + LABELS), requests);
    }

    @Test
    void unreachableMirrorsGiveOneErrorListingEveryAttempt() throws Exception {
        serve("missing", (ex, content, n) -> {
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        URI dead;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            dead = URI.create("http://127.0.0.1:" + s.getLocalPort() + "/");
        } // closed: connections to this port are refused
        DatasetManifest bad = manifest.withMirrors(List.of(dead, mirror("missing")));
        IOException e = assertThrows(IOException.class, () -> new Downloader(options()).fetch(bad, bad.file(LABELS)));
        assertMessage(e, "could not download " + LABELS, dead + LABELS + " (attempt 2)", "HTTP 404");
    }

    @Test
    void offlineModeWithEmptyCacheFailsClearlyWithoutRequests() {
        serve("good", DownloaderTest::honestly);
        IOException e = assertThrows(
                IOException.class,
                () -> new Downloader(options().withOffline(true)).fetch(manifest, manifest.file(LABELS)));
        assertMessage(e, "offline mode", LABELS, cache.resolve("subset").toString());
        assertEquals(List.of(), requests);
    }

    @Test
    void mnistManifestListsTheCanonicalFilesAndHonoursTheBaseUrlProperty() {
        DatasetManifest mnist = DatasetManifest.mnist();
        assertEquals(
                List.of(
                        "train-images-idx3-ubyte.gz",
                        "train-labels-idx1-ubyte.gz",
                        "t10k-images-idx3-ubyte.gz",
                        "t10k-labels-idx1-ubyte.gz"),
                mnist.files().stream().map(DatasetFile::fileName).toList());
        assertEquals(DatasetManifest.MNIST_MIRRORS, mnist.mirrors());
        String old = System.getProperty(DatasetManifest.MNIST_BASE_URL_PROPERTY);
        try {
            System.setProperty(DatasetManifest.MNIST_BASE_URL_PROPERTY, "http://127.0.0.1:9/a, http://127.0.0.1:9/b/");
            assertEquals(
                    List.of(URI.create("http://127.0.0.1:9/a/"), URI.create("http://127.0.0.1:9/b/")),
                    DatasetManifest.mnist().mirrors());
        } finally {
            if (old == null) {
                System.clearProperty(DatasetManifest.MNIST_BASE_URL_PROPERTY);
            } else {
                System.setProperty(DatasetManifest.MNIST_BASE_URL_PROPERTY, old);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new DatasetFile("x.gz", "abc", 1));
        assertThrows(IllegalArgumentException.class, () -> new DatasetFile("../x.gz", "0".repeat(64), 1));
    }

    @Test
    void contentRangeStartIsParsed() {
        assertEquals(100, Downloader.contentRangeStart("bytes 100-199/200"));
        assertEquals(-1, Downloader.contentRangeStart("bytes */200"));
    }

    // --- helpers -------------------------------------------------------------------------------------------

    /** A 15 s stall limit: on a loaded shared machine a 5 s one expired before the first bytes (a spurious retry). */
    private DownloadOptions options() {
        return DownloadOptions.defaults()
                .withCacheRoot(cache)
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(15))
                .withRetries(2, Duration.ofMillis(10));
    }

    private URI mirror(String name) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/" + name + "/");
    }

    /** Serves the test files under {@code /<name>/}, counting requests per mirror and recording Range headers. */
    private void serve(String name, Behaviour behaviour) {
        AtomicInteger count = new AtomicInteger();
        server.createContext("/" + name + "/", ex -> {
            try (ex) {
                requests.add(ex.getRequestURI().getPath());
                String range = ex.getRequestHeaders().getFirst("Range");
                ranges.add(range == null ? "" : range);
                byte[] content = files.get(ex.getRequestURI().getPath().substring(name.length() + 2));
                if (content == null) {
                    ex.sendResponseHeaders(404, -1);
                    return;
                }
                behaviour.serve(ex, content, count.incrementAndGet());
            } catch (IOException e) {
                // a deliberately cut response; the client's view is what the test checks
            }
        });
    }

    /** A well-behaved server: honours {@code Range: bytes=N-} with a 206, else sends the whole file. */
    private static void honestly(HttpExchange ex, byte[] content, int n) throws IOException {
        String range = ex.getRequestHeaders().getFirst("Range");
        int from = 0;
        if (range != null && range.matches("bytes=\\d+-")) {
            from = Integer.parseInt(range.substring(6, range.length() - 1));
            if (from >= content.length) {
                ex.sendResponseHeaders(416, -1);
                return;
            }
            ex.getResponseHeaders()
                    .set("Content-Range", "bytes " + from + "-" + (content.length - 1) + "/" + content.length);
            ex.sendResponseHeaders(206, content.length - from);
        } else {
            ex.sendResponseHeaders(200, content.length);
        }
        try (OutputStream out = ex.getResponseBody()) {
            out.write(content, from, content.length - from);
        }
    }

    private void awaitRelease() {
        try {
            release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void assertNoPartFiles() throws IOException {
        try (Stream<Path> s = Files.list(cache.resolve("subset"))) {
            assertEquals(
                    List.of(), s.filter(p -> p.toString().endsWith(".part")).toList());
        }
    }

    private static String sha(byte[] bytes) {
        try {
            return java.util.HexFormat.of()
                    .formatHex(
                            java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertMessage(Exception e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "message lacks '" + part + "': " + e.getMessage());
        }
    }
}
