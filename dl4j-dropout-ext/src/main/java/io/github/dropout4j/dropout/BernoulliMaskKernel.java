package io.github.dropout4j.dropout;

import io.github.dropout4j.kernel.HeapBlocks;
import io.github.dropout4j.random.Seeds;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The hot loop of Bernoulli dropout: {@code out[i] = in[i] * m[i] * scale}, with {@code m[i] ~ Bernoulli(p)}.
 *
 * <p>The mask is a pure function of {@code (key, i)}, where {@code i} is the element's index in C (row-major)
 * order. Elements are decided 64 at a time (one mask word): lane {@code b} of word {@code w} compares a uniform
 * 64-bit number {@code u} with the threshold {@code P = p * 2^64}, bit-plane by bit-plane from the most
 * significant bit, where bit-plane {@code j} is {@code splitmix64(key + (64 w + j + 1) * golden)}; a lane is
 * kept iff {@code u < P}. Rounds stop when every lane is decided (about 7 on average, 1 for {@code p = 0.5}), so
 * hashing costs about 0.1 hash per element instead of one per element. Hence
 * <ul>
 *   <li>{@code P(keep) = P / 2^64}: {@code p} to double precision; {@code p = 1} keeps every element;</li>
 *   <li>the same key gives the same mask, whatever the thread count (no RNG state);</li>
 *   <li>backprop can regenerate the forward mask from the key instead of storing it, so nothing can be
 *       "already cleared"; the forward pass may record it ({@link MaskBits}) to make backprop a masked copy.</li>
 * </ul>
 * A dropped element is exactly {@code 0} (also for non-finite inputs). Contiguous C-order FLOAT and DOUBLE arrays
 * are processed in place through their native buffers, branch-free, in blocks shared by the calling thread and
 * the common fork-join pool when the array is large; FLOAT and DOUBLE arrays of any other layout (views, F order)
 * go through a dense C-order copy with the same result. Other types go through a mask array and one ND4J
 * multiply (there a dropped non-finite input stays NaN).
 */
public final class BernoulliMaskKernel {

    /** Elements per block (a multiple of 64, so blocks own whole mask words). */
    static final int BLOCK = 1 << 15;
    /**
     * Arrays with fewer elements run on the calling thread: handing blocks to the fork-join pool costs more than
     * it saves while ND4J's own threads are busy (measured inside training). System property
     * {@code dropout4j.parallelMinElements}.
     */
    static final int PARALLEL_MIN = Integer.getInteger("dropout4j.parallelMinElements", 1 << 18);

    private static final long GOLDEN = Seeds.GOLDEN_GAMMA;

    private BernoulliMaskKernel() {}

    /**
     * The keep threshold {@code P = round(p * 2^63) * 2} as an unsigned 64-bit number, for retain probability
     * {@code p} in (0, 1]; {@code 0} stands for {@code p = 1} (keep all).
     */
    public static long threshold(double retainProbability) {
        if (retainProbability >= 1.0) {
            return 0L;
        }
        return Math.max(1L, Math.round(retainProbability * 0x1p63)) << 1;
    }

    /** Mixes a seed with the iteration and epoch counters into one mask key: {@link Seeds#key}. */
    public static long key(long seed, long iteration, long epoch) {
        return Seeds.key(seed, iteration, epoch);
    }

    /**
     * Applies the mask described by {@code mask} (uniform or per unit) to {@code in}, writing {@code out}; records a
     * uniform mask in {@code bits} when not null.
     *
     * @return {@code out}
     */
    static INDArray apply(INDArray in, INDArray out, StepMask mask, MaskBits bits) {
        if (mask.isPerUnit()) {
            return applyPerUnit(
                    in,
                    out,
                    mask.key(),
                    mask.thresholdsUnsafe(),
                    mask.keptScalesUnsafe(),
                    mask.unitAxis().dimension(in.rank()));
        }
        return apply(in, out, mask.key(), mask.threshold0(), mask.keptScale0(), bits);
    }

