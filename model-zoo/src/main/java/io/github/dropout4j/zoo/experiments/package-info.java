/**
 * Experiments beyond the paper's tables, runnable from tests or a main method:
 * {@link io.github.dropout4j.zoo.experiments.StandoutComparison} compares fixed dropout, adaptive dropout and
 * standout on the bundled MNIST digits.
 */
package io.github.dropout4j.zoo.experiments;
