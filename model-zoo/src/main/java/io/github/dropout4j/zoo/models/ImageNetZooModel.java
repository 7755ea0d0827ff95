package io.github.dropout4j.zoo.models;

import io.github.dropout4j.onednn.OneDnnHelpers;
import io.github.dropout4j.zoo.training.Recipe;
import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.deeplearning4j.nn.weights.WeightInitDistribution;
import org.deeplearning4j.zoo.ModelMetaData;
import org.deeplearning4j.zoo.ZooType;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * What the ImageNet-scale convolutional zoo models share ({@link HintonImageNetNet}, {@link AlexNetDropout}): the
 * settings every variant has (classes, crop side, width divisor, units of the globally connected layers, seed,
 * updater, weight initialisation), validated once; {@code init}, parameter counts, input shapes and metadata from
 * the configuration alone (nothing allocated until {@code init}); and a {@link Builder} with those settings' setters.
 * Subclasses add their layers ({@code conf()}) and their own settings.
 *
 * @param <T> {@code MultiLayerNetwork} or {@code ComputationGraph}
 */
public abstract class ImageNetZooModel<T extends Model> extends PretrainedZooModel<T> {
    final int numClasses;
    final int cropSize;
    final int widthDivisor;
    final int fcUnits;
    final long seed;
    final IUpdater updater;
    final IWeightInit weightInit;

    ImageNetZooModel(Class<T> modelType, Builder<?, ?> b) {
        super(modelType);
        if (b.numClasses < 2) {
            throw new IllegalArgumentException("numClasses must be >= 2, got " + b.numClasses);
        }
        if (b.widthDivisor < 1 || b.fcUnits < 1) {
            throw new IllegalArgumentException(
                    "widthDivisor and fcUnits must be >= 1, got " + b.widthDivisor + " and " + b.fcUnits);
        }
        this.numClasses = b.numClasses;
        this.cropSize = b.cropSize;
        this.widthDivisor = b.widthDivisor;
        this.fcUnits = b.fcUnits;
        this.seed = b.seed;
        this.updater = b.updater;
        this.weightInit = b.weightInit;
    }

    /** A new network of this configuration, not yet initialised. */
    abstract T newNetwork();

    /** Input shapes {@code [channels, height, width]}, one per input. */
    abstract int[][] inputShapes();

    /**
     * Builds and initialises the network (allocates every parameter), on oneDNN where ND4J's oneDNN natives are loaded
     * ({@link OneDnnHelpers}).
     */
    @Override
    @SuppressWarnings("unchecked")
    public final T init() {
        T net = newNetwork();
        net.init();
        OneDnnHelpers.install(net);
        return net;
    }

    /** Parameters per layer, from the configuration alone. */
    public abstract Map<String, Long> parameterCounts();

    public final long parameterCount() {
        return ConfigurationSummary.totalParameters(parameterCounts());
    }

    public final int cropSize() {
        return cropSize;
    }

    public final int numClasses() {
        return numClasses;
    }

    public final long seed() {
        return seed;
    }

    @Override
    @Deprecated
    public final ModelMetaData metaData() {
        return new ModelMetaData(inputShapes(), 1, ZooType.CNN);
    }

    /** Not supported: the configuration is immutable; use the builder's {@code cropSize(n)}. */
    @Override
    public final void setInputShape(int[][] inputShape) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " is immutable; use "
                + getClass().getSimpleName() + ".builder().cropSize(n)");
    }

    /**
     * The shared settings. Defaults are the paper's: 1000 classes, 224 crops, full widths, 4096-unit globally
     * connected layers, seed 42, N(0, 0.01^2) weights.
     *
     * @param <M> the model built
     * @param <B> the concrete builder (returned by every setter)
     */
    public abstract static class Builder<M extends ImageNetZooModel<?>, B extends Builder<M, B>> {
        int numClasses = 1000;
        int cropSize = 224;
        int widthDivisor = 1;
        int fcUnits = 4096;
        long seed = 42;
        IUpdater updater;
        IWeightInit weightInit = new WeightInitDistribution(new NormalDistribution(0, 0.01));

        Builder(IUpdater paperUpdater) {
            this.updater = paperUpdater;
        }

        abstract B self();

        public B numClasses(int numClasses) {
            this.numClasses = numClasses;
            return self();
        }

        /** Side of the square crop (224 in the papers). */
        public B cropSize(int cropSize) {
            this.cropSize = cropSize;
            return self();
        }

        /** Divides every convolution's channel count; 1 = the paper, larger for small-scale runs and tests. */
        public B widthDivisor(int widthDivisor) {
            this.widthDivisor = widthDivisor;
            return self();
        }

        /** Units of each globally connected layer (4096 in the papers). */
        public B fcUnits(int fcUnits) {
            this.fcUnits = fcUnits;
            return self();
        }

        /** Seeds weights, dropout masks and any random channel wiring. */
        public B seed(long seed) {
            this.seed = seed;
            return self();
        }

        public B updater(IUpdater updater) {
            this.updater = updater;
            return self();
        }

        /** Weight initialisation (papers: N(0, 0.01^2)); short runs of small variants train better with He's. */
        public B weightInit(IWeightInit weightInit) {
            this.weightInit = weightInit;
            return self();
        }

        /**
         * The settings of recipe {@code choice}: {@link Recipe#PAPER} keeps the paper's optimiser and initialisation;
         * {@link Recipe#SHORT} uses {@link #shortRecipe()} so that short runs of small variants learn.
         */
        public B recipe(Recipe choice) {
            return choice == Recipe.SHORT ? shortRecipe() : self();
        }

        /** Adam and He initialisation (the model's rate and biases): the zoo's short recipe for this model. */
        abstract B shortRecipe();

        public abstract M build();
    }
}
