package io.github.dropout4j.zoo.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code reproduce <dataset>}: one subcommand per reproduced experiment of the paper. */
@Command(
        name = "reproduce",
        mixinStandardHelpOptions = true,
        description = "Reproduce an experiment of the paper (one subcommand per data set).",
        subcommands = {ReproduceMnistCommand.class, ReproduceCifar10Command.class})
final class ReproduceCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a data set, e.g. 'reproduce mnist'");
    }
}
