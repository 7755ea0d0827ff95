package io.github.dropout4j.zoo.data.imagenet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropout4j.zoo.models.HintonImageNetNet;
import io.github.dropout4j.zoo.training.EpochRecord;
import io.github.dropout4j.zoo.training.RunManifest;
import io.github.dropout4j.zoo.training.TrainingRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class ImageNetPipelineTest {

    private static Path synthetic;
    private static ImageFolder train;
    private static ImageNetStatistics stats;

    @BeforeAll
    static void data() {
        Path here = Path.of("").toAbsolutePath();
        Path p = here.resolve("src-test-data/imagenet-synthetic");
        if (!Files.isDirectory(p)) {
            p = here.getParent().resolve("src-test-data/imagenet-synthetic");
        }
        synthetic = p;
        train = ImageFolder.open(synthetic.resolve("train"));
        stats = ImageNetStatistics.compute(train, 72);
    }

    /** value = 100 c + 10 y + x on a 4x4 image. */
    private static float[] known() {
        float[] img = new float[3 * 16];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 4; x++) {
                    img[c * 16 + y * 4 + x] = 100 * c + 10 * y + x;
                }
            }
        }
        return img;
    }

    @Test
    void cropFlipAndSubsampleOnAKnownImage() {
        float[] crop = ImageTransforms.crop(known(), 4, null, 1, 2, 2, false);
        assertArrayEquals(new float[] {12, 13, 22, 23, 112, 113, 122, 123, 212, 213, 222, 223}, crop);
        float[] flipped = ImageTransforms.crop(known(), 4, null, 1, 2, 2, true);
        assertArrayEquals(new float[] {13, 12, 23, 22, 113, 112, 123, 122, 213, 212, 223, 222}, flipped);
        float[] mean = new float[48];
        java.util.Arrays.fill(mean, 1f);
        assertEquals(11f, ImageTransforms.crop(known(), 4, mean, 1, 2, 2, false)[0]);
        // 2x2 block means: (0 + 1 + 10 + 11) / 4 = 5.5, ...
        float[] sub = ImageTransforms.subsample(known(), 4, 2);
        assertArrayEquals(
                new float[] {5.5f, 7.5f, 25.5f, 27.5f, 105.5f, 107.5f, 125.5f, 127.5f, 205.5f, 207.5f, 225.5f, 227.5f},
                sub,
                1e-5f);
    }

    @Test
    void colourPcaRecoversAConstructedEigenDecomposition() {
        // C = Q diag(0.05, 0.01, 0.2) Q^T with Q a rotation about the grey axis's neighbourhood
        double a = 0.3, b = 0.7;
        double[][] rx = {{1, 0, 0}, {0, Math.cos(a), -Math.sin(a)}, {0, Math.sin(a), Math.cos(a)}};
        double[][] rz = {{Math.cos(b), -Math.sin(b), 0}, {Math.sin(b), Math.cos(b), 0}, {0, 0, 1}};
        double[][] q = mul(rz, rx);
        double[] l = {0.05, 0.01, 0.2};
        double[][] cov = new double[3][3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 3; k++) {
                    cov[i][j] += q[i][k] * l[k] * q[j][k];
                }
            }
        }
        ColourPca pca = ColourPca.ofCovariance(cov);
        assertArrayEquals(new double[] {0.01, 0.05, 0.2}, pca.eigenvalues(), 1e-10, "ascending eigenvalues");
        int[] which = {1, 0, 2}; // eigenvalue order -> column of q
        double[][] p = pca.eigenvectors();
        for (int i = 0; i < 3; i++) {
            double dot = 0;
            for (int r = 0; r < 3; r++) {
                dot += p[r][i] * q[r][which[i]];
            }
            assertEquals(1.0, Math.abs(dot), 1e-10, "eigenvector " + i + " equals Q's column up to sign");
        }
        // delta for a = (0, 0, 1): p_3 * l_3
        float[] d = pca.delta(new double[] {0, 0, 1});
        for (int r = 0; r < 3; r++) {
            assertEquals(p[r][2] * 0.2, d[r], 1e-6);
        }
    }

    private static double[][] mul(double[][] x, double[][] y) {
        double[][] z = new double[3][3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 3; k++) {
                    z[i][j] += x[i][k] * y[k][j];
                }
            }
        }
        return z;
    }

    @Test
    void tenViewsAreCentreFourCornersAndTheirMirrors() {
        int[][] v = ImageNetPreprocessor.tenViewOffsets(256, 224);
        assertArrayEquals(
                new int[][] {
                    {16, 16, 0},
                    {0, 0, 0},
                    {0, 32, 0},
                    {32, 0, 0},
                    {32, 32, 0},
                    {16, 16, 1},
                    {0, 0, 1},
                    {0, 32, 1},
                    {32, 0, 1},
                    {32, 32, 1}
                },
                v);
        ImageNetPreprocessor pre = new ImageNetPreprocessor(4, 2, 0, 0, null);
        float[][] views = pre.tenViews(known());
        assertArrayEquals(ImageTransforms.crop(known(), 4, null, 2, 2, 2, true), views[9]);
        assertArrayEquals(ImageTransforms.crop(known(), 4, null, 1, 1, 2, false), views[0]);
    }

    @Test
    void augmentationIsAFunctionOfSeedEpochAndIndex() throws Exception {
        ImageNetPreprocessor pre = new ImageNetPreprocessor(72, 64, 4, 0.1, stats);
        float[] img = ImageTransforms.loadSquare(train.file(0), 72);
        assertArrayEquals(pre.trainingCrop(img, 7, 3, 5), pre.trainingCrop(img, 7, 3, 5));
        assertFalse(java.util.Arrays.equals(pre.trainingCrop(img, 7, 3, 5), pre.trainingCrop(img, 7, 4, 5)));
        assertFalse(java.util.Arrays.equals(pre.trainingCrop(img, 7, 3, 5), pre.trainingCrop(img, 8, 3, 5)));
        // the iterator gives the same batches whatever the number of decoding threads
        try (ImageNetIterator one = new ImageNetIterator(train, pre, 8, true, 7, 1);
                ImageNetIterator three = new ImageNetIterator(train, pre, 8, true, 7, 3)) {
            MultiDataSet a = one.next();
            MultiDataSet b = three.next();
            assertEquals(a.getFeatures(0), b.getFeatures(0));
            assertEquals(a.getFeatures(1), b.getFeatures(1));
            assertEquals(a.getLabels(0), b.getLabels(0));
            assertArrayEquals(new long[] {8, 3, 64, 64}, a.getFeatures(0).shape());
            assertArrayEquals(new long[] {8, 3, 16, 16}, a.getFeatures(1).shape());
            assertArrayEquals(new long[] {8, 4}, a.getLabels(0).shape());
        }
    }

    @Test
    void statisticsAreSensibleAndRoundTrip(@TempDir Path dir) throws Exception {
        assertEquals(4, train.numClasses());
        assertEquals(List.of("disc", "square", "stripes", "triangle"), train.classes());
        double[] l = stats.pca().eigenvalues();
        assertTrue(l[0] >= 0 && l[0] <= l[1] && l[1] <= l[2], java.util.Arrays.toString(l));
        for (float m : stats.mean()) {
            assertTrue(m >= 0 && m <= 255);
        }
        Path f = dir.resolve("stats.bin");
        stats.save(f);
        ImageNetStatistics back = ImageNetStatistics.load(f);
        assertArrayEquals(stats.mean(), back.mean());
        assertEquals(stats.pca(), back.pca());
    }

    @Test
    void tinyHintonNetTrainsWithLossFallingAndTenViewEvaluationRuns() throws Exception {
        ImageNetPreprocessor pre = new ImageNetPreprocessor(72, 64, 4, 0.1, stats);
        ComputationGraph net = HintonImageNetNet.builder()
                .cropSize(64)
                .widthDivisor(8)
                .fcUnits(32)
                .numClasses(train.numClasses())
                .updater(new Adam(2e-3))
                .weightInit(WeightInit.RELU.getWeightInitFunction())
                .hiddenBias(0.1)
                .seed(3)
                .build()
                .init();
        List<Double> losses = new ArrayList<>();
        new TrainingRun(
                        net,
                        RunManifest.fresh("hinton-imagenet", "imagenet", "train", "test", Map.of()),
                        new ImageNetEpochs(train, pre, 12, 11, 2),
                        TrainingRun.Evaluation.NONE)
                .listener(new TrainingRun.Listener() {
                    @Override
                    public void epochDone(EpochRecord r, RunManifest m) {
                        losses.add(r.trainLoss());
                    }
                })
                .run(8);
        int epochs = net.getEpochCount();
        assertEquals(8, epochs);
        // mean loss of the last two epochs below the first two: noisy (dropout, augmentation), but ~1.39 at start
        double first = (losses.get(0) + losses.get(1)) / 2, last = (losses.get(6) + losses.get(7)) / 2;
        assertTrue(last < first, "losses " + losses);

        TenViewEvaluator tenView = new TenViewEvaluator(pre);
        INDArray p = tenView.predict(net, ImageTransforms.loadSquare(train.file(0), 72));
        assertArrayEquals(new long[] {4}, p.shape());
        assertEquals(1.0, p.sumNumber().doubleValue(), 1e-5);
        Evaluation eval = tenView.evaluate(net, ImageFolder.open(synthetic.resolve("val")));
        assertEquals(12, eval.getNumRowCounter(), "all 12 validation images evaluated");
    }

    @Test
    void tenViewEvaluatorWorksForSingleInputNetworks() throws Exception {
        ImageNetPreprocessor pre = new ImageNetPreprocessor(72, 64, 0, 0, stats);
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(1)
                .list()
                .layer(new ConvolutionLayer.Builder(5, 5)
                        .stride(4, 4)
                        .nOut(4)
                        .activation(Activation.RELU)
                        .build())
                .layer(new SubsamplingLayer.Builder(
                                SubsamplingLayer.PoolingType.MAX, new int[] {3, 3}, new int[] {2, 2})
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(4)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.convolutional(64, 64, 3))
                .build());
        net.init();
        float[] img = ImageTransforms.loadSquare(train.file(3), 72);
        INDArray p = new TenViewEvaluator(pre).predict(net, img);
        // equals the mean of the ten single-view outputs
        INDArray manual = null;
        for (float[] view : pre.tenViews(img)) {
            INDArray o = net.output(pre.toInputs(List.of(view))[0]);
            manual = manual == null ? o : manual.add(o);
        }
        assertTrue(manual.div(10).reshape(4).equalsWithEps(p, 1e-5));
    }

    /** Copies one synthetic training image to {@code dir/name}. */
    private static void copyImage(int index, Path dir, String name) throws java.io.IOException {
        Files.createDirectories(dir);
        Files.copy(train.file(index), dir.resolve(name));
    }

    @Test
    void validationFoldersAreLabelledByTheTrainingClassNames(@TempDir Path dir) throws java.io.IOException {
        List<String> classes = train.classes(); // disc, square, stripes, triangle
        copyImage(0, dir.resolve("stripes"), "a.png");
        copyImage(1, dir.resolve("triangle"), "b.png");
        ImageFolder val = ImageFolder.openLabelled(dir, classes);
        assertEquals(classes, val.classes());
        assertEquals(2, val.size());
        assertEquals(classes.indexOf("stripes"), val.label(0), "not 0, the folder's own position");
        assertEquals(classes.indexOf("triangle"), val.label(1));

        copyImage(2, dir.resolve("zebra"), "c.png");
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> ImageFolder.openLabelled(dir, classes));
        assertTrue(e.getMessage().contains("zebra") && e.getMessage().contains("not one of"), e.getMessage());
    }

    /** The official flat layout: images sorted by name, one label per line, numeric IDs through synsets.txt. */
    @Test
    void flatIlsvrcValidationFolderWithItsGroundTruthFile(@TempDir Path dir) throws java.io.IOException {
        List<String> classes = train.classes();
        for (int i = 0; i < 3; i++) {
            copyImage(i, dir, String.format("ILSVRC2010_val_%08d.png", i + 1));
        }
        // IDs of the devkit are not the sorted order: ID 1 = triangle, 2 = disc, 3 = stripes, 4 = square
        Files.writeString(dir.resolve("synsets.txt"), "triangle a shape\ndisc\nstripes\nsquare\n");
        Files.writeString(dir.resolve("ILSVRC2010_validation_ground_truth.txt"), "3\n1\n2\n");
        ImageFolder val = ImageFolder.openLabelled(dir, classes);
        assertEquals(3, val.size());
        assertEquals(dir.resolve("ILSVRC2010_val_00000001.png"), val.file(0));
        assertArrayEquals(
                new int[] {classes.indexOf("stripes"), classes.indexOf("triangle"), classes.indexOf("disc")},
                new int[] {val.label(0), val.label(1), val.label(2)});

        Files.writeString(dir.resolve("ILSVRC2010_validation_ground_truth.txt"), "square\ndisc\nsquare\n");
        assertEquals(
                classes.indexOf("square"),
                ImageFolder.openLabelled(dir, classes).label(2),
                "class names");

        Files.writeString(dir.resolve("ILSVRC2010_validation_ground_truth.txt"), "3\n1\n");
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> ImageFolder.openLabelled(dir, classes));
        assertTrue(e.getMessage().contains("2 labels") && e.getMessage().contains("3 images"), e.getMessage());
        Files.writeString(dir.resolve("ILSVRC2010_validation_ground_truth.txt"), "3\n1\n9\n");
        e = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> ImageFolder.openLabelled(dir, classes));
        assertTrue(e.getMessage().contains("line 3") && e.getMessage().contains("ID 9"), e.getMessage());
    }

    /**
     * A real four-channel (CMYK) JPEG, written by the JDK's own JPEG writer from a raster, is decoded by the
     * pipeline (TwelveMonkeys plugin; the JDK's reader rejects such files) into a uniform colour. The fixture has no
     * Adobe APP14 marker, so which RGB the plugin assigns to the ink is its guess and not asserted here.
     */
    @Test
    void cmykJpegIsDecoded(@TempDir Path dir) throws java.io.IOException {
        java.awt.image.WritableRaster ink =
                java.awt.image.Raster.createInterleavedRaster(java.awt.image.DataBuffer.TYPE_BYTE, 40, 30, 4, null);
        for (int y = 0; y < 30; y++) {
            for (int x = 0; x < 40; x++) {
                ink.setPixel(x, y, new int[] {0, 255, 255, 255});
            }
        }
        Path file = dir.resolve("cmyk.jpg");
        javax.imageio.ImageWriter jdkWriter = jdk(javax.imageio.ImageIO.getImageWritersByFormatName("jpeg"));
        try (javax.imageio.stream.ImageOutputStream out =
                javax.imageio.ImageIO.createImageOutputStream(file.toFile())) {
            jdkWriter.setOutput(out);
            jdkWriter.write(null, new javax.imageio.IIOImage(ink, null, null), null);
        }
        byte[] jpeg = Files.readAllBytes(file);
        int components = -1;
        for (int i = 2; i + 9 < jpeg.length; i++) { // the frame header SOF0..SOF2: FF C0..C2, len(2), P, Y(2), X(2), Nf
            if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) >= 0xC0 && (jpeg[i + 1] & 0xFF) <= 0xC2) {
                components = jpeg[i + 9] & 0xFF;
                break;
            }
        }
        assertEquals(4, components, "a four-channel (CMYK) JPEG");
        float[] rgb = ImageTransforms.loadSquare(file, 16); // the JDK's reader alone fails here
        int plane = 16 * 16;
        for (int c = 0; c < 3; c++) {
            for (int i = 1; i < plane; i++) {
                assertEquals(rgb[c * plane], rgb[c * plane + i], 2f, "one ink everywhere, one colour everywhere");
            }
        }
        assertTrue(
                rgb[0] + rgb[plane] + rgb[2 * plane] > 100,
                "not black: " + rgb[0] + ", " + rgb[plane] + ", " + rgb[2 * plane]);
    }

    /** The JDK's own writer (class in com.sun.imageio), not a plugin's. */
    private static <T> T jdk(java.util.Iterator<T> it) {
        while (it.hasNext()) {
            T t = it.next();
            if (t.getClass().getName().startsWith("com.sun.imageio")) {
                return t;
            }
        }
        throw new AssertionError("no JDK JPEG writer");
    }

    @Test
    void unreadableImagesAreSkippedUpToTheLimitThenNamed(@TempDir Path dir) throws java.io.IOException {
        copyImage(0, dir.resolve("disc"), "good.png");
        copyImage(1, dir.resolve("disc"), "good2.png");
        Files.write(dir.resolve("disc/broken.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3});
        ImageFolder f = ImageFolder.open(dir);
        BadImages bad = new BadImages(1);
        ImageNetStatistics.compute(f, 72, bad);
        assertEquals(List.of(dir.resolve("disc/broken.jpg")), bad.files());
        java.io.UncheckedIOException e = org.junit.jupiter.api.Assertions.assertThrows(
                java.io.UncheckedIOException.class, () -> ImageNetStatistics.compute(f, 72, new BadImages(0)));
        assertTrue(
                e.getMessage().contains("broken.jpg") && e.getMessage().contains("--max-bad-images 0"), e.getMessage());
    }
}
