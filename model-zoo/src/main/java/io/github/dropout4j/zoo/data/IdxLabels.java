package io.github.dropout4j.zoo.data;

/**
 * The content of an IDX1 unsigned-byte label file.
 *
 * @param file   file name the labels were read from, for messages
 * @param labels one unsigned byte per example (read with {@code & 0xFF}). Not copied: treat as read-only.
 */
public record IdxLabels(String file, byte[] labels) {

    /** Number of labels N. */
    public int count() {
        return labels.length;
    }

    @Override
    public String toString() {
        return "IdxLabels[" + file + ", " + labels.length + " labels]";
    }
}
