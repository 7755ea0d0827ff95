package io.github.dropout4j.zoo.data;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How a {@link Downloader} works.
 *
 * @param cacheRoot         files of data set {@code d} go to {@code cacheRoot/d/}; default {@code ~/.dropout4j/data}
 * @param offline           if true, never touch the network: return the verified cached file, copy it from a
 *                          local ({@code file:}) mirror, or fail
 * @param connectTimeout    to open a connection, > 0 (default 10 s)
 * @param stallTimeout      longest wait for the response headers or for the next bytes of the body before the
 *                          attempt is abandoned and resumed, > 0 (default 30 s)
 * @param attemptsPerMirror attempts on one mirror (each resuming what earlier ones received) before moving to
 *                          the next, 1..100 (default 3)
 * @param retryDelay        pause before retrying the same mirror, >= 0 (default 1 s)
 */
public record DownloadOptions(
        Path cacheRoot,
        boolean offline,
        Duration connectTimeout,
        Duration stallTimeout,
        int attemptsPerMirror,
        Duration retryDelay) {

    public DownloadOptions {
        if (cacheRoot == null) {
            throw new IllegalArgumentException("cacheRoot must not be null");
        }
        if (connectTimeout == null || connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout must be > 0, got " + connectTimeout);
        }
        if (stallTimeout == null || stallTimeout.isNegative() || stallTimeout.isZero()) {
            throw new IllegalArgumentException("stallTimeout must be > 0, got " + stallTimeout);
        }
        if (attemptsPerMirror < 1 || attemptsPerMirror > 100) {
            throw new IllegalArgumentException("attemptsPerMirror must be in 1..100, got " + attemptsPerMirror);
        }
        if (retryDelay == null || retryDelay.isNegative()) {
            throw new IllegalArgumentException("retryDelay must be >= 0, got " + retryDelay);
        }
    }

    /** Environment variable that switches offline mode on for scripts: {@code 1}/{@code true}/{@code yes} or {@code 0}/{@code false}/{@code no}. */
    public static final String OFFLINE_ENV = "DROPOUT4J_OFFLINE";
    /** System property with the same meaning as {@value #OFFLINE_ENV} (it wins when both are set). */
    public static final String OFFLINE_PROPERTY = "dropout4j.offline";

    /** Online, cache in {@code ~/.dropout4j/data}, 10 s connect, 30 s stall, 3 attempts per mirror, 1 s delay. */
    public static DownloadOptions defaults() {
        return new DownloadOptions(
                Path.of(System.getProperty("user.home"), ".dropout4j", "data"),
                false,
                Duration.ofSeconds(10),
                Duration.ofSeconds(30),
                3,
                Duration.ofSeconds(1));
    }

    /**
     * {@link #defaults()}, in offline mode if system property {@value #OFFLINE_PROPERTY} or else environment variable
     * {@value #OFFLINE_ENV} says so.
     *
     * @throws IllegalArgumentException for a value other than 1/true/yes/0/false/no (or empty), naming it
     */
    public static DownloadOptions fromEnvironment() {
        return defaults().withOffline(offlineFromEnvironment());
    }

    /** Whether {@value #OFFLINE_PROPERTY} (or else {@value #OFFLINE_ENV}) asks for offline mode. */
    public static boolean offlineFromEnvironment() {
        String property = System.getProperty(OFFLINE_PROPERTY);
        return property != null
                ? flag("-D" + OFFLINE_PROPERTY, property)
                : flag(OFFLINE_ENV, System.getenv(OFFLINE_ENV));
    }

    static boolean flag(String name, String value) {
        if (value == null) {
            return false;
        }
        return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "1", "true", "yes", "on" -> true;
            case "", "0", "false", "no", "off" -> false;
            default ->
                throw new IllegalArgumentException(name + " must be 1/true/yes or 0/false/no, got '" + value + "'");
        };
    }

    public DownloadOptions withCacheRoot(Path root) {
        return new DownloadOptions(root, offline, connectTimeout, stallTimeout, attemptsPerMirror, retryDelay);
    }

    public DownloadOptions withOffline(boolean off) {
        return new DownloadOptions(cacheRoot, off, connectTimeout, stallTimeout, attemptsPerMirror, retryDelay);
    }

    public DownloadOptions withTimeouts(Duration connect, Duration stall) {
        return new DownloadOptions(cacheRoot, offline, connect, stall, attemptsPerMirror, retryDelay);
    }

    public DownloadOptions withRetries(int attempts, Duration delay) {
        return new DownloadOptions(cacheRoot, offline, connectTimeout, stallTimeout, attempts, delay);
    }
}
