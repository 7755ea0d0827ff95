package io.github.dropout4j.zoo.training;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import org.nd4j.shade.jackson.core.JsonProcessingException;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.nd4j.shade.jackson.databind.SerializationFeature;
import org.nd4j.shade.jackson.databind.node.ArrayNode;
import org.nd4j.shade.jackson.databind.node.ObjectNode;

/**
 * What a training run is and how far it got, stored as JSON entry {@value #ZIP_ENTRY} inside the model zip
 * ({@link ModelZip}) and versioned ({@value #FORMAT_VERSION}): the zoo model, the data set and the training split,
 * the recipe, every setting that shapes the updates, the preprocessing evaluation must repeat, the class names,
 * and one {@link EpochRecord} per finished epoch.
 *
 * <p>A run resumes only with the same {@link #sameRunAs identity} (model, data set, split, recipe and settings);
 * {@code preprocessing} (pixel mean entry, image sizes, statistics entry, raw-vs-scaled pixels) is computed by the
 * fresh run and read back by {@code evaluate}. Settings and preprocessing are string maps so that data sets add
 * keys without a format change; a reader rejects an unknown {@code formatVersion} and a missing field with an
 * error naming the file.
 *
 * <pre>{@code
 * {"format": "dropout4j-run", "formatVersion": 1, "model": "cifar10-dropout", "dataset": "cifar10",
 *  "split": "train: first 32 of 1500 (synthetic)", "recipe": "short",
 *  "settings": {"batch": "16", "seed": "5", ...}, "preprocessing": {"pixelMean": "objects/..."},
 *  "classNames": [], "history": [{"epoch": 1, "testErrors": 431, "testCount": 500, "trainLoss": 2.29, ...}]}
 * }</pre>
 *
 * @param model         zoo registry name
 * @param dataset       data set name ({@code mnist}, {@code cifar10}, {@code imagenet})
 * @param split         the training examples used, in words (compared on resume)
 * @param recipe        the recipe's name ({@code short} or {@code paper})
 * @param settings      every other setting a resumed run must repeat (seed, batch, rates, sizes, {@value #WORKERS} ...)
 * @param preprocessing what evaluation must apply to raw examples (sizes, entries holding means and statistics)
 * @param classNames    class names in label order (empty: the data set's standard labels)
 * @param history       one record per finished epoch, epochs 1, 2, ... in order
 */
