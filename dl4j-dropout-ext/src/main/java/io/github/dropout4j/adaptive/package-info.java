/**
 * Adaptive dropout (arXiv:1207.0580, p. 7): per-unit retain probabilities adapted from a validation set by
 * {@link io.github.dropout4j.adaptive.AdaptiveDropout}, which estimates every unit's effect on the validation loss
 * from a fixed number of stochastic passes ({@link io.github.dropout4j.adaptive.UnitEffects}).
 */
package io.github.dropout4j.adaptive;
