package io.github.dropout4j.dropout;

/**
 * A cache of the last mask a dropout drew, one bit per element, so that backprop need not hash again. It is only
 * a cache: a miss (another key, length or threshold, or a forward pass that took the slow path) makes backprop
 * regenerate the identical mask from the key. Not shared between threads (each layer has its own dropout).
 */
final class MaskBits {

    private long key;
    private long threshold;
    private int length = -1;
    private long[] words = new long[0];

    /** Words to record the mask of {@code (key, threshold)} over {@code n} elements into. */
    long[] prepare(long key, long threshold, int n) {
        int needed = (n + 63) >>> 6;
        if (words.length < needed) {
            words = new long[needed];
        }
        this.key = key;
        this.threshold = threshold;
        this.length = n;
        return words;
    }

    /** The recorded words if they hold the mask of {@code (key, threshold)} over {@code n} elements, else null. */
    long[] words(long key, long threshold, int n) {
        return length == n && this.key == key && this.threshold == threshold ? words : null;
    }

    void invalidate() {
        length = -1;
    }
}
