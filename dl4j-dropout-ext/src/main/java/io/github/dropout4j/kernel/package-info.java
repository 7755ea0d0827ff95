/**
 * Shared plumbing of the hot loops: {@link io.github.dropout4j.kernel.HeapBlocks} reads and writes contiguous
 * native ND4J memory through reused heap arrays, where plain Java loops compile to tight (often vectorised) code.
 * The kernels themselves live with their concept ({@code dropout.BernoulliMaskKernel},
 * {@code constraint.MaxNormKernel}, {@code updater.DampedMomentumKernel}).
 */
package io.github.dropout4j.kernel;
