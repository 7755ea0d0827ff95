package io.github.dropout4j.zoo.training;

import io.github.dropout4j.onednn.OneDnnHelpers;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * A run's saved form: a DL4J model zip (parameters, configuration with its iteration and epoch counters, updater
 * state; loads with {@code ModelSerializer} like any DL4J model) with the {@link RunManifest} as JSON entry
 * {@value RunManifest#ZIP_ENTRY} and any extra entries a data set needs (a pixel mean, image statistics). Written
 * to a {@code .tmp} sibling and moved over the old file atomically, so a kill mid-write leaves the previous epoch's
 * zip intact and the manifest always matches the network beside it. Errors are one line naming the file.
 */
public final class ModelZip {
    /** Extra entries added to the zip before it replaces the old one. */
    @FunctionalInterface
    public interface Extras {
        void addTo(File zip) throws IOException;
    }

    /** A saved run: the network (with updater state) and its manifest. */
    public record Saved(Model network, RunManifest manifest) {}

    private ModelZip() {}

    /** Writes {@code net} (with updater state), {@code extras} and {@code manifest} to {@code file} atomically. */
    public static void write(Model net, RunManifest manifest, Extras extras, Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        ModelSerializer.writeModel(net, tmp.toFile(), true);
        if (extras != null) {
            extras.addTo(tmp.toFile());
        }
        if (manifest != null) {
            try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + tmp.toUri()), Map.of())) {
                Files.writeString(zip.getPath(RunManifest.ZIP_ENTRY), manifest.toJson(), StandardCharsets.UTF_8);
            }
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Loads a MultiLayerNetwork or ComputationGraph zip (with updater state if present), on oneDNN where ND4J's oneDNN
     * natives are loaded ({@link OneDnnHelpers}), as the zoo's {@code init()} builds them.
     */
    public static Model readModel(Path file) throws IOException {
        Model m = restore(file);
        OneDnnHelpers.install(m);
        return m;
    }

    private static Model restore(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException(file + " is a directory, not a model zip"
                    + (Files.isRegularFile(file.resolve("model.zip"))
                            ? " (did you mean " + file.resolve("model.zip") + "?)"
                            : ""));
        }
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such file");
        }
        try {
            return ModelSerializer.restoreMultiLayerNetwork(file.toFile(), true);
        } catch (IOException | RuntimeException e) {
            try {
                return ModelSerializer.restoreComputationGraph(file.toFile(), true);
            } catch (IOException | RuntimeException ignored) {
                throw new IOException(
                        file + " is not a DL4J model zip (" + e.getClass().getSimpleName()
                                + (e.getMessage() == null
                                        ? ""
                                        : ": "
                                                + e.getMessage()
                                                        .lines()
                                                        .findFirst()
                                                        .orElse("")) + ")",
                        e);
            }
        }
    }

    /** Loads a MultiLayerNetwork zip. */
    public static MultiLayerNetwork readNetwork(Path file) throws IOException {
        Model m = readModel(file);
        if (!(m instanceof MultiLayerNetwork net)) {
            throw new IOException(file + " is a DL4J ComputationGraph, not a MultiLayerNetwork");
        }
        return net;
    }

    /**
     * The manifest in {@code file}, or empty if the zip has none (a plain DL4J model, or one written before
     * manifests: see {@link LegacyModelZips}).
     *
     * @throws IOException if the file is not a zip, or its manifest is malformed or of an unknown version
     */
    public static Optional<RunManifest> readManifest(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such file");
        }
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry e = zip.getEntry(RunManifest.ZIP_ENTRY);
            if (e == null) {
                return Optional.empty();
            }
            try (InputStream in = zip.getInputStream(e)) {
                return Optional.of(RunManifest.fromJson(
                        new String(in.readAllBytes(), StandardCharsets.UTF_8),
                        file + " (" + RunManifest.ZIP_ENTRY + ")"));
            }
        } catch (java.util.zip.ZipException e) {
            throw new IOException(file + " is not a DL4J model zip (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Reads a run to continue it: the network and its manifest, whose history must cover exactly the network's
     * epochs.
     *
     * @throws IOException if the file is missing, not a model zip, has no manifest (naming the legacy format it was
     *                     written in, if any) or a manifest that does not match the network
     */
    public static Saved readRun(Path file) throws IOException {
        Optional<RunManifest> manifest = readManifest(file);
        if (manifest.isEmpty()) {
            throw new IOException(LegacyModelZips.describeMissingManifest(file));
        }
        Model net = readModel(file);
        int epochs = epochCount(net);
        if (manifest.get().epochsDone() != epochs) {
            throw new IOException(file + ": the run manifest records "
                    + manifest.get().epochsDone() + " epochs but the network has trained " + epochs);
        }
        return new Saved(net, manifest.get());
    }

    /**
     * The run to train: with {@code resume} and an existing {@code file}, the network and manifest saved there (which
     * must describe the same run as {@code fresh}); without {@code file}, a new network from {@code create} with
     * {@code fresh}.
     *
     * @throws IOException              if {@code file} exists without {@code resume}, or cannot be read as a run
     * @throws IllegalArgumentException if it was written by a run with other settings (naming them)
     */
    public static Saved freshOrResumed(
            Path file, boolean resume, RunManifest fresh, java.util.function.Supplier<? extends Model> create)
            throws IOException {
        if (!Files.exists(file)) {
            return new Saved(create.get(), fresh);
        }
        if (!resume) {
            throw new IOException(file + " already exists: pass --resume to continue that run, or another --out");
        }
        Saved saved = readRun(file);
        fresh.requireSameRunAs(saved.manifest(), file);
        return saved;
    }

    /** Epochs {@code net} has trained (its configuration's counter). */
    public static int epochCount(Model net) {
        return net instanceof ComputationGraph g ? g.getEpochCount() : ((MultiLayerNetwork) net).getEpochCount();
    }

    /** The bytes of entry {@code name} of zip {@code file}. @throws IOException naming both if absent */
    public static byte[] entry(Path file, String name) throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry e = zip.getEntry(name);
            if (e == null) {
                throw new IOException(file + " has no entry " + name);
            }
            try (InputStream in = zip.getInputStream(e)) {
                return in.readAllBytes();
            }
        }
    }

    /** Adds entry {@code name} with {@code bytes} to zip {@code file} (for {@link Extras}). */
    public static void addEntry(File file, String name, byte[] bytes) throws IOException {
        try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + file.toURI()), Map.of())) {
            Files.write(zip.getPath(name), bytes);
        }
    }
}
