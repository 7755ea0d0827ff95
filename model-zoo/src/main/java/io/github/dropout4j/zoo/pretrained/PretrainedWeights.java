package io.github.dropout4j.zoo.pretrained;

import io.github.dropout4j.zoo.data.DatasetFile;
import io.github.dropout4j.zoo.data.DownloadOptions;
import io.github.dropout4j.zoo.data.Downloader;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where pretrained weights come from and where they are kept: fetches a {@link WeightsEntry}'s file into the
 * cache through the {@link Downloader} (SHA-256 verified, HTTP {@code Range} resume, atomic rename, a lock
 * against concurrent fetches) and loads it.
 *
 * <p>Sources, in order (each file is verified against the registry's SHA-256 whichever serves it; the one that
 * did is logged and returned):
 * <ol>
 *   <li>the project's release location: the entry's registry mirrors ({@link #RELEASE_BASE_URL}), or the URLs
 *       in {@value #RELEASE_PROPERTY} / {@value #RELEASE_ENV} instead ({@code none}: skip);
 *   <li>the user's mirrors: comma-separated base URLs (http, https or {@code file:}; a plain path is a
 *       directory) in {@value #MIRRORS_PROPERTY} / {@value #MIRRORS_ENV};
 *   <li>the repository's shipped copy: the {@value #SHIPPED_DIR_NAME}/ folder of the clone, found from the
 *       working directory or the jar's location upwards, or the directory in {@value #SHIPPED_PROPERTY} /
 *       {@value #SHIPPED_ENV} ({@code none}: skip). A fresh clone therefore works with no network.
 * </ol>
 * The cache is {@code ~/.dropout4j/models}, or {@value #CACHE_PROPERTY} / {@value #CACHE_ENV}. A cached file is
 * re-verified before every use. In offline mode ({@value DownloadOptions#OFFLINE_PROPERTY} /
 * {@value DownloadOptions#OFFLINE_ENV}, or {@code --offline}) the network is never touched: the cache and the
 * local directories (user {@code file:} mirrors, the shipped copy) are all that is used, and a cached file with
 * the wrong hash is renamed aside, not deleted. System properties win over environment variables.
 *
 * @param cacheDir       the cache directory (files directly in it)
 * @param releaseMirrors null: each entry's registry mirrors; otherwise these replace them (may be empty)
 * @param userMirrors    tried after the release location
 * @param shippedDir     the shipped copy's directory, tried last, or null
 * @param download       timeouts, retries and offline mode (its cache root is not used)
 */
public record PretrainedWeights(
        Path cacheDir, List<URI> releaseMirrors, List<URI> userMirrors, Path shippedDir, DownloadOptions download) {
    private static final Logger log = LoggerFactory.getLogger(PretrainedWeights.class);

    /**
     * The project's release location: the weights files are assets of the GitHub release {@code weights-v1}. Each
     * registry entry lists it as its first mirror.
     */
    public static final String RELEASE_BASE_URL =
            "https://github.com/dropout4j/dropout4j/releases/download/weights-v1/";

    public static final String CACHE_PROPERTY = "dropout4j.models.cache";
    public static final String CACHE_ENV = "DROPOUT4J_MODELS_CACHE";
    public static final String RELEASE_PROPERTY = "dropout4j.models.release";
    public static final String RELEASE_ENV = "DROPOUT4J_MODELS_RELEASE";
    public static final String MIRRORS_PROPERTY = "dropout4j.models.mirrors";
    public static final String MIRRORS_ENV = "DROPOUT4J_MODELS_MIRRORS";
    public static final String SHIPPED_PROPERTY = "dropout4j.models.shipped";
    public static final String SHIPPED_ENV = "DROPOUT4J_MODELS_SHIPPED";
    /** The repository folder with the shipped weights files (and {@value #MAKE_SCRIPT}, which makes them). */
    public static final String SHIPPED_DIR_NAME = "pretrained";
    /** The script that regenerates a weights file; its presence marks a {@value #SHIPPED_DIR_NAME} folder as ours. */
    public static final String MAKE_SCRIPT = "make-weights.sh";

    public PretrainedWeights {
        Objects.requireNonNull(cacheDir, "cacheDir");
        releaseMirrors = releaseMirrors == null
                ? null
                : releaseMirrors.stream().map(WeightsEntry::baseUrl).toList();
        userMirrors =
                List.copyOf(userMirrors).stream().map(WeightsEntry::baseUrl).toList();
        Objects.requireNonNull(download, "download");
    }

    /** The settings of this process: system properties, then environment variables, then the defaults. */
    public static PretrainedWeights fromEnvironment() {
        String cache = setting(CACHE_PROPERTY, CACHE_ENV);
        String release = setting(RELEASE_PROPERTY, RELEASE_ENV);
        String mirrors = setting(MIRRORS_PROPERTY, MIRRORS_ENV);
        String shipped = setting(SHIPPED_PROPERTY, SHIPPED_ENV);
        Path shippedDir;
        if (shipped == null) {
            shippedDir = findShippedDir();
        } else if (shipped.equalsIgnoreCase("none")) {
            shippedDir = null;
        } else {
            shippedDir = Path.of(shipped);
        }
        return new PretrainedWeights(
                cache == null ? defaultCacheDir() : Path.of(cache),
                release == null ? null : release.equalsIgnoreCase("none") ? List.of() : urls(RELEASE_PROPERTY, release),
                mirrors == null ? List.of() : urls(MIRRORS_PROPERTY, mirrors),
                shippedDir,
                DownloadOptions.fromEnvironment());
    }

    /** {@code ~/.dropout4j/models}. */
    public static Path defaultCacheDir() {
        return Path.of(System.getProperty("user.home"), ".dropout4j", "models");
    }

    public PretrainedWeights withOffline(boolean offline) {
        return new PretrainedWeights(cacheDir, releaseMirrors, userMirrors, shippedDir, download.withOffline(offline));
    }

    /** Where {@code entry}'s file is looked for, in order (see the class comment). */
    public List<URI> sources(WeightsEntry entry) {
        List<URI> all = new ArrayList<>(releaseMirrors == null ? entry.mirrors() : releaseMirrors);
        all.addAll(userMirrors);
        if (shippedDir != null) {
            all.add(WeightsEntry.baseUrl(shippedDir.toAbsolutePath().normalize().toUri()));
        }
        return all;
    }

    /**
     * The verified file of {@code entry} in the cache, and the source that served it (null: it was cached).
     *
     * @throws IOException naming the model, the data set and (offline) the cache directory if no source has it
     */
    public Downloader.Fetched fetch(WeightsEntry entry) throws IOException {
        List<URI> sources = sources(entry);
        if (sources.isEmpty() && !Files.isRegularFile(cacheDir.resolve(entry.file()))) {
            throw new IOException(label(entry) + ": " + (download.offline() ? "offline mode: " : "") + entry.file()
                    + " is not in the cache " + cacheDir + " and no mirror is configured");
        }
        Downloader.Fetched f;
        try {
            f = new Downloader(download)
                    .fetch(cacheDir, sources, new DatasetFile(entry.file(), entry.sha256(), entry.sizeBytes()));
        } catch (IOException e) {
            throw rethrow(entry, e);
        }
        log.info("{}: {} from {}", label(entry), f.file(), f.describeSource());
        return f;
    }

    /** Fetches (see {@link #fetch}) and loads {@code entry}'s network, without updater state. */
    public <M extends Model> M load(WeightsEntry entry, Class<M> type) throws IOException {
        Path file = fetch(entry).file();
        Model m;
        try {
            m = type == ComputationGraph.class
                    ? ModelSerializer.restoreComputationGraph(file.toFile(), false)
                    : ModelSerializer.restoreMultiLayerNetwork(file.toFile(), false);
        } catch (IOException | RuntimeException e) {
            throw new IOException(
                    label(entry) + ": " + file + " (SHA-256 verified) is not a DL4J " + type.getSimpleName() + " zip: "
                            + e.getMessage(),
                    e);
        }
        if (!type.isInstance(m)) {
            throw new IOException(label(entry) + ": " + file + " holds a "
                    + m.getClass().getSimpleName() + ", expected a " + type.getSimpleName());
        }
        return type.cast(m);
    }

    /** Loads {@code entry}'s {@link MultiLayerNetwork}. */
    public MultiLayerNetwork loadNetwork(WeightsEntry entry) throws IOException {
        return load(entry, MultiLayerNetwork.class);
    }

    private static String label(WeightsEntry entry) {
        return entry.model() + " (pretrained on " + entry.trainedOn().id() + ")";
    }

    private static IOException rethrow(WeightsEntry entry, IOException e) {
        return new IOException(label(entry) + ": " + e.getMessage(), e);
    }

    private static String setting(String property, String env) {
        String p = System.getProperty(property);
        if (p != null && !p.isBlank()) {
            return p.trim();
        }
        String v = System.getenv(env);
        return v == null || v.isBlank() ? null : v.trim();
    }

    /** Comma-separated URLs; an entry without a scheme is a local directory. */
    static List<URI> urls(String what, String list) {
        List<URI> out = new ArrayList<>();
        for (String s : Arrays.stream(list.split(","))
                .map(String::trim)
                .filter(x -> !x.isEmpty())
                .toList()) {
            try {
                URI u = new URI(s);
                out.add(
                        u.getScheme() == null || u.getScheme().length() == 1
                                ? Path.of(s).toAbsolutePath().toUri()
                                : u);
            } catch (URISyntaxException e) {
                out.add(Path.of(s).toAbsolutePath().toUri());
            }
        }
        for (URI u : out) {
            if (!List.of("http", "https", "file").contains(u.getScheme())) {
                throw new IllegalArgumentException(
                        what + ": mirrors must be http, https or file URLs or directories, got " + u);
            }
        }
        return out;
    }

    /**
     * The repository's {@value #SHIPPED_DIR_NAME}/ folder: the first one holding {@value #MAKE_SCRIPT} in the working
     * directory, the directory of this code (jar or classes) or one of their parents; null if none.
     */
    public static Path findShippedDir() {
        Path start = Path.of("").toAbsolutePath();
        Path[] cached = SHIPPED_DIR;
        if (cached != null && cached[0].equals(start)) {
            return cached[1];
        }
        Path found = searchShippedDir();
        SHIPPED_DIR = new Path[] {start, found};
        return found;
    }

    /** (working directory, its shipped folder or null) of the last search: neither changes within a process. */
    private static volatile Path[] SHIPPED_DIR;

    private static Path searchShippedDir() {
        List<Path> starts = new ArrayList<>();
        starts.add(Path.of("").toAbsolutePath());
        try {
            java.security.CodeSource cs =
                    PretrainedWeights.class.getProtectionDomain().getCodeSource();
            if (cs != null && cs.getLocation() != null) {
                starts.add(Path.of(cs.getLocation().toURI()).toAbsolutePath());
            }
        } catch (URISyntaxException | RuntimeException e) {
            // an unusual class loader: the working directory is still searched
        }
        for (Path start : starts) {
            for (Path p = start; p != null; p = p.getParent()) {
                Path candidate = p.resolve(SHIPPED_DIR_NAME);
                if (Files.isRegularFile(candidate.resolve(MAKE_SCRIPT))) {
                    return candidate;
                }
            }
        }
        return null;
    }
}
