package io.github.dropout4j.zoo.data;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How a {@link Downloader} works.
 *
 * @param cacheRoot         files of data set {@code d} go to {@code cacheRoot/d/}; default {@code ~/.dropout4j/data}
 * @param offline           if true, never touch the network: return the verified cached file or fail
 * @param connectTimeout    to open a connection, > 0 (default 10 s)
 * @param stallTimeout      longest wait for the response headers or for the next bytes of the body before the
 *                          attempt is abandoned and resumed, > 0 (default 30 s)
 * @param attemptsPerMirror attempts on one mirror (each resuming what earlier ones received) before moving to
 *                          the next, 1..100 (default 3)
 * @param retryDelay        pause before retrying the same mirror, >= 0 (default 1 s)
 */
public record DownloadOptions(Path cacheRoot, boolean offline, Duration connectTimeout, Duration stallTimeout,
    int attemptsPerMirror, Duration retryDelay) {

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

  /** Online, cache in {@code ~/.dropout4j/data}, 10 s connect, 30 s stall, 3 attempts per mirror, 1 s delay. */
  public static DownloadOptions defaults() {
    return new DownloadOptions(Path.of(System.getProperty("user.home"), ".dropout4j", "data"), false,
        Duration.ofSeconds(10), Duration.ofSeconds(30), 3, Duration.ofSeconds(1));
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
