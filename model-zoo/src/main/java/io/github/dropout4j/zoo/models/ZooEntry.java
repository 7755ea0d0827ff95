package io.github.dropout4j.zoo.models;

import java.util.Objects;
import java.util.function.LongFunction;

/**
 * One row of the {@link ModelRegistry}: what a zoo model is, where it comes from, and how to build it.
 *
 * @param name           unique registry name, lower case with dashes, e.g. {@code mnist-800x2-dropout}
 * @param dataset        the data set it is meant for: {@code mnist}, {@code cifar10}, {@code reuters},
 *                       {@code timit}
 * @param reference      the paper's section/figure this reproduces
 * @param inputShape     input shape per example, e.g. {@code [784]} or {@code [3, 32, 32]}
 * @param parameterCount trainable parameters (asserted against the built configuration in the tests)
 * @param recipe         one-line training recipe (dropout, constraint, optimiser, batch)
 * @param factory        a new zoo model for a seed
 */
public record ZooEntry(
        String name,
        String dataset,
        String reference,
        int[] inputShape,
        long parameterCount,
        String recipe,
        LongFunction<? extends PretrainedZooModel<?>> factory) {

    public ZooEntry {
        if (name == null || !name.matches("[a-z0-9][a-z0-9-]*")) {
            throw new IllegalArgumentException(
                    "name must be lower case letters, digits and dashes, got '" + name + "'");
        }
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(reference, "reference");
        inputShape = inputShape.clone();
        if (parameterCount < 1) {
            throw new IllegalArgumentException(name + ": parameterCount must be >= 1, got " + parameterCount);
        }
        Objects.requireNonNull(recipe, "recipe");
        Objects.requireNonNull(factory, "factory");
    }

    /** An entry for a fully connected zoo model whose facts all come from its {@link MlpConfig}. */
    public static ZooEntry of(
            String dataset, String reference, MlpConfig config, LongFunction<? extends FeedForwardZooModel> factory) {
        return new ZooEntry(
                config.name(),
                dataset,
                reference,
                new int[] {config.nIn()},
                config.parameterCount(),
                recipe(config),
                factory);
    }

    /**
     * A new model with {@code seed}; {@code create(seed).initPretrained(TrainedOn.FASHION_MNIST)} loads its
     * published weights instead (see {@link PretrainedZooModel}).
     */
    public PretrainedZooModel<?> create(long seed) {
        return factory.apply(seed);
    }

    @Override
    public int[] inputShape() {
        return inputShape.clone();
    }

    /** The input shape as {@code [784]} or {@code [3, 32, 32]}. */
    public String inputShapeString() {
        return java.util.Arrays.toString(inputShape);
    }

    static String recipe(MlpConfig c) {
        StringBuilder s = new StringBuilder(c.architecture())
                .append(' ')
                .append(c.activation().name().toLowerCase());
        if (c.usesDropout()) {
            s.append(", retain input ")
                    .append(c.inputRetainProbability())
                    .append(" / hidden ")
                    .append(c.hiddenRetainProbability())
                    .append(", test-time weight scaling");
        } else {
            s.append(", no dropout");
        }
        if (c.maxSquaredLength() > 0) {
            s.append(", max squared length ")
                    .append(fmt(c.maxSquaredLength()))
                    .append(c.boundOutputUnits() ? " (hidden and output units)" : " (hidden units)");
        }
        return s.append(", N(0, ")
                .append(c.initStd())
                .append("^2) init, ")
                .append(c.updater())
                .append(", batch 100")
                .toString();
    }

    static String fmt(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ZooEntry e && e.name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return "ZooEntry[" + name + ", " + dataset + ", " + inputShapeString() + ", " + parameterCount + " params, "
                + reference + "]";
    }
}
