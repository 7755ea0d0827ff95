package example;

import io.github.dropout4j.constraint.PerUnitMaxNorm;
import io.github.dropout4j.dropout.BernoulliDropout;
import io.github.dropout4j.dropout.DropoutPlacement;
import io.github.dropout4j.dropout.TestTimeWeightScaling;
import io.github.dropout4j.inference.MeanNetwork;
import io.github.dropout4j.updater.DampedMomentum;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

import java.io.DataInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's quick start in a user's project: trains on the bundled digits, checks that {@code output()} is the
 * paper's mean network (computed here by hand from the raw weights) and exports it for plain DL4J.
 */
class QuickStartTest {
    static final Path DIGITS = Paths.get(System.getProperty("digitsDir"));
    static final double[] RETAIN = {0.8, 0.5, 0.5};   // the retain probabilities of layers 0, 1, 2 below

    @Test
    void quickStartTrainsAMeanNetworkThatPlainDl4jCanLoad() throws IOException {
        // The README's quick start, verbatim.
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
            .seed(42)
            .weightNoise(new TestTimeWeightScaling())          // output() = the paper's mean network
            .constrainWeights(PerUnitMaxNorm.maxSquaredLength(15))
            .updater(new DampedMomentum(1.0, 0.5))             // Appendix A.1's momentum, eps = 1, p = 0.5
            .list()
            .layer(new DenseLayer.Builder().nIn(784).nOut(800).activation(Activation.RELU)
                .dropOut(BernoulliDropout.retainProbability(0.8).withSeed(1)).build())   // 20% input dropout
            .layer(new DenseLayer.Builder().nIn(800).nOut(800).activation(Activation.RELU)
                .dropOut(BernoulliDropout.retainProbability(0.5).withSeed(2)).build())   // 50% hidden dropout
            .layer(new OutputLayer.Builder(LossFunction.MCXENT).nIn(800).nOut(10).activation(Activation.SOFTMAX)
                .dropOut(BernoulliDropout.retainProbability(0.5).withSeed(3)).build())
            .build();
        DropoutPlacement.check(conf);
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();

        // A few steps on the bundled digits: 50 minibatches of 100.
        INDArray trainX = images(DIGITS.resolve("train-images-idx3-ubyte.gz"), 5000);
        INDArray trainY = oneHot(labels(DIGITS.resolve("train-labels-idx1-ubyte.gz"), 5000));
        for (int step = 0; step < 50; step++) {
            net.fit(rows(trainX, step * 100, 100), rows(trainY, step * 100, 100));
        }
        assertEquals(50, net.getIterationCount());

        INDArray allTestX = images(DIGITS.resolve("test-images-idx3-ubyte.gz"), 1000);
        byte[] testLabels = labels(DIGITS.resolve("test-labels-idx1-ubyte.gz"), 1000);
        INDArray predicted = net.output(allTestX).argMax(1);
        int correct = 0;
        for (int n = 0; n < testLabels.length; n++) {
            correct += predicted.getInt(n) == testLabels[n] ? 1 : 0;
        }
        System.out.println("quick start: " + correct + " / 1000 test digits correct after 50 steps");
        // A trained mean network: 876 / 1000 when measured (seed 42); chance is ~100, and the paper's eps_0 = 10
        // (DampedMomentum.mnistRecipe()) gave 295 here. 800 leaves room for floating-point differences.
        assertTrue(correct >= 800, "mean network after 50 steps: " + correct + " / 1000 correct");

        INDArray testX = rows(allTestX, 0, 20);
        INDArray mean = net.output(testX);

        // output() is the mean network: every layer's incoming weights times its retain probability.
        double[][] byHand = forwardByHand(net, testX.toDoubleMatrix(), RETAIN);
        double[][] unscaled = forwardByHand(net, testX.toDoubleMatrix(), new double[]{1, 1, 1});
        double maxDiff = 0;
        double maxDiffUnscaled = 0;
        for (int n = 0; n < byHand.length; n++) {
            for (int k = 0; k < 10; k++) {
                maxDiff = Math.max(maxDiff, Math.abs(mean.getDouble(n, k) - byHand[n][k]));
                maxDiffUnscaled = Math.max(maxDiffUnscaled, Math.abs(mean.getDouble(n, k) - unscaled[n][k]));
            }
        }
        // float32 network against a double-precision hand computation over sums of up to 800 terms.
        assertTrue(maxDiff < 1e-4, "output() vs hand-computed mean network: " + maxDiff);
        assertTrue(maxDiffUnscaled > 1e-2, "the scaling must matter, or this test could not fail: " + maxDiffUnscaled);

        // MeanNetwork.export writes a plain DL4J model (no Dropout4j class in it) that predicts the same.
        Path dir = Paths.get("target");
        File zip = dir.resolve("mean-network.zip").toFile();
        ModelSerializer.writeModel(MeanNetwork.export(net), zip, false);
        try (ZipFile z = new ZipFile(zip)) {
            String json = new String(z.getInputStream(z.getEntry("configuration.json")).readAllBytes());
            assertFalse(json.contains("io.github.dropout4j"), "the export must not name Dropout4j classes");
        }
        INDArray restored = ModelSerializer.restoreMultiLayerNetwork(zip).output(testX);
        assertTrue(mean.sub(restored).amaxNumber().doubleValue() < 1e-5);
        // For plain-dl4j-load, which loads the zip without Dropout4j on its class path.
        Nd4j.saveBinary(testX, dir.resolve("mean-network-inputs.bin").toFile());
        Nd4j.saveBinary(mean, dir.resolve("mean-network-outputs.bin").toFile());
    }

