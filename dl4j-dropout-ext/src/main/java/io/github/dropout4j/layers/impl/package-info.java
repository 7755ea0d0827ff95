/**
 * Runtime layers and kernels of the custom layers whose configurations live in {@code io.github.dropout4j.layers}:
 * {@link io.github.dropout4j.layers.impl.RandomChannelGroupConvolutionLayer} (DL4J glue) and
 * {@link io.github.dropout4j.layers.impl.RandomChannelGroupKernel} (gather, grouped convolution, scatter).
 */
package io.github.dropout4j.layers.impl;
