/**
 * ImageNet-style data for Appendix H: an image folder ({@code DIR/<class>/*.jpg}) as
 * {@link io.github.dropout4j.zoo.data.imagenet.ImageFolder}; the training images' mean image and colour PCA
 * ({@link io.github.dropout4j.zoo.data.imagenet.ImageNetStatistics}); random crops, flips and colour noise
 * ({@link io.github.dropout4j.zoo.data.imagenet.ImageNetPreprocessor}); threaded minibatches
 * ({@link io.github.dropout4j.zoo.data.imagenet.ImageNetIterator}) served epoch by epoch to a
 * {@code TrainingRun} by {@link io.github.dropout4j.zoo.data.imagenet.ImageNetEpochs}; and the paper's ten-view
 * test ({@link io.github.dropout4j.zoo.data.imagenet.TenViewEvaluator}).
 */
package io.github.dropout4j.zoo.data.imagenet;
