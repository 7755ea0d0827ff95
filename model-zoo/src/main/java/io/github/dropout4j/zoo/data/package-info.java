/**
 * Data for the zoo: MNIST-format (IDX) files, CIFAR-10's binary format, DL4J iterators over them, and a verifying
 * downloader.
 *
 * <ul>
 *   <li>{@link io.github.dropout4j.zoo.data.IdxReader} reads IDX image and label files, raw or gzipped, and
 *       reports malformed input as {@link io.github.dropout4j.zoo.data.IdxFormatException} naming the file,
 *       the byte offset, the expected and the found value.
 *   <li>{@link io.github.dropout4j.zoo.data.LabeledImages} pairs images with labels (equal counts, labels in
 *       range); {@link io.github.dropout4j.zoo.data.MnistData} holds train / validation / test, either the
 *       bundled 8,000 / 1,000 / 1,000 subset in {@code src-test-data/mnist} ({@code MnistData.bundled()}) or
 *       the canonical 60,000 + 10,000 files ({@code MnistData.loadCanonical(dir, 10_000)}).
 *   <li>{@link io.github.dropout4j.zoo.data.IdxDataSetIterator} serves {@code [batch, 784]} features in
 *       [0, 1] and one-hot {@code [batch, 10]} labels, with seeded per-epoch shuffling.
 *   <li>{@link io.github.dropout4j.zoo.data.Downloader} fetches a
 *       {@link io.github.dropout4j.zoo.data.DatasetManifest} (MNIST's is built in) into
 *       {@code ~/.dropout4j/data/<dataset>/}, verifying SHA-256, resuming cut transfers, falling back across
 *       mirrors, and never touching the network in offline mode.
 *   <li>CIFAR-10: {@link io.github.dropout4j.zoo.data.Cifar10Records} reads {@code data_batch_N.bin} /
 *       {@code test_batch.bin} (errors as {@link io.github.dropout4j.zoo.data.Cifar10FormatException});
 *       {@link io.github.dropout4j.zoo.data.Cifar10Data} loads a directory or the shipped synthetic stand-in;
 *       {@link io.github.dropout4j.zoo.data.Cifar10DataSetIterator} serves {@code [batch, 3, 32, 32]} in [0, 1];
 *       {@link io.github.dropout4j.zoo.data.PixelMeanNormalizer} subtracts the training set's per-pixel mean;
 *       {@link io.github.dropout4j.zoo.data.Cifar10Download} fetches and extracts ({@link
 *       io.github.dropout4j.zoo.data.TarGzExtractor}) the Toronto archive.
 * </ul>
 *
 * <pre>{@code
 * Path dir = new Downloader(DownloadOptions.defaults()).fetchAll(DatasetManifest.mnist());
 * MnistData mnist = MnistData.loadCanonical(dir, 10_000);
 * DataSetIterator train = IdxDataSetIterator.builder(mnist.train()).batchSize(100).shuffle(42).build();
 * }</pre>
 */
package io.github.dropout4j.zoo.data;
