package io.github.dropout4j.tutorials;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The notebooks are committed executed, so they read well on a code host: one top-to-bottom run in the rapaio
 * kernel, no errors or stderr in the saved outputs, and a PNG wherever a cell draws a figure.
 */
class CommittedNotebooksTest {

    static final List<String> TUTORIALS = List.of(
            "01-quick-start.ipynb",
            "02-figure-1.ipynb",
            "03-what-the-mean-network-is.ipynb",
            "04-max-norm-and-the-optimiser.ipynb",
            "05-adaptive-dropout-and-standout.ipynb",
            "06-model-zoo.ipynb");

    /** A statement at the start of a line that shows a figure: {@code show(chart);} or {@code display(image);}. */
    static final Pattern DRAWS = Pattern.compile("(?m)^(show|display)\\(");

    @Test
    void theSixTutorialsAreThere() throws Exception {
        assertEquals(
                TUTORIALS,
                Notebook.all().stream().map(p -> p.getFileName().toString()).toList());
    }

    @Test
    void everyNotebookIsSavedAfterOneRunInOrderWithoutErrorsAndWithItsFigures() throws Exception {
        for (Path file : Notebook.all()) {
            Notebook nb = Notebook.read(file);
            assertEquals("rapaio-jupyter-kernel", nb.kernelName(), nb.name() + ": kernelspec");
            assertTrue(nb.codeCells().size() > 1, nb.name() + " has no code");
            for (Notebook.CodeCell cell : nb.codeCells()) {
                String where = nb.name() + ", code cell " + cell.number() + " (" + cell.firstLine() + ")";
                if (cell.executionCount() == null || cell.executionCount() != cell.number()) {
                    fail(where + ": execution count " + cell.executionCount() + ", expected " + cell.number()
                            + " (the notebook must be saved after one run from the top; tutorials/run-notebooks.sh"
                            + " --update)");
                }
                boolean png = false;
                for (JsonObject o : cell.outputs()) {
                    String type = o.get("output_type").getAsString();
                    assertTrue(!type.equals("error"), where + ": saved error output " + o);
                    assertTrue(
                            !(type.equals("stream")
                                    && o.get("name").getAsString().equals("stderr")),
                            where + ": saved stderr output " + o);
                    png |= o.has("data") && o.getAsJsonObject("data").has("image/png");
                }
                assertEquals(
                        DRAWS.matcher(cell.source()).find(),
                        png,
                        where + ": draws a figure, so a saved PNG is" + " expected (and only then)");
            }
        }
    }
}
