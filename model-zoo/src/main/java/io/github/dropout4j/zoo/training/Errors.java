package io.github.dropout4j.zoo.training;

import io.github.dropout4j.zoo.data.IdxDataSetIterator;
import io.github.dropout4j.zoo.data.LabeledImages;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/** Classification errors of a network's test-time ({@code train = false}, the mean network) predictions. */
public final class Errors {
    /** Examples per forward pass when evaluating a {@link LabeledImages} set. */
    static final int EVAL_BATCH = 1000;

    /**
     * Errors measured after an epoch; a count of 0 means not measured.
     *
     * @param trainErrors misclassified training examples
     * @param trainCount  training examples evaluated
     * @param testErrors  misclassified test examples
     * @param testCount   test examples evaluated
     */
    public record Counts(int trainErrors, int trainCount, int testErrors, int testCount) {}

    /** {@code errors} of {@code examples} misclassified. */
    public record Tally(int errors, int examples) {
        /** {@code errors / examples}, NaN for no examples. */
        public double fraction() {
            return examples == 0 ? Double.NaN : (double) errors / examples;
        }
    }

    private Errors() {}

    /**
     * How many examples of {@code it} (from its current position to its end; reset afterwards if it supports it)
     * {@code net} misclassifies: argmax of {@code output(x, false)} against argmax of the one-hot label.
     */
    public static Tally count(MultiLayerNetwork net, DataSetIterator it) {
        if (!it.hasNext() && it.resetSupported()) {
            it.reset();
        }
        int errors = 0;
        int examples = 0;
        while (it.hasNext()) {
            DataSet batch = it.next();
            INDArray predicted = net.output(batch.getFeatures(), false).argMax(1);
            INDArray actual = batch.getLabels().argMax(1);
            errors += predicted.neq(actual).castTo(DataType.INT32).sumNumber().intValue();
            examples += batch.numExamples();
        }
        if (it.resetSupported()) {
            it.reset();
        }
        return new Tally(errors, examples);
    }

    /** How many of the first {@code count} examples of {@code set} {@code net} misclassifies (argmax). */
    public static int count(MultiLayerNetwork net, LabeledImages set, int count) {
        return count(
                        net,
                        IdxDataSetIterator.builder(set)
                                .batchSize(EVAL_BATCH)
                                .limit(count)
                                .build())
                .errors();
    }
}
