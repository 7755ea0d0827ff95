package io.github.dropout4j.bench;

import io.github.dropout4j.layers.LocallyConnected2D;
import io.github.dropout4j.zoo.models.Cifar10Recipe;
import io.github.dropout4j.zoo.models.Cifar10Training;
import io.github.dropout4j.zoo.testsupport.Stats;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Speed of the CIFAR-10 networks and of {@link LocallyConnected2D}. Prints raw medians and ratios measured in one run:
 * <ol>
 *   <li>one training step ({@code fit} on a batch of 128 random images) of {@code Cifar10DropoutNet} against
 *       {@code Cifar10Net};</li>
 *   <li>forward + backward of the locally-connected layer of {@code Cifar10DropoutNet} (input [128, 64, 4, 4],
 *       16 filters of 3x3, Same, output [128, 16, 4, 4]) against a {@code ConvolutionLayer} with the same shapes,
 *       and against DL4J's SameDiff {@code LocallyConnected2D} on the same shapes.</li>
 * </ol>
 * Run with plain {@code java}: {@code mvn -pl model-zoo exec:java} without {@code -am} would resolve
 * {@code dl4j-dropout-ext} from {@code ~/.m2} (possibly stale), and with {@code -am} would try the main class in the
 * library module too. From the repository root:
 * <pre>
 *   mvn -q -o -pl dl4j-dropout-ext,model-zoo test-compile
 *   mvn -q -o -pl model-zoo dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/tmp/zoo-cp.txt
 *   OMP_WAIT_POLICY=PASSIVE java -cp model-zoo/target/test-classes:model-zoo/target/classes:\
 * dl4j-dropout-ext/target/test-classes:dl4j-dropout-ext/target/classes:$(cat /tmp/zoo-cp.txt) \
 *       io.github.dropout4j.bench.Cifar10Bench
 * </pre>
 * (the module directories come first, so they win over any {@code dl4j-dropout-ext} jar in the list).
 * Arguments: {@code [netSteps=5] [layerReps=40]}.
 */
public final class Cifar10Bench {

    private Cifar10Bench() {}

    public static void main(String[] args) {
        int netSteps = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int layerReps = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        System.out.println("== Cifar10Bench  OMP_WAIT_POLICY=" + System.getenv("OMP_WAIT_POLICY") + ", cores="
                + Runtime.getRuntime().availableProcessors() + ", java=" + System.getProperty("java.version"));

        INDArray lcIn = Nd4j.rand(DataType.FLOAT, 128, 64, 4, 4);
        INDArray lcEps = Nd4j.rand(DataType.FLOAT, 128, 16, 4, 4);
        double ours = layerMedian(
                layerNet(new LocallyConnected2D.Builder()
                        .nOut(16)
                        .kernelSize(3, 3)
                        .convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.RELU)
                        .build()),
                lcIn,
                lcEps,
                layerReps);
        double conv = layerMedian(
                layerNet(new ConvolutionLayer.Builder(3, 3)
                        .nOut(16)
                        .convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.RELU)
                        .build()),
                lcIn,
                lcEps,
                layerReps);
        System.out.println(
                "layer forward+backward, input [128, 64, 4, 4] -> [128, 16, 4, 4], 3x3 Same, median of " + layerReps);
        System.out.printf("  Dropout4j LocallyConnected2D  %9.3f ms%n", ours * 1e3);
        System.out.printf("  DL4J ConvolutionLayer         %9.3f ms%n", conv * 1e3);
        System.out.printf("  ratio locally-connected / convolution = %.2f (target <= 3)%n", ours / conv);
        try {
            double sd = layerMedian(
                    layerNet(new org.deeplearning4j.nn.conf.layers.LocallyConnected2D.Builder()
                            .nOut(16)
                            .kernelSize(3, 3)
                            .convolutionMode(ConvolutionMode.Same)
                            .activation(Activation.RELU)
                            .build()),
                    lcIn,
                    lcEps,
                    layerReps);
            System.out.printf(
                    "  DL4J SameDiff LocallyConnected2D %6.3f ms  (ratio to ours %.2f; its output map is "
                            + "transposed, see Dl4jLocallyConnected2DFindingsTest)%n",
                    sd * 1e3, sd / ours);
        } catch (RuntimeException e) {
            System.out.println("  DL4J SameDiff LocallyConnected2D failed: " + e);
        }

        Cifar10Recipe recipe = Cifar10Recipe.paper(10);
        INDArray x = Nd4j.rand(DataType.FLOAT, 128, 3, 32, 32).subi(0.5);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 128, 10);
        for (int i = 0; i < 128; i++) {
            y.putScalar(i, i % 10, 1f);
        }
        DataSet batch = new DataSet(x, y);
        double[] medians = interleavedStepMedians(
                Cifar10Training.network(false, recipe, 1), Cifar10Training.network(true, recipe, 1), batch, netSteps);
        double plain = medians[0];
        double dropout = medians[1];
        System.out.println("training step, batch 128, median of " + netSteps + " after 2 warm-up steps, the two nets "
                + "alternating step by step so that load from other processes hits both alike");
        System.out.printf("  Cifar10Net         %9.1f ms%n", plain * 1e3);
        System.out.printf("  Cifar10DropoutNet  %9.1f ms%n", dropout * 1e3);
        System.out.printf("  ratio dropout net / plain net = %.3f%n", dropout / plain);
    }

    private static MultiLayerNetwork layerNet(org.deeplearning4j.nn.conf.layers.Layer layer) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(1)
                .dataType(DataType.FLOAT)
                .list()
                .layer(layer)
                .setInputType(InputType.convolutional(4, 4, 64))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        net.initGradientsView();
        return net;
    }

    private static double layerMedian(MultiLayerNetwork net, INDArray in, INDArray eps, int reps) {
        Layer l = net.getLayer(0);
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        Runnable task = () -> {
            l.setInput(in, mgr);
            l.activate(true, mgr);
            l.backpropGradient(eps, mgr);
        };
        return median(task, 5, reps);
    }

    /** Alternates one step of {@code a} and one of {@code b}; returns both medians. */
    private static double[] interleavedStepMedians(MultiLayerNetwork a, MultiLayerNetwork b, DataSet batch, int steps) {
        for (int i = 0; i < 2; i++) {
            a.fit(batch);
            b.fit(batch);
        }
        double[] ta = new double[steps];
        double[] tb = new double[steps];
        for (int i = 0; i < steps; i++) {
            long s = System.nanoTime();
            a.fit(batch);
            ta[i] = (System.nanoTime() - s) / 1e9;
            s = System.nanoTime();
            b.fit(batch);
            tb[i] = (System.nanoTime() - s) / 1e9;
        }
        return new double[] {Stats.median(ta), Stats.median(tb)};
    }

    static double median(Runnable task, int warmup, int reps) {
        for (int i = 0; i < warmup; i++) {
            task.run();
        }
        double[] t = new double[reps];
        for (int i = 0; i < reps; i++) {
            long s = System.nanoTime();
            task.run();
            t[i] = (System.nanoTime() - s) / 1e9;
        }
        return Stats.median(t);
    }
}
