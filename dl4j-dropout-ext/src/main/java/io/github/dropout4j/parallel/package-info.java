/**
 * Dropout4j under DL4J's single-host data-parallel training ({@code ParallelWrapper}): a trainer context that
 * gives every worker its own dropout masks. Needs the optional {@code deeplearning4j-parallel-wrapper} dependency.
 */
package io.github.dropout4j.parallel;
