/**
 * Test-time use of dropout networks: {@link io.github.dropout4j.inference.MeanNetwork} (the paper's mean network as a
 * plain DL4J network), {@link io.github.dropout4j.inference.MonteCarloDropout} (sampled sub-networks),
 * {@link io.github.dropout4j.inference.ExactSubnetworkAverage} (all {@code 2^N} sub-networks of one layer), and the
 * shared pieces {@link io.github.dropout4j.inference.LayerwiseForward} and
 * {@link io.github.dropout4j.inference.Subnetworks}.
 */
package io.github.dropout4j.inference;
