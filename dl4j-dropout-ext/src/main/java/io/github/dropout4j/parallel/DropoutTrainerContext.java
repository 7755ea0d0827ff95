package io.github.dropout4j.parallel;

import io.github.dropout4j.dropout.Dropouts;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.api.Updater;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.parallelism.ParallelWrapper;
import org.deeplearning4j.parallelism.factory.DefaultTrainerContext;
import org.deeplearning4j.parallelism.factory.TrainerContext;
import org.deeplearning4j.parallelism.trainer.DefaultTrainer;
import org.deeplearning4j.parallelism.trainer.Trainer;

/**
 * DL4J's default {@code ParallelWrapper} trainer, plus distinct dropout masks per worker.
 *
 * <p>{@code ParallelWrapper} trains worker 0 on the original network and workers {@code 1..N-1} on replicas
 * rebuilt from its JSON configuration, so every replica would draw the same masks at the same step. This context
 * creates DL4J's {@link DefaultTrainer} unchanged except that, once a worker's replica exists, it calls
 * {@link Dropouts#setWorkerIndex(Model, int) Dropouts.setWorkerIndex(replica, threadId)}: worker 0 keeps the masks of a plain
 * {@code fit}, the others draw their own. And every replica starts from the network as it was when {@code fit}
 * began: DL4J's trainer threads copy the configuration (with its iteration counter), parameters and updater state
 * from the live network, which worker 0 may already be training (a race in 1.0.0-M2.1 that makes the replicas
 * start one step late, or from a half-written step); here workers {@code 1..N-1} copy from a snapshot
 * ({@code clone()}) taken on the calling thread before any minibatch is fed, at the cost of one more copy of the
 * parameters and updater state per replica while the wrapper lives. With that, {@code averagingFrequency(1)} and
 * equal slices of a minibatch is synchronous SGD on the whole minibatch. Last, DL4J's worker 0 ends every
 * {@code fit} with {@code MultiLayerNetwork.clear()}, which drops the network's solver and with it the updater
 * state (momentum would restart at zero after every {@code fit}, e.g. every epoch); this trainer puts the
 * network's updater, with its averaged state, back when the wrapper shuts it down. Parameter averaging keeps a {@code PerUnitMaxNorm} bound: each worker's
 * unit vectors lie in the ball after its own step, and an average of points of a ball lies in the ball.
 *
 * <pre>{@code
 * ParallelWrapper wrapper = new ParallelWrapper.Builder<>(net)
 *     .workers(2).averagingFrequency(1).prefetchBuffer(2)
 *     .build();
 * DropoutTrainerContext.install(wrapper);
 * wrapper.fit(trainIterator);
 * }</pre>
 *
 * <p>Use {@link #install}, not {@code Builder.trainerFactory(...)}: DL4J 1.0.0-M2.1's {@code Builder.build()}
 * replaces any trainer factory by the one of its training mode. Only the parameter-averaging mode (DL4J's default,
 * {@code TrainingMode.AVERAGING}) is supported; {@code SHARED_GRADIENTS} uses DL4J's symmetric trainers, whose
 * replicas this class does not reach, and is rejected.
 *
 * <p>Needs {@code org.deeplearning4j:deeplearning4j-parallel-wrapper} (same DL4J version), an optional dependency
 * of this library.
 */
public final class DropoutTrainerContext implements TrainerContext {

    /**
     * Makes {@code wrapper}'s workers draw distinct masks; call it after {@code build()} and before {@code fit}.
     *
     * @return {@code wrapper}
     * @throws IllegalArgumentException if the wrapper does not train by parameter averaging
     */
    public static ParallelWrapper install(ParallelWrapper wrapper) {
        if (!(wrapper.getTrainerContext() instanceof DefaultTrainerContext)
                && !(wrapper.getTrainerContext() instanceof DropoutTrainerContext)) {
            throw new IllegalArgumentException(
                    "DropoutTrainerContext supports ParallelWrapper's AVERAGING mode " + "only; this wrapper uses "
                            + wrapper.getTrainerContext().getClass().getSimpleName());
        }
        wrapper.setTrainerContext(new DropoutTrainerContext());
        return wrapper;
    }

    @Override
    public void init(Model model, Object... args) {
        // nothing to prepare: each trainer assigns its worker index itself
    }

    @Override
    public Trainer create(
            String uuid,
            int threadId,
            Model model,
            int rootDevice,
            boolean useMDS,
            ParallelWrapper wrapper,
            WorkspaceMode mode,
            int averagingFrequency) {
        // worker 0 trains the network itself; the others replicate a snapshot taken before the first minibatch
        Model source = threadId == 0 ? model : snapshot(model);
        WorkerMasksTrainer trainer = new WorkerMasksTrainer(
                uuid + "_thread_" + threadId, threadId, source, useMDS, wrapper, mode, averagingFrequency);
        trainer.setName("DropoutTrainer thread " + threadId);
        trainer.setDaemon(true);
        return trainer;
    }

    /** A copy of configuration (with counters), parameters and updater state. */
    static Model snapshot(Model model) {
        if (model instanceof MultiLayerNetwork) {
            return ((MultiLayerNetwork) model).clone();
        }
        if (model instanceof ComputationGraph) {
            return ((ComputationGraph) model).clone();
        }
        throw new IllegalArgumentException("expected a MultiLayerNetwork or ComputationGraph, got "
                + model.getClass().getName());
    }

    @Override
    public void finalizeRound(Model originalModel, Model... models) {
        // ParallelWrapper averages the parameters itself
    }

    @Override
    public void finalizeTraining(Model originalModel, Model... models) {
        finalizeRound(originalModel, models);
    }

    /** DL4J's default trainer; its replica draws the masks of worker {@code threadId}. */
    static final class WorkerMasksTrainer extends DefaultTrainer {
        /** Worker 0 of a MultiLayerNetwork: the network's updater, restored after DL4J's {@code clear()}. */
        private final Updater rootUpdater;

        /** The fields DL4J's {@code DefaultTrainerContext} sets through the trainer's builder. */
        WorkerMasksTrainer(
                String uuid,
                int threadId,
                Model model,
                boolean useMDS,
                ParallelWrapper wrapper,
                WorkspaceMode mode,
                int averagingFrequency) {
            this.uuid = uuid;
            this.threadId = threadId;
            this.originalModel = model;
            this.replicatedModel = model;
            this.useMDS = useMDS;
            this.parallelWrapper = wrapper;
            this.workspaceMode = mode;
            this.averagingFrequency = averagingFrequency;
            // created here, on the caller's thread, if the network has not been fitted yet
            this.rootUpdater = threadId == 0 && model instanceof MultiLayerNetwork
                    ? ((MultiLayerNetwork) model).getUpdater()
                    : null;
        }

        /** Waits for the thread to stop, then gives worker 0's network its updater (and state) back. */
        @Override
        public void shutdown() {
            super.shutdown();
            if (rootUpdater != null) {
                MultiLayerNetwork net = (MultiLayerNetwork) originalModel;
                if (net.getUpdater(false) != rootUpdater) {
                    net.setUpdater(rootUpdater);
                }
            }
        }

        @Override
        protected void postInit() {
            super.postInit();
            Dropouts.setWorkerIndex(replicatedModel, threadId);
        }

        int workerIndex() {
            return threadId;
        }
    }
}
