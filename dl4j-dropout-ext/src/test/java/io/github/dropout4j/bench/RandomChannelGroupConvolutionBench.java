package io.github.dropout4j.bench;

import io.github.dropout4j.layers.RandomChannelGroupConvolution;
import io.github.dropout4j.layers.impl.RandomChannelGroupKernel;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link RandomChannelGroupKernel} against one full convolution with the same output shape, forward + backward,
 * float32, when each group sees a quarter of the input channels (the ratio of conv2 of the paper's ImageNet net:
 * 4 groups of 64 filters, each wired to 16 of 64 channels). The full convolution does 4x the multiply-adds; the
 * grouped one pays a gather per group and one segment-sum in backward.
 *
 * <p>Shapes (default, scaled down from conv2 in minibatch and filters so it runs in seconds on 2 shared cores):
 * input {@code [16, 64, 27, 27]}, 5x5 kernel, padding 2, output {@code [16, 128, 27, 27]}, 4 groups x 32 filters,
 * 16 channels each. Prints median times over interleaved repetitions and the ratio full / grouped (&gt; 1 means
 * the grouped layer is faster).
 *
 * <p>With {@code tiny [reps]}: the seven random-channel-group layers of the CLI's tiny {@code alexnet-dropout} and
 * {@code hinton-imagenet} (64x64 crops, widths / 16, batch 16; their input, weight shapes and kinds of wiring),
 * each forward + backward in the form the kernel picks (scattered at these sizes) against the per-group form, and
 * the ratio per-group / picked.
 *
 * <pre>
 * OMP_WAIT_POLICY=PASSIVE mvn -q -pl dl4j-dropout-ext test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.github.dropout4j.bench.RandomChannelGroupConvolutionBench [-Dexec.args="minibatch reps"]
 * </pre>
 */
public final class RandomChannelGroupConvolutionBench {