    /** Back-propagation of {@link #apply(INDArray, INDArray, StepMask, MaskBits)}: the same mask. */
    static INDArray applyRecorded(INDArray in, INDArray out, StepMask mask, MaskBits bits) {
        if (mask.isPerUnit()) {
            return apply(in, out, mask, null);
        }
        return applyRecorded(in, out, mask.key(), mask.threshold0(), mask.keptScale0(), bits);
    }

    /** The public form of {@link #apply(INDArray, INDArray, StepMask, MaskBits)}, without a mask record. */
    public static INDArray apply(INDArray in, INDArray out, StepMask mask) {
        return apply(in, out, mask, null);
    }

    /** Whether element {@code index} (C order) is kept under {@code key} and {@code threshold}. */
    public static boolean kept(long key, long index, long threshold) {
        return ((keepWord(key, index >>> 6, threshold) >>> (index & 63)) & 1) != 0;
    }

    /** The keep bits of elements {@code 64 w} to {@code 64 w + 63} (bit {@code b} for element {@code 64 w + b}). */
    static long keepWord(long key, long w, long threshold) {
        if (threshold == 0) {
            return -1L;
        }
        int rounds = 64 - Long.numberOfTrailingZeros(threshold); // below that, P's bits are 0: u >= P
        long undecided = -1L;
        long keep = 0L;
        long counter = key + (w << 6) * GOLDEN;
        for (int j = 0; j < rounds && undecided != 0; j++) {
            counter += GOLDEN;
            long u = mix(counter); // bit j (from the top) of 64 lanes' uniforms
            if ((threshold << j) < 0) { // P has a 1 here: lanes with u = 0 are below P
                keep |= undecided & ~u;
                undecided &= u;
            } else { // P has a 0 here: lanes with u = 1 are above P
                undecided &= ~u;
            }
        }
        return keep; // lanes still undecided have u == P in every examined bit, and u >= P
    }

    /**
     * Writes {@code in * mask * keptScale} into {@code out} (which may be {@code in}); shapes must match.
     *
     * @param keptScale value a kept element is multiplied by: 1 for test-time weight scaling, 1/p for inverted
     * @return {@code out}
     */
    public static INDArray apply(INDArray in, INDArray out, long key, long threshold, double keptScale) {
        return apply(in, out, key, threshold, keptScale, null);
    }

    /**
     * As {@link #apply(INDArray, INDArray, long, long, double)}, also recording the mask in {@code bits} (bit
     * {@code i & 63} of word {@code i >>> 6} set iff element {@code i} is kept) when {@code bits} is not null and
     * the fast path is taken.
     *
     * @return {@code out}
     */
    static INDArray apply(INDArray in, INDArray out, long key, long threshold, double keptScale, MaskBits bits) {
        int n = checkedLength(in, out);
        if (n == 0) {
            return out;
        }
        DataType type = out.dataType();
        if (in.dataType() == type && fastPath(in) && fastPath(out)) {
            long[] words = bits == null ? null : bits.prepare(key, threshold, n);
            if (type == DataType.FLOAT && keptScale == 1.0) {
                FloatPairs src = new FloatPairs(in);
                FloatPairs dst = new FloatPairs(out);
                forBlocks(n, (from, to) -> floatBlock(src, dst, from, to, key, threshold, words, false));
                return out;
            }
            if (type == DataType.FLOAT) {
                FloatPairs src = new FloatPairs(in);
                FloatPairs dst = new FloatPairs(out);
                float s = (float) keptScale;
                forBlocks(n, (from, to) -> {
                    scaleFloats(src, dst, from, to, s);
                    floatBlock(dst, dst, from, to, key, threshold, words, false);
                });
                return out;
            }
            if (type == DataType.DOUBLE) {
                DoubleBuffer src = doubles(in);
                DoubleBuffer dst = doubles(out);
                forBlocks(n, (from, to) -> doubleBlock(src, dst, from, to, key, threshold, keptScale, words));
                return out;
            }
        }
        if (bits != null) {
            bits.invalidate();
        }
        if (type == DataType.FLOAT || type == DataType.DOUBLE) {
            // Another layout (a view, F order) or input type: through a dense C-order copy, so the result is the
            // fast path's bit for bit, a dropped element +0 whatever its input (a multiply by 0 would keep NaN).
            INDArray dense = in.castTo(type).dup('c');
            if (fastPath(dense)) {
                apply(dense, dense, key, threshold, keptScale, null);
                out.assign(dense);
                return out;
            }
        }
        INDArray mask = mask(in.shape(), type.isFPType() ? type : DataType.FLOAT, key, threshold, keptScale);
        INDArray src = in.dataType() == type ? in : in.castTo(type);
        Nd4j.getExecutioner().exec(new MulOp(src, mask.castTo(type), out));
        return out;
    }

