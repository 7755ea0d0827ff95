package io.github.dropout4j.zoo.training;

import io.github.dropout4j.updater.DampedMomentum;
import io.github.dropout4j.updater.LinearRampSchedule;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

/**
 * Which recipe a run follows, for every data set: {@link #PAPER}, the paper's settings exactly, or {@link #SHORT},
 * the paper's adjusted so that runs of a few epochs learn (the CLI's default). What each means for a network lives
 * with the network: this enum's {@link #updater()} for the MNIST MLPs, {@code Cifar10Recipe.of(choice, epochs)} for
 * CIFAR-10, {@code ImageNetZooModel.Builder.recipe(choice)} for the ImageNet networks. The run manifest records the
 * choice by name.
 *
 * <p>For the MNIST MLPs both use the paper's update {@code dw_t = p_t dw_{t-1} - (1 - p_t) eps_t <grad>} ({@link DampedMomentum})
 * with {@code eps_t = eps_0 * 0.998^epoch} and {@code p_t} rising linearly from 0.5 to 0.99 over 500 epochs.
 */
public enum Recipe {
    /**
     * Appendix A.1 exactly: {@code eps_0 = 10}. Meant for the paper's 3000 epochs; measured on the bundled 8,000
     * digits with our 784-800-800-10 ReLU nets and N(0, 0.01^2) weights, it does not train in the first epochs
     * (test error stays near 90%: the network collapses to one class).
     */
    PAPER(DampedMomentum.MNIST_INITIAL_LEARNING_RATE, DampedMomentum.MNIST_MOMENTUM_RAMP_EPOCHS),
    /**
     * The default for short runs: as {@link #PAPER} but {@code eps_0 = 1}: of the rates tried (10, 3, 1, 0.1), the
     * only one at which all three reproduce variants train from the first epoch (at 3 standard backprop collapses,
     * at 0.1 the dropout nets do not start within 3 epochs; measurements in model-zoo/README-cli.md).
     */
    SHORT(1.0, DampedMomentum.MNIST_MOMENTUM_RAMP_EPOCHS);

    private final double initialLearningRate;
    private final int momentumRampEpochs;

    Recipe(double initialLearningRate, int momentumRampEpochs) {
        this.initialLearningRate = initialLearningRate;
        this.momentumRampEpochs = momentumRampEpochs;
    }

    /** Epochs over which the momentum rises linearly from 0.5 to 0.99. */
    public int momentumRampEpochs() {
        return momentumRampEpochs;
    }

    /** eps_0, the learning rate of epoch 0. */
    public double initialLearningRate() {
        return initialLearningRate;
    }

    /** A new updater for this recipe. */
    public IUpdater updater() {
        return new DampedMomentum(
                new ExponentialSchedule(
                        ScheduleType.EPOCH, initialLearningRate, DampedMomentum.MNIST_LEARNING_RATE_DECAY),
                new LinearRampSchedule(
                        ScheduleType.EPOCH,
                        DampedMomentum.MNIST_INITIAL_MOMENTUM,
                        DampedMomentum.MNIST_FINAL_MOMENTUM,
                        momentumRampEpochs));
    }

    /** One line for the run's header, naming every number of the schedule and how it departs from the paper. */
    public String describe() {
        return name().toLowerCase() + ": DampedMomentum eps_t = " + initialLearningRate + " * 0.998^epoch, momentum "
                + "0.5 -> 0.99 linearly over " + momentumRampEpochs + " epochs"
                + (this == PAPER
                        ? " (Appendix A.1 exactly)"
                        : " (Appendix A.1 with eps_0 = " + initialLearningRate + " instead of 10)");
    }
}
