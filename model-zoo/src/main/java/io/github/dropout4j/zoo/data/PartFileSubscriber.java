package io.github.dropout4j.zoo.data;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes a response body to a {@code .part} file, appending (for a 206 resume) or from scratch (for a 200).
 * The body value is the number of bytes written. Every chunk stamps {@code lastProgressNanos}, which the
 * downloader watches to abandon a stalled transfer; {@link #abort} closes the file from any thread.
 */
final class PartFileSubscriber implements HttpResponse.BodySubscriber<Long> {
    private final CompletableFuture<Long> result = new CompletableFuture<>();
    private final Path part;
    private final boolean append;
    private final long maxBytes;
    private final AtomicLong lastProgressNanos;
    private volatile Flow.Subscription subscription;
    private boolean aborted;
    private FileChannel channel;
    private long written;

    /** @param maxBytes most bytes this response may add, or -1 if the file size is unknown */
    PartFileSubscriber(Path part, boolean append, long maxBytes, AtomicLong lastProgressNanos) {
        this.part = part;
        this.append = append;
        this.maxBytes = maxBytes;
        this.lastProgressNanos = lastProgressNanos;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        try {
            if (!open()) {
                s.cancel();
                return;
            }
        } catch (IOException e) {
            abort(e);
            return;
        }
        s.request(1);
    }

    /** Opens the file unless {@link #abort} came first; false if aborted. */
    private synchronized boolean open() throws IOException {
        if (aborted) {
            return false;
        }
        channel = append
                ? FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)
                : FileChannel.open(
                        part,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING);
        return true;
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        try {
            for (ByteBuffer b : buffers) {
                written += b.remaining();
                if (maxBytes >= 0 && written > maxBytes) {
                    throw new IOException(
                            part.getFileName() + ": server sent more than the expected " + maxBytes + " bytes");
                }
                while (b.hasRemaining()) {
                    channel.write(b);
                }
            }
            lastProgressNanos.set(System.nanoTime());
            subscription.request(1);
        } catch (IOException e) {
            abort(e);
        }
    }

    @Override
    public void onError(Throwable t) {
        close();
        result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        close();
        result.complete(written);
    }

    @Override
    public CompletionStage<Long> getBody() {
        return result;
    }

    /** Stops the transfer: cancels the subscription, closes the file, fails the body with {@code cause}. */
    void abort(Throwable cause) {
        synchronized (this) {
            aborted = true;
        }
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
        close();
        result.completeExceptionally(cause);
    }

    private synchronized void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // the transfer has already ended; the size check and checksum decide whether the bytes are good
            }
        }
    }
}