    /**
     * Writes {@code in * mask * keptScale} into {@code out} for the mask recorded in {@code bits} by a previous
     * {@code apply} with the same key; falls back to regenerating it when {@code bits} does not hold that mask.
     */
    static INDArray applyRecorded(
            INDArray in, INDArray out, long key, long threshold, double keptScale, MaskBits bits) {
        int n = checkedLength(in, out);
        long[] words = bits == null ? null : bits.words(key, threshold, n);
        DataType type = out.dataType();
        if (words == null
                || in.dataType() != type
                || !fastPath(in)
                || !fastPath(out)
                || (type != DataType.FLOAT && type != DataType.DOUBLE)) {
            return apply(in, out, key, threshold, keptScale, null);
        }
        if (type == DataType.FLOAT && keptScale == 1.0) {
            FloatPairs src = new FloatPairs(in);
            FloatPairs dst = new FloatPairs(out);
            forBlocks(n, (from, to) -> floatBlock(src, dst, from, to, 0L, 0L, words, true));
        } else if (type == DataType.FLOAT) {
            FloatPairs src = new FloatPairs(in);
            FloatPairs dst = new FloatPairs(out);
            float s = (float) keptScale;
            forBlocks(n, (from, to) -> {
                scaleFloats(src, dst, from, to, s);
                floatBlock(dst, dst, from, to, 0L, 0L, words, true);
            });
        } else {
            DoubleBuffer src = doubles(in);
            DoubleBuffer dst = doubles(out);
            forBlocks(n, (from, to) -> doubleBlockRecorded(src, dst, from, to, keptScale, words));
        }
        return out;
    }

    /** {@link #applyPerUnit(INDArray, INDArray, long, long[], double[], int)} with the units on dimension 1. */
    public static INDArray applyPerUnit(INDArray in, INDArray out, long key, long[] thresholds, double[] keptScales) {
        return applyPerUnit(in, out, key, thresholds, keptScales, 1);
    }

