/**
 * DL4J's convolution, pooling and local response normalisation layers on fast paths: {@link
 * io.github.dropout4j.onednn.OneDnnHelpers#install} installs the oneDNN helpers that DL4J 1.0.0-M2.1 ships but never
 * enables (and our own LRN helper, {@link io.github.dropout4j.onednn.ResponseNormalizationHelper}, where DL4J's is
 * wrong), and puts pooling layers on {@link io.github.dropout4j.onednn.PoolingKernel} (Java loops, faster than
 * libnd4j's pooling ops at the sizes measured), when ND4J's oneDNN natives are loaded; with the generic natives it
 * does nothing.
 */
package io.github.dropout4j.onednn;
