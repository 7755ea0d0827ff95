package io.github.dropout4j.zoo.cli;

import io.github.dropout4j.zoo.data.IdxFormatException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;

/**
 * The {@code dropout4j} command line: reproduce the paper's MNIST result, train, evaluate and export zoo models,
 * sweep dropout rates. Run {@code ./dropout4j --help} (or {@code ./dropout4j <command> --help}).
 *
 * <p>Exit codes: {@value #OK} success; {@value #USER_ERROR} a user error (bad data, missing file, bad value),
 * reported as one line on standard error without a stack trace; {@value #USAGE} bad command-line syntax;
 * {@value #INTERNAL_ERROR} a bug (stack trace printed).
 */
@Command(
        name = "dropout4j",
        mixinStandardHelpOptions = true,
        versionProvider = Dropout4jCli.Version.class,
        description = "Dropout (Hinton et al. 2012, arXiv:1207.0580) on Deeplearning4j: reproduce, train, evaluate.",
        subcommands = {
            ReproduceCommand.class,
            TrainCommand.class,
            EvaluateCommand.class,
            ModelsCommand.class,
            SweepCommand.class,
            ExportMeanNetworkCommand.class,
            PullCommand.class,
            PublishCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Dropout4jCli implements Runnable {
    public static final int OK = 0;
    public static final int USER_ERROR = 1;
    public static final int USAGE = 2;
    public static final int INTERNAL_ERROR = 70;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line (used by {@link #main} and the tests, which can redirect out/err). */
    public static CommandLine commandLine() {
        CommandLine cmd = new CommandLine(new Dropout4jCli());
        CommandLine train = cmd.getSubcommands().get("train");
        for (DataSetType type : DataSetType.ALL) {
            Object options = type.newTrainOptions();
            if (options != null) {
                train.addMixin(type.name(), options);
            }
        }
        cmd.setParameterExceptionHandler(new OneLineParameterErrors());
        cmd.setExecutionExceptionHandler(new OneLineUserErrors());
        cmd.setExitCodeExceptionMapper(t -> isUserError(t) ? USER_ERROR : INTERNAL_ERROR);
        cmd.setUsageHelpLongOptionsMaxWidth(28);
        // Every enum option (--recipe, --activation, --split, ...) accepts the documented lower-case spelling too.
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        return cmd;
    }

    /** Without a subcommand: print the usage. */
    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static boolean isUserError(Throwable t) {
        return t instanceof IllegalArgumentException
                || t instanceof IOException
                || t instanceof UncheckedIOException
                || t instanceof UserException;
    }

    /** A user error that is not an argument or I/O error (for example a model that cannot be trained here). */
    static final class UserException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UserException(String message) {
            super(message);
        }
    }

    private static final class OneLineParameterErrors implements IParameterExceptionHandler {
        @Override
        public int handleParseException(ParameterException ex, String[] args) {
            CommandLine cmd = ex.getCommandLine();
            PrintWriter err = cmd.getErr();
            err.println("dropout4j: " + ex.getMessage() + " (see '"
                    + cmd.getCommandSpec().qualifiedName() + " --help')");
            err.flush();
            return USAGE;
        }
    }

    private static final class OneLineUserErrors implements IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parseResult)
                throws Exception {
            if (ex instanceof ParameterException pe) { // a check the command makes itself, e.g. a required option
                return new OneLineParameterErrors().handleParseException(pe, new String[0]);
            }
            if (!isUserError(ex)) {
                throw ex;
            }
            PrintWriter err = cmd.getErr();
            String what = ex instanceof IdxFormatException ? "bad data: " : "";
            err.println(cmd.getCommandSpec().qualifiedName() + ": " + what + message(ex));
            err.flush();
            return USER_ERROR;
        }

        private static String message(Throwable t) {
            String m = t.getMessage();
            if (m == null || m.isBlank()) {
                m = t.getClass().getSimpleName();
            }
            return m.replace('\n', ' ');
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Dropout4jCli.class.getPackage().getImplementationVersion();
            return new String[] {
                "dropout4j " + (v == null ? "(development build)" : v) + ", Deeplearning4j 1.0.0-M2.1, " + "Java "
                        + System.getProperty("java.version")
            };
        }
    }

    /**
     * Checks a count option ({@code --epochs}, {@code --batch}, ...): null (unset) passes, anything below 1 is a user
     * error naming the option and the value.
     */
    static void atLeastOne(String option, Integer value) {
        if (value != null && value < 1) {
            throw new IllegalArgumentException(option + " must be >= 1, got " + value);
        }
    }
}
