package io.github.dropout4j.zoo.pretrained;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.nd4j.shade.jackson.core.JsonProcessingException;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.nd4j.shade.jackson.databind.SerializationFeature;
import org.nd4j.shade.jackson.databind.node.ArrayNode;
import org.nd4j.shade.jackson.databind.node.ObjectNode;

/**
 * The published pretrained weights of the zoo: a versioned JSON document, shipped as the resource
 * {@value #RESOURCE}, with one {@link WeightsEntry} per (zoo model, data set).
 *
 * <pre>{@code
 * {"formatVersion": 1,
 *  "weights": [{"model": "mnist-800x2-dropout", "dataSet": "mnist-bundled",
 *               "file": "mnist-800x2-dropout.mnist-bundled.zip", "sizeBytes": 5109823, "sha256": "…64 hex…",
 *               "adler32": 123456789, "testErrors": 28, "testExamples": 1000,
 *               "command": "pretrained/make-weights.sh mnist-800x2-dropout mnist-bundled",
 *               "codeVersion": "…40 hex…", "mirrors": ["https://…/"]}]}
 * }</pre>
 *
 * Reading validates everything: the format version ({@value #FORMAT_VERSION}; another is an error naming both),
 * every field of every entry (present, of the right type, in range; unknown fields are errors too, so a typo is
 * not silently ignored), and that no (model, data set) pair or file name occurs twice. Errors name the source,
 * the entry's index and model, and the field.
 */
public final class WeightsRegistry {
    /** The classpath resource of the registry shipped with the zoo. */
    public static final String RESOURCE = "/io/github/dropout4j/zoo/pretrained/weights-registry.json";
    /** The format version this code reads and writes. */
    public static final int FORMAT_VERSION = 1;

    private static final List<String> FIELDS = List.of(
            "model",
            "dataSet",
            "file",
            "sizeBytes",
            "sha256",
            "adler32",
            "testErrors",
            "testExamples",
            "command",
            "codeVersion",
            "mirrors");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static volatile WeightsRegistry standard;

    private final List<WeightsEntry> entries;

    /** @throws IllegalArgumentException if a (model, data set) pair or a file name occurs twice */
    public WeightsRegistry(List<WeightsEntry> entries) {
        this.entries = List.copyOf(entries);
        Set<String> pairs = new HashSet<>();
        Set<String> files = new HashSet<>();
        for (WeightsEntry e : this.entries) {
            if (!pairs.add(e.model() + "/" + e.trainedOn().id())) {
                throw new IllegalArgumentException("two weights entries for " + e.model() + " on "
                        + e.trainedOn().id());
            }
            if (!files.add(e.file())) {
                throw new IllegalArgumentException("two weights entries with the file " + e.file());
            }
        }
    }

