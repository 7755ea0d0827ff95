package io.github.dropout4j.zoo.models;

import io.github.dropout4j.updater.DampedMomentum;
import io.github.dropout4j.zoo.training.Recipe;
import java.util.Map;
import java.util.TreeMap;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.schedule.FixedSchedule;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

/**
 * The CIFAR-10 training recipe of Hinton et al. 2012 (arXiv 1207.0580, Appendix F, as used in Appendix G): SGD on
 * minibatches of {@code batchSize} (paper: 128) with classical momentum {@code momentum} (paper: 0.9), one learning
 * rate for all layers, divided by 10 at epoch {@code firstDropEpoch} and again at {@code secondDropEpoch} ("twice near
 * the end"), weights drawn from {@code N(0, weightStd^2)}, hidden biases set to {@code hiddenBiasInit} (paper: 1).
 *
 * <p>Update, per parameter, with {@code <g>} the minibatch-average gradient and {@code eps_t} the scheduled rate:
 * <pre>
 *   v_t = momentum * v_{t-1} - eps_t * &lt;g&gt;,     w_t = w_{t-1} + v_t        (cuda-convnet's momentum)
 * </pre>
 * DL4J has no plain heavy-ball updater (its {@code Nesterovs} is Nesterov's variant), so {@link #updater()} is the
 * paper's {@link DampedMomentum} ({@code v = p v - (1 - p) eps' g}) with {@code eps' = eps / (1 - momentum)}, which is
 * exactly the update above.
 *
 * <p>The learning rate is "the largest power of ten that reduces the objective" (Appendix F): 1e-3 is
 * cuda-convnet's 18%-configuration value and the default here; try 1e-2 too.
 *
 * <pre>{@code
 * Cifar10Recipe r = Cifar10Recipe.paper(100);              // 100 epochs, rate /10 at epochs 80 and 90
 * MultiLayerNetwork net = new Cifar10DropoutNet(r, 42).init();
 * }</pre>
 *
 * @param learningRate    eps before the drops, per minibatch-average gradient, &gt; 0
 * @param momentum        in [0, 1)
 * @param batchSize       examples per step, &gt;= 1
 * @param epochs          passes over the training set, &gt;= 1
 * @param firstDropEpoch  first epoch trained at eps / 10, in [1, epochs]  (never reached if equal to epochs)
 * @param secondDropEpoch first epoch trained at eps / 100, in [firstDropEpoch, epochs]
 * @param weightStd       standard deviation of the initial weights, &gt; 0
 * @param hiddenBiasInit  initial bias of every hidden (convolutional, locally connected) unit
 * @param pixelScale      the network's input is {@code pixelScale * (x - mean)}, x a pixel in [0, 1] and mean the
 *                        training set's per-pixel mean: {@value #RAW_PIXEL_SCALE} for the centred raw RGB values
 *                        (0..255) Appendix F trains on, 1 for the [0, 1] scale; &gt; 0
 */
