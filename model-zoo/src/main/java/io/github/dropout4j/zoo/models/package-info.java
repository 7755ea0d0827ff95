/**
 * The paper's networks as DL4J zoo models, and their training recipes.
 *
 * <ul>
 *   <li>{@link io.github.dropout4j.zoo.models.Cifar10Net} and {@link io.github.dropout4j.zoo.models.Cifar10DropoutNet}:
 *       Appendix G's CIFAR-10 convolutional networks without and with dropout (16.6% and 15.6% test error in the
 *       paper), {@code org.deeplearning4j.zoo.ZooModel}s whose {@code init()} returns a {@code MultiLayerNetwork}.
 *   <li>{@link io.github.dropout4j.zoo.models.Cifar10Recipe}: Appendix F's SGD recipe (batch 128, momentum 0.9,
 *       learning rate divided by 10 twice, N(0, sigma^2) weights, biases 1).
 *   <li>{@link io.github.dropout4j.zoo.models.Cifar10Training}: trains either network through
 *       {@code training.TrainingRun}, reporting per-epoch training loss and mean-network test error to a listener;
 *       {@code reproduce} runs both.
 *   <li>{@link io.github.dropout4j.zoo.models.ModelRegistry}: every zoo model by name, with its data set and
 *       parameter count; MNIST, Reuters and TIMIT MLPs ({@link io.github.dropout4j.zoo.models.MlpConfig}), the
 *       ImageNet networks ({@link io.github.dropout4j.zoo.models.HintonImageNetNet},
 *       {@link io.github.dropout4j.zoo.models.AlexNetDropout}).
 * </ul>
 *
 * <pre>{@code
 * Cifar10Data data = Cifar10Data.load(dir);
 * Cifar10Recipe recipe = Cifar10Recipe.paper(100);
 * MultiLayerNetwork net = Cifar10Training.network(true, recipe, 42);
 * Cifar10Training.train(net, recipe, trainIterator, testIterator, System.out::println);
 * }</pre>
 */
package io.github.dropout4j.zoo.models;
