package io.github.dropout4j.zoo.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Bit-for-bit comparison of ND4J arrays. {@code INDArray.equals} (and so {@code assertEquals} on arrays) allows a
 * difference of 1e-5 per element; a test that claims "bit for bit" or "bit-identical" must use this instead.
 */
public final class Bits {

    private Bits() {}

    /** Same shape, same data type and the same raw bits in every element (C order; NaN payloads and -0 count). */
    public static void assertSameBits(INDArray expected, INDArray actual, String what) {
        assertEquals(Arrays.toString(expected.shape()), Arrays.toString(actual.shape()), what + ": shape");
        assertEquals(expected.dataType(), actual.dataType(), what + ": data type");
        if (expected.dataType() == DataType.FLOAT) {
            float[] a = expected.dup('c').data().asFloat();
            float[] b = actual.dup('c').data().asFloat();
            for (int i = 0; i < a.length; i++) {
                if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
                    throw new AssertionError(what + ": element " + i + " differs in its bits: " + a[i] + " vs " + b[i]);
                }
            }
        } else {
            double[] a = expected.dup('c').data().asDouble();
            double[] b = actual.dup('c').data().asDouble();
            for (int i = 0; i < a.length; i++) {
                if (Double.doubleToRawLongBits(a[i]) != Double.doubleToRawLongBits(b[i])) {
                    throw new AssertionError(what + ": element " + i + " differs in its bits: " + a[i] + " vs " + b[i]);
                }
            }
        }
    }
}
