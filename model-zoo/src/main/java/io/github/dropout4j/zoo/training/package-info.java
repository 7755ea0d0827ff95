/**
 * One way to train, save, resume and evaluate a zoo network, for every data set.
 *
 * <ul>
 *   <li>{@link io.github.dropout4j.zoo.training.TrainingRun}: the epoch loop. Fits a {@code MultiLayerNetwork} or
 *       {@code ComputationGraph} on any {@code DataSetIterator} (or an image folder's
 *       {@code ImageNetEpochs}) from its current epoch, advances DL4J's epoch counter, measures the mean network
 *       ({@link io.github.dropout4j.zoo.training.Errors}), appends an
 *       {@link io.github.dropout4j.zoo.training.EpochRecord}, saves, and reports to listeners (progress bar, log
 *       lines; CSV files and figures are written from the history).
 *   <li>{@link io.github.dropout4j.zoo.training.RunManifest}: the versioned JSON record of a run (model, data set,
 *       split, recipe, settings, preprocessing, class names, per-epoch history), stored inside the model zip.
 *   <li>{@link io.github.dropout4j.zoo.training.ModelZip}: the saved form: a DL4J model zip (with updater state)
 *       plus the manifest and the data set's extra entries, written atomically;
 *       {@code freshOrResumed} starts a run or continues a saved one with the same settings, bit for bit.
 *   <li>{@link io.github.dropout4j.zoo.training.LegacyModelZips}: zips written before the manifest still evaluate
 *       and refuse to resume with a one-line reason.
 *   <li>{@link io.github.dropout4j.zoo.training.Recipe}: the MNIST optimiser schedules (paper, short).
 * </ul>
 *
 * <pre>{@code
 * RunManifest fresh = RunManifest.fresh("mnist-800x2-dropout", "mnist", "first 8000 training digits", "short",
 *     Map.of("batch", "100", "dataSeed", "7"));
 * ModelZip.Saved run = ModelZip.freshOrResumed(file, true, fresh, () -> MnistMlp.paper800(true).init());
 * new TrainingRun(run.network(), run.manifest(), TrainingRun.EpochData.of(trainIterator), evaluation)
 *     .saveTo(file, null).run(10);
 * }</pre>
 */
package io.github.dropout4j.zoo.training;
