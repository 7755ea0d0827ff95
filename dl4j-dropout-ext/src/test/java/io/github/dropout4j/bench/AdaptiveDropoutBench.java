package io.github.dropout4j.bench;

import io.github.dropout4j.adaptive.AdaptiveDropout;
import io.github.dropout4j.dropout.BernoulliDropout;
import io.github.dropout4j.dropout.TestTimeWeightScaling;
import java.util.Arrays;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Cost of one {@link AdaptiveDropout} adaptation (default {@code passes}, all input and hidden units of the
 * paper's 784-800-800-10 net adapted at once: 784 + 800 + 800 = 2384 units) as a ratio to one training epoch of
 * 8000 random examples (batch 100, SGD, float), for validation batches of 500 and 1000 examples. Then, for
 * hidden widths 400 and 800, the adaptation time against {@code passes + 1} plain inference passes
 * ({@code net.output}) over the same validation batch: if the per-unit bookkeeping (mask hashing, one
 * {@code [3, B] x [B, U]} product per layer and pass) were significant, that ratio would grow with the width.
 *
 * <pre>
 * OMP_WAIT_POLICY=PASSIVE mvn -q -pl dl4j-dropout-ext test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.github.dropout4j.bench.AdaptiveDropoutBench [-Dexec.args="reps"]
 * </pre>
 */
public final class AdaptiveDropoutBench {

    private static final int EXAMPLES = 8000;
    private static final int BATCH = 100;

    public static void main(String[] args) {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        BenchTimer.header("AdaptiveDropoutBench");
        Nd4j.getRandom().setSeed(1);
        INDArray x = Nd4j.rand(EXAMPLES, 784);
        INDArray y = Nd4j.zeros(EXAMPLES, 10);
        for (int i = 0; i < EXAMPLES; i++) {
            y.putScalar(i, i % 10, 1);
        }
        ListDataSetIterator<DataSet> it = new ListDataSetIterator<>(new DataSet(x, y).batchBy(BATCH), 1);
        int passes = AdaptiveDropout.builder(x, y).build().passes();
        int[] validations = {500, 1000};
        int[] widths = {400, 800};
        MultiLayerNetwork[] nets = {net(widths[0]), net(widths[1])};
        AdaptiveDropout[] adaptive = {adaptive(x, y, validations[0]), adaptive(x, y, validations[1])};
        INDArray v = x.get(NDArrayIndex.interval(0, validations[0]), NDArrayIndex.all())
                .dup();

        // Round-robin: each repetition times every task once, so load from other processes hits all alike.
        Runnable[] tasks = {
            () -> nets[1].fit(it), // 0: one epoch, width 800
            () -> adaptive[0].adapt(nets[1]), // 1: adaptation, width 800, B = 500
            () -> adaptive[1].adapt(nets[1]), // 2: adaptation, width 800, B = 1000
            () -> adaptive[0].adapt(nets[0]), // 3: adaptation, width 400, B = 500
            () -> forwards(nets[1], v, passes + 1), // 4: passes + 1 inference passes, width 800, B = 500
            () -> forwards(nets[0], v, passes + 1)
        }; // 5: the same, width 400
        double[][] t = new double[tasks.length][reps];
        for (Runnable task : tasks) {
            task.run(); // warm-up
        }
        for (int r = 0; r < reps; r++) {
            for (int k = 0; k < tasks.length; k++) {
                long start = System.nanoTime();
                tasks[k].run();
                t[k][r] = (System.nanoTime() - start) / 1e9;
            }
        }
        double[] m = new double[tasks.length];
        for (int k = 0; k < tasks.length; k++) {
            Arrays.sort(t[k]);
            m[k] = t[k][reps / 2];
        }
        System.out.printf(
                "784-800-800-10, %d examples, batch %d: one training epoch %s (median of %d, round-robin)%n",
                EXAMPLES, BATCH, BenchTimer.fmt(m[0]), reps);
        for (int i = 0; i < 2; i++) {
            System.out.printf(
                    "  one adaptation, passes=%d, validation %4d examples, 2384 units: %s = %.3f epochs%n",
                    passes, validations[i], BenchTimer.fmt(m[1 + i]), m[1 + i] / m[0]);
        }
        System.out.printf(
                "Adaptation vs %d inference passes (net.output) over %d validation examples:%n",
                passes + 1, validations[0]);
        System.out.printf(
                "  784-400-400-10 (1584 units): adaptation %s, %d x forward %s, ratio %.2f%n",
                BenchTimer.fmt(m[3]), passes + 1, BenchTimer.fmt(m[5]), m[3] / m[5]);
        System.out.printf(
                "  784-800-800-10 (2384 units): adaptation %s, %d x forward %s, ratio %.2f%n",
                BenchTimer.fmt(m[1]), passes + 1, BenchTimer.fmt(m[4]), m[1] / m[4]);
    }

    private static void forwards(MultiLayerNetwork net, INDArray v, int n) {
        for (int i = 0; i < n; i++) {
            net.output(v);
        }
    }

    private static AdaptiveDropout adaptive(INDArray x, INDArray y, int validation) {
        return AdaptiveDropout.builder(
                        x.get(NDArrayIndex.interval(0, validation), NDArrayIndex.all())
                                .dup(),
                        y.get(NDArrayIndex.interval(0, validation), NDArrayIndex.all())
                                .dup())
                .seed(1)
                .build();
    }

    private static double[] filled(int n, double p) {
        double[] a = new double[n];
        Arrays.fill(a, p);
        return a;
    }

    /** 784-width-width-10, ReLU, per-unit dropout: inputs 0.8, hidden 0.5; test-time weight scaling. */
    public static MultiLayerNetwork net(int width) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(1)
                .updater(new Sgd(0.1))
                .weightNoise(new TestTimeWeightScaling())
                .list()
                .layer(new DenseLayer.Builder()
                        .nIn(784)
                        .nOut(width)
                        .activation(Activation.RELU)
                        .dropOut(BernoulliDropout.perUnitRetainProbabilities(filled(784, 0.8))
                                .withSeed(1))
                        .build())
                .layer(new DenseLayer.Builder()
                        .nIn(width)
                        .nOut(width)
                        .activation(Activation.RELU)
                        .dropOut(BernoulliDropout.perUnitRetainProbabilities(filled(width, 0.5))
                                .withSeed(2))
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(width)
                        .nOut(10)
                        .activation(Activation.SOFTMAX)
                        .dropOut(BernoulliDropout.perUnitRetainProbabilities(filled(width, 0.5))
                                .withSeed(3))
                        .build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }
}
