package io.github.dropout4j.updater;

import io.github.dropout4j.kernel.HeapBlocks;
import java.nio.FloatBuffer;

/**
 * The damped-momentum step of {@link DampedMomentumUpdater} as one pass over float memory:
 * <pre>
 *   v[i] &lt;- p v[i] - a g[i]      (a = (1 - p_t) eps_t)
 *   g[i] &lt;- -v[i]
 * </pre>
 * with every product and the difference rounded to float, in that order, and no fused multiply-add: the numbers
 * of the three ND4J passes it replaces ({@code g *= a}, {@code v = v * p - g}, {@code g = -v}), bit for bit. Reads
 * {@code g} and {@code v} once and writes them once, in {@link HeapBlocks#BLOCK}-element blocks through two reused
 * heap arrays. Not thread-safe: one kernel per updater.
 */
public final class DampedMomentumKernel {

    private final float[] gBlock = new float[HeapBlocks.BLOCK];
    private final float[] vBlock = new float[HeapBlocks.BLOCK];

    /**
     * @param g gradient in, {@code -v_t} out; elements {@code [0, n)}
     * @param v velocity {@code v_{t-1}} in, {@code v_t} out; elements {@code [0, n)}
     * @param p momentum p_t, as a float
     * @param a {@code (1 - p_t) eps_t}, as a float
     */
    public void step(FloatBuffer g, FloatBuffer v, int n, float p, float a) {
        float[] gb = gBlock;
        float[] vb = vBlock;
        for (int from = 0; from < n; from += gb.length) {
            int len = Math.min(gb.length, n - from);
            g.get(from, gb, 0, len);
            v.get(from, vb, 0, len);
            for (int i = 0; i < len; i++) {
                float vi = vb[i] * p - gb[i] * a;
                vb[i] = vi;
                gb[i] = -vi;
            }
            v.put(from, vb, 0, len);
            g.put(from, gb, 0, len);
        }
    }
}
