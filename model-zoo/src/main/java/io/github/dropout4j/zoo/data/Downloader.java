package io.github.dropout4j.zoo.data;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads the files of a {@link DatasetManifest} (or any {@link DatasetFile} from a list of mirrors) into a
 * cache directory and verifies their SHA-256.
 *
 * <p>For each file, into its cache directory ({@code cacheRoot/<dataset>/} for a manifest):
 * <ol>
 *   <li>A cached file whose SHA-256 matches is returned without any request. One that does not match is deleted
 *       and downloaded again; in offline mode it is instead renamed aside to
 *       {@code <name>.sha256-mismatch-<first 12 hex digits of its hash>} (it may be the user's only copy) and
 *       reported in the exception.
 *   <li>Mirrors are tried in order. A {@code file:} mirror is a local directory (a shipped copy): the file is
 *       copied from it. In offline mode only {@code file:} mirrors are used, never the network; with none that
 *       holds the file, the {@link IOException} names it and the cache directory.
 *   <li>From an http(s) mirror bytes go to {@code <name>.part}. If it already holds N bytes (an earlier cut
 *       transfer), the request carries {@code Range: bytes=N-}: a 206 answer is appended, a 200 answer restarts
 *       the file. A connection error, a cut body or a stall longer than {@code stallTimeout} is retried on the same
 *       mirror, resuming, up to {@code attemptsPerMirror} times; a 404 (or any other 4xx) or an unknown host
 *       moves to the next mirror at once.
 *   <li>The complete {@code .part} is verified; on a mismatch it is deleted and the next mirror is tried, and
 *       if none serves the right bytes a {@link ChecksumMismatchException} names the file, the expected and
 *       the actual hash. A verified file is moved to its final name with {@code ATOMIC_MOVE}, so the final
 *       name never holds a partial or unverified file. The mirror that served it is logged and returned.
 * </ol>
 * Safe for several threads and processes filling the same cache at once: a download holds an exclusive lock
 * on {@code <name>.lock} (a {@link FileChannel#lock()} between processes, a lock per file within this JVM) and
 * re-checks the cache once it has the lock, so the second caller finds the first one's verified file. The
 * empty {@code .lock} files stay in the cache directory (deleting them would race with a waiting process).
 *
 * <pre>{@code
 * Path dir = new Downloader(DownloadOptions.defaults()).fetchAll(DatasetManifest.mnist());
 * }</pre>
 */
public final class Downloader {
    private static final Logger log = LoggerFactory.getLogger(Downloader.class);
    private static final Pattern CONTENT_RANGE_START = Pattern.compile("bytes\\s+(\\d+)-");

    /** One lock per cache file within this JVM (a {@link FileLock} excludes other processes, not other threads). */
    private static final ConcurrentHashMap<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

    private final DownloadOptions options;
    private HttpClient client;

    public Downloader(DownloadOptions options) {
        if (options == null) {
            throw new IllegalArgumentException("options must not be null");
        }
        this.options = options;
    }

    public DownloadOptions options() {
        return options;
    }

    /** The cache directory of {@code manifest}: {@code cacheRoot/<name>}. */
    public Path cacheDir(DatasetManifest manifest) {
        return options.cacheRoot().resolve(manifest.name());
    }

    /** Fetches every file of {@code manifest}; returns the cache directory that holds them all, verified. */
    public Path fetchAll(DatasetManifest manifest) throws IOException {
        for (DatasetFile f : manifest.files()) {
            fetch(manifest, f);
        }
        return cacheDir(manifest);
    }

    /** Returns the verified cached file, downloading it first if needed (see the class comment). */
    public Path fetch(DatasetManifest manifest, DatasetFile file) throws IOException {
        return fetch(cacheDir(manifest), manifest.mirrors(), file).file();
    }

    /**
     * A verified file and where it came from.
     *
     * @param file   the verified file in the cache directory
     * @param source the mirror base URI that served it, or null if it was already in the cache
     */
    public record Fetched(Path file, URI source) {
        /** {@code "the cache"} or the mirror's URI. */
        public String describeSource() {
            return source == null ? "the cache" : source.toString();
        }
    }

    /**
     * Returns {@code file} verified in {@code dir}, from the cache or else from the first of {@code mirrors} (base
     * URIs ending in {@code /}; http, https or a {@code file:} directory) that serves the right bytes.
     */
    public Fetched fetch(Path dir, List<URI> mirrors, DatasetFile file) throws IOException {
        Path target = dir.resolve(file.fileName());
        if (Files.isRegularFile(target) && sha256(target).equals(file.sha256())) {
            return new Fetched(target, null); // complete files only ever appear under this name by an atomic move
        }
        if (!Files.isDirectory(dir)) {
            if (options.offline() && mirrors.stream().noneMatch(Downloader::isLocal)) {
                throw notInCache(dir, file, mirrors);
            }
            Files.createDirectories(dir);
        }
        ReentrantLock inProcess = LOCKS.computeIfAbsent(target.toAbsolutePath().normalize(), k -> new ReentrantLock());
        inProcess.lock();
        try (FileChannel lockFile = FileChannel.open(
                        dir.resolve(file.fileName() + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock ignored = lockFile.lock()) {
            return fetchLocked(dir, mirrors, file, target);
        } finally {
            inProcess.unlock();
        }
    }

    private Fetched fetchLocked(Path dir, List<URI> mirrors, DatasetFile file, Path target) throws IOException {
        if (Files.isRegularFile(target)) {
            String actual = sha256(target);
            if (actual.equals(file.sha256())) {
                return new Fetched(target, null); // another thread or process fetched it while we waited for the lock
            }
            String msg = target + ": cached file has SHA-256 " + actual + ", expected " + file.sha256();
            if (options.offline()) {
                Path aside = target.resolveSibling(file.fileName() + ".sha256-mismatch-" + actual.substring(0, 12));
                Files.move(target, aside, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                msg += "; kept it aside as " + aside;
                if (mirrors.stream().noneMatch(Downloader::isLocal)) {
                    throw new ChecksumMismatchException(msg + " (offline mode: not downloading it again)");
                }
                log.warn("{} (offline mode: trying the local mirrors)", msg);
            } else {
                Files.delete(target);
                log.warn("{}; deleted it", msg);
            }
        }
        List<URI> usable =
                options.offline() ? mirrors.stream().filter(Downloader::isLocal).toList() : mirrors;
        if (usable.isEmpty()) {
            throw notInCache(dir, file, mirrors);
        }
        return download(usable, file, target);
    }

    private IOException notInCache(Path dir, DatasetFile file, List<URI> mirrors) {
        return new IOException("offline mode: " + file.fileName() + " is not in the cache " + dir
                + (mirrors.stream().anyMatch(Downloader::isLocal)
                        ? " nor in the local mirrors "
                                + mirrors.stream().filter(Downloader::isLocal).toList()
                        : "")
                + "; download it once without offline mode, or put the file (SHA-256 " + file.sha256() + ") there");
    }

    /** A {@code file:} mirror: a directory on this machine, usable in offline mode. */
    static boolean isLocal(URI mirror) {
        return "file".equals(mirror.getScheme());
    }

    private Fetched download(List<URI> mirrors, DatasetFile file, Path target) throws IOException {
        Path part = target.resolveSibling(file.fileName() + ".part");
        List<String> failures = new ArrayList<>();
        ChecksumMismatchException mismatch = null;
        for (URI mirror : mirrors) {
            URI url = mirror.resolve(file.fileName());
            for (int attempt = 1; attempt <= options.attemptsPerMirror(); attempt++) {
                if (attempt > 1) {
                    pause();
                }
                long have = Files.isRegularFile(part) ? Files.size(part) : 0;
                if (file.sizeBytes() >= 0 && have > file.sizeBytes()) {
                    Files.delete(part);
                    have = 0;
                }
                int status;
                if (isLocal(mirror)) {
                    Path source = Path.of(url);
                    if (!Files.isRegularFile(source)) {
                        failures.add(url + ": no such file");
                        break;
                    }
                    Files.copy(source, part, StandardCopyOption.REPLACE_EXISTING);
                    status = 200;
                } else if (file.sizeBytes() >= 0 && have == file.sizeBytes()) {
                    status = 200; // an earlier transfer already received every byte; only verification is left
                } else {
                    try {
                        log.info("Downloading {}{}", url, have > 0 ? " from byte " + have : "");
                        status = request(url, part, have, file.sizeBytes());
                    } catch (IOException e) {
                        if (unknownHost(e)) {
                            failures.add(url + ": unknown host (no network?)");
                            break;
                        }
                        failures.add(url + " (attempt " + attempt + "): " + describe(e));
                        continue;
                    }
                }
                if (status == 416) {
                    Files.deleteIfExists(part);
                    failures.add(url + " (attempt " + attempt + "): HTTP 416 for a resume from byte " + have
                            + "; restarting");
                    continue;
                }
                if (status >= 500 || status == 408 || status == 429) {
                    failures.add(url + " (attempt " + attempt + "): HTTP " + status);
                    continue;
                }
                if (status != 200 && status != 206) {
                    failures.add(url + ": HTTP " + status);
                    break;
                }
                long size = Files.size(part);
                if (file.sizeBytes() >= 0 && size < file.sizeBytes()) {
                    failures.add(
                            url + " (attempt " + attempt + "): body ended at byte " + size + " of " + file.sizeBytes());
                    continue;
                }
                String actual = sha256(part);
                if (actual.equals(file.sha256())) {
                    Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    log.info("Verified {} ({} bytes, SHA-256 {}), served by {}", target, size, actual, mirror);
                    return new Fetched(target, mirror);
                }
                Files.delete(part);
                mismatch =
                        new ChecksumMismatchException(file.fileName() + " from " + url + ": SHA-256 mismatch, expected "
                                + file.sha256() + ", actual " + actual + " (" + size + " bytes); the file was deleted");
                failures.add(mismatch.getMessage());
                break;
            }
        }
        String all = String.join("\n  ", failures);
        if (mismatch != null) {
            throw new ChecksumMismatchException(
                    mismatch.getMessage() + (failures.size() > 1 ? "\nall attempts:\n  " + all : ""));
        }
        throw new IOException("could not download " + file.fileName() + " from any of " + mirrors
                + (Files.isRegularFile(part) ? " (kept " + Files.size(part) + " bytes in " + part + " to resume)" : "")
                + ":\n  " + all);
    }

    /**
     * One GET, resuming from byte {@code have} if positive; the body (200 or 206) goes to {@code part}.
     * Returns the status code; throws on connection errors, cut bodies and stalls.
     */
    private int request(URI url, Path part, long have, long size) throws IOException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(url).GET().timeout(options.stallTimeout());
        if (have > 0) {
            builder.header("Range", "bytes=" + have + "-");
        }
        AtomicLong lastProgress = new AtomicLong(System.nanoTime());
        AtomicReference<PartFileSubscriber> body = new AtomicReference<>();
        HttpResponse.BodyHandler<Long> handler = info -> {
            lastProgress.set(System.nanoTime());
            int status = info.statusCode();
            if (status == 206
                    && have > 0
                    && contentRangeStart(
                                    info.headers().firstValue("Content-Range").orElse(""))
                            == have) {
                body.set(new PartFileSubscriber(part, true, size < 0 ? -1 : size - have, lastProgress));
            } else if (status == 200 || status == 206) {
                // 200: the server ignored the Range header (or none was sent); start again from byte 0.
                // 206 at an unexpected offset: equally unusable for appending; truncate and let the size check retry.
                body.set(new PartFileSubscriber(part, false, status == 200 ? size : 0, lastProgress));
            } else {
                return HttpResponse.BodySubscribers.replacing(0L);
            }
            return body.get();
        };
        CompletableFuture<HttpResponse<Long>> future = client().sendAsync(builder.build(), handler);
        long stallNanos = options.stallTimeout().toNanos();
        long pollMillis = Math.max(10, Math.min(200, options.stallTimeout().toMillis() / 4));
        while (true) {
            try {
                return future.get(pollMillis, TimeUnit.MILLISECONDS).statusCode();
            } catch (TimeoutException e) {
                if (System.nanoTime() - lastProgress.get() > stallNanos) {
                    PartFileSubscriber s = body.get();
                    HttpTimeoutException stalled = new HttpTimeoutException(
                            "no data for " + options.stallTimeout().toMillis() + " ms");
                    if (s != null) {
                        s.abort(stalled);
                    }
                    future.cancel(true);
                    throw stalled;
                }
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                throw cause instanceof IOException io ? io : new IOException(cause);
            } catch (InterruptedException e) {
                future.cancel(true);
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while downloading " + url);
            }
        }
    }

    static long contentRangeStart(String contentRange) {
        Matcher m = CONTENT_RANGE_START.matcher(contentRange);
        return m.lookingAt() ? Long.parseLong(m.group(1)) : -1;
    }

    private synchronized HttpClient client() {
        if (client == null) {
            client = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(options.connectTimeout())
                    .followRedirects(HttpClient.Redirect.NORMAL)
                    .build();
        }
        return client;
    }

    private void pause() throws InterruptedIOException {
        try {
            Thread.sleep(options.retryDelay().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted between download attempts");
        }
    }

    /** The host name did not resolve (no network, or a wrong name): retrying the same mirror cannot help. */
    private static boolean unknownHost(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
                return true;
            }
        }
        return false;
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    /** Lower-case hex SHA-256 of a file's bytes. */
    public static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            for (long at = 0; at < size; at += Integer.MAX_VALUE) {
                digest.update(channel.map(FileChannel.MapMode.READ_ONLY, at, Math.min(Integer.MAX_VALUE, size - at)));
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
