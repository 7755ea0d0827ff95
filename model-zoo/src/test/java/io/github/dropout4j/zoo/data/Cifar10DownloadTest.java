package io.github.dropout4j.zoo.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CIFAR-10 manifest, download with resume and safe tar.gz extraction, against a real HTTP server on 127.0.0.1. */
class Cifar10DownloadTest {
    private static final int RECORDS_PER_BATCH = 2;

    @TempDir
    Path tmp;

    private HttpServer server;
    private final List<String> ranges = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static byte[] batch(int firstLabel) {
        byte[] b = new byte[RECORDS_PER_BATCH * Cifar10Records.RECORD_BYTES];
        for (int i = 0; i < RECORDS_PER_BATCH; i++) {
            b[i * Cifar10Records.RECORD_BYTES] = (byte) ((firstLabel + i) % 10);
            b[i * Cifar10Records.RECORD_BYTES + 1] = (byte) (17 * firstLabel + i);
        }
        return b;
    }

    /** A tar.gz with the given entries (name ending in '/' = directory). */
    private static byte[] tarGz(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(e.getKey(), true); // preserve the name verbatim, even '..'
                if (!e.getKey().endsWith("/")) {
                    entry.setSize(e.getValue().length);
                }
                tar.putArchiveEntry(entry);
                if (!e.getKey().endsWith("/")) {
                    tar.write(e.getValue());
                }
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static byte[] cifarLikeArchive() throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("cifar-10-batches-bin/", new byte[0]);
        m.put("cifar-10-batches-bin/batches.meta.txt", "airplane\nautomobile\n".getBytes(StandardCharsets.US_ASCII));
        for (int i = 1; i <= 5; i++) {
            m.put("cifar-10-batches-bin/data_batch_" + i + ".bin", batch(i));
        }
        m.put("cifar-10-batches-bin/test_batch.bin", batch(0));
        return tarGz(m);
    }

    /** Serves {@code content}; the first response is cut after half the bytes, later ones honour Range. */
    private URI serveCutOnce(String name, byte[] content) {
        AtomicInteger n = new AtomicInteger();
        server.createContext("/cifar/", ex -> {
            try (ex) {
                String range = ex.getRequestHeaders().getFirst("Range");
                ranges.add(range == null ? "" : range);
                if (!ex.getRequestURI().getPath().equals("/cifar/" + name)) {
                    ex.sendResponseHeaders(404, -1);
                    return;
                }
                int from = range != null && range.matches("bytes=\\d+-")
                        ? Integer.parseInt(range.replaceAll("\\D", ""))
                        : 0;
                if (n.incrementAndGet() == 1) {
                    ex.sendResponseHeaders(200, content.length);
                    OutputStream out = ex.getResponseBody();
                    out.write(content, 0, content.length / 2);
                    out.flush();
                    return; // closing short of Content-Length cuts the transfer
                }
                if (from > 0) {
                    ex.getResponseHeaders()
                            .set("Content-Range", "bytes " + from + "-" + (content.length - 1) + "/" + content.length);
                    ex.sendResponseHeaders(206, content.length - from);
                } else {
                    ex.sendResponseHeaders(200, content.length);
                }
                ex.getResponseBody().write(content, from, content.length - from);
            } catch (IOException e) {
                // the cut response
            }
        });
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/cifar/");
    }

    @Test
    void archiveIsDownloadedResumedVerifiedExtractedAndThenReusedWithoutRequests() throws Exception {
        byte[] archive = cifarLikeArchive();
        URI mirror = serveCutOnce("cifar-10-binary.tar.gz", archive);
        DatasetManifest manifest = new DatasetManifest(
                "cifar10",
                List.of(mirror),
                List.of(new DatasetFile(
                        "cifar-10-binary.tar.gz",
                        java.util.HexFormat.of()
                                .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                                        .digest(archive)),
                        archive.length)));
        Downloader downloader = new Downloader(DownloadOptions.defaults().withCacheRoot(tmp.resolve("cache")));
        long batchBytes = RECORDS_PER_BATCH * Cifar10Records.RECORD_BYTES;

        Path dir = Cifar10Download.fetchAndExtract(downloader, manifest, batchBytes);
        assertEquals(tmp.resolve("cache/cifar10/cifar-10-batches-bin"), dir);
        assertEquals(2, ranges.size(), "one cut transfer and one resumed one: " + ranges);
        assertTrue(ranges.get(1).matches("bytes=[1-9]\\d*-"), "resumed with a Range request: " + ranges);
        Cifar10Data data = Cifar10Data.load(dir);
        assertEquals(5 * RECORDS_PER_BATCH, data.train().count());
        assertEquals(RECORDS_PER_BATCH, data.test().count());
        assertEquals(1, data.train().label(0));
        assertEquals(5, data.train().label(8));
        try (Stream<Path> s = Files.walk(tmp.resolve("cache"))) {
            assertEquals(
                    List.of(), s.filter(p -> p.toString().endsWith(".part")).toList(), "no partial files left");
        }

        Cifar10Download.fetchAndExtract(downloader, manifest, batchBytes);
        assertEquals(2, ranges.size(), "a complete extraction is reused without any request");
    }

    @Test
    void theRealManifestPinsTheTorontoArchive() {
        DatasetManifest m = DatasetManifest.cifar10();
        assertEquals(
                URI.create("https://www.cs.toronto.edu/~kriz/"), m.mirrors().get(0));
        DatasetFile f = m.file("cifar-10-binary.tar.gz");
        assertEquals("c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd", f.sha256());
        assertEquals(170_052_171L, f.sizeBytes());
    }

    @Test
    void entriesEscapingTheDestinationAreRejectedBeforeWriting() throws IOException {
        Path dest = Files.createDirectories(tmp.resolve("dest"));
        for (String evil : new String[] {"../evil.bin", "cifar-10-batches-bin/../../evil.bin", "/tmp/evil.bin"}) {
            Path archive = tmp.resolve("evil.tar.gz");
            Map<String, byte[]> m = new LinkedHashMap<>();
            m.put(evil, new byte[] {1, 2, 3});
            Files.write(archive, tarGz(m));
            IOException e = assertThrows(IOException.class, () -> TarGzExtractor.extract(archive, dest));
            assertTrue(e.getMessage().contains("evil.tar.gz") && e.getMessage().contains(evil), e.getMessage());
            assertFalse(Files.exists(tmp.resolve("evil.bin")), evil);
        }
    }

    @Test
    void extractionWritesFilesInArchiveOrder() throws IOException {
        Path archive = tmp.resolve("a.tar.gz");
        Files.write(archive, cifarLikeArchive());
        List<Path> files = TarGzExtractor.extract(archive, tmp.resolve("x"));
        assertEquals(7, files.size());
        assertTrue(files.get(0).endsWith("cifar-10-batches-bin/batches.meta.txt"));
        assertEquals(RECORDS_PER_BATCH * 3073L, Files.size(files.get(1)));
    }
}
