package io.github.dropout4j.dropout;

import io.github.dropout4j.layers.StandoutLayer;
import java.util.Optional;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/** Finding the {@link BernoulliDropout} of a layer, and setting run-time options on all of a network's. */
public final class Dropouts {

    private Dropouts() {}

    /** The {@link BernoulliDropout} on the input of layer configuration {@code layer}, if it has one. */
    public static Optional<BernoulliDropout> of(org.deeplearning4j.nn.conf.layers.Layer layer) {
        IDropout d = layer.getIDropout();
        return d instanceof BernoulliDropout ? Optional.of((BernoulliDropout) d) : Optional.empty();
    }

    /** The {@link BernoulliDropout} of runtime layer {@code layer}, if it has one. */
    public static Optional<BernoulliDropout> of(Layer layer) {
        return of(layer.conf().getLayer());
    }

    /** The {@link BernoulliDropout} of layer {@code index} of {@code net}, if it has one. */
    public static Optional<BernoulliDropout> of(MultiLayerNetwork net, int index) {
        return of(net.getLayer(index));
    }

    /**
     * The {@link BernoulliDropout} of layer {@code index} of {@code net}.
     *
     * @throws IllegalArgumentException naming the layer and what it has instead
     */
    public static BernoulliDropout require(MultiLayerNetwork net, int index) {
        return of(net, index)
                .orElseThrow(
                        () -> new IllegalArgumentException("layer " + index + " must use " + "BernoulliDropout, has "
                                + net.getLayer(index).conf().getLayer().getIDropout()));
    }

    /**
     * Sets the data-parallel worker index of every {@link BernoulliDropout} ({@link BernoulliDropout#setWorkerIndex})
     * and every {@link StandoutLayer} ({@link StandoutLayer#setWorkerIndex}) of {@code model} (a
     * {@link MultiLayerNetwork} or {@link ComputationGraph}).
     *
     * <p>Replicas of data-parallel training built from one configuration would otherwise draw the same masks for
     * their different minibatches at the same step. Worker 0 keeps the single-process masks bit for bit. Engines
     * call this on each replica: {@code io.github.dropout4j.parallel.DropoutTrainerContext} for
     * {@code ParallelWrapper}, the {@code dropout4j-spark} module's {@code WorkerMasksHook} for Spark.
     */
    public static void setWorkerIndex(Model model, int workerIndex) {
        io.github.dropout4j.random.Seeds.requireWorkerIndex(workerIndex);
        Layer[] layers = model instanceof MultiLayerNetwork
                ? ((MultiLayerNetwork) model).getLayers()
                : model instanceof ComputationGraph ? ((ComputationGraph) model).getLayers() : null;
        if (layers == null) {
            throw new IllegalArgumentException("expected a MultiLayerNetwork or ComputationGraph, got "
                    + model.getClass().getName());
        }
        for (Layer l : layers) {
            of(l).ifPresent(d -> d.setWorkerIndex(workerIndex));
            if (l instanceof StandoutLayer) {
                ((StandoutLayer) l).setWorkerIndex(workerIndex);
            }
        }
    }
}
