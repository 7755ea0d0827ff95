package io.github.dropout4j.zoo.training;

import java.util.ArrayDeque;
import java.util.List;
import java.util.function.LongConsumer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.MultiDataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * An epoch's minibatches cut into {@code workers} consecutive slices each, for {@code ParallelWrapper}: a minibatch
 * of {@code n} examples gives slices {@code [k n / workers, (k + 1) n / workers)}, {@code k = 0 .. workers - 1}
 * (all equal when {@code workers} divides {@code n}; a last minibatch smaller than {@code workers} gives one slice
 * per example). {@code ParallelWrapper} hands a block of {@code workers} slices to workers 0, 1, ... in turn, waits
 * for their steps and averages before it asks for the next block, so each block is one minibatch and the first
 * slice of minibatch {@code b + 1} is asked for after minibatch {@code b} was averaged: that is when
 * {@code batchDone} hears of {@code b} (and {@link #finish} of the last one). No prefetching
 * ({@code asyncSupported() == false}): the source's own order and threads are kept.
 */
final class WorkerSlices {
    private final MultiDataSetIterator source;
    private final int workers;
    private final LongConsumer batchDone;
    private final ArrayDeque<MultiDataSet> pending = new ArrayDeque<>();
    private long currentExamples = -1;
    private long pipelineNanos;

    /**
     * @param batchDone called with the number of examples of each minibatch once it has been trained and averaged
     */
    WorkerSlices(MultiDataSetIterator source, int workers, LongConsumer batchDone) {
        this.source = source;
        this.workers = workers;
        this.batchDone = batchDone;
    }

    /** Nanoseconds spent in the source's {@code hasNext} and {@code next}. */
    long pipelineNanos() {
        return pipelineNanos;
    }

    /** After the epoch: reports the last minibatch. */
    void finish() {
        if (currentExamples >= 0) {
            batchDone.accept(currentExamples);
            currentExamples = -1;
        }
    }

    boolean hasNext() {
        if (!pending.isEmpty()) {
            return true;
        }
        long t = System.nanoTime();
        boolean more = source.hasNext();
        pipelineNanos += System.nanoTime() - t;
        return more;
    }

    MultiDataSet next() {
        if (pending.isEmpty()) {
            finish();
            long t = System.nanoTime();
            MultiDataSet batch = source.next();
            pipelineNanos += System.nanoTime() - t;
            long n = batch.getFeatures(0).size(0);
            int slices = (int) Math.min(workers, n);
            for (int k = 0; k < slices; k++) {
                pending.add(slice(batch, k * n / slices, (k + 1) * n / slices));
            }
            currentExamples = n;
        }
        return pending.poll();
    }

    /** Examples {@code [from, to)} of every array of {@code d}, copied. */
    static MultiDataSet slice(MultiDataSet d, long from, long to) {
        return new org.nd4j.linalg.dataset.MultiDataSet(
                rows(d.getFeatures(), from, to),
                rows(d.getLabels(), from, to),
                rows(d.getFeaturesMaskArrays(), from, to),
                rows(d.getLabelsMaskArrays(), from, to));
    }

    private static INDArray[] rows(INDArray[] arrays, long from, long to) {
        if (arrays == null) {
            return null;
        }
        INDArray[] out = new INDArray[arrays.length];
        for (int i = 0; i < arrays.length; i++) {
            out[i] = arrays[i] == null
                    ? null
                    : arrays[i].get(NDArrayIndex.interval(from, to)).dup();
        }
        return out;
    }

    /** The slices as single-input {@link DataSet}s, for a MultiLayerNetwork. */
    DataSetIterator asDataSetIterator() {
        return new DataSetIterator() {
            private static final long serialVersionUID = 1L;

            @Override
            public boolean hasNext() {
                return WorkerSlices.this.hasNext();
            }

            @Override
            public DataSet next() {
                MultiDataSet m = WorkerSlices.this.next();
                return new DataSet(
                        m.getFeatures(0), m.getLabels(0), m.getFeaturesMaskArray(0), m.getLabelsMaskArray(0));
            }

            @Override
            public DataSet next(int num) {
                throw new UnsupportedOperationException("next(num)");
            }

            @Override
            public int inputColumns() {
                return -1;
            }

            @Override
            public int totalOutcomes() {
                return -1;
            }

            @Override
            public boolean resetSupported() {
                return false;
            }

            @Override
            public boolean asyncSupported() {
                return false;
            }

            @Override
            public void reset() {
                throw new UnsupportedOperationException("one pass per epoch");
            }

            @Override
            public int batch() {
                return -1;
            }

            @Override
            public void setPreProcessor(DataSetPreProcessor preProcessor) {
                throw new UnsupportedOperationException("the source's minibatches are already preprocessed");
            }

            @Override
            public DataSetPreProcessor getPreProcessor() {
                return null;
            }

            @Override
            public List<String> getLabels() {
                return null;
            }
        };
    }

    /** The slices as {@link MultiDataSet}s, for a ComputationGraph. */
    MultiDataSetIterator asMultiDataSetIterator() {
        return new MultiDataSetIterator() {
            private static final long serialVersionUID = 1L;

            @Override
            public boolean hasNext() {
                return WorkerSlices.this.hasNext();
            }

            @Override
            public MultiDataSet next() {
                return WorkerSlices.this.next();
            }

            @Override
            public MultiDataSet next(int num) {
                throw new UnsupportedOperationException("next(num)");
            }

            @Override
            public boolean resetSupported() {
                return false;
            }

            @Override
            public boolean asyncSupported() {
                return false;
            }

            @Override
            public void reset() {
                throw new UnsupportedOperationException("one pass per epoch");
            }

            @Override
            public void setPreProcessor(MultiDataSetPreProcessor preProcessor) {
                throw new UnsupportedOperationException("the source's minibatches are already preprocessed");
            }

            @Override
            public MultiDataSetPreProcessor getPreProcessor() {
                return null;
            }
        };
    }
}
