package io.github.dropout4j.zoo.experiments;

import io.github.dropout4j.adaptive.AdaptiveDropout;
import io.github.dropout4j.dropout.BernoulliDropout;
import io.github.dropout4j.dropout.Dropouts;
import io.github.dropout4j.dropout.TestTimeWeightScaling;
import io.github.dropout4j.layers.Standout;
import io.github.dropout4j.layers.StandoutLayer;
import io.github.dropout4j.zoo.data.IdxDataSetIterator;
import io.github.dropout4j.zoo.data.MnistData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Fixed dropout vs {@link AdaptiveDropout} vs {@link Standout} on the repository's bundled MNIST digits
 * (8,000 train / 1,000 validation / 1,000 test, {@link MnistData#bundled()}).
 *
 * <p>All three: 784-W-W-10 (default W = 800, the paper's smallest MNIST net), ReLU, softmax, cross-entropy,
 * minibatch 100, Adam(1e-3) (not the paper's SGD schedule: a few epochs on 2 cores, not 3000), the same
 * weight-init seed and data order, and test-time weight scaling for Bernoulli dropout.
 * <ol>
 *   <li><b>fixed</b>: retain 0.8 on the pixels, 0.5 on both hidden layers (the paper's rates);</li>
 *   <li><b>adaptive</b>: the same starting rates as per-unit probabilities, adapted by {@link AdaptiveDropout}
 *       after every epoch on the validation split (passes 8, step 0.05, bounds [0.2, 0.95]);</li>
 *   <li><b>standout</b>: pixels retained with 0.8; both hidden layers are {@link Standout} layers (shared
 *       overlay, alpha 1, beta 0, Ba &amp; Frey's setting); no other dropout on the hidden units.</li>
 * </ol>
 * Prints each model's validation and test errors and training time, and writes a PNG histogram of the learned
 * retain probabilities: adaptive's per-unit values (pixels and hidden units) and standout's per-unit mean of
 * {@code pi} over the test digits.
 *
 * <pre>
 * mvn -B -o -q -pl model-zoo -am compile dependency:build-classpath -Dmdep.includeScope=runtime \
 *     -Dmdep.outputFile=/tmp/dropout4j-cp.txt
 * OMP_WAIT_POLICY=PASSIVE java -cp model-zoo/target/classes:$(cat /tmp/dropout4j-cp.txt) \
 *     io.github.dropout4j.zoo.experiments.StandoutComparison [epochs=20] [width=800] [png=retain-probabilities.png]
 * </pre>
 */
public final class StandoutComparison {

    private static final long SEED = 42;

    private StandoutComparison() {}

    public static void main(String[] args) throws IOException {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int width = args.length > 1 ? Integer.parseInt(args[1]) : 800;
        Path png = Path.of(args.length > 2 ? args[2] : "retain-probabilities.png");
        MnistData data = MnistData.bundled();
        DataSet validation = IdxDataSetIterator.builder(data.validation())
                .batchSize(data.validation().count())
                .build()
                .next();
        DataSet test = IdxDataSetIterator.builder(data.test())
                .batchSize(data.test().count())
                .build()
                .next();
        System.out.printf(
                Locale.ROOT,
                "StandoutComparison: 784-%d-%d-10 on the bundled MNIST digits (%d train, %d "
                        + "validation, %d test), %d epochs, batch 100, Adam(1e-3), cores=%d%n",
                width,
                width,
                data.train().count(),
                validation.numExamples(),
                test.numExamples(),
                epochs,
                Runtime.getRuntime().availableProcessors());

        MultiLayerNetwork fixed = bernoulliNet(width, false);
        report("fixed dropout", fixed, train(fixed, data, epochs), validation, test);

        MultiLayerNetwork adaptiveNet = bernoulliNet(width, true);
        AdaptiveDropout adaptive = AdaptiveDropout.builder(validation.getFeatures(), validation.getLabels())
                .everyEpochs(1)
                .passes(8)
                .stepSize(0.05)
                .retainBounds(0.2, 0.95)
                .seed(SEED)
                .build();
        adaptiveNet.addListeners(adaptive);
        report("adaptive dropout", adaptiveNet, train(adaptiveNet, data, epochs), validation, test);

        MultiLayerNetwork standout = standoutNet(width);
        report("standout", standout, train(standout, data, epochs), validation, test);

        double[] pixels = retain(adaptiveNet, 0);
        double[] hidden = concat(retain(adaptiveNet, 1), retain(adaptiveNet, 2));
        double[] standoutPi = concat(meanPi(standout, test.getFeatures(), 0), meanPi(standout, test.getFeatures(), 1));
        summary("adaptive, pixel units", pixels);
        summary("adaptive, hidden units", hidden);
        summary("standout, hidden units (mean pi over test digits)", standoutPi);
        histogram(png, pixels, hidden, standoutPi);
        System.out.println("histogram: " + png.toAbsolutePath());
    }

    private static double train(MultiLayerNetwork net, MnistData data, int epochs) {
        DataSetIterator it = IdxDataSetIterator.builder(data.train())
                .batchSize(100)
                .shuffle(SEED)
                .build();
        long start = System.nanoTime();
        net.fit(it, epochs);
        return (System.nanoTime() - start) / 1e9;
    }

    private static void report(String name, MultiLayerNetwork net, double seconds, DataSet validation, DataSet test) {
        int valErrors = errors(net, validation);
        int testErrors = errors(net, test);
        System.out.printf(
                Locale.ROOT,
                "%-17s validation errors %3d / %d (%.1f%%), test errors %3d / %d (%.1f%%), " + "training %.0f s%n",
                name,
                valErrors,
                validation.numExamples(),
                100.0 * valErrors / validation.numExamples(),
                testErrors,
                test.numExamples(),
                100.0 * testErrors / test.numExamples(),
                seconds);
    }

    private static int errors(MultiLayerNetwork net, DataSet d) {
        Evaluation e = new Evaluation(10);
        e.eval(d.getLabels(), net.output(d.getFeatures()));
        return (int) Math.round((1 - e.accuracy()) * d.numExamples());
    }

    private static double[] filled(int n, double p) {
        double[] a = new double[n];
        Arrays.fill(a, p);
        return a;
    }

    private static NeuralNetConfiguration.ListBuilder base() {
        return new NeuralNetConfiguration.Builder()
                .seed(SEED)
                .updater(new Adam(1e-3))
                .weightInit(WeightInit.RELU)
                .weightNoise(new TestTimeWeightScaling())
                .list();
    }

    private static MultiLayerNetwork bernoulliNet(int width, boolean perUnit) {
        MultiLayerConfiguration conf = base().layer(new DenseLayer.Builder()
                        .nIn(784)
                        .nOut(width)
                        .activation(Activation.RELU)
                        .dropOut(dropout(784, 0.8, perUnit, 1))
                        .build())
                .layer(new DenseLayer.Builder()
                        .nIn(width)
                        .nOut(width)
                        .activation(Activation.RELU)
                        .dropOut(dropout(width, 0.5, perUnit, 2))
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(width)
                        .nOut(10)
                        .activation(Activation.SOFTMAX)
                        .dropOut(dropout(width, 0.5, perUnit, 3))
                        .build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static BernoulliDropout dropout(int units, double p, boolean perUnit, long seed) {
        return (perUnit
                        ? BernoulliDropout.perUnitRetainProbabilities(filled(units, p))
                        : BernoulliDropout.retainProbability(p))
                .withSeed(seed);
    }

    private static MultiLayerNetwork standoutNet(int width) {
        MultiLayerConfiguration conf = base().layer(new Standout.Builder()
                        .nIn(784)
                        .nOut(width)
                        .activation(Activation.RELU)
                        .alpha(1)
                        .beta(0)
                        .overlay(Standout.OverlayWeights.SHARED)
                        .seed(11)
                        .dropOut(BernoulliDropout.retainProbability(0.8).withSeed(1))
                        .build())
                .layer(new Standout.Builder()
                        .nIn(width)
                        .nOut(width)
                        .activation(Activation.RELU)
                        .alpha(1)
                        .beta(0)
                        .overlay(Standout.OverlayWeights.SHARED)
                        .seed(12)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(width)
                        .nOut(10)
                        .activation(Activation.SOFTMAX)
                        .build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static double[] retain(MultiLayerNetwork net, int layer) {
        return Dropouts.of(net, layer).orElseThrow().retainProbabilities();
    }

    /** Per unit of Standout layer {@code layer}, the mean test-time retain probability over {@code x}'s rows. */
    private static double[] meanPi(MultiLayerNetwork net, INDArray x, int layer) {
        List<INDArray> acts = net.feedForward(x, false);
        StandoutLayer l = (StandoutLayer) net.getLayer(layer);
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        l.setInput(acts.get(layer), mgr);
        return l.retainProbabilities(false, mgr).mean(0).toDoubleVector();
    }

    private static double[] concat(double[] a, double[] b) {
        double[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static void summary(String name, double[] p) {
        double[] s = p.clone();
        Arrays.sort(s);
        System.out.printf(
                Locale.ROOT,
                "%-50s %4d units: min %.3f, 10%% %.3f, median %.3f, 90%% %.3f, max %.3f, " + "mean %.3f%n",
                name,
                s.length,
                s[0],
                s[s.length / 10],
                s[s.length / 2],
                s[s.length * 9 / 10],
                s[s.length - 1],
                Arrays.stream(s).average().orElse(Double.NaN));
    }

    private static void histogram(Path png, double[] pixels, double[] hidden, double[] standout) throws IOException {
        int bins = 20;
        List<String> labels = new ArrayList<>();
        for (int b = 0; b < bins; b++) {
            labels.add(String.format(Locale.ROOT, "%.2f", (b + 0.5) / bins));
        }
        CategoryChart chart = new CategoryChartBuilder()
                .width(1000)
                .height(500)
                .title("Learned retain probabilities (fraction of units per bin)")
                .xAxisTitle("retain probability")
                .yAxisTitle("fraction of units")
                .build();
        chart.getStyler().setOverlapped(true);
        chart.getStyler().setXAxisLabelRotation(45);
        chart.addSeries("adaptive: pixels", labels, fractions(pixels, bins));
        chart.addSeries("adaptive: hidden units", labels, fractions(hidden, bins));
        chart.addSeries("standout: hidden units, mean pi on test", labels, fractions(standout, bins));
        String name = png.toString().endsWith(".png")
                ? png.toString().substring(0, png.toString().length() - 4)
                : png.toString();
        BitmapEncoder.saveBitmap(chart, name, BitmapEncoder.BitmapFormat.PNG);
    }

    private static List<Double> fractions(double[] p, int bins) {
        double[] f = new double[bins];
        for (double v : p) {
            f[Math.min(bins - 1, (int) (v * bins))] += 1.0 / p.length;
        }
        List<Double> out = new ArrayList<>();
        for (double v : f) {
            out.add(v);
        }
        return out;
    }
}
