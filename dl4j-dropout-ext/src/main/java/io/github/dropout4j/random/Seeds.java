package io.github.dropout4j.random;

/**
 * Seed mixing for every stochastic component of Dropout4j and its zoo: splitmix64's finaliser (Steele, Lea &amp;
 * Flood 2014, "Fast splittable pseudorandom number generators") and the derivations built on it. Streams are
 * derived explicitly from {@code (seed, stream indices)}, never from a global counter or RNG, so the same seed
 * gives the same numbers whatever else the JVM did first and whatever the threading.
 *
 * <pre>{@code
 * long layerSeed = Seeds.derive(networkSeed, layerIndex);    // one stream per layer
 * long key = Seeds.key(layerSeed, iteration, epoch);          // one mask key per training step
 * }</pre>
 */
public final class Seeds {

    /** {@code 2^64 / phi}, odd: splitmix64's increment (the "golden gamma"). */
    public static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private Seeds() {}

    /** splitmix64's finaliser: a bijective 64-bit mix ({@code mix(a) == mix(b)} iff {@code a == b}). */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * The seed of stream {@code stream} of {@code seed}: {@code mix(seed + (stream + 1) * GOLDEN_GAMMA)}, i.e. the
     * {@code (stream + 1)}-th output of a splitmix64 generator started at {@code seed}.
     */
    public static long derive(long seed, long stream) {
        return mix(seed + (stream + 1) * GOLDEN_GAMMA);
    }

    /**
     * The seed whose masks data-parallel worker {@code workerIndex} draws: {@code seed} itself for worker 0 (the
     * single-process masks, bit for bit), {@link #derive derive(seed, workerIndex)} for any other worker.
     *
     * @throws IllegalArgumentException if {@code workerIndex < 0}
     */
    public static long forWorker(long seed, int workerIndex) {
        return requireWorkerIndex(workerIndex) == 0 ? seed : derive(seed, workerIndex);
    }

    /**
     * Checks a data-parallel worker index.
     *
     * @return {@code workerIndex}
     * @throws IllegalArgumentException naming the value if it is negative
     */
    public static int requireWorkerIndex(int workerIndex) {
        if (workerIndex < 0) {
            throw new IllegalArgumentException("workerIndex must be >= 0, got " + workerIndex);
        }
        return workerIndex;
    }

    /**
     * Mixes {@code seed} with two counters (e.g. iteration and epoch) into one key:
     * {@code mix(mix(mix(seed) + a) ^ (b * GOLDEN_GAMMA))}. Distinct {@code (a, b)} give unrelated keys.
     */
    public static long key(long seed, long a, long b) {
        return mix(mix(mix(seed) + a) ^ (b * GOLDEN_GAMMA));
    }

    /** A 64-bit hash of {@code name} (each UTF-16 unit folded in with {@link #mix}): a stream index for names. */
    public static long of(String name) {
        long h = GOLDEN_GAMMA;
        for (int i = 0; i < name.length(); i++) {
            h = mix(h + name.charAt(i));
        }
        return h;
    }

    /**
     * A uniformly random permutation of {@code 0..n-1}: Fisher-Yates from the top ({@code i = n-1 .. 1} swaps with
     * {@code j = nextInt(i + 1)}) driven by {@code new SplittableRandom(seed)}, a specified algorithm, so the same
     * on every JVM.
     */
    public static int[] permutation(long seed, int n) {
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
