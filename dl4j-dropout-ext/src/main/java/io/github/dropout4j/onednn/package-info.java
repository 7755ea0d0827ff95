/**
 * DL4J's convolution, pooling and local response normalisation layers on oneDNN: {@link
 * io.github.dropout4j.onednn.OneDnnHelpers#install} installs the helpers that DL4J 1.0.0-M2.1 ships but never
 * enables (and our own LRN helper, {@link io.github.dropout4j.onednn.ResponseNormalizationHelper}, where DL4J's is
 * wrong), when ND4J's oneDNN natives are loaded; with the generic natives it does nothing.
 */
package io.github.dropout4j.onednn;
