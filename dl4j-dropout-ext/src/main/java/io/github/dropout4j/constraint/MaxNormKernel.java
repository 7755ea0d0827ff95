package io.github.dropout4j.constraint;

import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.floating.Norm2;
import org.nd4j.linalg.api.ops.impl.reduce.longer.MatchCondition;
import org.nd4j.linalg.factory.Broadcast;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

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
 * implemented as ND4J ops only: a {@code Norm2} reduction into a reused buffer, a count of violating units
 * (stop here if none), then {@code f_j = c / max(n_j, c)} (exactly 1.0 for units within the bound) and one in-place
 * broadcast multiply of {@code W} by {@code f}. No per-element Java loops; the only allocations per call are a
 * scalar result and a small key, constant in the number of steps.
 *
 * <p>Not thread-safe: one kernel per constraint instance (DL4J clones constraints per layer). Buffers are keyed by
 * data type and norm shape.
 *
 * <pre>{@code
 * MaxNormKernel k = new MaxNormKernel();
 * INDArray w = Nd4j.randn(784, 800);            // dense weights [nIn, nOut]
 * int clipped = k.renormalise(w, new int[]{0}, Math.sqrt(15));
 * }</pre>
 */
public final class MaxNormKernel {

    private final Map<String, INDArray> normBuffers = new HashMap<>();

    /**
     * Renormalises, in place, every unit whose incoming-weight norm exceeds {@code maxNorm}.
     *
     * @param weights   weight array, modified in place
     * @param unitDims  dims of {@code weights} forming one unit's incoming vector (e.g. {@code {0}} for dense)
     * @param maxNorm   bound c on the L2 norm, &gt; 0
     * @return number of units that were renormalised
     */
    public int renormalise(INDArray weights, int[] unitDims, double maxNorm) {
        INDArray norms = unitNorms(weights, unitDims);
        int violating = Nd4j.getExecutioner()
                .exec(new MatchCondition(norms, Conditions.greaterThan(maxNorm))).getInt(0);
        if (violating == 0) {
            return 0;
        }
        Transforms.max(norms, maxNorm, false);   // n_j <- max(n_j, c)
        norms.rdivi(maxNorm);                    // f_j = c / max(n_j, c), exactly 1 for units within the bound
        Broadcast.mul(weights, norms, weights, complement(unitDims, weights.rank()));
        return violating;
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
            throw new IllegalArgumentException("unit dims " + Arrays.toString(dims)
                    + " cover every dim of a rank-" + rank + " weight array: no dim is left to index units");
        }
        for (int i = 0, j = 0; i < rank; i++) {
            if (!in[i]) {
                out[j++] = i;
            }
        }
        return out;
    }
}
