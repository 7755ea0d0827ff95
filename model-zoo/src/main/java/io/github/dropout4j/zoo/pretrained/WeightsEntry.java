package io.github.dropout4j.zoo.pretrained;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One set of published weights in the {@link WeightsRegistry}: which zoo model, trained on what, the file and how
 * to recognise it, how well it does, and how to make it again.
 *
 * @param model        the zoo model's name, e.g. {@code mnist-800x2-dropout}
 * @param trainedOn    the data set it was trained on (the registry's {@code dataSet}, e.g. {@code mnist-bundled})
 * @param file         the weights file's name on every mirror and in the cache, a plain file name
 * @param sizeBytes    its size in bytes, > 0
 * @param sha256       its SHA-256, 64 lower-case hex digits (what every download and every use is verified against)
 * @param adler32      its Adler-32, 0..2^32-1: only for DL4J's {@code ZooModel.pretrainedChecksum}
 * @param testErrors   misclassified test examples of the mean network (dropout off) on {@code trainedOn}'s test
 *                     split, 0..{@code testExamples}
 * @param testExamples size of that test split, > 0
 * @param command      the command, run from the repository root, that regenerates the file bit for bit
 * @param codeVersion  the git commit (40 hex digits) whose code ran {@code command}
 * @param mirrors      the published locations (base URLs ending in {@code /}, http or https), tried first
 */
public record WeightsEntry(
        String model,
        TrainedOn trainedOn,
        String file,
        long sizeBytes,
        String sha256,
        long adler32,
        int testErrors,
        int testExamples,
        String command,
        String codeVersion,
        List<URI> mirrors) {
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");
    private static final Pattern FILE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    /** @throws IllegalArgumentException naming the entry, the field and the bad value */
    public WeightsEntry {
        String who = "weights entry " + model + "/" + trainedOn;
        if (model == null || !model.matches("[a-z0-9][a-z0-9-]*")) {
            throw new IllegalArgumentException("weights entry: model must be a zoo model name (lower case, digits, "
                    + "dashes), got '" + model + "'");
        }
        if (trainedOn == null) {
            throw new IllegalArgumentException(who + ": dataSet is missing");
        }
        if (file == null || !FILE.matcher(file).matches()) {
            throw new IllegalArgumentException(who + ": file must be a plain file name, got '" + file + "'");
        }
        if (sizeBytes <= 0) {
            throw new IllegalArgumentException(who + ": sizeBytes must be > 0, got " + sizeBytes);
        }
        sha256 = sha256 == null ? null : sha256.toLowerCase(Locale.ROOT);
        if (sha256 == null || !HEX64.matcher(sha256).matches()) {
            throw new IllegalArgumentException(who + ": sha256 must be 64 hex digits, got '" + sha256 + "'"
                    + (sha256 == null ? "" : " (" + sha256.length() + " characters)"));
        }
        if (adler32 < 0 || adler32 > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException(who + ": adler32 must be in 0..4294967295, got " + adler32);
        }
        if (testExamples <= 0) {
            throw new IllegalArgumentException(who + ": testExamples must be > 0, got " + testExamples);
        }
        if (testErrors < 0 || testErrors > testExamples) {
            throw new IllegalArgumentException(
                    who + ": testErrors must be in 0.." + testExamples + ", got " + testErrors);
        }
        if (command == null || command.isBlank()) {
            throw new IllegalArgumentException(who + ": command must not be empty");
        }
        if (codeVersion == null || !COMMIT.matcher(codeVersion).matches()) {
            throw new IllegalArgumentException(
                    who + ": codeVersion must be a git commit (40 hex digits), got '" + codeVersion + "'");
        }
        if (mirrors == null) {
            throw new IllegalArgumentException(who + ": mirrors is missing (may be empty: [])");
        }
        mirrors = mirrors.stream().map(WeightsEntry::baseUrl).toList();
        for (URI m : mirrors) {
            if (!"http".equals(m.getScheme()) && !"https".equals(m.getScheme())) {
                throw new IllegalArgumentException(who + ": mirrors must be http or https URLs, got " + m);
            }
        }
    }

    /** Test error in percent, e.g. 2.8. */
    public double testErrorPercent() {
        return 100.0 * testErrors / testExamples;
    }

    /** E.g. {@code "mnist-bundled 2.80% (28 / 1,000)"}. */
    public String summary() {
        return String.format(
                Locale.ROOT, "%s %.2f%% (%,d / %,d)", trainedOn.id(), testErrorPercent(), testErrors, testExamples);
    }

    /** {@code u} with a trailing {@code /}. */
    static URI baseUrl(URI u) {
        String s = u.toString();
        return s.endsWith("/") ? u : URI.create(s + "/");
    }
}
