/**
 * The paper's optimiser (App. A.1): {@link io.github.dropout4j.updater.DampedMomentum} (momentum with the
 * {@code (1 - p_t)} damping and {@code eps_t = eps_0 f^t}), its DL4J updater, and
 * {@link io.github.dropout4j.updater.LinearRampSchedule} for the momentum ramp.
 */
package io.github.dropout4j.updater;
