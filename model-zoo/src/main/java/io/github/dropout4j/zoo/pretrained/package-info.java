/**
 * Pretrained weights of the zoo: the versioned {@link io.github.dropout4j.zoo.pretrained.WeightsRegistry} (one
 * {@link io.github.dropout4j.zoo.pretrained.WeightsEntry} per model and data set: file, size, SHA-256, test error,
 * the command and commit that made it, mirrors), {@link io.github.dropout4j.zoo.pretrained.TrainedOn} (which data
 * set; DL4J's {@code PretrainedType} has no Fashion-MNIST), {@link io.github.dropout4j.zoo.pretrained.PretrainedWeights}
 * (release location, user mirrors, the repository's shipped copy; cache, offline mode) and
 * {@link io.github.dropout4j.zoo.pretrained.WeightsFile} (byte-reproducible weights-only zips). Zoo models load them
 * with {@code initPretrained}.
 *
 * <pre>{@code
 * MultiLayerNetwork net = (MultiLayerNetwork) ModelRegistry.standard().require("mnist-800x2-dropout")
 *     .create(1).initPretrained(TrainedOn.FASHION_MNIST);
 * }</pre>
 */
package io.github.dropout4j.zoo.pretrained;
