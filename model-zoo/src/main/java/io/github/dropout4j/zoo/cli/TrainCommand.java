package io.github.dropout4j.zoo.cli;

import io.github.dropout4j.zoo.models.ModelRegistry;
import io.github.dropout4j.zoo.models.ZooEntry;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code train MODEL}: trains a zoo model, writing its state atomically after every epoch so that {@code --resume}
 * continues a killed run to the same result as an unbroken one: MNIST models into {@code --out/checkpoint.zip}
 * (then {@code model.zip}), CIFAR-10 ({@code cifar10 [--dropout]}, see {@link Cifar10Run}) and ImageNet
 * ({@code imagenet}, {@code alexnet}, see {@link ImageNetRun}) models into {@code --out/model.zip}. Also writes
 * {@code errors.csv} (MNIST, CIFAR-10) and {@code figure.png} (test error, or training loss for ImageNet).
 */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        defaultValueProvider = TrainCommand.Defaults.class,
        description = {
            "Train a zoo model (see 'models'): MNIST models on MNIST (checkpoint every epoch, --resume); "
                    + "cifar10 [--dropout] on CIFAR-10 (default: the shipped synthetic stand-in); imagenet (= hinton-imagenet), "
                    + "hinton-imagenet-nodropout and alexnet (= alexnet-dropout) on an image folder (--data DIR).",
            "ImageNet sizes default to a tiny variant that trains in seconds on src-test-data/imagenet-synthetic; "
                    + "the paper's: --size 256 --crop 224 --width-divisor 1 --fc-units 4096 --recipe paper."
        })
final class TrainCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "Zoo model name, e.g. mnist-800x2-dropout.")
    String model;

    @Mixin
    RunOptions run;

    @Option(names = "--dropout", description = "cifar10: the dropout network of Appendix G (= cifar10-dropout).")
    boolean dropout;

    @Option(
            names = "--workers",
            paramLabel = "N",
            description = "Data-parallel workers on this machine "
                    + "(DL4J ParallelWrapper, averaged after every step): each minibatch of --batch is cut into N slices of "
                    + "batch / N, so the run trains like one process with minibatch --batch; 1 is a plain fit (default: "
                    + "${DEFAULT-VALUE}).")
    int workers = 1;

    @Mixin
    DataOptions dataOptions;

    /** {@code --epochs 10}. */
    static final class Defaults extends RunOptions.Defaults {
        Defaults() {
            super(java.util.Map.of("--epochs", "10"));
        }
    }

    @Override
    public Integer call() throws IOException {
        run.validate();
        Dropout4jCli.atLeastOne("--workers", workers);
        if (run.out == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Missing required option: '--out=DIR'");
        }
        OutputPaths.requireWritableDirectory("--out", run.out);
        ZooEntry entry = ModelRegistry.standard().require(alias(model, dropout));
        DataSetType type = DataSetType.of(entry);
        for (DataSetType other : DataSetType.ALL) {
            CommandLine.Model.CommandSpec options = spec.mixins().get(other.name());
            if (other == type || options == null) {
                continue;
            }
            for (CommandLine.Model.OptionSpec option : options.options()) {
                if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
                    throw new IllegalArgumentException(option.longestName() + " applies to " + other.displayName()
                            + " models only; " + entry.name() + " is a " + entry.dataset() + " model");
                }
            }
        }
        return type.train(entry, this);
    }

    /**
     * The options only {@code type}'s models read ({@link DataSetType#newTrainOptions()}), as parsed into this command.
     *
     * @throws IllegalStateException if {@code type} declares none or this command was not built by
     *                               {@link Dropout4jCli#commandLine()}
     */
    <T> T optionsOf(DataSetType type, Class<T> optionsClass) {
        CommandLine.Model.CommandSpec options = spec.mixins().get(type.name());
        if (options == null) {
            throw new IllegalStateException("train has no options of data set " + type.name());
        }
        return optionsClass.cast(options.userObject());
    }

    /**
     * {@code --workers} for minibatches of {@code batch}.
     *
     * @throws IllegalArgumentException if {@code batch} is not a multiple of it
     */
    int workersFor(int batch) {
        if (batch % workers != 0) {
            throw new IllegalArgumentException("--batch " + batch + " is not divisible by --workers " + workers
                    + ": each worker trains on batch / workers examples");
        }
        return workers;
    }

    /** For the header line: {@code " = N workers x batch / N (...)"}, or nothing for one worker. */
    static String onWorkers(int workers, int batch) {
        return workers == 1
                ? ""
                : " = " + workers + " workers x " + batch / workers + " (ParallelWrapper, averaged every step)";
    }

    /** Short names: {@code cifar10 --dropout} -> cifar10-dropout, imagenet -> hinton-imagenet, alexnet -> alexnet-dropout. */
    static String alias(String name, boolean dropout) {
        String n = switch (name) {
            case "imagenet" -> "hinton-imagenet";
            case "alexnet" -> "alexnet-dropout";
            default -> name;
        };
        if (dropout) {
            if (!n.equals("cifar10") && !n.equals("cifar10-dropout")) {
                throw new IllegalArgumentException("--dropout selects cifar10-dropout; " + name + " is chosen by name "
                        + "(e.g. mnist-800x2-dropout)");
            }
            return "cifar10-dropout";
        }
        return n;
    }
}
