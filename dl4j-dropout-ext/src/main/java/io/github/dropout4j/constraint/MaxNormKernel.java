package io.github.dropout4j.constraint;

import io.github.dropout4j.kernel.HeapBlocks;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.floating.Norm2;
import org.nd4j.linalg.api.ops.impl.reduce.longer.MatchCondition;
import org.nd4j.linalg.api.ops.impl.transforms.same.Square;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Broadcast;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The renormalisation kernel of {@link PerUnitMaxNorm}, separate from the DL4J glue so it can be tested and
 * benchmarked on its own.
 *
 * <p>For a weight array {@code W} and the dims {@code D} that form one unit's incoming vector {@code w_j}:
 * <pre>
 *   n_j = ||w_j||_2                      (norm over D, one value per unit)
 *   w_j &lt;- w_j / (n_j / c)   if n_j &gt; c   (direction kept, norm becomes c)
 *   w_j unchanged (bit for bit)   otherwise
 * </pre>
 * When the unit dims are a leading or trailing block of dims, {@code W} has a no-copy 2D view {@code M} with one
 * unit per column (dense {@code [nIn, nOut]}, dims {0}) or per row (convolution {@code [nOut, nIn*kH*kW]}, dims
 * {1,2,3}). A dense FLOAT {@code M} (DL4J's weights are) is renormalised in plain Java, one memory line (a column of
 * an 'f' matrix, a row of a 'c' one) at a time through a reused heap array ({@link HeapBlocks}): each unit's
 * squared norm {@code s_j} is summed in double, and a unit over the bound is multiplied by the float
 * {@code sqrt(c^2 / s_j)} while still in the cache, so {@code W} is read once and only violating units are
 * written. When units run across lines (a 'c'-order dense {@code W}) the sums take one sweep and the scaling a
 * second, only if some unit violates. Any other {@code M} (e.g. DOUBLE, for gradient checks) uses ND4J ops:
 * <pre>
 *   S   = M .* M                         (Square into a reused buffer of W's shape)
 *   s   = ones^T S  (or S ones)           (one GEMM: squared norms, one per unit)
 *   if no s_j &gt; c^2: stop               (the common "slack" case costs Square + GEMM only)
 *   f_j = sqrt(c^2 / max(s_j, c^2))       (exactly 1.0 for units within the bound)
 *   M  &lt;- M * f   (muliRowVector / muliColumnVector, in place)
 * </pre>
 * Any other unit dims fall back to a {@code Norm2} reduction and a general broadcast multiply (about 2x slower).
 * Buffers (one weight-sized square buffer, the per-unit sums, a ones vector) are allocated once per data type and
 * shape, outside workspaces, and reused; per call only a few scalar results are allocated, constant in the number
 * of steps.
 *
 * <p>Not thread-safe: one kernel per constraint instance (DL4J clones constraints per layer).
 *
 * <pre>{@code
 * MaxNormKernel k = new MaxNormKernel();
 * INDArray w = Nd4j.randn(784, 800);            // dense weights [nIn, nOut]
 * int clipped = k.renormalise(w, new int[]{0}, Math.sqrt(15));
 * }</pre>
 */
public final class MaxNormKernel {

    private final Map<String, INDArray> normBuffers = new HashMap<>();
    private float[] line = new float[0];
    private double[] sums = new double[0];
    private float[] factors = new float[0];

    /**
     * Renormalises, in place, every unit whose incoming-weight norm exceeds {@code maxNorm}.
     *
     * @param weights   weight array, modified in place
     * @param unitDims  dims of {@code weights} forming one unit's incoming vector (e.g. {@code {0}} for dense)
     * @param maxNorm   bound c on the L2 norm, &gt; 0
     * @return number of units that were renormalised
     */
    public int renormalise(INDArray weights, int[] unitDims, double maxNorm) {
        int[] sorted = unitDims.clone();
        Arrays.sort(sorted);
        int rank = weights.rank();
        complement(sorted, rank); // validates
        boolean prefix = sorted[0] == 0 && sorted[sorted.length - 1] == sorted.length - 1;
        boolean suffix = sorted[0] == rank - sorted.length && sorted[sorted.length - 1] == rank - 1;
        INDArray matrix = prefix || suffix ? asMatrix(weights, sorted.length, prefix) : null;
        if (matrix == null) {
            return renormaliseGeneric(weights, unitDims, maxNorm);
        }
        if (matrix.dataType() == DataType.FLOAT && HeapBlocks.isDense(matrix)) {
            return renormaliseFloats(matrix, prefix, maxNorm);
        }
        return prefix ? renormaliseColumns(matrix, maxNorm) : renormaliseRows(matrix, maxNorm);
    }

    /**
     * One sweep over a dense FLOAT matrix, line by line (a line = a contiguous column of an 'f' matrix or row of a
     * 'c' one) through a reused heap array. When units are lines (DL4J's 'f'-order dense weights, 'c'-order
     * convolution filters) each line's squared norm is summed in double and, if above c^2, the line is scaled by
     * {@code (float) sqrt(c^2 / s)} and written back while it is still in the cache: W is read once. Otherwise
     * (units across lines) the per-unit sums accumulate over one sweep and a second sweep scales, only if some
     * unit violates the bound. Units within the bound are never written.
     */
    private int renormaliseFloats(INDArray m, boolean unitsAreColumns, double maxNorm) {
        boolean linesAreColumns = m.ordering() == 'f';
        int lineLength = (int) (linesAreColumns ? m.rows() : m.columns());
        int lines = (int) (linesAreColumns ? m.columns() : m.rows());
        FloatBuffer data = HeapBlocks.floats(m);
        if (line.length < lineLength) {
            line = new float[lineLength];
        }
        float[] a = line;
        double c2 = maxNorm * maxNorm;
        if (unitsAreColumns == linesAreColumns) {
            int violating = 0;
            for (int u = 0, off = 0; u < lines; u++, off += lineLength) {
                data.get(off, a, 0, lineLength);
                double s = sumOfSquares(a, lineLength);
                if (s > c2) {
                    violating++;
                    scale(a, lineLength, (float) Math.sqrt(c2 / s));
                    data.put(off, a, 0, lineLength);
                }
            }
            return violating;
        }
        if (sums.length < lineLength) {
            sums = new double[lineLength];
            factors = new float[lineLength];
        }
        double[] s = sums;
        java.util.Arrays.fill(s, 0, lineLength, 0.0);
        for (int l = 0, off = 0; l < lines; l++, off += lineLength) {
            data.get(off, a, 0, lineLength);
            for (int k = 0; k < lineLength; k++) {
                double x = a[k];
                s[k] += x * x;
            }
        }
        int violating = 0;
        float[] f = factors;
        for (int k = 0; k < lineLength; k++) {
            boolean over = s[k] > c2;
            violating += over ? 1 : 0;
            f[k] = over ? (float) Math.sqrt(c2 / s[k]) : 1f;
        }
        if (violating > 0) {
            for (int l = 0, off = 0; l < lines; l++, off += lineLength) {
                data.get(off, a, 0, lineLength);
                for (int k = 0; k < lineLength; k++) {
                    a[k] *= f[k];
                }
                data.put(off, a, 0, lineLength);
            }
        }
        return violating;
    }

    /** Sum of {@code a[i]^2}, i &lt; n, in double (four partial sums). */
    private static double sumOfSquares(float[] a, int n) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            double x0 = a[i];
            double x1 = a[i + 1];
            double x2 = a[i + 2];
            double x3 = a[i + 3];
            s0 += x0 * x0;
            s1 += x1 * x1;
            s2 += x2 * x2;
            s3 += x3 * x3;
        }
        for (; i < n; i++) {
            double x = a[i];
            s0 += x * x;
        }
        return (s0 + s1) + (s2 + s3);
    }

    private static void scale(float[] a, int n, float f) {
        for (int i = 0; i < n; i++) {
            a[i] *= f;
        }
    }

    /** Units are the columns of {@code m} [n, units]: squared norms = ones[1, n] x (m .* m). */
    private int renormaliseColumns(INDArray m, double maxNorm) {
        long n = m.rows();
        long units = m.columns();
        INDArray sq = buffer("sq", m.dataType(), m.ordering(), n, units);
        INDArray s = buffer("s", m.dataType(), 'f', 1, units);
        INDArray ones = buffer("ones", m.dataType(), 'f', 1, n);
        if (ones.getDouble(0) != 1.0) {
            ones.assign(1);
        }
        Nd4j.exec(new Square(m, sq));
        Nd4j.gemm(ones, sq, s, false, false, 1.0, 0.0);
        int violating = toFactors(s, maxNorm);
        if (violating > 0) {
            m.muliRowVector(s);
        }
        return violating;
    }

    /** Units are the rows of {@code m} [units, n]: squared norms = (m .* m) x ones[n, 1]. */
    private int renormaliseRows(INDArray m, double maxNorm) {
        long units = m.rows();
        long n = m.columns();
        INDArray sq = buffer("sq", m.dataType(), m.ordering(), units, n);
        INDArray s = buffer("s", m.dataType(), 'f', units, 1);
        INDArray ones = buffer("ones", m.dataType(), 'f', n, 1);
        if (ones.getDouble(0) != 1.0) {
            ones.assign(1);
        }
        Nd4j.exec(new Square(m, sq));
        Nd4j.gemm(sq, ones, s, false, false, 1.0, 0.0);
        int violating = toFactors(s, maxNorm);
        if (violating > 0) {
            m.muliColumnVector(s);
        }
        return violating;
    }

    /** Squared norms s_j in place to factors f_j = sqrt(c^2 / max(s_j, c^2)); exactly 1 within the bound. */
    private static int toFactors(INDArray s, double maxNorm) {
        double c2 = maxNorm * maxNorm;
        int violating = Nd4j.getExecutioner()
                .exec(new MatchCondition(s, Conditions.greaterThan(c2)))
                .getInt(0);
        if (violating > 0) {
            Transforms.max(s, c2, false);
            s.rdivi(c2);
            Transforms.sqrt(s, false);
        }
        return violating;
    }

    /** Any unit dims: a Norm2 reduction and a broadcast multiply (slower: used when no 2D view exists). */
    private int renormaliseGeneric(INDArray weights, int[] unitDims, double maxNorm) {
        INDArray norms = unitNorms(weights, unitDims);
        int violating = Nd4j.getExecutioner()
                .exec(new MatchCondition(norms, Conditions.greaterThan(maxNorm)))
                .getInt(0);
        if (violating == 0) {
            return 0;
        }
        Transforms.max(norms, maxNorm, false); // n_j <- max(n_j, c)
        norms.rdivi(maxNorm); // f_j = c / max(n_j, c), exactly 1 for units within the bound
        Broadcast.mul(weights, norms, weights, complement(unitDims, weights.rank()));
        return violating;
    }

    /** A no-copy 2D view [prod(unit dims), prod(rest)] (prefix) or [prod(rest), prod(unit dims)], or null. */
    private static INDArray asMatrix(INDArray w, int unitDimCount, boolean prefix) {
        long[] shape = w.shape();
        int split = prefix ? unitDimCount : shape.length - unitDimCount;
        long a = 1;
        for (int i = 0; i < split; i++) {
            a *= shape[i];
        }
        long b = w.length() / a;
        long[] target = {a, b};
        if (shape.length == 2) {
            return w;
        }
        INDArray v = Shape.newShapeNoCopy(w, target, w.ordering() == 'f');
        return v != null ? v : Shape.newShapeNoCopy(w, target, w.ordering() != 'f');
    }

    private INDArray buffer(String name, DataType type, char order, long rows, long cols) {
        String key = name + type + order + rows + "x" + cols;
        INDArray buf = normBuffers.get(key);
        if (buf == null) {
            try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                buf = Nd4j.create(type, new long[] {rows, cols}, order);
            }
            normBuffers.put(key, buf);
        }
        return buf;
    }

    /**
     * @return the L2 norm of every unit's incoming weights, shape = {@code weights.shape()} without {@code unitDims};
     *         a reused buffer, valid until the next call on this kernel
     */
    public INDArray unitNorms(INDArray weights, int[] unitDims) {
        long[] shape = normShape(weights.shape(), unitDims);
        String key = weights.dataType() + Arrays.toString(shape);
        INDArray buf = normBuffers.get(key);
        if (buf == null) {
            try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                buf = Nd4j.create(weights.dataType(), shape);
            }
            normBuffers.put(key, buf);
        }
        Nd4j.getExecutioner().exec(new Norm2(weights, buf, unitDims));
        return buf;
    }

    static long[] normShape(long[] shape, int[] unitDims) {
        int[] keep = complement(unitDims, shape.length);
        long[] out = new long[keep.length];
        for (int i = 0; i < keep.length; i++) {
            out[i] = shape[keep[i]];
        }
        return out;
    }

    static int[] complement(int[] dims, int rank) {
        boolean[] in = new boolean[rank];
        for (int d : dims) {
            if (d < 0 || d >= rank || in[d]) {
                throw new IllegalArgumentException("unit dims " + Arrays.toString(dims)
                        + " are not distinct dims of a rank-" + rank + " weight array");
            }
            in[d] = true;
        }
        int[] out = new int[rank - dims.length];
        if (out.length == 0) {
            throw new IllegalArgumentException("unit dims " + Arrays.toString(dims) + " cover every dim of a rank-"
                    + rank + " weight array: no dim is left to index units");
        }
        for (int i = 0, j = 0; i < rank; i++) {
            if (!in[i]) {
                out[j++] = i;
            }
        }
        return out;
    }
}
