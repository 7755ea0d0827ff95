package io.github.dropout4j.zoo.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Every {@code ./dropout4j ...} command line shown in {@code README.md} and {@code model-zoo/README-cli.md} runs
 * in-process through {@link Dropout4jCli#commandLine()} and must not end in exit code 2 (the documented syntax is
 * rejected) or 70 (an internal error). One dynamic test per command, named by file and line.
 *
 * <p><b>Which lines.</b> A line of the Markdown whose text (after leading blanks) starts with {@code ./dropout4j},
 * in or out of a code block, joined with the next line while it ends in {@code \}, and every inline code span
 * {@code `./dropout4j ...`}. A shell comment ({@code # ...}) ends the command. Identical commands of one file run
 * once. A placeholder token {@code <command>} runs once per subcommand; a line with any other {@code <...>}
 * placeholder is skipped.
 *
 * <p><b>The scaling rule</b> (so each command takes seconds on the shipped data), applied per option only where the
 * command has that option:
 * <ul>
 *   <li>{@code --epochs} capped at 1 (added if absent); {@code --limit} capped at {@value #LIMIT} (added if
 *       absent); {@code --seeds} capped at 1 (added if absent); {@code --quiet} added;</li>
 *   <li>{@code --size}, {@code --crop}, {@code --width-divisor}, {@code --fc-units} dropped (the tiny defaults);</li>
 *   <li>{@code --download} dropped; {@code --data} added for the command's data set when absent. A {@code --data}
 *       path that does not exist in the repository (e.g. {@code /path/to/cifar-10-batches-bin}) becomes the shipped
 *       set of the command's data set: {@code src-test-data/mnist}, {@code cifar10-synthetic} or
 *       {@code imagenet-synthetic}. The data set is the one named by a word of the command ({@code mnist...},
 *       {@code cifar10...}, {@code imagenet}/{@code alexnet}/{@code hinton...}), or, for a command reading a model,
 *       the data set of the command that wrote it; otherwise MNIST;</li>
 *   <li>{@code --out DIR} becomes a fresh directory in a temporary folder (added if absent), except with
 *       {@code --resume}, which continues the last command's directory of that name; any other path argument
 *       that does not exist in the repository (a model such as {@code runs/m1200/model.zip}) is read from the
 *       latest earlier command's {@code --out} that contains it.</li>
 * </ul>
 * Commands run in the order of the file, so a documented {@code evaluate} sees the model its preceding
 * {@code train} wrote. Other exit codes than 0 are allowed (documented examples may conflict, e.g. two trainings into
 * one {@code --out}), and printed with the command for the reader of the test log.
 */
class ReadmeCommandsTest {
    /** Cap of {@code --limit}: a few batches of every data set. */
    static final int LIMIT = 32;

    private static final Pattern INLINE = Pattern.compile("`(\\./dropout4j(?:\\s[^`]*)?)`");
    private static final Pattern PLACEHOLDER = Pattern.compile("<[^>]+>");

    /** A command as documented: file, 1-based line and the text after {@code ./dropout4j}. */
    record Documented(String file, int line, String text) {
        @Override
        public String toString() {
            return file + ":" + line + ": ./dropout4j " + text;
        }
    }

    static Path repositoryRoot() {
        Path here = Path.of("").toAbsolutePath();
        return Files.isRegularFile(here.resolve("README.md")) && Files.isDirectory(here.resolve("model-zoo"))
                ? here
                : here.getParent();
    }

    @TestFactory
    Stream<DynamicTest> readmeCommands(@TempDir Path tmp) throws IOException {
        return commandsOf(tmp, "README.md");
    }

    @TestFactory
    Stream<DynamicTest> readmeCliCommands(@TempDir Path tmp) throws IOException {
        return commandsOf(tmp, "model-zoo/README-cli.md");
    }

    private static Stream<DynamicTest> commandsOf(Path tmp, String file) throws IOException {
        List<Documented> commands =
                extract(file, Files.readString(repositoryRoot().resolve(file)));
        assertFalse(commands.isEmpty(), "no ./dropout4j commands found in " + file);
        Scaler scaler = new Scaler(tmp);
        List<DynamicTest> tests = new ArrayList<>();
        for (Documented d : commands) {
            for (List<String> args : scaler.expand(tokens(d.text()))) {
                tests.add(DynamicTest.dynamicTest(d.toString(), () -> {
                    List<String> scaled = scaler.scale(args);
                    io.github.dropout4j.zoo.testsupport.CliRuns.Run r = run(scaled);
                    System.out.printf(
                            Locale.ROOT,
                            "%s%n    ran: %s%n    exit %d%s%n",
                            d,
                            String.join(" ", scaled),
                            r.exitCode(),
                            r.exitCode() == 0 ? "" : ": " + r.err().strip());
                    assertNotEquals(
                            Dropout4jCli.USAGE,
                            r.exitCode(),
                            d + " is rejected as bad syntax (ran: " + scaled + "): " + r.err());
                    assertNotEquals(
                            Dropout4jCli.INTERNAL_ERROR,
                            r.exitCode(),
                            d + " fails with an internal error (ran: " + scaled + "): " + r.err());
                }));
            }
        }
        return tests.stream();
    }

    private static io.github.dropout4j.zoo.testsupport.CliRuns.Run run(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = Dropout4jCli.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args.toArray(String[]::new));
        return new io.github.dropout4j.zoo.testsupport.CliRuns.Run(code, out.toString(), err.toString());
    }

    /** The documented commands of one Markdown file, in order, each once. */
    static List<Documented> extract(String file, String markdown) {
        Map<String, Documented> found = new LinkedHashMap<>();
        String[] lines = markdown.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.startsWith("./dropout4j") && (line.length() == 11 || Character.isWhitespace(line.charAt(11)))) {
                int first = i;
                StringBuilder text =
                        new StringBuilder(withoutComment(line.substring(11)).strip());
                while (text.toString().endsWith("\\") && i + 1 < lines.length) {
                    text.setLength(text.length() - 1);
                    text.append(' ').append(withoutComment(lines[++i].strip()).strip());
                }
                String t = text.toString().strip().replaceAll("\\s+", " ");
                found.putIfAbsent(t, new Documented(file, first + 1, t));
                continue;
            }
            Matcher m = INLINE.matcher(lines[i]);
            while (m.find()) {
                String t = m.group(1).substring(11).strip().replaceAll("\\s+", " ");
                found.putIfAbsent(t, new Documented(file, i + 1, t));
            }
        }
        return new ArrayList<>(found.values());
    }

    /** The text before an unquoted {@code #} that starts a word (a shell comment). */
    private static String withoutComment(String s) {
        char quote = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                quote = c == quote ? 0 : quote;
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '#' && (i == 0 || Character.isWhitespace(s.charAt(i - 1)))) {
                return s.substring(0, i);
            }
        }
        return s;
    }

    /** Shell-like words: split on blanks, single and double quotes group (and are removed). */
    static List<String> tokens(String s) {
        List<String> words = new ArrayList<>();
        StringBuilder w = null;
        char quote = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    w.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                w = w == null ? new StringBuilder() : w;
            } else if (Character.isWhitespace(c)) {
                if (w != null) {
                    words.add(w.toString());
                    w = null;
                }
            } else {
                w = w == null ? new StringBuilder() : w;
                w.append(c);
            }
        }
        if (w != null) {
            words.add(w.toString());
        }
        return words;
    }

    /** Applies the scaling rule of the class comment; remembers where each command's {@code --out} went. */
    static final class Scaler {
        private final Path tmp;
        private final Path root = repositoryRoot();
        /** Documented {@code --out} value -> the directory the last command with it wrote. */
        private final Map<String, Path> outs = new HashMap<>();
        /** Directory written by a command -> its data set. */
        private final Map<Path, String> kinds = new HashMap<>();

        private int fresh;

        Scaler(Path tmp) {
            this.tmp = tmp;
        }

        /** One argument list per run: {@code <command>} expands to every subcommand; other placeholders skip. */
        List<List<String>> expand(List<String> args) {
            int at = args.indexOf("<command>");
            if (at >= 0) {
                List<List<String>> all = new ArrayList<>();
                for (String sub : Dropout4jCli.commandLine().getSubcommands().keySet()) {
                    List<String> a = new ArrayList<>(args);
                    a.set(at, sub);
                    all.addAll(expand(a));
                }
                return all;
            }
            if (args.stream().anyMatch(a -> PLACEHOLDER.matcher(a).find())) {
                System.out.println("skipped (placeholder): ./dropout4j " + String.join(" ", args));
                return List.of();
            }
            return List.of(args);
        }

        List<String> scale(List<String> documented) {
            CommandLine.Model.CommandSpec spec = commandSpec(documented);
            boolean help =
                    documented.contains("--help") || documented.contains("-h") || documented.contains("--version");
            if (help
                    || spec.subcommands().size() > 0
                            && spec.findOption("--epochs") == null
                            && spec.positionalParameters().isEmpty()) {
                return documented;
            }
            boolean resume = documented.contains("--resume");
            String kind = kindOf(documented);
            List<String> a = new ArrayList<>();
            boolean hasData = false;
            boolean hasOut = false;
            Path outDir = null;
            for (int i = 0; i < documented.size(); i++) {
                String t = documented.get(i);
                String value = i + 1 < documented.size() ? documented.get(i + 1) : null;
                switch (t) {
                    case "--epochs", "--seeds" -> {
                        a.add(t);
                        a.add(String.valueOf(Math.min(1, Integer.parseInt(value))));
                        i++;
                    }
                    case "--limit" -> {
                        a.add(t);
                        a.add(String.valueOf(Math.min(LIMIT, Integer.parseInt(value))));
                        i++;
                    }
                    case "--size", "--crop", "--width-divisor", "--fc-units" -> i++;
                    case "--download" -> {}
                    case "--data" -> {
                        hasData = true;
                        a.add(t);
                        a.add(
                                Files.exists(root.resolve(value))
                                        ? root.resolve(value).toString()
                                        : fixture(kind).toString());
                        i++;
                    }
                    case "--out" -> {
                        hasOut = true;
                        outDir = resume && outs.containsKey(value) ? outs.get(value) : freshDir(value);
                        outs.put(value, outDir);
                        a.add(t);
                        a.add(outDir.toString());
                        i++;
                    }
                    default -> a.add(t.startsWith("-") || !looksLikePath(t) ? t : input(t));
                }
            }
            if (!hasData
                    && spec.findOption("--data") != null
                    && (documented.contains("--download") || !kind.equals("mnist") && !kind.equals("cifar10"))) {
                a.add("--data");
                a.add(fixture(kind).toString());
            }
            addIfAbsent(a, spec, "--epochs", "1");
            addIfAbsent(a, spec, "--limit", String.valueOf(LIMIT));
            addIfAbsent(a, spec, "--seeds", "1");
            if (!hasOut && spec.findOption("--out") != null) {
                outDir = freshDir("default");
                a.add("--out");
                a.add(outDir.toString());
            }
            if (spec.findOption("--quiet") != null && !a.contains("--quiet")) {
                a.add("--quiet");
            }
            if (outDir != null) {
                kinds.put(outDir, kind);
            }
            return a;
        }

        private static void addIfAbsent(List<String> a, CommandLine.Model.CommandSpec spec, String option, String v) {
            if (spec.findOption(option) != null && !a.contains(option)) {
                a.add(option);
                a.add(v);
            }
        }

        private Path freshDir(String documented) {
            String relative = documented.replaceFirst("^/+", "");
            return tmp.resolve("run" + (++fresh)).resolve(relative.isEmpty() ? "out" : relative);
        }

        private boolean looksLikePath(String t) {
            return t.contains("/") || t.endsWith(".zip");
        }

        /** A path argument: as is if it exists in the repository, else under the latest {@code --out} holding it. */
        private String input(String documented) {
            if (Files.exists(root.resolve(documented))) {
                return root.resolve(documented).toString();
            }
            String best = null;
            for (String out : outs.keySet()) {
                String prefix = out.endsWith("/") ? out : out + "/";
                if (documented.startsWith(prefix) && (best == null || out.length() > best.length())) {
                    best = out;
                }
            }
            return best == null
                    ? tmp.resolve(documented.replaceFirst("^/+", "")).toString()
                    : outs.get(best)
                            .resolve(documented.substring(best.length()).replaceFirst("^/+", ""))
                            .toString();
        }

        /** The data set of a command: a word naming one, or the data set of the run that wrote the model it reads. */
        private String kindOf(List<String> args) {
            for (String t : args) {
                if (t.startsWith("-") || looksLikePath(t)) {
                    continue;
                }
                String w = t.toLowerCase(Locale.ROOT);
                if (w.startsWith("cifar10")) {
                    return "cifar10";
                }
                if (w.startsWith("imagenet") || w.startsWith("alexnet") || w.startsWith("hinton")) {
                    return "imagenet";
                }
                if (w.startsWith("mnist")) {
                    return "mnist";
                }
            }
            for (String t : args) {
                if (!t.startsWith("-") && looksLikePath(t) && !Files.exists(root.resolve(t))) {
                    Path p = Path.of(input(t));
                    for (Map.Entry<Path, String> e : kinds.entrySet()) {
                        if (p.startsWith(e.getKey())) {
                            return e.getValue();
                        }
                    }
                }
            }
            return "mnist";
        }

        private Path fixture(String kind) {
            return root.resolve(
                    switch (kind) {
                        case "cifar10" -> "src-test-data/cifar10-synthetic";
                        case "imagenet" -> "src-test-data/imagenet-synthetic";
                        default -> "src-test-data/mnist";
                    });
        }

        /** The (sub)command the leading words name. */
        private static CommandLine.Model.CommandSpec commandSpec(List<String> args) {
            CommandLine c = Dropout4jCli.commandLine();
            for (String t : args) {
                CommandLine sub = c.getSubcommands().get(t);
                if (sub == null) {
                    break;
                }
                c = sub;
            }
            return c.getCommandSpec();
        }
    }

    /** The extraction rule itself: code lines, continuations, inline spans, comments, placeholders. */
    @Test
    void extractsCodeLinesContinuationsAndInlineSpans() {
        String md = String.join(
                "\n",
                "Run `./dropout4j models` or `./dropout4j <command> --help`.",
                "",
                "    ./dropout4j train x --epochs 5 \\",
                "        --out runs/a   # a comment",
                "```",
                "./dropout4j evaluate runs/a/model.zip",
                "```",
                "not ./dropout4j here",
                "    ./dropout4jx no");
        List<Documented> d = extract("t.md", md);
        assertTrue(
                d.stream()
                        .map(Documented::text)
                        .toList()
                        .equals(List.of(
                                "models",
                                "<command> --help",
                                "train x --epochs 5 --out runs/a",
                                "evaluate runs/a/model.zip")),
                d.toString());
        assertTrue(d.get(2).line() == 3, d.toString());
        assertTrue(tokens("a 'b c' \"d e\"f").equals(List.of("a", "b c", "d ef")));
    }
}