    /** The registry shipped with the zoo (resource {@value #RESOURCE}), read once. */
    public static WeightsRegistry standard() {
        WeightsRegistry r = standard;
        if (r == null) {
            try (InputStream in = WeightsRegistry.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("resource " + RESOURCE + " is missing from the classpath");
                }
                r = parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "resource " + RESOURCE);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            standard = r;
        }
        return r;
    }

    /** Reads a registry file. */
    public static WeightsRegistry read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such file");
        }
        return parse(Files.readString(file), file.toString());
    }

    /**
     * Parses and validates a registry document.
     *
     * @param source where it came from, for the error messages
     */
    public static WeightsRegistry parse(String json, String source) throws WeightsRegistryFormatException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new WeightsRegistryFormatException(
                    source + ": not valid JSON (" + e.getOriginalMessage() + " at line "
                            + (e.getLocation() == null ? "?" : e.getLocation().getLineNr()) + ")",
                    e);
        }
        if (root == null || !root.isObject()) {
            throw new WeightsRegistryFormatException(
                    source + ": expected a JSON object with formatVersion and weights", null);
        }
        JsonNode version = root.get("formatVersion");
        if (version == null || !version.isInt()) {
            throw new WeightsRegistryFormatException(source + ": formatVersion (an integer) is missing", null);
        }
        if (version.intValue() != FORMAT_VERSION) {
            throw new WeightsRegistryFormatException(
                    source + ": unknown formatVersion " + version.intValue() + "; this Dropout4j reads version "
                            + FORMAT_VERSION,
                    null);
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("formatVersion") && !f.equals("weights")) {
                throw new WeightsRegistryFormatException(source + ": unknown top-level field '" + f + "'", null);
            }
        }
        JsonNode weights = root.get("weights");
        if (weights == null || !weights.isArray()) {
            throw new WeightsRegistryFormatException(source + ": weights (an array) is missing", null);
        }
        List<WeightsEntry> entries = new ArrayList<>();
        for (int i = 0; i < weights.size(); i++) {
            JsonNode e = weights.get(i);
            String where = source + ": weights[" + i + "]";
            try {
                if (!e.isObject()) {
                    throw new IllegalArgumentException("expected an object");
                }
                where += e.hasNonNull("model") ? " (" + e.get("model").asText() + ")" : "";
                entries.add(entry(e));
            } catch (IllegalArgumentException ex) {
                throw new WeightsRegistryFormatException(where + ": " + ex.getMessage(), ex);
            }
        }
        try {
            return new WeightsRegistry(entries);
        } catch (IllegalArgumentException ex) {
            throw new WeightsRegistryFormatException(source + ": " + ex.getMessage(), ex);
        }
    }

    private static WeightsEntry entry(JsonNode e) {
        for (Iterator<String> it = e.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw new IllegalArgumentException(
                        "unknown field '" + f + "' (fields: " + String.join(", ", FIELDS) + ")");
            }
        }
        JsonNode mirrors = field(e, "mirrors");
        if (!mirrors.isArray()) {
            throw new IllegalArgumentException("mirrors must be an array of URLs");
        }
        List<URI> urls = new ArrayList<>();
        for (JsonNode m : mirrors) {
            if (!m.isTextual()) {
                throw new IllegalArgumentException("mirrors must be an array of URLs, found " + m);
            }
            try {
                urls.add(new URI(m.textValue()));
            } catch (java.net.URISyntaxException ex) {
                throw new IllegalArgumentException("mirrors: not a URL: '" + m.textValue() + "'");
            }
        }
        return new WeightsEntry(
                text(e, "model"),
                TrainedOn.parse(text(e, "dataSet")),
                text(e, "file"),
                number(e, "sizeBytes"),
                text(e, "sha256"),
                number(e, "adler32"),
                Math.toIntExact(number(e, "testErrors")),
                Math.toIntExact(number(e, "testExamples")),
                text(e, "command"),
                text(e, "codeVersion"),
                urls);
    }

    private static JsonNode field(JsonNode e, String name) {
        JsonNode v = e.get(name);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("field '" + name + "' is missing");
        }
        return v;
    }

    private static String text(JsonNode e, String name) {
        JsonNode v = field(e, name);
        if (!v.isTextual()) {
            throw new IllegalArgumentException("field '" + name + "' must be a string, got " + v);
        }
        return v.textValue();
    }

    private static long number(JsonNode e, String name) {
        JsonNode v = field(e, name);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new IllegalArgumentException("field '" + name + "' must be an integer, got " + v);
        }
        if (!name.equals("sizeBytes") && !name.equals("adler32") && !v.canConvertToInt()) {
            throw new IllegalArgumentException("field '" + name + "' is out of range: " + v);
        }
        return v.longValue();
    }

    /** The document, in the format {@link #parse} reads (entries in order, two-space indentation). */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("formatVersion", FORMAT_VERSION);
        ArrayNode weights = root.putArray("weights");
        for (WeightsEntry e : entries) {
            weights.add(toJson(e));
        }
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers always serialises", e);
        }
    }

    /** One entry as a JSON object, with the registry's field names. */
    public static ObjectNode toJson(WeightsEntry e) {
        ObjectNode o = JSON.createObjectNode();
        o.put("model", e.model());
        o.put("dataSet", e.trainedOn().id());
        o.put("file", e.file());
        o.put("sizeBytes", e.sizeBytes());
        o.put("sha256", e.sha256());
        o.put("adler32", e.adler32());
        o.put("testErrors", e.testErrors());
        o.put("testExamples", e.testExamples());
        o.put("command", e.command());
        o.put("codeVersion", e.codeVersion());
        ArrayNode m = o.putArray("mirrors");
        e.mirrors().forEach(u -> m.add(u.toString()));
        return o;
    }

    /** Writes {@link #toJson()} to {@code file} via a temp file and an atomic move. */
    public void write(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        Files.writeString(tmp, toJson());
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** This registry with {@code entry} added, or replacing the entry for the same model and data set. */
    public WeightsRegistry with(WeightsEntry entry) {
        List<WeightsEntry> list = new ArrayList<>(entries);
        int at = -1;
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).model().equals(entry.model()) && list.get(i).trainedOn() == entry.trainedOn()) {
                at = i;
            }
        }
        if (at >= 0) {
            list.set(at, entry);
        } else {
            list.add(entry);
        }
        return new WeightsRegistry(list);
    }

    /** All entries, in document order. */
    public List<WeightsEntry> entries() {
        return entries;
    }

    /** The entries of one zoo model (empty if it has no published weights). */
    public List<WeightsEntry> forModel(String model) {
        return entries.stream().filter(e -> e.model().equals(model)).toList();
    }

    public Optional<WeightsEntry> find(String model, TrainedOn trainedOn) {
        return entries.stream()
                .filter(e -> e.model().equals(model) && e.trainedOn() == trainedOn)
                .findFirst();
    }

    /**
     * The entry for {@code model} trained on {@code trainedOn}.
     *
     * @throws IllegalArgumentException naming the model and the data sets it has weights for (or the models that
     *                                  have any)
     */
    public WeightsEntry require(String model, TrainedOn trainedOn) {
        return find(model, trainedOn)
                .orElseThrow(() -> new IllegalArgumentException(
                        describeMissing(model, trainedOn == null ? "any data set" : trainedOn.id())));
    }

    /** "m has no pretrained weights for X; it has them for: ..." or "m has no pretrained weights; models with weights: ...". */
    public String describeMissing(String model, String what) {
        List<WeightsEntry> own = forModel(model);
        if (!own.isEmpty()) {
            return model + " has no pretrained weights for " + what + "; it has them for: "
                    + String.join(
                            ", ",
                            own.stream()
                                    .map(e -> e.trainedOn().id() + " (TrainedOn."
                                            + e.trainedOn().name()
                                            + e.trainedOn()
                                                    .dl4jType()
                                                    .map(t -> " or PretrainedType." + t)
                                                    .orElse("") + ")")
                                    .toList());
        }
        return model + " has no pretrained weights; models with weights: "
                + String.join(
                        ", ",
                        entries.stream()
                                .map(e -> e.model() + " (" + e.trainedOn().id() + ")")
                                .toList());
    }
}
