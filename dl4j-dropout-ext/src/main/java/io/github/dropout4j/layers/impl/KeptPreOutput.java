package io.github.dropout4j.layers.impl;

import java.io.Serializable;
import java.util.Arrays;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A copy of a layer's pre-activations {@code z} from its last training forward pass, kept outside workspaces (the
 * buffer is reused while shape and type hold) and handed once to the next backprop of the same input object, so
 * that backprop need not recompute {@code z} (DL4J 1.0.0-M2.1's layers do: the activation overwrote {@code z} in
 * place). Any other order (inference in between, a new input) finds nothing kept and recomputes.
 */
final class KeptPreOutput implements Serializable {

    private INDArray z;
    private INDArray keptFor;

    /** Keeps a copy of {@code z}, the pre-activations of {@code input} (the layer's input after its dropout). */
    void keep(INDArray z, INDArray input) {
        if (this.z == null || this.z.dataType() != z.dataType() || !Arrays.equals(this.z.shape(), z.shape())) {
            try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                this.z = Nd4j.createUninitialized(z.dataType(), z.shape(), 'c');
            }
        }
        this.z.assign(z);
        keptFor = input;
    }

    /**
     * The kept {@code z} if it was computed from this very {@code input}, else null; forgotten either way (the
     * activation's backprop may overwrite it in place).
     */
    INDArray take(INDArray input) {
        INDArray kept = keptFor != null && keptFor == input ? z : null;
        keptFor = null;
        return kept;
    }

    /** Forgets the kept {@code z} (its buffer stays for reuse). */
    void forget() {
        keptFor = null;
    }
}
