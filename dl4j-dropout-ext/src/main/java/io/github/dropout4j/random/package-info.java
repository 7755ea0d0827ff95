/**
 * Explicit randomness: {@link io.github.dropout4j.random.Seeds}, the one seed-mixing utility (splitmix64) from
 * which every mask key, wiring seed and data-order stream of Dropout4j is derived.
 */
package io.github.dropout4j.random;