    /**
     * Per-unit dropout: element {@code i} (C order) belongs to unit {@code (i / inner) % units}, where the units
     * are dimension {@code unitDimension} of {@code in} (1 for {@code [minibatch, units]}, NCHW
     * {@code [minibatch, units, h, w]}, NCW {@code [minibatch, units, timeSteps]}; the last for NHWC and NWC) and
     * {@code inner} is the product of the dimensions after it. The
     * element is kept iff {@code splitmix64(key + (i + 1) * golden) < thresholds[unit]} (unsigned; threshold 0
     * keeps all), and a kept element is multiplied by {@code keptScales[unit]}. One hash per element: per-unit
     * probabilities are for research (adaptive dropout), not the hot path of a fixed-rate network.
     *
     * @return {@code out}
     */
    public static INDArray applyPerUnit(
            INDArray in, INDArray out, long key, long[] thresholds, double[] keptScales, int unitDimension) {
        int n = checkedLength(in, out);
        if (in.rank() < 2
                || unitDimension < 1
                || unitDimension >= in.rank()
                || in.size(unitDimension) != thresholds.length) {
            throw new IllegalArgumentException("per-unit dropout has " + thresholds.length + " retain probabilities "
                    + "but the input has shape " + java.util.Arrays.toString(in.shape()) + " (units are dimension "
                    + unitDimension + ")");
        }
        if (n == 0) {
            return out;
        }
        int units = thresholds.length;
        long inner = 1;
        for (int d = unitDimension + 1; d < in.rank(); d++) {
            inner *= in.size(d);
        }
        DataType type = out.dataType().isFPType() ? out.dataType() : DataType.FLOAT;
        boolean asDouble = type == DataType.DOUBLE;
        double[] md = asDouble ? new double[n] : null;
        float[] mf = asDouble ? null : new float[n];
        for (int i = 0; i < n; i++) {
            int unit = (int) ((i / inner) % units);
            long u = mix(key + ((long) i + 1) * GOLDEN);
            long t = thresholds[unit];
            double m = t == 0 || Long.compareUnsigned(u, t) < 0 ? keptScales[unit] : 0.0;
            if (asDouble) {
                md[i] = m;
            } else {
                mf[i] = (float) m;
            }
        }
        INDArray mask = (asDouble ? Nd4j.createFromArray(md) : Nd4j.createFromArray(mf)).reshape('c', in.shape());
        INDArray src = in.dataType() == out.dataType() ? in : in.castTo(out.dataType());
        Nd4j.getExecutioner().exec(new MulOp(src, mask.castTo(out.dataType()), out));
        return out;
    }

    /**
     * A 0/1 mask with its own retain probability per element: element {@code i} (C order) is kept iff
     * {@code splitmix64(key + (i + 1) * golden) < threshold(retainProbabilities[i])} (unsigned), the hash of
     * {@link #applyPerUnit}. Probabilities at or below 0 are never kept, at or above 1 always (NaN is rejected).
     * Used by layers whose retain probabilities depend on the input (Standout). One hash per element.
     *
     * @param retainProbabilities any shape, floating point
     * @return a new C-order array of the same shape and type, 1 where kept and 0 where dropped
     * @throws IllegalArgumentException if a probability is NaN
     */
    public static INDArray bernoulli(INDArray retainProbabilities, long key) {
        long length = retainProbabilities.length();
        if (length >= Integer.MAX_VALUE) {
            throw new IllegalArgumentException("dropout supports arrays of fewer than 2^31 elements, got " + length);
        }
        DataType type = retainProbabilities.dataType().isFPType() ? retainProbabilities.dataType() : DataType.FLOAT;
        double[] p = retainProbabilities.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double[] m = new double[(int) length];
        for (int i = 0; i < m.length; i++) {
            double pi = p[i];
            if (pi >= 1.0) {
                m[i] = 1.0;
            } else if (pi > 0.0) {
                long u = mix(key + ((long) i + 1) * GOLDEN);
                m[i] = Long.compareUnsigned(u, threshold(pi)) < 0 ? 1.0 : 0.0;
            } else if (Double.isNaN(pi)) {
                throw new IllegalArgumentException("retain probability of element " + i + " is NaN");
            }
        }
        return Nd4j.createFromArray(m).reshape('c', retainProbabilities.shape()).castTo(type);
    }