    private RandomChannelGroupConvolutionBench() {}

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("tiny")) {
            tiny(args.length > 1 ? Integer.parseInt(args[1]) : 51);
            return;
        }
        int mb = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 9;
        int nIn = 64, nOut = 128, groups = 4, s = 16, k = 5, hw = 27;
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        Nd4j.getRandom().setSeed(1);
        INDArray x = Nd4j.rand(DataType.FLOAT, mb, nIn, hw, hw);
        INDArray delta = Nd4j.rand(DataType.FLOAT, mb, nOut, hw, hw);
        int[][] wiring = RandomChannelGroupConvolution.drawWiring(7, nIn, groups, s);
        RandomChannelGroupKernel kernel = new RandomChannelGroupKernel(
                wiring, nIn, new int[] {k, k}, new int[] {1, 1}, new int[] {2, 2}, ConvolutionMode.Truncate);
        INDArray wg = Nd4j.rand(DataType.FLOAT, groups, nOut / groups, s, k, k);
        INDArray b = Nd4j.rand(DataType.FLOAT, nOut);
        INDArray z = Nd4j.create(DataType.FLOAT, mb, nOut, hw, hw);
        INDArray gwg = wg.ulike(), gb = b.ulike(), gx = x.ulike();

        INDArray wf = Nd4j.rand(DataType.FLOAT, nOut, nIn, k, k);
        INDArray gwf = wf.ulike();
        int[] convArgs = {k, k, 1, 1, 2, 2, 1, 1, 0, 0, 1};

        Runnable grouped = () -> {
            kernel.forward(x, wg, b, z);
            kernel.backward(x, wg, delta, gwg, gb, gx);
        };
        Runnable full = () -> {
            Nd4j.exec(DynamicCustomOp.builder("conv2d")
                    .addInputs(x, wf, b)
                    .addOutputs(z)
                    .addIntegerArguments(convArgs)
                    .build());
            Nd4j.exec(DynamicCustomOp.builder("conv2d_bp")
                    .addInputs(x, wf, b, delta)
                    .addOutputs(gx, gwf, gb)
                    .addIntegerArguments(convArgs)
                    .build());
        };
        BenchTimer.header("RandomChannelGroupConvolution vs full convolution, forward + backward, float32");
        System.out.printf(
                "   input [%d, %d, %d, %d], kernel %dx%d pad 2, output [%d, %d, %d, %d]; grouped: %d groups"
                        + " x %d filters, %d of %d channels each (1/4)%n",
                mb, nIn, hw, hw, k, k, mb, nOut, hw, hw, groups, nOut / groups, s, nIn);
        BenchTimer.median(grouped, 2, 1);
        BenchTimer.median(full, 2, 1);
        double[] tg = new double[reps];
        double[] tf = new double[reps];
        for (int i = 0; i < reps; i++) { // interleaved so load from other processes hits both alike
            tg[i] = BenchTimer.median(grouped, 0, 1);
            tf[i] = BenchTimer.median(full, 0, 1);
        }
        java.util.Arrays.sort(tg);
        java.util.Arrays.sort(tf);
        double g = tg[reps / 2], f = tf[reps / 2];
        System.out.println("   grouped (4 x 16 of 64) : " + BenchTimer.fmt(g));
        System.out.println("   full convolution       : " + BenchTimer.fmt(f));
        System.out.printf("   ratio full / grouped   : %.2fx  (multiply-add ratio 4.00x)%n", f / g);
        double gf = BenchTimer.median(() -> kernel.forward(x, wg, b, z), 1, reps);
        double ff = BenchTimer.median(
                () -> Nd4j.exec(DynamicCustomOp.builder("conv2d")
                        .addInputs(x, wf, b)
                        .addOutputs(z)
                        .addIntegerArguments(convArgs)
                        .build()),
                1,
                reps);
        double gg = BenchTimer.median(() -> kernel.gather(x, 0), 1, reps);
        System.out.println("   forward only: grouped " + BenchTimer.fmt(gf) + ", full " + BenchTimer.fmt(ff)
                + String.format(", ratio %.2fx; one gather %s", ff / gf, BenchTimer.fmt(gg)));
    }

    /**
     * {name, nIn, h (= w), groups, m, S, k, padding, towers (1) or drawn partition (0)} of the tiny nets' layers, as
     * {@code ConvPeerBench --profile} feeds them (each on the previous layers' output shape).
     */
    private static final int[][] TINY = {
        {6, 7, 2, 8, 3, 5, 2, 1}, // alexnet-dropout conv2
        {24, 3, 2, 12, 12, 3, 1, 1}, // conv4
        {24, 3, 2, 8, 12, 3, 1, 1}, // conv5
        {4, 7, 4, 4, 1, 5, 2, 0}, // hinton-imagenet conv2
        {16, 3, 16, 2, 1, 3, 1, 0}, // conv3
        {32, 3, 16, 2, 2, 3, 1, 0}, // conv4
        {32, 3, 16, 2, 2, 3, 1, 0}, // conv5
    };

    private static final String[] TINY_NAMES = {
        "alexnet conv2",
        "alexnet conv4",
        "alexnet conv5",
        "hinton conv2",
        "hinton conv3",
        "hinton conv4",
        "hinton conv5"
    };

    private static void tiny(int reps) {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        Nd4j.getRandom().setSeed(1);
        BenchTimer.header(
                "RandomChannelGroupConvolution at the CLI's tiny sizes, batch 16, forward + backward, float32");
        double[] sum = new double[2];
        for (int l = 0; l < TINY.length; l++) {
            int[] t = TINY[l];
            int nIn = t[0], hw = t[1], groups = t[2], m = t[3], s = t[4], k = t[5], pad = t[6];
            int[][] wiring =
                    t[7] == 1 ? towers(groups, s) : RandomChannelGroupConvolution.drawWiring(l, nIn, groups, s);
            INDArray x = Nd4j.rand(DataType.FLOAT, 16, nIn, hw, hw);
            INDArray w = Nd4j.rand(DataType.FLOAT, groups, m, s, k, k);
            INDArray b = Nd4j.rand(DataType.FLOAT, groups * m);
            double[] times = new double[2];
            for (int form = 0; form < 2; form++) {
                RandomChannelGroupKernel kernel = form == 0
                        ? new RandomChannelGroupKernel(
                                wiring,
                                nIn,
                                new int[] {k, k},
                                new int[] {1, 1},
                                new int[] {pad, pad},
                                ConvolutionMode.Truncate)
                        : new RandomChannelGroupKernel(
                                wiring,
                                nIn,
                                new int[] {k, k},
                                new int[] {1, 1},
                                new int[] {pad, pad},
                                ConvolutionMode.Truncate,
                                0);
                int[] o = kernel.outputSize(x);
                INDArray z = Nd4j.create(DataType.FLOAT, 16, (long) groups * m, o[0], o[1]);
                INDArray delta = Nd4j.rand(DataType.FLOAT, z.shape());
                INDArray gw = w.ulike(), gb = b.ulike(), gx = x.ulike();
                times[form] = BenchTimer.median(
                        () -> {
                            kernel.forward(x, w, b, z);
                            kernel.backward(x, w, delta, gw, gb, gx);
                        },
                        5,
                        reps);
                sum[form] += times[form];
            }
            System.out.printf(
                    "   %-14s in [16, %d, %d, %d], W [%d, %d, %d, %d, %d]: picked %s, per group %s, ratio %.2fx%n",
                    TINY_NAMES[l],
                    nIn,
                    hw,
                    hw,
                    groups,
                    m,
                    s,
                    k,
                    k,
                    BenchTimer.fmt(times[0]),
                    BenchTimer.fmt(times[1]),
                    times[1] / times[0]);
        }
        System.out.printf(
                "   all seven: picked %s, per group %s, ratio %.2fx (medians of %d)%n",
                BenchTimer.fmt(sum[0]), BenchTimer.fmt(sum[1]), sum[1] / sum[0], reps);
    }

    /** AlexNet's two towers: group g sees channels g*S .. g*S + S - 1. */
    private static int[][] towers(int groups, int s) {
        int[][] w = new int[groups][s];
        for (int g = 0; g < groups; g++) {
            for (int i = 0; i < s; i++) {
                w[g][i] = g * s + i;
            }
        }
        return w;
    }
}
