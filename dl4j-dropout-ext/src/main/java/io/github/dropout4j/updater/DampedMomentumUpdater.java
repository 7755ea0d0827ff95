package io.github.dropout4j.updater;

import io.github.dropout4j.kernel.HeapBlocks;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.learning.GradientUpdater;

/**
 * The state and step of {@link DampedMomentum} (Appendix A.1 of arXiv 1207.0580):
 * <pre>
 *   V     &lt;- p_t * V - (1 - p_t) * eps_t * g      (V = dw, the velocity, shape = the flattened gradient)
 *   g     &lt;- -V                                   (DL4J then does params -= g, i.e. params += dw)
 * </pre>
 * {@code V} lives in a view of DL4J's updater-state array, so checkpoints ({@code ModelSerializer} with
 * {@code saveUpdater = true}) carry it. In place, no allocation per step. For FLOAT arrays the three lines are one
 * pass ({@link DampedMomentumKernel}, the same float numbers as the ND4J ops used for other types).
 *
 * <pre>{@code
 * GradientUpdater u = DampedMomentum.mnistRecipe().instantiate(Nd4j.zeros(1, n), true);
 * u.applyUpdater(gradient, iteration, epoch);   // gradient now holds -dw_t
 * }</pre>
 */
public final class DampedMomentumUpdater implements GradientUpdater<DampedMomentum> {

    /** Key of the velocity dw in the state map, as in DL4J's momentum updaters. */
    public static final String V_STATE = "V";

    private final DampedMomentum config;
    private INDArray v;
    private transient DampedMomentumKernel kernel;

    public DampedMomentumUpdater(DampedMomentum config) {
        this.config = config;
    }

    @Override
    public DampedMomentum getConfig() {
        return config;
    }

    @Override
    public void setState(Map<String, INDArray> stateMap, boolean initialize) {
        if (stateMap == null || stateMap.size() != 1 || !stateMap.containsKey(V_STATE)) {
            throw new IllegalStateException("DampedMomentum state must hold exactly [" + V_STATE + "], got "
                    + (stateMap == null ? null : stateMap.keySet()));
        }
        this.v = stateMap.get(V_STATE);
        if (initialize) {
            v.assign(0);
        }
    }

    @Override
    public Map<String, INDArray> getState() {
        return Collections.singletonMap(V_STATE, v);
    }

    @Override
    public void setStateViewArray(INDArray viewArray, long[] gradientShape, char gradientOrder, boolean initialize) {
        if (!viewArray.isRowVectorOrScalar()) {
            throw new IllegalArgumentException(
                    "updater state view must be a row vector, got shape " + Arrays.toString(viewArray.shape()));
        }
        if (initialize) {
            viewArray.assign(0);
        }
        INDArray shaped = Shape.newShapeNoCopy(viewArray, gradientShape, gradientOrder == 'f');
        if (shaped == null) {
            throw new IllegalStateException("cannot view updater state " + Arrays.toString(viewArray.shape())
                    + " as gradient shape " + Arrays.toString(gradientShape) + " without a copy");
        }
        this.v = shaped;
    }

    @Override
    public void applyUpdater(INDArray gradient, int iteration, int epoch) {
        if (v == null) {
            throw new IllegalStateException("DampedMomentumUpdater has no state view: call setStateViewArray first");
        }
        double p = config.momentumAt(iteration, epoch);
        double eps = config.getLearningRate(iteration, epoch);
        INDArray g = Arrays.equals(gradient.shape(), v.shape()) ? gradient : gradient.reshape(v.shape());
        if (fusable(g)) { // one pass over g and V instead of five ND4J passes, the same float numbers
            if (kernel == null) {
                kernel = new DampedMomentumKernel();
            }
            kernel.step(
                    HeapBlocks.floats(g), HeapBlocks.floats(v), (int) v.length(), (float) p, (float) ((1 - p) * eps));
        } else {
            g.muli((1 - p) * eps); // (1 - p_t) eps_t g
            v.muli(p).subi(g); // dw_t = p_t dw_{t-1} - (1 - p_t) eps_t g
            g.assign(v).negi(); // DL4J subtracts the update: params -= (-dw_t)
        }
        if (g != gradient) { // reshape is a view for DL4J's contiguous gradient blocks; be safe otherwise
            gradient.assign(g.reshape(gradient.shape()));
        }
    }

    /** Float g and V laid out alike in one dense run each: the fused kernel applies. */
    private boolean fusable(INDArray g) {
        return g.dataType() == DataType.FLOAT
                && v.dataType() == DataType.FLOAT
                && g.ordering() == v.ordering()
                && HeapBlocks.isDense(g)
                && HeapBlocks.isDense(v);
    }
}