    /**
     * A per-unit mask of shape {@code [rows, units]}: element {@code (b, u)} is {@code keptValues[u]} if kept and 0
     * if dropped, kept with retain threshold {@code thresholds[u]} ({@link #threshold}; 0 keeps all), one
     * independent draw per (row, unit). Column {@code u} holds {@link #kept} under key {@code key(key, u, 0)} for
     * indices {@code 0..rows-1}: it is generated 64 rows per bit-sliced word ({@code ~0.1} hash per element) into
     * contiguous memory, so the result is an 'f'-order array. Used to give every example its own per-unit mask
     * (adaptive dropout's estimator).
     *
     * @param type FLOAT or DOUBLE
     */
    public static INDArray unitMask(int rows, long[] thresholds, double[] keptValues, long key, DataType type) {
        int units = thresholds.length;
        if ((long) rows * units >= Integer.MAX_VALUE) {
            throw new IllegalArgumentException("unit mask of " + rows + " x " + units + " elements is too large");
        }
        boolean asDouble = type == DataType.DOUBLE;
        double[] md = asDouble ? new double[rows * units] : null;
        float[] mf = asDouble ? null : new float[rows * units];
        int words = (rows + 63) >>> 6;
        IntStream us = IntStream.range(0, units);
        ((long) rows * units >= 2 * BLOCK ? us.parallel() : us).forEach(u -> {
            long k = key(key, u, 0);
            double kept = keptValues[u];
            float keptFloat = (float) kept;
            int base = u * rows;
            for (int w = 0; w < words; w++) {
                long bits = keepWord(k, w, thresholds[u]);
                int from = base + (w << 6);
                int end = Math.min(64, rows - (w << 6));
                if (asDouble) {
                    for (int b = 0; b < end; b++) {
                        md[from + b] = kept * ((bits >>> b) & 1L);
                    }
                } else {
                    for (int b = 0; b < end; b++) {
                        mf[from + b] = keptFloat * ((bits >>> b) & 1L);
                    }
                }
            }
        });
        INDArray unitsByRows = asDouble ? Nd4j.createFromArray(md) : Nd4j.createFromArray(mf);
        return unitsByRows.reshape('c', units, rows).transpose();
    }

    /** A C-order array of {@code 0} and {@code keptScale} holding the mask for {@code key}. */
    public static INDArray mask(long[] shape, DataType type, long key, long threshold, double keptScale) {
        DataType t = type == DataType.DOUBLE ? DataType.DOUBLE : DataType.FLOAT;
        INDArray ones = Nd4j.ones(t, shape);
        return apply(ones, ones, key, threshold, keptScale).castTo(type);
    }

    private static int checkedLength(INDArray in, INDArray out) {
        if (!in.equalShapes(out)) {
            throw new IllegalArgumentException("dropout input and output shapes differ: "
                    + java.util.Arrays.toString(in.shape()) + " vs " + java.util.Arrays.toString(out.shape()));
        }
        long n = in.length();
        if (n >= Integer.MAX_VALUE) {
            throw new IllegalArgumentException("dropout supports arrays of fewer than 2^31 elements, got " + n);
        }
        return (int) n;
    }

    /**
     * A C-order array whose element {@code i} sits at buffer offset {@code i} ({@link HeapBlocks#isDense}: sizes of 1
     * are ignored; ND4J's {@code Shape.hasDefaultStridesForShape} rejects e.g. a fresh {@code Nd4j.ones(3, 1, 5, 4)}
     * with strides {@code [20, 20, 4, 1]}, which once sent {@link #mask} into endless recursion).
     */
    static boolean fastPath(INDArray a) {
        return HeapBlocks.isDenseC(a);
    }

    private static FloatBuffer floats(INDArray a) {
        return HeapBlocks.floats(a);
    }

    private static DoubleBuffer doubles(INDArray a) {
        return HeapBlocks.doubles(a);
    }

    private interface Block {
        void run(int from, int to);
    }

    /** Runs {@code block} over [0, n) in BLOCK-sized pieces, in parallel for arrays of PARALLEL_MIN or more. */
    private static void forBlocks(int n, Block block) {
        int blocks = (n + BLOCK - 1) / BLOCK;
        if (n < PARALLEL_MIN) {
            for (int b = 0; b < blocks; b++) {
                block.run(b * BLOCK, Math.min(n, (b + 1) * BLOCK));
            }
        } else {
            IntStream.range(0, blocks).parallel().forEach(b -> block.run(b * BLOCK, Math.min(n, (b + 1) * BLOCK)));
        }
    }

