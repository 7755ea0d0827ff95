package io.github.dropout4j.bench;

import io.github.dropout4j.zoo.data.IdxDataSetIterator;
import io.github.dropout4j.zoo.data.MnistData;
import io.github.dropout4j.zoo.models.MlpConfig;
import io.github.dropout4j.zoo.models.MnistMlp;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * The headline of {@link ReproduceMnistBench}: a training epoch of the {@code reproduce mnist} network against the
 * same epoch in PyTorch ({@code bench/peers/mnist_torch.py --serve}, its fastest honest loop of the same recipe),
 * epochs alternating between the two sides in one run so that a change of machine load hits both alike. Our epoch
 * is what the CLI trains: {@code net.fit} over the seeded, shuffled {@link IdxDataSetIterator}, batch 100; the
 * peer's covers its shuffle, batching and steps. Neither includes evaluation. Both use {@code OMP_NUM_THREADS}
 * threads (default 2) and the inherited {@code OMP_WAIT_POLICY}. Run from the repository root; needs
 * {@code /usr/bin/python3} with Debian's {@code python3-torch} (system property {@code dropout4j.python} to
 * override), otherwise the comparison is skipped with one line.
 */
final class MnistPeerComparison {
    private static final Pattern EPOCH_LINE = Pattern.compile("epoch \\d+: train ([0-9.]+) s, test errors (\\d+)/.*");

    private MnistPeerComparison() {}

    /** Prints both sides' epochs, their medians over rounds 2.. and the ratio; {@code rounds} >= 2. */
    static void run(MnistData data, MlpConfig config, int rounds) throws IOException, InterruptedException {
        String threads = System.getenv().getOrDefault("OMP_NUM_THREADS", "2");
        Path script = Path.of("bench", "peers", "mnist_torch.py");
        String python = System.getProperty("dropout4j.python", "/usr/bin/python3");
        System.out.printf(
                "== against PyTorch: %d alternating training epochs each, %s threads each, "
                        + "OMP_WAIT_POLICY=%s, load average at start %s%n",
                rounds, threads, System.getenv("OMP_WAIT_POLICY"), loadAverage());
        if (!Files.isRegularFile(script) || !Files.isExecutable(Path.of(python))) {
            System.out.println("   skipped: needs " + script + " (run from the repository root) and " + python);
            return;
        }
        ProcessBuilder pb = new ProcessBuilder(python, script.toString(), "--serve", "--threads", threads);
        pb.environment().put("OMP_NUM_THREADS", threads);
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process peer = pb.start();
        MultiLayerNetwork net = MnistMlp.of(config).init();
        IdxDataSetIterator it = IdxDataSetIterator.builder(data.train())
                .batchSize(MnistMlp.BATCH_SIZE)
                .shuffle(1)
                .build();
        double[] ours = new double[rounds];
        double[] theirs = new double[rounds];
        try (BufferedReader in =
                        new BufferedReader(new InputStreamReader(peer.getInputStream(), StandardCharsets.UTF_8));
                PrintWriter out = new PrintWriter(peer.getOutputStream(), true, StandardCharsets.UTF_8)) {
            String header = in.readLine();
            String ready = in.readLine();
            if (!"ready".equals(ready)) {
                throw new IOException("PyTorch peer did not start (said " + header + " / " + ready + ")");
            }
            System.out.println("   peer: " + header);
            for (int r = 0; r < rounds; r++) {
                long s = System.nanoTime();
                it.reset();
                net.fit(it);
                ours[r] = (System.nanoTime() - s) / 1e9;
                out.println("epoch");
                String line = in.readLine();
                Matcher m = line == null ? null : EPOCH_LINE.matcher(line);
                if (m == null || !m.matches()) {
                    throw new IOException("unexpected line from the PyTorch peer: " + line);
                }
                theirs[r] = Double.parseDouble(m.group(1));
                System.out.printf(
                        "   round %d: Dropout4j %.3f s | PyTorch %.3f s (test errors %s/1000)%n",
                        r + 1, ours[r], theirs[r], m.group(2));
            }
        } finally {
            peer.waitFor();
        }
        double o = median(Arrays.copyOfRange(ours, 1, rounds));
        double t = median(Arrays.copyOfRange(theirs, 1, rounds));
        double oMin = Arrays.stream(ours, 1, rounds).min().orElseThrow();
        double tMin = Arrays.stream(theirs, 1, rounds).min().orElseThrow();
        System.out.printf(
                "   median epoch, rounds 2..%d: Dropout4j %.3f s, PyTorch %.3f s, ratio %.2fx "
                        + "(target <= 1.5x, stretch 1.2x)%n",
                rounds, o, t, o / t);
        System.out.printf(
                "   fastest epoch, rounds 2..%d: Dropout4j %.3f s, PyTorch %.3f s, ratio %.2fx "
                        + "(the less load-sensitive figure); load average at end %s%n",
                rounds, oMin, tMin, oMin / tMin, loadAverage());
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
