package io.github.dropout4j.bench;

import io.github.dropout4j.zoo.data.Downloader;
import io.github.dropout4j.zoo.models.ModelRegistry;
import io.github.dropout4j.zoo.pretrained.PretrainedWeights;
import io.github.dropout4j.zoo.pretrained.TrainedOn;
import io.github.dropout4j.zoo.pretrained.WeightsEntry;
import io.github.dropout4j.zoo.pretrained.WeightsRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Time from {@code initPretrained} with a warm cache to a usable network, for {@code mnist-800x2-dropout} on the
 * bundled digits, beside {@code ModelSerializer.restoreMultiLayerNetwork} of the same file (target: within 1.2x).
 * "Usable" means one {@code output()} on a digit has returned, for both. {@code initPretrained} adds the registry
 * look-up, the SHA-256 re-verification of the cached file, the lock-free cache check and the architecture check.
 * The two are timed alternately, {@code reps} times each after two warm-up rounds; medians and their ratio are
 * printed, with the SHA-256 time alone. Run from the repository root (as the other zoo benches):
 * <pre>
 *   mvn -q -o -pl dl4j-dropout-ext,model-zoo -am test-compile
 *   mvn -q -o -pl model-zoo dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/tmp/zoo-cp.txt
 *   OMP_WAIT_POLICY=PASSIVE java -cp model-zoo/target/test-classes:model-zoo/target/classes:\
 * dl4j-dropout-ext/target/classes:$(cat /tmp/zoo-cp.txt) io.github.dropout4j.bench.PretrainedLoadBench 15
 * </pre>
 */
public final class PretrainedLoadBench {
    private PretrainedLoadBench() {}

    public static void main(String[] args) throws Exception {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        WeightsEntry entry = WeightsRegistry.standard().require("mnist-800x2-dropout", TrainedOn.MNIST_BUNDLED);
        Path cache = Files.createTempDirectory("dropout4j-bench-cache");
        Path file = cache.resolve(entry.file());
        Files.copy(PretrainedWeights.findShippedDir().resolve(entry.file()), file);
        System.setProperty(PretrainedWeights.CACHE_PROPERTY, cache.toString());
        System.setProperty(PretrainedWeights.RELEASE_PROPERTY, "none");
        System.setProperty(PretrainedWeights.SHIPPED_PROPERTY, "none");
        float[] digit = new float[784];
        Arrays.fill(digit, 0.5f);
        var x = Nd4j.create(digit, new long[] {1, 784});
        double[] init = new double[reps];
        double[] restore = new double[reps];
        double[] sha = new double[reps];
        double[] fetch = new double[reps];
        for (int r = -2; r < reps; r++) {
            long t0 = System.nanoTime();
            MultiLayerNetwork a = (MultiLayerNetwork) ModelRegistry.standard()
                    .require("mnist-800x2-dropout")
                    .create(1)
                    .initPretrained(TrainedOn.MNIST_BUNDLED);
            a.output(x);
            long t1 = System.nanoTime();
            MultiLayerNetwork b = ModelSerializer.restoreMultiLayerNetwork(file.toFile(), false);
            b.output(x);
            long t2 = System.nanoTime();
            Downloader.sha256(file);
            long t3 = System.nanoTime();
            PretrainedWeights.fromEnvironment().fetch(entry);
            long t4 = System.nanoTime();
            if (r >= 0) {
                init[r] = (t1 - t0) / 1e6;
                restore[r] = (t2 - t1) / 1e6;
                sha[r] = (t3 - t2) / 1e6;
                fetch[r] = (t4 - t3) / 1e6;
            }
        }
        double mi = median(init);
        double mr = median(restore);
        System.out.printf(
                Locale.ROOT,
                "file: %s, %,d bytes; %d alternating repetitions after 2 warm-up rounds%n",
                entry.file(),
                entry.sizeBytes(),
                reps);
        System.out.printf(Locale.ROOT, "initPretrained (warm cache) + output, median : %8.1f ms%n", mi);
        System.out.printf(Locale.ROOT, "restoreMultiLayerNetwork + output, median    : %8.1f ms%n", mr);
        System.out.printf(Locale.ROOT, "SHA-256 of the file alone, median            : %8.1f ms%n", median(sha));
        System.out.printf(
                Locale.ROOT,
                "fetch from the warm cache (settings, lookup, SHA-256), median : %8.1f ms%n",
                median(fetch));
        System.out.printf(
                Locale.ROOT, "ratio initPretrained / restore               : %8.2f  (target <= 1.2)%n", mi / mr);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
