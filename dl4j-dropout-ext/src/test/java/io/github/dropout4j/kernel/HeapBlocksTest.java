package io.github.dropout4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** {@link HeapBlocks}: which arrays count as dense row-major, and the copies made of the others. */
class HeapBlocksTest {

    @Test
    void denseRowMajorArraysAndTheirCopies() {
        INDArray a = Nd4j.rand(DataType.FLOAT, 3, 4, 5);
        assertTrue(HeapBlocks.isDenseC(a));
        assertTrue(HeapBlocks.isDenseC(Nd4j.ones(DataType.FLOAT, 3, 1, 5, 4)), "sizes of 1 are ignored");
        assertTrue(HeapBlocks.isDenseC(a.get(NDArrayIndex.point(1))), "a whole slice: dense, with an offset");
        assertFalse(HeapBlocks.isDenseC(a.permute(2, 1, 0)), "a transpose");
        assertFalse(HeapBlocks.isDenseC(a.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 2))), "every other run");
        assertFalse(HeapBlocks.isDenseC(a.dup('f')), "column-major");
        assertTrue(HeapBlocks.isDense(a.dup('f')), "dense in its own ordering");

        assertSame(a, HeapBlocks.denseC(a, DataType.FLOAT));
        INDArray t = a.permute(2, 1, 0);
        INDArray copy = HeapBlocks.denseC(t, DataType.FLOAT);
        assertNotSame(t, copy);
        assertTrue(HeapBlocks.isDenseC(copy));
        float[] expected = new float[(int) t.length()];
        int i = 0;
        for (int x = 0; x < 5; x++) {
            for (int y = 0; y < 4; y++) {
                for (int z = 0; z < 3; z++) {
                    expected[i++] = a.getFloat(z, y, x);
                }
            }
        }
        for (int j = 0; j < expected.length; j++) {
            assertEquals(expected[j], HeapBlocks.floats(copy).get(j), "element " + j);
        }
        INDArray d = HeapBlocks.denseC(a, DataType.DOUBLE);
        assertEquals(DataType.DOUBLE, d.dataType());
        assertEquals(a.getFloat(2, 3, 4), d.getDouble(2, 3, 4), 0.0);
    }
}
