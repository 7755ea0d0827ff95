/**
 * Layers of the dropout family that DL4J lacks: {@link io.github.dropout4j.layers.Standout} (Ba &amp; Frey 2013,
 * retain probabilities as a learned function of the input; configuration) and
 * {@link io.github.dropout4j.layers.StandoutLayer} (its computation).
 */
package io.github.dropout4j.layers;
