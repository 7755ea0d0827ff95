/**
 * Layers the paper and its companions need that DL4J lacks (or has in an unusable form).
 *
 * <ul>
 *   <li>{@link io.github.dropout4j.layers.LocallyConnected2D}: unshared-weight 2D layer (Appendix G's top hidden
 *       layer on CIFAR-10), configuration; {@link io.github.dropout4j.layers.LocallyConnected2DLayer} its DL4J
 *       layer; {@link io.github.dropout4j.layers.LocallyConnected2DParamInitializer} its parameters
 *       ({@code W [outH*outW, nIn*kH*kW, nOut]}, {@code b [outH*outW, nOut]});
 *       {@link io.github.dropout4j.layers.LocallyConnectedKernel} the im2col / batched-GEMM / col2im arithmetic.</li>
 *   <li>{@link io.github.dropout4j.layers.Standout} (Ba &amp; Frey 2013, retain probabilities as a learned function
 *       of the input; configuration) and {@link io.github.dropout4j.layers.StandoutLayer} (its computation).</li>
 *   <li>{@link io.github.dropout4j.layers.RandomChannelGroupConvolution}: a convolution whose output-channel groups
 *       each see a fixed random subset of the input channels (Appendix H's conv2 to conv5; drawn subsets partition
 *       the channels), with
 *       {@link io.github.dropout4j.layers.RandomChannelGroupParamInitializer} ({@code W [G, nOut/G, S, kH, kW]}).</li>
 *   <li>{@link io.github.dropout4j.layers.CachedDenseLayer}: DL4J's dense layer whose backprop reuses the forward
 *       pass's pre-activations instead of repeating the forward GEMM (same numbers; the zoo's MLPs use it).</li>
 * </ul>
 */
package io.github.dropout4j.layers;
