package io.github.dropout4j.dropout;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.stream.IntStream;

/**
 * The hot loop of Bernoulli dropout: {@code out[i] = in[i] * m[i] * scale}, with {@code m[i] ~ Bernoulli(p)}.
 *
 * <p>A dropped element is exactly {@code 0} (also for non-finite inputs). The mask is a pure function of {@code (key, i)}, where {@code i} is the element's index in C (row-major)
 * order: element {@code i} is kept iff the 32-bit half {@code i & 1} of {@code splitmix64(key, i >>> 1)} is
 * below {@code round(p * 2^32)}. So
 * <ul>
 *   <li>the same key gives the same mask, whatever the thread count or block split (no RNG state);</li>
 *   <li>backprop regenerates the forward mask from the key instead of storing it, so nothing can be
 *       "already cleared" and no mask array is kept between passes;</li>
 *   <li>{@code P(keep)} equals {@code p} to within {@code 2^-33}, and {@code p = 1} keeps every element.</li>
 * </ul>
 * Contiguous C-order FLOAT and DOUBLE arrays are processed in place through their native buffers, in blocks
 * shared by the calling thread and the common fork-join pool when the array is large; any other layout or type
 * goes through a mask array and one ND4J multiply.
 */
public final class BernoulliMaskKernel {

    /** Elements per parallel block; arrays below two blocks run on the calling thread. */
    static final int BLOCK = 1 << 15;
    private static final long TWO_POW_32 = 1L << 32;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private BernoulliMaskKernel() {
    }

    /** The 32-bit keep threshold for retain probability {@code p} in (0, 1]. */
    public static long threshold(double retainProbability) {
        return Math.max(1L, Math.min(TWO_POW_32, Math.round(retainProbability * TWO_POW_32)));
    }

    /** Mixes a seed with the iteration and epoch counters into one mask key (splitmix64 finaliser, chained). */
    public static long key(long seed, long iteration, long epoch) {
        return mix(mix(mix(seed) + iteration) ^ (epoch * GOLDEN));
    }

    /** Whether element {@code index} (C order) is kept under {@code key} and {@code threshold}. */
    public static boolean kept(long key, long index, long threshold) {
        long h = mix(key + ((index >>> 1) + 1) * GOLDEN);
        long bits = (index & 1) == 0 ? (h & 0xFFFFFFFFL) : (h >>> 32);
        return bits < threshold;
    }

    /**
     * Writes {@code in * mask * keptScale} into {@code out} (which may be {@code in}); shapes must match.
     *
     * @param keptScale value a kept element is multiplied by: 1 for test-time weight scaling, 1/p for inverted
     * @return {@code out}
     */
    public static INDArray apply(INDArray in, INDArray out, long key, long threshold, double keptScale) {
        if (!in.equalShapes(out)) {
            throw new IllegalArgumentException("dropout input and output shapes differ: "
                    + java.util.Arrays.toString(in.shape()) + " vs " + java.util.Arrays.toString(out.shape()));
        }
        long n = in.length();
        if (n == 0) {
            return out;
        }
        if (n >= Integer.MAX_VALUE) {
            throw new IllegalArgumentException("dropout supports arrays of fewer than 2^31 elements, got " + n);
        }
        DataType type = out.dataType();
        if (in.dataType() == type && fastPath(in) && fastPath(out)) {
            if (type == DataType.FLOAT) {
                applyFloat(floats(in), floats(out), (int) n, key, threshold, (float) keptScale);
                return out;
            }
            if (type == DataType.DOUBLE) {
                applyDouble(doubles(in), doubles(out), (int) n, key, threshold, keptScale);
                return out;
            }
        }
        INDArray mask = mask(in.shape(), type.isFPType() ? type : DataType.FLOAT, key, threshold, keptScale);
        INDArray src = in.dataType() == type ? in : in.castTo(type);
        Nd4j.getExecutioner().exec(new MulOp(src, mask.castTo(type), out));
        return out;
    }

    /** A C-order array of {@code 0} and {@code keptScale} holding the mask for {@code key}. */
    public static INDArray mask(long[] shape, DataType type, long key, long threshold, double keptScale) {
        DataType t = type == DataType.DOUBLE ? DataType.DOUBLE : DataType.FLOAT;
        INDArray ones = Nd4j.ones(t, shape);
        return apply(ones, ones, key, threshold, keptScale).castTo(type);
    }

    static boolean fastPath(INDArray a) {
        return a.ordering() == 'c' && Shape.hasDefaultStridesForShape(a) && !a.isEmpty()
                && a.data().offset() + a.length() <= Integer.MAX_VALUE;
    }

    private static FloatBuffer floats(INDArray a) {
        FloatBuffer fb = a.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
        return fb.position((int) a.data().offset()).slice();
    }

    private static DoubleBuffer doubles(INDArray a) {
        DoubleBuffer db = a.data().asNio().order(ByteOrder.nativeOrder()).asDoubleBuffer();
        return db.position((int) a.data().offset()).slice();
    }

    private static void applyFloat(FloatBuffer in, FloatBuffer out, int n, long key, long threshold, float scale) {
        int blocks = (n + BLOCK - 1) / BLOCK;
        if (blocks < 2) {
            floatBlock(in, out, 0, n, key, threshold, scale);
        } else {
            IntStream.range(0, blocks).parallel().forEach(b ->
                    floatBlock(in, out, b * BLOCK, Math.min(n, (b + 1) * BLOCK), key, threshold, scale));
        }
    }

    private static void applyDouble(DoubleBuffer in, DoubleBuffer out, int n, long key, long threshold, double scale) {
        int blocks = (n + BLOCK - 1) / BLOCK;
        if (blocks < 2) {
            doubleBlock(in, out, 0, n, key, threshold, scale);
        } else {
            IntStream.range(0, blocks).parallel().forEach(b ->
                    doubleBlock(in, out, b * BLOCK, Math.min(n, (b + 1) * BLOCK), key, threshold, scale));
        }
    }

    /** Elements [from, to) with {@code from} even (BLOCK is even). */
    private static void floatBlock(FloatBuffer in, FloatBuffer out, int from, int to, long key, long t, float s) {
        int i = from;
        for (; i + 1 < to; i += 2) {
            long h = mix(key + ((long) (i >>> 1) + 1) * GOLDEN);
            float v0 = in.get(i) * s;
            float v1 = in.get(i + 1) * s;
            out.put(i, (h & 0xFFFFFFFFL) < t ? v0 : 0f);
            out.put(i + 1, (h >>> 32) < t ? v1 : 0f);
        }
        if (i < to) {
            out.put(i, kept(key, i, t) ? in.get(i) * s : 0f);
        }
    }

    private static void doubleBlock(DoubleBuffer in, DoubleBuffer out, int from, int to, long key, long t, double s) {
        int i = from;
        for (; i + 1 < to; i += 2) {
            long h = mix(key + ((long) (i >>> 1) + 1) * GOLDEN);
            double v0 = in.get(i) * s;
            double v1 = in.get(i + 1) * s;
            out.put(i, (h & 0xFFFFFFFFL) < t ? v0 : 0d);
            out.put(i + 1, (h >>> 32) < t ? v1 : 0d);
        }
        if (i < to) {
            out.put(i, kept(key, i, t) ? in.get(i) * s : 0d);
        }
    }

    /** splitmix64's finaliser (Steele, Lea &amp; Flood 2014): a bijective 64-bit mix. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
