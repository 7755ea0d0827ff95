package io.github.dropout4j.spark;

import io.github.dropout4j.dropout.Dropouts;
import org.apache.spark.TaskContext;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.spark.api.TrainingHook;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * A Spark {@link TrainingHook} that makes each partition's replica draw its own dropout masks.
 *
 * <p>DL4J's Spark workers rebuild the network from the broadcast configuration, so without this every partition
 * would draw the same masks at the same step. Before each minibatch the hook calls
 * {@link Dropouts#setWorkerIndex(Model, int) Dropouts.setWorkerIndex(replica, partitionId)}: partition 0 keeps the masks of a
 * plain {@code fit}, the others draw their own. The master advances the iteration counter after each averaging
 * round, so successive rounds draw fresh masks too.
 */
public final class WorkerMasksHook implements TrainingHook {
    private static final long serialVersionUID = 1L;

    @Override
    public void preUpdate(DataSet minibatch, Model model) {
        Dropouts.setWorkerIndex(model, TaskContext.getPartitionId());
    }

    @Override
    public void postUpdate(DataSet minibatch, Model model) {
        // nothing after the step
    }

    @Override
    public void preUpdate(MultiDataSet minibatch, Model model) {
        Dropouts.setWorkerIndex(model, TaskContext.getPartitionId());
    }

    @Override
    public void postUpdate(MultiDataSet minibatch, Model model) {
        // nothing after the step
    }
}