    // The loops below are branch-free: C2 compiles a float/double ternary to a branch, which mispredicts half
    // the time at p = 0.5. -((bits >>> i) & 1) is an all-ones (kept) or all-zeros (dropped) mask for the value's
    // bit pattern, so a dropped element is exactly +0. Java's long shift uses i & 63.

    private static final ThreadLocal<long[]> PAIR_SCRATCH = ThreadLocal.withInitial(() -> new long[BLOCK / 2]);
    private static final ThreadLocal<float[]> FLOAT_SCRATCH = ThreadLocal.withInitial(() -> new float[BLOCK]);
    private static final ThreadLocal<double[]> DOUBLE_SCRATCH = ThreadLocal.withInitial(() -> new double[BLOCK]);

    // Each block is copied into a thread-local array with one bulk get, masked there (array loops compile to
    // far tighter code than element-wise direct-buffer access), and written back with one bulk put.

    /** A FLOAT array's memory as element pairs (the bulk) and as floats (an odd last element). */
    private record FloatPairs(LongBuffer pairs, FloatBuffer floats) {
        FloatPairs(INDArray a) {
            this(HeapBlocks.floatPairs(a), HeapBlocks.floats(a));
        }
    }

    // Floats are masked on their raw bits, two elements per 64-bit word: out = in & mask. With a kept scale other
    // than 1 (inverted dropout) each block is first multiplied by it in a separate, vectorised loop (one
    // multiply-and-mask loop per float, and an ND4J multiply pass afterwards, both measured slower).

    /**
     * Elements [from, to); {@code from} is a multiple of 64 (BLOCK is), so blocks own whole mask words. Draws the
     * mask words from {@code (key, t)}, recording them in {@code words} when not null, or, when {@code recorded},
     * reads them from {@code words}.
     */
    private static void floatBlock(
            FloatPairs in, FloatPairs out, int from, int to, long key, long t, long[] words, boolean recorded) {
        long[] a = PAIR_SCRATCH.get();
        int pairs = (to - from) >>> 1;
        int firstPair = from >>> 1;
        in.pairs().get(firstPair, a, 0, pairs);
        for (int w = from >>> 6, off = 0; off < pairs; w++, off += 32) {
            long bits = recorded ? words[w] : keepWord(key, w, t);
            if (words != null && !recorded) {
                words[w] = bits;
            }
            maskPairs(a, off, Math.min(pairs, off + 32), bits);
        }
        out.pairs().put(firstPair, a, 0, pairs);
        if (((to - from) & 1) != 0) { // the odd last element of an odd-length array
            int last = to - 1;
            long bits = recorded ? words[last >>> 6] : keepWord(key, last >>> 6, t);
            if (words != null && !recorded) {
                words[last >>> 6] = bits;
            }
            int x = Float.floatToRawIntBits(in.floats().get(last));
            out.floats().put(last, Float.intBitsToFloat(x & (int) -((bits >>> (last & 63)) & 1)));
        }
    }

    /**
     * Writes {@code in[i] * s} into {@code out[i]} for elements [from, to), a loop C2 vectorises; the caller then
     * masks {@code out}'s block on its raw bits ({@link #floatBlock}), so a kept element is {@code in[i] * s} and a
     * dropped one +0, bit for bit what one multiply-and-mask loop gives.
     */
    private static void scaleFloats(FloatPairs in, FloatPairs out, int from, int to, float s) {
        float[] a = FLOAT_SCRATCH.get();
        int len = to - from;
        in.floats().get(from, a, 0, len);
        for (int i = 0; i < len; i++) {
            a[i] *= s;
        }
        out.floats().put(from, a, 0, len);
    }

    private static void doubleBlock(
            DoubleBuffer in, DoubleBuffer out, int from, int to, long key, long t, double s, long[] words) {
        double[] a = DOUBLE_SCRATCH.get();
        int len = to - from;
        in.get(from, a, 0, len);
        for (int w = from >>> 6, off = 0; off < len; w++, off += 64) {
            long bits = keepWord(key, w, t);
            if (words != null) {
                words[w] = bits;
            }
            maskDoubles(a, off, Math.min(len, off + 64), bits, s);
        }
        out.put(from, a, 0, len);
    }

