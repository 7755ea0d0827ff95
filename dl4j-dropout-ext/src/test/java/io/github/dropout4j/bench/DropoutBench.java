package io.github.dropout4j.bench;

import io.github.dropout4j.dropout.BernoulliDropout;
import io.github.dropout4j.dropout.DropoutScaling;
import io.github.dropout4j.dropout.TestTimeWeightScaling;
import io.github.dropout4j.inference.MeanNetwork;
import java.util.List;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Prints what dropout costs, as ratios of medians measured in this run:
 * <ol>
 *   <li>the mask op (forward apply + backprop) against a plain copy of the same array, with test-time weight
 *       scaling (the paper's, a kept scale of 1) and inverted, and against DL4J's {@code Dropout}, on [100, 800]
 *       and [128, 4096] float arrays (retain 0.5);</li>
 *   <li>a training epoch of 784-800-800-10 (8,000 examples, minibatch 100) with BernoulliDropout in both modes
 *       against the same epoch without dropout;</li>
 *   <li>inference of the exported mean network and of the weight-scaled network against a plain network.</li>
 * </ol>
 * Run: {@code bench/run DropoutBench} (see the README). Pass {@code quick} (or {@code full}) for fewer (more)
 * repetitions, then {@code mask} for the mask op only.
 */
public final class DropoutBench {

    /** Calls before timing a mask op: C2 compiles the kernel's loops after some hundreds of calls. */
    private static final int WARMUP = 1000;

    private DropoutBench() {}

    public static void main(String[] args) {
        boolean quick = args.length > 0 && args[0].equals("quick");
        Nd4j.getRandom().setSeed(1);
        maskOp(quick);
        if (args.length > 1 && args[1].equals("mask")) {
            return;
        }
        epochs(quick);
        inference(quick);
    }

    private static void maskOp(boolean quick) {
        BenchTimer.header("Mask op (applyDropout + backprop), retain 0.5, float");
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        int reps = quick ? 51 : 301; // after WARMUP calls each, so the JIT has compiled the loops
        for (long[] shape : new long[][] {{100, 800}, {128, 4096}}) {
            INDArray x = Nd4j.rand(DataType.FLOAT, shape);
            INDArray out = x.ulike();
            INDArray grad = Nd4j.rand(DataType.FLOAT, shape);
            INDArray gradIn = grad.ulike();
            IDropout paper = BernoulliDropout.retainProbability(0.5).withSeed(1);
            IDropout ours = BernoulliDropout.retainProbability(0.5).withSeed(1).inverted();
            IDropout dl4j = new Dropout(0.5);
            int[] it = {0};
            double copy = BenchTimer.median(() -> out.assign(x), WARMUP, reps);
            double paperT = BenchTimer.median(
                    () -> {
                        paper.applyDropout(x, out, it[0], 0, mgr);
                        paper.backprop(grad, gradIn, it[0]++, 0);
                    },
                    WARMUP,
                    reps);
            double oursT = BenchTimer.median(
                    () -> {
                        ours.applyDropout(x, out, it[0], 0, mgr);
                        ours.backprop(grad, gradIn, it[0]++, 0);
                    },
                    WARMUP,
                    reps);
            double dl4jT = BenchTimer.median(
                    () -> {
                        dl4j.applyDropout(x, out, it[0], 0, mgr);
                        dl4j.backprop(grad, gradIn, it[0]++, 0);
                    },
                    WARMUP,
                    reps);
            System.out.printf(
                    "   %-12s copy %s | BernoulliDropout test-time scaling %s, inverted %s | DL4J Dropout %s%n",
                    java.util.Arrays.toString(shape),
                    BenchTimer.fmt(copy),
                    BenchTimer.fmt(paperT),
                    BenchTimer.fmt(oursT),
                    BenchTimer.fmt(dl4jT));
            System.out.printf(
                    "   %-12s ratio ours/copy = %.1fx test-time scaling, %.1fx inverted (target <= 10)   "
                            + "DL4J/ours (inverted) = %.1fx (target >= 5)%n",
                    "", paperT / copy, oursT / copy, dl4jT / oursT);
        }
    }

    static MultiLayerNetwork mlp(IDropout input, IDropout hidden, long seed) {
        NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(new Nesterovs(0.01, 0.9))
                .weightInit(WeightInit.RELU)
                .weightNoise(new TestTimeWeightScaling())
                .list()
                .layer(new DenseLayer.Builder()
                        .nIn(784)
                        .nOut(800)
                        .activation(Activation.RELU)
                        .dropOut(input)
                        .build())
                .layer(new DenseLayer.Builder()
                        .nIn(800)
                        .nOut(800)
                        .activation(Activation.RELU)
                        .dropOut(hidden == null ? null : ((BernoulliDropout) hidden).withSeed(seed + 1))
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(800)
                        .nOut(10)
                        .activation(Activation.SOFTMAX)
                        .dropOut(hidden == null ? null : ((BernoulliDropout) hidden).withSeed(seed + 2))
                        .build());
        MultiLayerConfiguration conf = b.build();
        if (input == null) {
            conf.getConfs().forEach(c -> {
                if (c.getLayer() instanceof org.deeplearning4j.nn.conf.layers.BaseLayer) {
                    ((org.deeplearning4j.nn.conf.layers.BaseLayer) c.getLayer()).setWeightNoise(null);
                }
            });
        }
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static List<DataSet> randomDigits(int n) {
        INDArray x = Nd4j.rand(DataType.FLOAT, n, 784);
        INDArray y = Nd4j.zeros(DataType.FLOAT, n, 10);
        for (int i = 0; i < n; i++) {
            y.putScalar(i, i % 10, 1f);
        }
        return new DataSet(x, y).batchBy(100);
    }

    private static void epochs(boolean quick) {
        BenchTimer.header("Training epoch, 784-800-800-10 ReLU, 8,000 examples, minibatch 100 (random data)");
        List<DataSet> batches = randomDigits(8000);
        ListDataSetIterator<DataSet> it = new ListDataSetIterator<>(batches, 1);
        int reps = quick ? 3 : 7;
        double none = BenchTimer.median(epoch(mlp(null, null, 1), it), 1, reps);
        for (DropoutScaling scaling : DropoutScaling.values()) {
            MultiLayerNetwork net = mlp(
                    BernoulliDropout.retainProbability(0.8).withSeed(1).withScaling(scaling),
                    BernoulliDropout.retainProbability(0.5).withScaling(scaling),
                    1);
            double t = BenchTimer.median(epoch(net, it), 1, reps);
            System.out.printf(
                    "   %-26s epoch %s   no dropout %s   ratio %.3f (target <= 1.05)%n",
                    scaling, BenchTimer.fmt(t), BenchTimer.fmt(none), t / none);
        }
        MultiLayerNetwork dl4j = mlp(new Dropout(0.8), null, 1);
        for (int i = 1; i < 3; i++) {
            dl4j.getLayer(i).conf().getLayer().setIDropout(new Dropout(0.5));
        }
        double d = BenchTimer.median(epoch(dl4j, it), 1, reps);
        System.out.printf(
                "   %-26s epoch %s   ratio to no dropout %.3f%n",
                "DL4J Dropout (inverted)", BenchTimer.fmt(d), d / none);
    }

    private static Runnable epoch(MultiLayerNetwork net, ListDataSetIterator<DataSet> it) {
        return () -> {
            it.reset();
            net.fit(it);
        };
    }

    private static void inference(boolean quick) {
        BenchTimer.header("Inference, 784-800-800-10, minibatch 1000");
        INDArray x = Nd4j.rand(DataType.FLOAT, 1000, 784);
        MultiLayerNetwork scaled =
                mlp(BernoulliDropout.retainProbability(0.8).withSeed(1), BernoulliDropout.retainProbability(0.5), 1);
        MultiLayerNetwork exported = MeanNetwork.export(scaled);
        MultiLayerNetwork plain = mlp(null, null, 1);
        int reps = quick ? 21 : 101;
        double tPlain = BenchTimer.median(() -> plain.output(x), 10, reps);
        double tExported = BenchTimer.median(() -> exported.output(x), 10, reps);
        double tScaled = BenchTimer.median(() -> scaled.output(x), 10, reps);
        System.out.printf(
                "   plain %s   MeanNetwork.export %s (ratio %.3f, target <= 1.02)   "
                        + "TestTimeWeightScaling %s (ratio %.3f)%n",
                BenchTimer.fmt(tPlain),
                BenchTimer.fmt(tExported),
                tExported / tPlain,
                BenchTimer.fmt(tScaled),
                tScaled / tPlain);
    }
}
