package io.github.dropout4j.tutorials;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** A Jupyter notebook file (nbformat 4) as the tests need it: its code cells with source and saved outputs. */
record Notebook(Path file, String kernelName, List<Notebook.CodeCell> codeCells) {

    /**
     * A code cell.
     *
     * @param number         1-based position among the notebook's code cells (what failure messages name)
     * @param source         the cell's code
     * @param executionCount the saved execution count, or null if never executed
     * @param outputs        the saved outputs
     */
    record CodeCell(int number, String source, Integer executionCount, List<JsonObject> outputs) {
        /** The first line of the source, to name the cell in messages. */
        String firstLine() {
            String line = source.strip().lines().findFirst().orElse("");
            return line.length() > 80 ? line.substring(0, 77) + "..." : line;
        }
    }

    /** The folder holding the notebooks: this module's base directory (Maven runs tests there). */
    static Path folder() {
        return Path.of("").toAbsolutePath();
    }

    /** Every {@code *.ipynb} of {@link #folder()}, sorted by name. */
    static List<Path> all() throws IOException {
        try (Stream<Path> files = Files.list(folder())) {
            return files.filter(p -> p.getFileName().toString().endsWith(".ipynb"))
                    .sorted()
                    .toList();
        }
    }

    static Notebook read(Path file) throws IOException {
        JsonObject nb = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        String kernel = nb.getAsJsonObject("metadata")
                .getAsJsonObject("kernelspec")
                .get("name")
                .getAsString();
        List<CodeCell> cells = new ArrayList<>();
        for (JsonElement e : nb.getAsJsonArray("cells")) {
            JsonObject cell = e.getAsJsonObject();
            if (!cell.get("cell_type").getAsString().equals("code")) {
                continue;
            }
            JsonElement count = cell.get("execution_count");
            List<JsonObject> outputs = new ArrayList<>();
            cell.getAsJsonArray("outputs").forEach(o -> outputs.add(o.getAsJsonObject()));
            cells.add(new CodeCell(
                    cells.size() + 1,
                    text(cell.get("source")),
                    count == null || count.isJsonNull() ? null : count.getAsInt(),
                    outputs));
        }
        return new Notebook(file, kernel, cells);
    }

    /** A multi-line string field of nbformat: a string or an array of strings. */
    static String text(JsonElement e) {
        if (e == null || e.isJsonNull()) {
            return "";
        }
        if (e.isJsonArray()) {
            StringBuilder s = new StringBuilder();
            for (JsonElement line : (JsonArray) e) {
                s.append(line.getAsString());
            }
            return s.toString();
        }
        return e.getAsString();
    }

    String name() {
        return file.getFileName().toString();
    }
}
