package io.github.dropout4j.zoo.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropout4j.zoo.cli.Dropout4jCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;

/** Shared support for the zoo's command-line tests: run a command in-process, check one-line errors, find data. */
public final class CliRuns {

    /** A finished command: exit code and what it printed. */
    public record Run(int exitCode, String out, String err) {}

    private CliRuns() {}

    /** Runs {@code ./dropout4j args...} in this JVM, capturing standard output and error. */
    public static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = Dropout4jCli.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** Exit code {@code expectedCode} and exactly one non-blank line on standard error, containing {@code fragment}. */
    public static void assertOneLineError(Run r, int expectedCode, String fragment) {
        assertEquals(expectedCode, r.exitCode(), r.err());
        List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), "one line, no stack trace: " + r.err());
        assertTrue(lines.get(0).contains(fragment), lines.get(0));
        assertFalse(r.err().contains("Exception"), r.err());
    }

    /** {@code a} followed by {@code b}. */
    public static String[] concat(String[] a, String... b) {
        String[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /** A CSV line without its last column (a wall time, which differs between runs). */
    public static String withoutTime(String csvLine) {
        return csvLine.substring(0, csvLine.lastIndexOf(','));
    }

    /** {@code src-test-data/imagenet-synthetic}, from the module or the repository root. */
    public static Path imageNetSynthetic() {
        Path here = Path.of("").toAbsolutePath();
        Path p = here.resolve("src-test-data/imagenet-synthetic");
        return Files.isDirectory(p) ? p : here.getParent().resolve("src-test-data/imagenet-synthetic");
    }
}
