/**
 * The {@code dropout4j} command line (picocli): {@code reproduce mnist|cifar10}, {@code train}, {@code evaluate},
 * {@code models}, {@code sweep}, {@code export-mean-network}. Commands parse options and format output; training,
 * saving and resuming go through {@link io.github.dropout4j.zoo.training.TrainingRun} and
 * {@link io.github.dropout4j.zoo.training.ModelZip}. User errors are one line on standard error with exit code 1
 * ({@link io.github.dropout4j.zoo.cli.Dropout4jCli}); see {@code model-zoo/README-cli.md}.
 */
package io.github.dropout4j.zoo.cli;