    @Test
    void theLibraryJarIsTheAutomaticModuleIoGithubDropout4jExt() throws Exception {
        Path jar = Paths.get(BernoulliDropout.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertTrue(jar.toString().endsWith(".jar"), "the library comes as a jar from the repository: " + jar);
        Set<String> names = ModuleFinder.of(jar).findAll().stream()
            .map(ModuleReference::descriptor).map(d -> d.name()).collect(Collectors.toSet());
        assertEquals(Set.of("io.github.dropout4j.ext"), names);
    }

    /** Dense layers y = f(x (r W) + b), with r the layer's retain probability, in double precision. */
    static double[][] forwardByHand(MultiLayerNetwork net, double[][] x, double[] retain) {
        double[][] a = x;
        for (int layer = 0; layer < 3; layer++) {
            double[][] w = net.getParam(layer + "_W").toDoubleMatrix();
            double[] b = net.getParam(layer + "_b").toDoubleVector();
            double[][] z = new double[a.length][b.length];
            for (int n = 0; n < a.length; n++) {
                for (int j = 0; j < b.length; j++) {
                    double s = b[j];
                    for (int i = 0; i < w.length; i++) {
                        s += a[n][i] * retain[layer] * w[i][j];
                    }
                    z[n][j] = layer < 2 ? Math.max(0, s) : s;
                }
            }
            a = z;
        }
        for (double[] row : a) {   // softmax
            double max = Double.NEGATIVE_INFINITY;
            for (double v : row) {
                max = Math.max(max, v);
            }
            double sum = 0;
            for (int k = 0; k < row.length; k++) {
                row[k] = Math.exp(row[k] - max);
                sum += row[k];
            }
            for (int k = 0; k < row.length; k++) {
                row[k] /= sum;
            }
        }
        return a;
    }

    static INDArray rows(INDArray m, int from, int count) {
        return m.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, from + count),
            org.nd4j.linalg.indexing.NDArrayIndex.all());
    }

    /** The first {@code count} images of a gzipped IDX file, pixels scaled to [0, 1], as [count, 784]. */
    static INDArray images(Path file, int count) throws IOException {
        try (DataInputStream in = idx(file, 0x803)) {
            in.readInt();
            int rows = in.readInt();
            int cols = in.readInt();
            byte[] pixels = in.readNBytes(count * rows * cols);
            float[] x = new float[pixels.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = (pixels[i] & 0xff) / 255f;
            }
            return Nd4j.create(x, new long[]{count, (long) rows * cols}, 'c');
        }
    }

    static byte[] labels(Path file, int count) throws IOException {
        try (DataInputStream in = idx(file, 0x801)) {
            in.readInt();
            return in.readNBytes(count);
        }
    }

    static INDArray oneHot(byte[] labels) {
        INDArray y = Nd4j.zeros(DataType.FLOAT, labels.length, 10);
        for (int n = 0; n < labels.length; n++) {
            y.putScalar(n, labels[n], 1f);
        }
        return y;
    }

    static DataInputStream idx(Path file, int magic) throws IOException {
        InputStream raw = new GZIPInputStream(Files.newInputStream(file));
        DataInputStream in = new DataInputStream(raw);
        int found = in.readInt();
        if (found != magic) {
            in.close();
            throw new IOException(file + ": IDX magic " + Integer.toHexString(found) + ", expected "
                + Integer.toHexString(magic));
        }
        return in;
    }
}
