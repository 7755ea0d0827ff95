package io.github.dropout4j.bench;

import java.util.Arrays;

/** Median wall-clock time of a task after warm-up; benchmarks print ratios of medians measured in one run. */
final class BenchTimer {

    private BenchTimer() {}

    /** Median seconds per call of {@code task} over {@code reps} timed calls after {@code warmup} untimed ones. */
    static double median(Runnable task, int warmup, int reps) {
        for (int i = 0; i < warmup; i++) {
            task.run();
        }
        double[] t = new double[reps];
        for (int i = 0; i < reps; i++) {
            long start = System.nanoTime();
            task.run();
            t[i] = (System.nanoTime() - start) / 1e9;
        }
        Arrays.sort(t);
        return reps % 2 == 1 ? t[reps / 2] : (t[reps / 2 - 1] + t[reps / 2]) / 2;
    }

    static String fmt(double seconds) {
        return seconds < 1e-3
                ? String.format("%8.1f us", seconds * 1e6)
                : seconds < 1 ? String.format("%8.2f ms", seconds * 1e3) : String.format("%8.3f s ", seconds);
    }

    static void header(String title) {
        System.out.println();
        System.out.println("== " + title);
        System.out.println("   OMP_WAIT_POLICY=" + System.getenv("OMP_WAIT_POLICY") + ", cores="
                + Runtime.getRuntime().availableProcessors() + ", java=" + System.getProperty("java.version"));
    }
}
