package io.github.dropout4j.testsupport;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Set;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.function.Executable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Shared pieces of the library's tests: gradient-check settings, labels, message assertions, statistics. */
public final class TestSupport {

    /** Central-difference step of every gradient check (double precision). */
    public static final double GRADIENT_EPSILON = 1e-6;
    /** Largest relative error between analytic and numeric gradients. */
    public static final double GRADIENT_MAX_REL_ERROR = 1e-5;
    /** Absolute errors below this pass whatever the relative error (gradients near 0). */
    public static final double GRADIENT_MIN_ABS_ERROR = 1e-9;

    private TestSupport() {}

    /**
     * DL4J's {@link GradientCheckUtil} with the settings above, in double precision, every parameter but
     * {@code exclude}. No RNG reset between passes: BernoulliDropout's masks are a function of (seed, iteration,
     * epoch), so every pass of one check sees the same masks.
     */
    public static boolean gradientsOk(MultiLayerNetwork net, INDArray x, INDArray y, String... exclude) {
        DataType previous = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            GradientCheckUtil.MLNConfig c = new GradientCheckUtil.MLNConfig()
                    .net(net)
                    .input(x)
                    .labels(y)
                    .epsilon(GRADIENT_EPSILON)
                    .maxRelError(GRADIENT_MAX_REL_ERROR)
                    .minAbsoluteError(GRADIENT_MIN_ABS_ERROR)
                    .callEachIter(n -> {});
            if (exclude.length > 0) {
                c.excludeParams(Set.of(exclude));
            }
            return GradientCheckUtil.checkGradients(c);
        } finally {
            Nd4j.setDefaultDataTypes(previous, previous);
        }
    }

    /** {@code [rows, classes]} double one-hot labels, example {@code i} in class {@code i % classes}. */
    public static INDArray oneHot(int rows, int classes) {
        INDArray y = Nd4j.zeros(DataType.DOUBLE, rows, classes);
        for (int i = 0; i < rows; i++) {
            y.putScalar(i, i % classes, 1.0);
        }
        return y;
    }

    /** Asserts that {@code ex} throws an {@link IllegalArgumentException} whose message contains {@code expected}. */
    public static void assertMessage(String expected, Executable ex) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, ex);
        assertTrue(e.getMessage().contains(expected), "message '" + e.getMessage() + "' lacks '" + expected + "'");
    }

    /** The median of {@code a} (the mean of the two middle values for even lengths). */
    public static double median(double[] a) {
        double[] s = a.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