public record RunManifest(
        String model,
        String dataset,
        String split,
        String recipe,
        SortedMap<String, String> settings,
        SortedMap<String, String> preprocessing,
        List<String> classNames,
        List<EpochRecord> history) {
    /** The version this code writes and the only one it reads. */
    public static final int FORMAT_VERSION = 1;
    /** The zip entry holding the manifest. */
    public static final String ZIP_ENTRY = "dropout4j-run.json";

    static final String FORMAT = "dropout4j-run";
    /**
     * The setting holding the number of data-parallel workers ({@code TrainingRun#workers}), recorded when more than
     * one: a manifest without it describes a run on one worker, and compares as {@code workers=1} on resume.
     */
    public static final String WORKERS = "workers";
    /** Identity keys the command line sets with an option of the same meaning, named in resume errors. */
    private static final Map<String, String> OPTIONS = Map.of(
            "seed",
            "--seed",
            "batch",
            "--batch",
            "recipe",
            "--recipe",
            "activation",
            "--activation",
            "boundOutputUnits",
            "--bound-output-units",
            WORKERS,
            "--workers");

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public RunManifest {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(split, "split");
        Objects.requireNonNull(recipe, "recipe");
        settings = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(settings));
        preprocessing = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(preprocessing));
        classNames = List.copyOf(classNames);
        history = List.copyOf(history);
    }

    /** A fresh run: no preprocessing, no class names, no history yet. */
    public static RunManifest fresh(
            String model, String dataset, String split, String recipe, Map<String, String> settings) {
        return new RunManifest(
                model, dataset, split, recipe, new TreeMap<>(settings), new TreeMap<>(), List.of(), List.of());
    }

    /** Finished epochs. */
    public int epochsDone() {
        return history.size();
    }

    /** This manifest with {@code r} appended to the history. */
    public RunManifest plus(EpochRecord r) {
        List<EpochRecord> h = new ArrayList<>(history);
        h.add(r);
        return new RunManifest(model, dataset, split, recipe, settings, preprocessing, classNames, h);
    }

    /** This manifest with setting {@code key = value} added (or replaced). */
    public RunManifest withSetting(String key, String value) {
        SortedMap<String, String> s = new TreeMap<>(settings);
        s.put(key, value);
        return new RunManifest(model, dataset, split, recipe, s, preprocessing, classNames, history);
    }

    /**
     * This manifest for a run on {@code workers} data-parallel workers: with setting {@value #WORKERS} when more than
     * one, unchanged for one.
     */
    public RunManifest withWorkers(int workers) {
        return workers == 1 ? this : withSetting(WORKERS, String.valueOf(workers));
    }

    /** This manifest with preprocessing entry {@code key = value} added (or replaced). */
    public RunManifest withPreprocessing(String key, String value) {
        SortedMap<String, String> p = new TreeMap<>(preprocessing);
        p.put(key, value);
        return new RunManifest(model, dataset, split, recipe, settings, p, classNames, history);
    }

    public RunManifest withClassNames(List<String> names) {
        return new RunManifest(model, dataset, split, recipe, settings, preprocessing, names, history);
    }

    /** The preprocessing value {@code key}. @throws IllegalArgumentException naming the key if absent */
    public String preprocessing(String key) {
        String v = preprocessing.get(key);
        if (v == null) {
            throw new IllegalArgumentException("the run manifest has no preprocessing entry '" + key + "'");
        }
        return v;
    }

    /**
     * Checks that {@code saved} (read from {@code file}) describes the same run as this fresh one: same model, data
     * set, split, recipe and settings. @throws IllegalArgumentException listing each difference as
     * {@code key=saved} against {@code key=this}
     */
    public void requireSameRunAs(RunManifest saved, Object file) {
        SortedMap<String, String> mine = identity();
        SortedMap<String, String> theirs = saved.identity();
        List<String> was = new ArrayList<>();
        List<String> is = new ArrayList<>();
        List<String> options = new ArrayList<>();
        java.util.SortedSet<String> keys = new java.util.TreeSet<>(mine.keySet());
        keys.addAll(theirs.keySet());
        for (String k : keys) {
            if (!Objects.equals(mine.get(k), theirs.get(k))) {
                was.add(k + "=" + theirs.getOrDefault(k, "(none)"));
                is.add(k + "=" + mine.getOrDefault(k, "(none)"));
                String option = OPTIONS.get(k);
                if (option != null) {
                    options.add(option + " " + theirs.getOrDefault(k, "(none)") + " there, " + option + " "
                            + mine.getOrDefault(k, "(none)") + " here");
                }
            }
        }
        if (!was.isEmpty()) {
            throw new IllegalArgumentException(file + " was written by the run [" + String.join(", ", was)
                    + "], this one is [" + String.join(", ", is) + "]"
                    + (options.isEmpty() ? "" : " (" + String.join("; ", options) + ")")
                    + "; use the same settings to resume");
        }
    }

    /** Whether {@code other} has the same model, data set, split, recipe and settings. */
    public boolean sameRunAs(RunManifest other) {
        return identity().equals(other.identity());
    }

    private SortedMap<String, String> identity() {
        SortedMap<String, String> id = new TreeMap<>(settings);
        id.putIfAbsent(WORKERS, "1");
        id.put("model", model);
        id.put("dataset", dataset);
        id.put("split", split);
        id.put("recipe", recipe);
        return id;
    }

    /** The JSON form (format name and version first). */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("formatVersion", FORMAT_VERSION);
        root.put("model", model);
        root.put("dataset", dataset);
        root.put("split", split);
        root.put("recipe", recipe);
        ObjectNode s = root.putObject("settings");
        settings.forEach(s::put);
        ObjectNode p = root.putObject("preprocessing");
        preprocessing.forEach(p::put);
        ArrayNode c = root.putArray("classNames");
        classNames.forEach(c::add);
        ArrayNode h = root.putArray("history");
        for (EpochRecord r : history) {
            ObjectNode e = h.addObject();
            e.put("epoch", r.epoch());
            e.put("trainErrors", r.trainErrors());
            e.put("trainCount", r.trainCount());
            e.put("testErrors", r.testErrors());
            e.put("testCount", r.testCount());
            putNumber(e, "trainLoss", r.trainLoss());
            putNumber(e, "learningRate", r.learningRate());
            e.put("examplesSeen", r.examplesSeen());
            e.put("fitSeconds", r.fitSeconds());
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void putNumber(ObjectNode o, String key, double v) {
        if (Double.isNaN(v)) {
            o.putNull(key);
        } else {
            o.put(key, v);
        }
    }

    /**
     * Parses {@link #toJson} output.
     *
     * @param source the file it came from, named in every error
     * @throws IOException for malformed JSON, another format, an unknown version or a missing field
     */
    public static RunManifest fromJson(String json, Object source) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            String why = e.getOriginalMessage();
            throw new IOException(
                    source + ": run manifest is not valid JSON"
                            + (why != null && why.contains("end-of-input")
                                    ? ", truncated: the text ends before the JSON is complete"
                                    : "")
                            + " (" + why + ")",
                    e);
        }
        if (root == null
                || !root.isObject()
                || !FORMAT.equals(root.path("format").asText(null))) {
            throw new IOException(source + ": not a dropout4j run manifest (no \"format\": \"" + FORMAT + "\")");
        }
        JsonNode version = root.get("formatVersion");
        if (version == null || !version.isInt() || version.asInt() != FORMAT_VERSION) {
            throw new IOException(source + ": run manifest formatVersion " + version + " is not supported (this "
                    + "dropout4j reads version " + FORMAT_VERSION + "); use the dropout4j that wrote it");
        }
        List<EpochRecord> history = new ArrayList<>();
        for (JsonNode e : array(root, "history", source)) {
            history.add(new EpochRecord(
                    integer(e, "epoch", source),
                    integer(e, "trainErrors", source),
                    integer(e, "trainCount", source),
                    integer(e, "testErrors", source),
                    integer(e, "testCount", source),
                    number(e, "trainLoss", source),
                    number(e, "learningRate", source),
                    (long) number(e, "examplesSeen", source),
                    number(e, "fitSeconds", source)));
        }
        List<String> classes = new ArrayList<>();
        for (JsonNode c : array(root, "classNames", source)) {
            classes.add(c.asText());
        }
        try {
            return new RunManifest(
                    text(root, "model", source),
                    text(root, "dataset", source),
                    text(root, "split", source),
                    text(root, "recipe", source),
                    strings(root, "settings", source),
                    strings(root, "preprocessing", source),
                    classes,
                    history);
        } catch (IllegalArgumentException e) {
            throw new IOException(source + ": run manifest: " + e.getMessage(), e);
        }
    }

    private static JsonNode field(JsonNode o, String key, Object source) throws IOException {
        JsonNode v = o.get(key);
        if (v == null) {
            throw new IOException(source + ": run manifest has no field '" + key + "'");
        }
        return v;
    }

    private static String text(JsonNode o, String key, Object source) throws IOException {
        JsonNode v = field(o, key, source);
        if (!v.isTextual()) {
            throw new IOException(source + ": run manifest field '" + key + "' is not a string: " + v);
        }
        return v.asText();
    }

    private static int integer(JsonNode o, String key, Object source) throws IOException {
        JsonNode v = field(o, key, source);
        if (!v.isInt()) {
            throw new IOException(source + ": run manifest field '" + key + "' is not an integer: " + v);
        }
        return v.asInt();
    }

    private static double number(JsonNode o, String key, Object source) throws IOException {
        JsonNode v = field(o, key, source);
        if (v.isNull()) {
            return Double.NaN;
        }
        if (!v.isNumber()) {
            throw new IOException(source + ": run manifest field '" + key + "' is not a number: " + v);
        }
        return v.asDouble();
    }

    private static Iterable<JsonNode> array(JsonNode o, String key, Object source) throws IOException {
        JsonNode v = field(o, key, source);
        if (!v.isArray()) {
            throw new IOException(source + ": run manifest field '" + key + "' is not an array");
        }
        return v;
    }

    private static SortedMap<String, String> strings(JsonNode o, String key, Object source) throws IOException {
        JsonNode v = field(o, key, source);
        if (!v.isObject()) {
            throw new IOException(source + ": run manifest field '" + key + "' is not an object");
        }
        SortedMap<String, String> m = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            m.put(e.getKey(), e.getValue().asText());
        }
        return m;
    }
}
