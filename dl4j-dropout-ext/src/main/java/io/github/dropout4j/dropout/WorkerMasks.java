package io.github.dropout4j.dropout;

import io.github.dropout4j.layers.StandoutLayer;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Distinct dropout masks for the replicas of data-parallel training (DL4J's {@code ParallelWrapper}, Spark).
 *
 * <p>A mask is a pure function of {@code (seed, iteration, epoch, element)}. Replicas cloned from one configuration
 * therefore draw the <em>same</em> masks for their different minibatches at the same step, which silently removes
 * part of the randomness dropout relies on. Each replica is given a worker index {@code k}: worker 0 keeps the
 * seed as it is (so one worker draws exactly the masks of a plain {@code fit}), worker {@code k > 0} draws from
 * {@link #workerSeed(long, int) workerSeed(seed, k)}. This covers every {@link BernoulliDropout} and every
 * {@link io.github.dropout4j.layers.Standout} layer of the network.
 *
 * <p>The worker index is runtime state of one replica (never serialised): engines call {@link #assign} on each
 * replica after building it — {@code io.github.dropout4j.parallel.DropoutTrainerContext} does so for
 * {@code ParallelWrapper}, the {@code dropout4j-spark} module's training hook for Spark.
 */
public final class WorkerMasks {

    private WorkerMasks() {
    }

    /**
     * The seed of data-parallel worker {@code workerIndex}: {@code seed} itself for worker 0, otherwise a
     * splitmix64 mix of both (distinct workers give unrelated mask streams).
     */
    public static long workerSeed(long seed, int workerIndex) {
        requireWorkerIndex(workerIndex);
        return workerIndex == 0 ? seed : BernoulliMaskKernel.key(seed, workerIndex, 0x5EED_0F_3A7L);
    }

    /**
     * Makes every dropout of {@code model} draw worker {@code workerIndex}'s masks.
     *
     * @return how many dropout instances and Standout layers were assigned
     * @throws IllegalArgumentException if {@code workerIndex < 0} or the model is neither a
     *                                  {@code MultiLayerNetwork} nor a {@code ComputationGraph}
     */
    public static int assign(Model model, int workerIndex) {
        requireWorkerIndex(workerIndex);
        Layer[] layers;
        if (model instanceof MultiLayerNetwork net) {
            layers = net.getLayers();
        } else if (model instanceof ComputationGraph graph) {
            layers = graph.getLayers();
        } else {
            throw new IllegalArgumentException("model must be a MultiLayerNetwork or ComputationGraph, got "
                    + (model == null ? "null" : model.getClass().getName()));
        }
        int assigned = 0;
        for (Layer layer : layers) {
            IDropout dropout = layer.conf() == null || layer.conf().getLayer() == null ? null
                    : layer.conf().getLayer().getIDropout();
            if (dropout instanceof BernoulliDropout bernoulli) {
                bernoulli.assignWorker(workerIndex);
                assigned++;
            }
            if (layer instanceof StandoutLayer standout) {
                standout.assignWorker(workerIndex);
                assigned++;
            }
        }
        return assigned;
    }

    static int requireWorkerIndex(int workerIndex) {
        if (workerIndex < 0) {
            throw new IllegalArgumentException("workerIndex must be >= 0, got " + workerIndex);
        }
        return workerIndex;
    }
}