    private static void doubleBlockRecorded(
            DoubleBuffer in, DoubleBuffer out, int from, int to, double s, long[] words) {
        double[] a = DOUBLE_SCRATCH.get();
        int len = to - from;
        in.get(from, a, 0, len);
        for (int w = from >>> 6, off = 0; off < len; w++, off += 64) {
            maskDoubles(a, off, Math.min(len, off + 64), words[w], s);
        }
        out.put(from, a, 0, len);
    }

    // Branch-free: C2 compiles a float/double ternary to a branch, which mispredicts half the time at p = 0.5.
    // Each byte of the mask word selects eight all-ones (kept) or all-zeros (dropped) bit masks from a table,
    // ANDed with the value's bit pattern, so a dropped element is exactly +0; this measured 1.7x faster than
    // extracting one bit per element. Floats go two to a 64-bit word (PAIR_MASKS: four words per mask byte), which
    // measured 2.4-3x faster again than one float at a time with a multiply (80,000 elements: 20 us vs 47-59 us);
    // it serves a kept scale of 1, the paper's test-time weight scaling.
    // Blocks start at multiples of 64, so word bit b is element off + b.

    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    private static final long[] PAIR_MASKS = new long[256 * 4];
    private static final long[] LONG_MASKS = new long[256 * 8];

    static {
        for (int b = 0; b < 256; b++) {
            for (int k = 0; k < 8; k++) {
                LONG_MASKS[b * 8 + k] = ((b >>> k) & 1) != 0 ? -1L : 0L;
            }
            for (int k = 0; k < 4; k++) { // pair k of the byte: elements 2k (first in memory) and 2k + 1
                long first = ((b >>> (2 * k)) & 1) != 0 ? 0xFFFFFFFFL : 0L;
                long second = ((b >>> (2 * k + 1)) & 1) != 0 ? 0xFFFFFFFFL : 0L;
                PAIR_MASKS[b * 4 + k] = LITTLE_ENDIAN ? first | second << 32 : first << 32 | second;
            }
        }
    }

    /** Pairs [from, to) of a block, element {@code 2 (p - from) + h} under bit {@code 2 (p - from) + h}. */
    private static void maskPairs(long[] a, int from, int to, long bits) {
        if (to - from == 32) {
            for (int b = 0; b < 8; b++) {
                int m = (int) ((bits >>> (b << 3)) & 0xFF) << 2;
                int o = from + (b << 2);
                a[o] &= PAIR_MASKS[m];
                a[o + 1] &= PAIR_MASKS[m + 1];
                a[o + 2] &= PAIR_MASKS[m + 2];
                a[o + 3] &= PAIR_MASKS[m + 3];
            }
            return;
        }
        for (int p = from; p < to; p++) {
            a[p] &= PAIR_MASKS[(int) ((bits >>> ((p - from) << 1)) & 3) << 2];
        }
    }

    private static void maskDoubles(double[] a, int from, int to, long bits, double s) {
        if (to - from == 64) {
            for (int b = 0; b < 8; b++) {
                int m = (int) ((bits >>> (b << 3)) & 0xFF) << 3;
                int o = from + (b << 3);
                for (int k = 0; k < 8; k++) {
                    a[o + k] = Double.longBitsToDouble(Double.doubleToRawLongBits(a[o + k] * s) & LONG_MASKS[m + k]);
                }
            }
            return;
        }
        for (int i = from; i < to; i++) {
            a[i] = Double.longBitsToDouble(Double.doubleToRawLongBits(a[i] * s) & -((bits >>> (i - from)) & 1));
        }
    }

    /** splitmix64's finaliser: {@link Seeds#mix}. */
    static long mix(long z) {
        return Seeds.mix(z);
    }
}
