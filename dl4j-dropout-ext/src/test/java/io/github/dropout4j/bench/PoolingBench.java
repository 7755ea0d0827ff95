package io.github.dropout4j.bench;

import io.github.dropout4j.onednn.PoolingKernel;
import io.github.dropout4j.onednn.PoolingKernel.Pooling;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link PoolingKernel} against libnd4j's {@code maxpool2d}/{@code avgpool2d} ops and their {@code _bp} (what DL4J's
 * {@code SubsamplingLayer} and its {@code MKLDNNSubsamplingHelper} call), float32, at the zoo's pooling shapes: the
 * ImageNet nets at the CLI's tiny size (batch 16) and at paper size (AlexNet's, batch 32), CIFAR-10's (batch 128).
 * Prints median forward and backward times of both and the ratio built-in / ours (&gt; 1: ours is faster).
 *
 * <pre>
 *   mvn -B -q -o -DskipTests package &amp;&amp; mvn -B -q -o -pl dl4j-dropout-ext,model-zoo test-compile
 *   OMP_WAIT_POLICY=PASSIVE OMP_NUM_THREADS=2 java -Dorg.bytedeco.javacpp.platform.extension=-onednn-avx2 \
 *       -cp "dl4j-dropout-ext/target/test-classes:dl4j-dropout-ext/target/classes:\
 * $(ls model-zoo/target/lib/*.jar | grep -v dl4j-dropout-ext | tr '\n' :)" \
 *       io.github.dropout4j.bench.PoolingBench [reps]
 * </pre>
 */
public final class PoolingBench {

    private PoolingBench() {}

    private record Case(String name, long[] shape, Pooling pooling, boolean same) {}

    public static void main(String[] args) {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 21;
        BenchTimer.header("PoolingBench: PoolingKernel vs libnd4j pooling ops, float32, 3x3 windows, stride 2");
        Case[] cases = {
            new Case("alexnet tiny pool1", new long[] {16, 6, 15, 15}, Pooling.MAX, false),
            new Case("alexnet tiny pool2", new long[] {16, 16, 7, 7}, Pooling.MAX, false),
            new Case("alexnet tiny pool5", new long[] {16, 16, 3, 3}, Pooling.MAX, false),
            new Case("cifar10 pool1 (Same)", new long[] {128, 64, 32, 32}, Pooling.MAX, true),
            new Case(
                    "cifar10 pool2 (avg, Same)", new long[] {128, 64, 16, 16}, Pooling.AVERAGE_EXCLUDING_PADDING, true),
            new Case("cifar10 pool3 (avg, Same)", new long[] {128, 64, 8, 8}, Pooling.AVERAGE_EXCLUDING_PADDING, true),
            new Case("alexnet paper pool1", new long[] {32, 96, 55, 55}, Pooling.MAX, false),
            new Case("alexnet paper pool2", new long[] {32, 256, 27, 27}, Pooling.MAX, false),
            new Case("alexnet paper pool5", new long[] {32, 256, 13, 13}, Pooling.MAX, false),
        };
        System.out.println(
                "   case                        input                  built-in fwd / bwd         ours fwd / bwd"
                        + "     built-in / ours (fwd+bwd)");
        for (Case c : cases) {
            Nd4j.getRandom().setSeed(1);
            INDArray x = Nd4j.rand(DataType.FLOAT, c.shape).subi(0.5).muli(4);
            PoolingKernel k = new PoolingKernel(
                    c.pooling, new int[] {3, 3}, new int[] {2, 2}, new int[] {0, 0}, new int[] {1, 1}, c.same, false);
            INDArray y = Nd4j.create(DataType.FLOAT, k.outputShape(c.shape));
            INDArray e = Nd4j.rand(DataType.FLOAT, y.shape());
            INDArray g = x.ulike();
            boolean max = c.pooling == Pooling.MAX;
            int w = c.shape[0] * c.shape[1] * c.shape[2] * c.shape[3] > 1_000_000 ? 2 : 200;
            int[] iArgs = {3, 3, 2, 2, 0, 0, 1, 1, c.same ? 1 : 0, 0, 0};
            int r = c.shape[0] * c.shape[1] * c.shape[2] * c.shape[3] > 1_000_000 ? Math.max(3, reps / 4) : reps;
            double bf = BenchTimer.median(
                    () -> Nd4j.exec(DynamicCustomOp.builder(max ? "maxpool2d" : "avgpool2d")
                            .addInputs(x)
                            .addOutputs(y)
                            .addIntegerArguments(iArgs)
                            .build()),
                    w,
                    r);
            double bb = BenchTimer.median(
                    () -> Nd4j.exec(DynamicCustomOp.builder(max ? "maxpool2d_bp" : "avgpool2d_bp")
                            .addInputs(x, e)
                            .addOutputs(g)
                            .addIntegerArguments(iArgs)
                            .build()),
                    w,
                    r);
            double of = BenchTimer.median(() -> k.forward(x, y), w, r);
            double ob = BenchTimer.median(() -> k.backward(x, e, g), w, r);
            System.out.printf(
                    "   %-27s %-22s %s / %s   %s / %s   %6.1fx%n",
                    c.name,
                    java.util.Arrays.toString(c.shape),
                    BenchTimer.fmt(bf),
                    BenchTimer.fmt(bb),
                    BenchTimer.fmt(of),
                    BenchTimer.fmt(ob),
                    (bf + bb) / (of + ob));
        }
    }
}
