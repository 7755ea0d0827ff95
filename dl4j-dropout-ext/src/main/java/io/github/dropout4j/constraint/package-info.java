/**
 * Max-norm regularisation (arXiv:1207.0580, p. 2 and App. A.1): {@link io.github.dropout4j.constraint.PerUnitMaxNorm}
 * bounds the L2 norm of each unit's incoming weights, with the axis derived from the layer type
 * ({@link io.github.dropout4j.constraint.UnitAxes}, {@link io.github.dropout4j.constraint.PerUnitWeights}); the
 * arithmetic is {@link io.github.dropout4j.constraint.MaxNormKernel}.
 */
package io.github.dropout4j.constraint;