public record Cifar10Recipe(
        double learningRate,
        double momentum,
        int batchSize,
        int epochs,
        int firstDropEpoch,
        int secondDropEpoch,
        double weightStd,
        double hiddenBiasInit,
        double pixelScale) {

    /** Paper: minibatches of 128. */
    public static final int PAPER_BATCH_SIZE = 128;
    /** Paper: momentum 0.9. */
    public static final double PAPER_MOMENTUM = 0.9;
    /** cuda-convnet's 18% CIFAR-10 configuration: epsW = 0.001 for every layer. */
    public static final double DEFAULT_LEARNING_RATE = 1e-3;
    /** Paper (Appendix F): N(0, sigma^2) weights; 0.01 as in cuda-convnet's configurations and AlexNet. */
    public static final double DEFAULT_WEIGHT_STD = 0.01;
    /** Paper (Appendix F.5): hidden biases initialised to 1 (so ReLUs start in their linear region). */
    public static final double PAPER_HIDDEN_BIAS = 1.0;

    /** Raw RGB values: the scale the paper's rate (1e-3) and init (N(0, 0.01^2)) act on (Appendix F). */
    public static final double RAW_PIXEL_SCALE = 255.0;

    /** As the canonical constructor with inputs in the [0, 1] scale ({@code pixelScale} 1). */
    public Cifar10Recipe(
            double learningRate,
            double momentum,
            int batchSize,
            int epochs,
            int firstDropEpoch,
            int secondDropEpoch,
            double weightStd,
            double hiddenBiasInit) {
        this(
                learningRate,
                momentum,
                batchSize,
                epochs,
                firstDropEpoch,
                secondDropEpoch,
                weightStd,
                hiddenBiasInit,
                1.0);
    }

    public Cifar10Recipe {
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learningRate must be > 0 and finite, got " + learningRate);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        }
        if (firstDropEpoch < 1
                || firstDropEpoch > epochs
                || secondDropEpoch < firstDropEpoch
                || secondDropEpoch > epochs) {
            throw new IllegalArgumentException("need 1 <= firstDropEpoch <= secondDropEpoch <= epochs, got "
                    + firstDropEpoch + ", " + secondDropEpoch + ", " + epochs);
        }
        if (!(weightStd > 0) || Double.isInfinite(weightStd)) {
            throw new IllegalArgumentException("weightStd must be > 0 and finite, got " + weightStd);
        }
        if (!Double.isFinite(hiddenBiasInit)) {
            throw new IllegalArgumentException("hiddenBiasInit must be finite, got " + hiddenBiasInit);
        }
        if (!(pixelScale > 0) || Double.isInfinite(pixelScale)) {
            throw new IllegalArgumentException("pixelScale must be > 0 and finite, got " + pixelScale);
        }
    }

    /**
     * The paper's recipe for {@code epochs} epochs: rate {@value #DEFAULT_LEARNING_RATE}, divided by 10 after 80% and
     * again after 90% of the epochs, batch 128, momentum 0.9, weights N(0, 0.01^2), hidden biases 1, on centred raw
     * RGB values (pixel scale {@value #RAW_PIXEL_SCALE}). Where Appendix F is silent: the epochs of the two rate
     * drops ("twice near the end": 80% and 90% here) and the rate itself ("the largest power of ten that reduces the
     * objective": 1e-3, cuda-convnet's).
     */
    public static Cifar10Recipe paper(int epochs) {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        }
        int first = Math.max(1, (int) Math.round(epochs * 0.8));
        int second = Math.max(first, (int) Math.round(epochs * 0.9));
        return new Cifar10Recipe(
                DEFAULT_LEARNING_RATE,
                PAPER_MOMENTUM,
                PAPER_BATCH_SIZE,
                epochs,
                first,
                second,
                DEFAULT_WEIGHT_STD,
                PAPER_HIDDEN_BIAS,
                RAW_PIXEL_SCALE);
    }

    /**
     * The recipe {@code choice} names for {@code epochs} epochs: {@link Recipe#PAPER} is {@link #paper}; {@link
     * Recipe#SHORT} the same with N(0, 0.05^2) weights, hidden biases 0.1 and rate 0.02 on centred inputs in the
     * [0, 1] scale (pixel scale 1), the setting that learns within a few epochs at our scale (the rate and init were
     * chosen at that scale; see {@code Cifar10Net}'s Javadoc: the paper's initialisation stalls on short runs).
     */
    public static Cifar10Recipe of(Recipe choice, int epochs) {
        Cifar10Recipe c = paper(epochs);
        return choice == Recipe.SHORT
                ? c.withInit(0.05, 0.1).withLearningRate(0.02).withPixelScale(1.0)
                : c;
    }

    public Cifar10Recipe withLearningRate(double rate) {
        return new Cifar10Recipe(
                rate,
                momentum,
                batchSize,
                epochs,
                firstDropEpoch,
                secondDropEpoch,
                weightStd,
                hiddenBiasInit,
                pixelScale);
    }

    public Cifar10Recipe withBatchSize(int size) {
        return new Cifar10Recipe(
                learningRate,
                momentum,
                size,
                epochs,
                firstDropEpoch,
                secondDropEpoch,
                weightStd,
                hiddenBiasInit,
                pixelScale);
    }

    /** Inputs {@code scale * (x - mean)}: {@value #RAW_PIXEL_SCALE} (raw RGB, the paper) or 1 ([0, 1]). */
    public Cifar10Recipe withPixelScale(double scale) {
        return new Cifar10Recipe(
                learningRate,
                momentum,
                batchSize,
                epochs,
                firstDropEpoch,
                secondDropEpoch,
                weightStd,
                hiddenBiasInit,
                scale);
    }

    public Cifar10Recipe withInit(double std, double hiddenBias) {
        return new Cifar10Recipe(
                learningRate,
                momentum,
                batchSize,
                epochs,
                firstDropEpoch,
                secondDropEpoch,
                std,
                hiddenBias,
                pixelScale);
    }

    /** {@code eps_t} by epoch: {@code learningRate} until {@code firstDropEpoch}, then /10, from {@code secondDropEpoch} /100. */
    public ISchedule learningRateSchedule() {
        return scaledSchedule(1.0);
    }

    /** The updater implementing the update in the class comment. */
    public IUpdater updater() {
        return new DampedMomentum(scaledSchedule(1.0 / (1.0 - momentum)), new FixedSchedule(momentum));
    }

    private ISchedule scaledSchedule(double factor) {
        double eps = learningRate * factor;
        if (firstDropEpoch >= epochs) {
            return new FixedSchedule(eps);
        }
        Map<Integer, Double> values = new TreeMap<>();
        values.put(0, eps);
        values.put(firstDropEpoch, eps / 10);
        values.put(secondDropEpoch, eps / 100); // replaces the /10 entry when both drops fall on one epoch
        return new MapSchedule(ScheduleType.EPOCH, values);
    }
}
