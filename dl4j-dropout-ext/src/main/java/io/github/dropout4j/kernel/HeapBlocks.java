package io.github.dropout4j.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Access to a dense ND4J array's native memory as a NIO buffer, for kernels that move it through heap arrays in
 * blocks ({@code buffer.get(from, block, 0, len)}, a loop over {@code block}, {@code buffer.put(...)}): a bulk copy
 * of a block that fits the L1/L2 cache costs little next to a pass over main memory, and loops over heap arrays
 * compile to far tighter code than element-wise access to native memory.
 */
public final class HeapBlocks {

    /** Elements per block of the kernels that use this class: 16 KiB of floats, fits any L1 data cache. */
    public static final int BLOCK = 4096;

    private HeapBlocks() {}

    /**
     * Whether element {@code i} of {@code a}, counted in {@code a}'s own ordering ('c' row-major, 'f' column-major),
     * sits at buffer offset {@code offset + i}, so that the whole array is one dense run of memory. Dimensions of
     * size 1 are ignored (ND4J gives them arbitrary strides).
     */
    public static boolean isDense(INDArray a) {
        if (a.isEmpty() || a.data().offset() + a.length() > Integer.MAX_VALUE) {
            return false;
        }
        long expected = 1;
        int rank = a.rank();
        boolean c = a.ordering() == 'c';
        for (int i = 0; i < rank; i++) {
            int d = c ? rank - 1 - i : i;
            long size = a.size(d);
            if (size != 1 && a.stride(d) != expected) {
                return false;
            }
            expected *= size;
        }
        return true;
    }

    /** Whether {@code a} is in C (row-major) order and {@link #isDense}: element {@code i} at buffer offset + i. */
    public static boolean isDenseC(INDArray a) {
        return a.ordering() == 'c' && isDense(a);
    }

    /** {@code a} itself if it is {@link #isDenseC} and of {@code type}, else a dense C-order copy cast to it. */
    public static INDArray denseC(INDArray a, DataType type) {
        return a.dataType() == type && isDenseC(a) ? a : a.castTo(type).dup('c');
    }

    /** The FLOAT array's memory from its offset on: element {@code i} (in its ordering) at index {@code i}. */
    public static FloatBuffer floats(INDArray a) {
        if (a.dataType() != DataType.FLOAT) {
            throw new IllegalArgumentException("expected a FLOAT array, got " + a.dataType());
        }
        FloatBuffer fb = a.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
        return fb.position((int) a.data().offset()).slice();
    }

    /**
     * The FLOAT array's memory from its offset on, read as 64-bit words: word {@code j} holds elements {@code 2j}
     * and {@code 2j + 1} (the first in memory in its low half on little-endian machines). Only the complete pairs
     * of the array may be accessed; the odd last element of an odd-length array must go through {@link #floats}.
     */
    public static LongBuffer floatPairs(INDArray a) {
        if (a.dataType() != DataType.FLOAT) {
            throw new IllegalArgumentException("expected a FLOAT array, got " + a.dataType());
        }
        ByteBuffer bytes = a.data().asNio().order(ByteOrder.nativeOrder());
        bytes.position((int) a.data().offset() * Float.BYTES);
        return bytes.slice().order(ByteOrder.nativeOrder()).asLongBuffer();
    }

    /** The DOUBLE array's memory from its offset on: element {@code i} (in its ordering) at index {@code i}. */
    public static DoubleBuffer doubles(INDArray a) {
        if (a.dataType() != DataType.DOUBLE) {
            throw new IllegalArgumentException("expected a DOUBLE array, got " + a.dataType());
        }
        DoubleBuffer db = a.data().asNio().order(ByteOrder.nativeOrder()).asDoubleBuffer();
        return db.position((int) a.data().offset()).slice();
    }
}
