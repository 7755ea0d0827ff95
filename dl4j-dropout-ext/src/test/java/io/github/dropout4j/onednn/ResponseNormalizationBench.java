package io.github.dropout4j.onednn;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link ResponseNormalizationHelper}'s two paths, forward and backward, float32 NCHW, DL4J's default parameters
 * (k 2, n 5, alpha 1e-4, beta 0.75) at the LRN shapes of the zoo's ImageNet nets: the Java kernel
 * ({@link ResponseNormalizationKernel}) and the ND4J path (native {@code lrn} op forward, ND4J ops and GEMMs
 * backward). Prints the median milliseconds of interleaved repetitions and the ratio ND4J / Java (&gt; 1: the Java
 * kernel is faster): the evidence in {@link ResponseNormalizationHelper}'s Javadoc.
 *
 * <pre>
 * mvn -B -o -q -pl dl4j-dropout-ext test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * OMP_WAIT_POLICY=PASSIVE OMP_NUM_THREADS=2 java -Dorg.bytedeco.javacpp.platform.extension=-onednn-avx2 \
 *     -cp "dl4j-dropout-ext/target/test-classes:dl4j-dropout-ext/target/classes:$(cat /tmp/cp.txt)" \
 *     io.github.dropout4j.onednn.ResponseNormalizationBench [reps, default 7]
 * </pre>
 */
public final class ResponseNormalizationBench {

    private static final long[][] SHAPES = {
        {16, 6, 15, 15}, // alexnet-dropout, CLI defaults: norm1
        {16, 16, 7, 7}, // ... norm2
        {16, 32, 27, 27},
        {32, 64, 27, 27}, // hinton-imagenet-paper norm1
        {32, 256, 13, 13}, // ... norm2
        {32, 256, 27, 27}, // alexnet-dropout-paper norm2
        {32, 96, 55, 55} // ... norm1
    };

    private ResponseNormalizationBench() {}

    public static void main(String[] args) {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        System.out.println("== LRN forward + backward, float32 NCHW, k 2 n 5 alpha 1e-4 beta 0.75; OMP_NUM_THREADS="
                + System.getenv("OMP_NUM_THREADS") + ", cores "
                + Runtime.getRuntime().availableProcessors()
                + ", oneDNN " + OneDnnHelpers.available());
        ResponseNormalizationHelper java = new ResponseNormalizationHelper(CNN2DFormat.NCHW, true);
        ResponseNormalizationHelper nd4j = new ResponseNormalizationHelper(CNN2DFormat.NCHW, false);
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        Nd4j.getRandom().setSeed(1);
        for (long[] shape : SHAPES) {
            INDArray x = Nd4j.rand(DataType.FLOAT, shape).subi(0.5).muli(8);
            INDArray e = Nd4j.rand(DataType.FLOAT, shape).subi(0.5);
            long inner = Math.max(1, 2_000_000 / x.length()); // calls per timing, so one lasts >= ~1 ms
            double[][] t = new double[4][reps];
            for (int r = -2; r < reps; r++) { // two warm-up rounds, then interleaved
                double[] round = {
                    time(() -> java.activate(x, true, 2, 5, 1e-4, 0.75, mgr), inner),
                    time(() -> nd4j.activate(x, true, 2, 5, 1e-4, 0.75, mgr), inner),
                    time(() -> java.backpropGradient(x, e, 2, 5, 1e-4, 0.75, mgr), inner),
                    time(() -> nd4j.backpropGradient(x, e, 2, 5, 1e-4, 0.75, mgr), inner)
                };
                for (int i = 0; r >= 0 && i < 4; i++) {
                    t[i][r] = round[i];
                }
            }
            double[] m = Arrays.stream(t)
                    .mapToDouble(ResponseNormalizationBench::median)
                    .toArray();
            System.out.printf(
                    "%-20s %,10d elements  forward: Java %8.3f ms  ND4J %8.3f ms (x%.2f)  backward: Java %8.3f ms"
                            + "  ND4J %8.3f ms (x%.2f)%n",
                    Arrays.toString(shape), x.length(), m[0], m[1], m[1] / m[0], m[2], m[3], m[3] / m[2]);
        }
    }

    /** Milliseconds per call, averaged over {@code inner} calls. */
    private static double time(Runnable task, long inner) {
        long start = System.nanoTime();
        for (long i = 0; i < inner; i++) {
            task.run();
        }
        return (System.nanoTime() - start) / 1e6 / inner;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
