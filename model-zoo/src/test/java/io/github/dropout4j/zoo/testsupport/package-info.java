/**
 * What the zoo's tests share: {@link io.github.dropout4j.zoo.testsupport.CliRuns} (run a command in-process, check
 * one-line errors, locate the shipped data) and {@link io.github.dropout4j.zoo.testsupport.Stats}.
 */
package io.github.dropout4j.zoo.testsupport;
