package io.github.dropout4j.tutorials;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonObject;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Executes every code cell of every notebook of {@code tutorials/}, in order, in the rapaio Java kernel (JShell
 * plus the kernel's magics such as {@code %%jars}), started as Jupyter starts it, and fails on the first cell
 * that reports an error (compile error, exception, magic error) or writes to stderr, naming notebook and cell.
 * Then checks that the committed outputs come from the current code: every cell that printed or drew a figure
 * now has saved text or a saved PNG, and the other way round.
 */
class NotebookExecutionTest {

    /** System property restricting the run to some notebooks (comma-separated file names). */
    static final String ONLY_PROPERTY = "tutorials.only";

    /** Per-cell limit; the notebooks are meant to take well under two minutes each on 2 cores. */
    static final Duration CELL_TIMEOUT = Duration.ofSeconds(180);

    @TestFactory
    Stream<DynamicTest> everyCodeCellRunsWithoutErrorInTheRapaioKernel() throws Exception {
        List<Path> notebooks = Notebook.all();
        assertFalse(notebooks.isEmpty(), "no notebooks in " + Notebook.folder());
        String only = System.getProperty(ONLY_PROPERTY, "").strip();
        if (!only.isEmpty()) { // while editing one notebook: -Dtutorials.only=02-figure-1.ipynb
            List<String> names = List.of(only.split(","));
            notebooks = notebooks.stream()
                    .filter(p -> names.contains(p.getFileName().toString()))
                    .toList();
            assertFalse(notebooks.isEmpty(), "-D" + ONLY_PROPERTY + "=" + only + " names no notebook");
        }
        Path kernelJar = kernelJar();
        return notebooks.stream()
                .map(file -> DynamicTest.dynamicTest(
                        file.getFileName().toString(), () -> run(Notebook.read(file), kernelJar)));
    }

    private static void run(Notebook nb, Path kernelJar) throws Exception {
        long start = System.nanoTime();
        try (JupyterKernelClient kernel = JupyterKernelClient.start(
                kernelJar, nb.file().getParent(), Map.of("OMP_WAIT_POLICY", "PASSIVE"), Duration.ofSeconds(60))) {
            for (Notebook.CodeCell cell : nb.codeCells()) {
                String where = nb.name() + ", code cell " + cell.number() + " (" + cell.firstLine() + ")";
                JupyterKernelClient.Execution ex;
                try {
                    ex = kernel.execute(cell.source(), CELL_TIMEOUT);
                } catch (IllegalStateException e) {
                    throw new AssertionError(where + ": " + e.getMessage(), e);
                }
                for (JupyterKernelClient.Output o : ex.outputs()) {
                    if (o.type().equals("error")) {
                        fail(where + ": " + o.content().get("ename").getAsString() + ": "
                                + o.content().get("evalue").getAsString() + "\n"
                                + plain(String.join(
                                        "\n",
                                        o.content().getAsJsonArray("traceback").asList().stream()
                                                .map(t -> t.getAsString())
                                                .toList())));
                    }
                    if (o.type().equals("stream")
                            && o.content().get("name").getAsString().equals("stderr")) {
                        fail(where + ": wrote to stderr:\n"
                                + plain(o.content().get("text").getAsString()));
                    }
                }
                assertEquals("ok", ex.status(), where + ": execute_reply status");
                assertSameKindsOfOutput(where, kinds(ex.outputs()), savedKinds(cell.outputs()));
            }
        }
        System.out.printf(
                "%s: %d code cells in %.1f s%n", nb.name(), nb.codeCells().size(), (System.nanoTime() - start) / 1e9);
    }

    @Test
    void aCellThatDoesNotCompileFailsTheRunNamingNotebookAndCell(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("broken.ipynb");
        Files.writeString(file, """
                {"cells": [
                  {"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": [], "source": ["int ok = 1;"]},
                  {"cell_type": "markdown", "metadata": {}, "source": ["text"]},
                  {"cell_type": "code", "execution_count": 2, "metadata": {}, "outputs": [],
                   "source": ["int y = undefinedVariable + 1;"]}],
                 "metadata": {"kernelspec": {"name": "rapaio-jupyter-kernel", "display_name": "Java", "language": "java"}},
                 "nbformat": 4, "nbformat_minor": 5}
                """);
        AssertionError e = assertThrows(AssertionError.class, () -> run(Notebook.read(file), kernelJar()));
        assertTrue(
                e.getMessage().startsWith("broken.ipynb, code cell 2 (int y = undefinedVariable + 1;)"),
                e.getMessage());
        assertTrue(e.getMessage().contains("undefinedVariable"), e.getMessage());
    }

    /** "text" if the cell printed something, "image/png" if it showed a PNG. */
    private static List<String> kinds(List<JupyterKernelClient.Output> outputs) {
        List<String> kinds = new ArrayList<>();
        for (JupyterKernelClient.Output o : outputs) {
            addKinds(kinds, o.type(), o.content());
        }
        return kinds;
    }

    private static List<String> savedKinds(List<JsonObject> outputs) {
        List<String> kinds = new ArrayList<>();
        for (JsonObject o : outputs) {
            addKinds(kinds, o.get("output_type").getAsString(), o);
        }
        return kinds;
    }

    private static void addKinds(List<String> kinds, String type, JsonObject content) {
        if (type.equals("stream") && !kinds.contains("text")) {
            kinds.add("text");
        }
        if ((type.equals("display_data") || type.equals("execute_result"))
                && content.getAsJsonObject("data").has("image/png")
                && !kinds.contains("image/png")) {
            kinds.add("image/png");
        }
    }

    private static void assertSameKindsOfOutput(String where, List<String> now, List<String> saved) {
        if (!now.stream().sorted().toList().equals(saved.stream().sorted().toList())) {
            fail(where + ": the committed outputs are stale: this run produced " + now + ", the notebook holds " + saved
                    + "; re-execute the notebooks (tutorials/run-notebooks.sh --update)");
        }
    }

    private static String plain(String s) {
        return s.replaceAll("\u001B\\[[0-9;]*m", "");
    }

    /** The rapaio-jupyter-kernel jar this module depends on (test scope). */
    static Path kernelJar() throws ClassNotFoundException, URISyntaxException {
        Class<?> main =
                Class.forName("org.rapaio.jupyter.kernel.MainApp", false, NotebookExecutionTest.class.getClassLoader());
        return Path.of(main.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
