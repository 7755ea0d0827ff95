package io.github.dropout4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** {@link ChannelSums}: per-channel sums of [mb, C, h, w] against a hand loop over the raw values. */
class ChannelSumsTest {

    @Test
    void sumsEachChannelOverExamplesAndPixels() {
        int[][] shapes = {{3, 5, 4, 7}, {1, 1, 1, 1}, {2, 3, 1, 3}, {4, 24, 3, 3}, {2, 2, 5, 5}};
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            for (int[] s : shapes) {
                Nd4j.getRandom().setSeed(s[1] * 31L + s[2]);
                INDArray d = Nd4j.rand(type, s[0], s[1], s[2], s[3]).subi(0.5);
                double[] raw = d.dup('c').data().asDouble();
                double[] expected = new double[s[1]];
                int plane = s[2] * s[3];
                for (int i = 0; i < raw.length; i++) {
                    expected[(i / plane) % s[1]] += raw[i];
                }
                for (INDArray out : new INDArray[] {
                    Nd4j.zeros(type, s[1]),
                    Nd4j.zeros(type, 1, s[1]),
                    Nd4j.zeros(DataType.DOUBLE, s[1]),
                    Nd4j.zeros(type, 2, s[1]).getRow(1) // a view: written through assign
                }) {
                    ChannelSums.biasGradient(d, out);
                    for (int c = 0; c < s[1]; c++) {
                        double tol = type == DataType.FLOAT ? 1e-6 * (1 + Math.abs(expected[c])) : 1e-12;
                        assertEquals(
                                expected[c],
                                out.getDouble(c),
                                tol,
                                type + " " + java.util.Arrays.toString(s) + " channel " + c);
                    }
                }
            }
        }
    }

    @Test
    void refusesWhatItDoesNotTake() {
        INDArray d = Nd4j.rand(DataType.FLOAT, 2, 3, 4, 4);
        assertTrue(ChannelSums.supports(d));
        assertFalse(ChannelSums.supports(d.permute(0, 2, 3, 1)));
        assertFalse(ChannelSums.supports(d.castTo(DataType.HALF)));
        assertFalse(ChannelSums.supports(Nd4j.rand(DataType.FLOAT, 2, 3)));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> ChannelSums.biasGradient(d, Nd4j.zeros(DataType.FLOAT, 4)));
        assertTrue(e.getMessage().contains("4 elements for 3 channels"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> ChannelSums.biasGradient(d.permute(0, 2, 3, 1), Nd4j.zeros(DataType.FLOAT, 4)));
    }
}
