package io.github.dropout4j.zoo.training;

import io.github.dropout4j.zoo.data.IdxDataSetIterator;
import io.github.dropout4j.zoo.data.LabeledImages;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/** Classification errors of a network's test-time ({@code train = false}) predictions. */
public final class Errors {
  /** Examples per forward pass when evaluating. */
  static final int EVAL_BATCH = 1000;

  private Errors() {
  }

  /** How many of the first {@code count} examples of {@code set} {@code net} misclassifies (argmax). */
  public static int count(MultiLayerNetwork net, LabeledImages set, int count) {
    IdxDataSetIterator it = IdxDataSetIterator.builder(set).batchSize(EVAL_BATCH).limit(count).build();
    int errors = 0;
    while (it.hasNext()) {
      DataSet batch = it.next();
      INDArray predicted = net.output(batch.getFeatures(), false).argMax(1);
      INDArray actual = batch.getLabels().argMax(1);
      errors += (int) predicted.neq(actual).castTo(org.nd4j.linalg.api.buffer.DataType.INT32).sumNumber()
          .longValue();
    }
    return errors;
  }
}
