package io.github.dropout4j.zoo.pretrained;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.dropout4j.zoo.data.DownloadOptions;
import io.github.dropout4j.zoo.data.Downloader;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.Adler32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PretrainedWeights} against a real HTTP server on 127.0.0.1: sources in order (release, user mirrors,
 * shipped copy), corrupt and missing files, resume, offline mode, and concurrent fetches by two threads and by two
 * processes. The weights are random bytes here; {@link InitPretrainedTest} loads the real shipped networks.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PretrainedWeightsTest {
    private static final String FILE = "mnist-800x2.mnist-bundled.zip";

    @TempDir
    Path tmp;

    private HttpServer server;
    private ExecutorService executor;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<String> ranges = new CopyOnWriteArrayList<>();
    private byte[] bytes;
    private WeightsEntry entry;

    private interface Behaviour {
        void serve(HttpExchange exchange, byte[] content, String range) throws IOException;
    }

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        executor = Executors.newCachedThreadPool();
        server.setExecutor(executor);
        server.start();
        bytes = new byte[300_000];
        new Random(12).nextBytes(bytes);
        Adler32 adler = new Adler32();
        adler.update(bytes);
        entry = new WeightsEntry(
                "mnist-800x2",
                TrainedOn.MNIST_BUNDLED,
                FILE,
                bytes.length,
                sha(bytes),
                adler.getValue(),
                30,
                1000,
                "pretrained/make-weights.sh mnist-800x2 mnist-bundled",
                "0".repeat(40),
                List.of(url("release")));
    }

    @AfterEach
    void stop() {
        server.stop(0);
        executor.shutdownNow();
    }

    @Test
    void releaseLocationFirstThenTheCacheWithNoRequest() throws Exception {
        serve("release", PretrainedWeightsTest::honestly);
        Downloader.Fetched f = store(List.of(), null, false).fetch(entry);
        assertEquals(tmp.resolve("cache").resolve(FILE), f.file());
        assertEquals(url("release"), f.source(), "the release location served it");
        assertArrayEquals(bytes, Files.readAllBytes(f.file()));
        Downloader.Fetched again = store(List.of(), null, false).fetch(entry);
        assertNull(again.source(), "re-verified in the cache");
        assertEquals(List.of("/release/" + FILE), requests);
    }

    @Test
    void corruptMirrorIsRejectedAndRemovedAndTheNextMirrorUsed() throws Exception {
        serve("release", (ex, content, range) -> {
            byte[] bad = content.clone();
            bad[1000] ^= 1;
            honestly(ex, bad, range);
        });
        serve("mine", PretrainedWeightsTest::honestly);
        Downloader.Fetched f = store(List.of(url("mine")), null, false).fetch(entry);
        assertEquals(url("mine"), f.source());
        assertArrayEquals(bytes, Files.readAllBytes(f.file()));
        assertEquals(List.of("/release/" + FILE, "/mine/" + FILE), requests);
        assertEquals(List.of(FILE), cacheFiles(), "the corrupt bytes were removed; only the verified file stays");
    }

    @Test
    void cutConnectionIsResumedWithRange() throws Exception {
        int[] n = {0};
        serve("release", (ex, content, range) -> {
            if (n[0]++ == 0) {
                ex.sendResponseHeaders(200, content.length);
                OutputStream out = ex.getResponseBody();
                out.write(content, 0, 100_000);
                out.flush();
                ex.close(); // the connection drops short of the announced length
            } else {
                honestly(ex, content, range);
            }
        });
        Downloader.Fetched f = store(List.of(), null, false).fetch(entry);
        assertArrayEquals(bytes, Files.readAllBytes(f.file()));
        assertEquals(2, requests.size(), "one cut transfer, one resume: " + requests);
        assertTrue(ranges.get(1).matches("bytes=\\d+-"), ranges.toString());
        long from = Long.parseLong(ranges.get(1).replaceAll("\\D", ""));
        assertTrue(from > 0 && from <= 100_000, "resumed from byte " + from);
    }

    @Test
    void notFoundOnTheReleaseFallsBackToTheUsersMirrorThenTheShippedCopy() throws Exception {
        serve("release", (ex, content, range) -> ex.sendResponseHeaders(404, -1));
        serve("mine", (ex, content, range) -> ex.sendResponseHeaders(404, -1));
        Path shipped = Files.createDirectories(tmp.resolve("shipped"));
        Files.write(shipped.resolve(FILE), bytes);
        Downloader.Fetched f = store(List.of(url("mine")), shipped, false).fetch(entry);
        assertEquals(shipped.toUri(), f.source());
        assertArrayEquals(bytes, Files.readAllBytes(f.file()));
        assertEquals(List.of("/release/" + FILE, "/mine/" + FILE), requests);
        assertEquals(
                List.of(url("release"), url("mine"), shipped.toUri()),
                store(List.of(url("mine")), shipped, false).sources(entry));
    }

    @Test
    void offlineWithAnEmptyCacheNamesTheModelAndTheCacheAndSendsNothing() {
        serve("release", PretrainedWeightsTest::honestly);
        IOException e = assertThrows(
                IOException.class,
                () -> store(List.of(url("release")), null, true).fetch(entry));
        assertTrue(e.getMessage().contains("mnist-800x2 (pretrained on mnist-bundled)"), e.getMessage());
        assertTrue(
                e.getMessage().contains("offline mode: " + FILE + " is not in the cache " + tmp.resolve("cache")),
                e.getMessage());
        assertEquals(List.of(), requests);
    }

    @Test
    void offlineWithAGoodCacheTouchesNoNetwork() throws Exception {
        serve("release", PretrainedWeightsTest::honestly);
        Files.createDirectories(tmp.resolve("cache"));
        Files.write(tmp.resolve("cache").resolve(FILE), bytes);
        Downloader.Fetched f = store(List.of(url("release")), null, true).fetch(entry);
        assertNull(f.source());
        assertArrayEquals(bytes, Files.readAllBytes(f.file()));
        assertEquals(List.of(), requests, "the server saw no request");
    }

    @Test
    void offlineWithACorruptCacheKeepsTheFileAsideAndReportsIt() throws Exception {
        serve("release", PretrainedWeightsTest::honestly);
        Path cached = Files.createDirectories(tmp.resolve("cache")).resolve(FILE);
        byte[] bad = bytes.clone();
        bad[7] ^= 1;
        Files.write(cached, bad);
        IOException e = assertThrows(
                IOException.class, () -> store(List.of(), null, true).fetch(entry));
        Path aside = cached.resolveSibling(FILE + ".sha256-mismatch-" + sha(bad).substring(0, 12));
        assertTrue(e.getMessage().contains("kept it aside as " + aside), e.getMessage());
        assertTrue(e.getMessage().contains("expected " + entry.sha256()), e.getMessage());
        assertArrayEquals(bad, Files.readAllBytes(aside), "renamed, not deleted");
        assertFalse(Files.exists(cached));
        assertEquals(List.of(), requests);
    }

    @Test
    void twoThreadsFetchingTheSameFileShareOneDownload() throws Exception {
        CountDownLatch firstRequest = serveSlowlyAsTheRelease();
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            Future<Downloader.Fetched> a =
                    two.submit(() -> store(List.of(), null, false).fetch(entry));
            assertTrue(firstRequest.await(20, TimeUnit.SECONDS));
            Future<Downloader.Fetched> b =
                    two.submit(() -> store(List.of(), null, false).fetch(entry));
            assertArrayEquals(bytes, Files.readAllBytes(a.get().file()));
            assertArrayEquals(bytes, Files.readAllBytes(b.get().file()));
            assertNull(b.get().source(), "the second found the first one's verified file once it had the lock");
        } finally {
            two.shutdownNow();
        }
        assertEquals(1, requests.size(), requests.toString());
        assertEquals(List.of(FILE), cacheFiles());
    }

    @Test
    void twoProcessesFetchingTheSameFileDoNotCorruptTheCache() throws Exception {
        CountDownLatch firstRequest = serveSlowlyAsTheRelease();
        Path cache = tmp.resolve("cache");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process other = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        ConcurrentFetchMain.class.getName(),
                        cache.toString(),
                        url("release").toString(),
                        FILE,
                        entry.sha256(),
                        String.valueOf(bytes.length))
                .redirectErrorStream(true)
                .start();
        try {
            assertTrue(firstRequest.await(40, TimeUnit.SECONDS), "the other process started its download");
            Downloader.Fetched mine = new Downloader(DownloadOptions.defaults())
                    .fetch(
                            cache,
                            List.of(url("release")),
                            new io.github.dropout4j.zoo.data.DatasetFile(FILE, entry.sha256(), bytes.length));
            String out = new String(other.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(other.waitFor(40, TimeUnit.SECONDS));
            assertEquals(0, other.exitValue(), out);
            assertTrue(out.contains("from " + url("release")), out);
            assertNull(mine.source(), "this process waited for the other's lock and found its verified file");
            assertArrayEquals(bytes, Files.readAllBytes(mine.file()));
        } finally {
            other.destroyForcibly();
        }
        assertEquals(1, requests.size(), requests.toString());
    }

    // --- helpers -------------------------------------------------------------------------------------------

    private PretrainedWeights store(List<URI> userMirrors, Path shipped, boolean offline) {
        return new PretrainedWeights(
                tmp.resolve("cache"),
                null,
                userMirrors,
                shipped,
                DownloadOptions.defaults()
                        .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(15))
                        .withRetries(2, Duration.ofMillis(10))
                        .withOffline(offline));
    }

    private URI url(String name) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/" + name + "/");
    }

    private List<String> cacheFiles() throws IOException {
        try (Stream<Path> s = Files.list(tmp.resolve("cache"))) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> !n.endsWith(".lock"))
                    .sorted()
                    .toList();
        }
    }

    private void serve(String name, Behaviour behaviour) {
        server.createContext("/" + name + "/", ex -> {
            try (ex) {
                requests.add(ex.getRequestURI().getPath());
                String range = ex.getRequestHeaders().getFirst("Range");
                ranges.add(range == null ? "" : range);
                if (!ex.getRequestURI().getPath().endsWith("/" + FILE)) {
                    ex.sendResponseHeaders(404, -1);
                    return;
                }
                behaviour.serve(ex, bytes, range);
            } catch (IOException e) {
                // a deliberately cut response
            }
        });
    }

    private static void honestly(HttpExchange ex, byte[] content, String range) throws IOException {
        int from = 0;
        if (range != null && range.matches("bytes=\\d+-")) {
            from = Integer.parseInt(range.substring(6, range.length() - 1));
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

    /** Serves the release slowly; the latch opens at its first request. */
    private CountDownLatch serveSlowlyAsTheRelease() {
        CountDownLatch firstRequest = new CountDownLatch(1);
        serve("release", (ex, content, range) -> {
            firstRequest.countDown();
            slowly(ex, content);
        });
        return firstRequest;
    }

    /** The whole file in 30 chunks 30 ms apart (~1 s), so a second fetch starts while the first is running. */
    private static void slowly(HttpExchange ex, byte[] content) throws IOException {
        ex.sendResponseHeaders(200, content.length);
        try (OutputStream out = ex.getResponseBody()) {
            int chunk = content.length / 30 + 1;
            for (int off = 0; off < content.length; off += chunk) {
                out.write(content, off, Math.min(chunk, content.length - off));
                out.flush();
                Thread.sleep(30);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String sha(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
