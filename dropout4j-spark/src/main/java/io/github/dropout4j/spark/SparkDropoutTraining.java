package io.github.dropout4j.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * Trains a Dropout4j network on Spark with DL4J's parameter averaging ({@code dl4j-spark}), every worker drawing
 * its own masks ({@link WorkerMasksHook}).
 *
 * <p>Each worker fits {@code averagingFrequency} minibatches of {@code batchPerWorker} examples on its replica,
 * then the master averages parameters and updater state (for {@code DampedMomentum}: the velocity) and broadcasts
 * them. A {@code PerUnitMaxNorm} bound survives averaging: every replica's unit vectors are inside the ball after
 * its own step, and an average of points of a ball is inside it.
 *
 * <pre>{@code
 * SparkDropoutTraining training = new SparkDropoutTraining(sc, net, 100, 5, 42);
 * for (int epoch = 0; epoch < epochs; epoch++) {
 *   training.fitEpoch(trainIteratorForEpoch(epoch), workers);
 * }
 * MultiLayerNetwork trained = training.network();
 * }</pre>
 */
public final class SparkDropoutTraining {
  private final JavaSparkContext sc;
  private final SparkDl4jMultiLayer spark;

  /**
   * @param batchPerWorker     examples per minibatch on each worker, >= 1
   * @param averagingFrequency minibatches each worker fits between two averagings, >= 1
   * @param seed               seed of DL4J's repartitioning shuffle
   */
  public SparkDropoutTraining(JavaSparkContext sc, MultiLayerNetwork net, int batchPerWorker,
      int averagingFrequency, long seed) {
    if (batchPerWorker < 1) {
      throw new IllegalArgumentException("batchPerWorker must be >= 1, got " + batchPerWorker);
    }
    if (averagingFrequency < 1) {
      throw new IllegalArgumentException("averagingFrequency must be >= 1, got " + averagingFrequency);
    }
    this.sc = sc;
    ParameterAveragingTrainingMaster master = new ParameterAveragingTrainingMaster.Builder(batchPerWorker)
        .batchSizePerWorker(batchPerWorker)
        .averagingFrequency(averagingFrequency)
        .workerPrefetchNumBatches(0)
        .saveUpdater(true)
        .rngSeed(seed)
        .trainingHooks(new java.util.ArrayList<>(List.of(new WorkerMasksHook())))
        .build();
    this.spark = new SparkDl4jMultiLayer(sc, net, master);
  }

  /**
   * One pass over {@code epochData} (its minibatches, in its order) split into {@code partitions} partitions.
   *
   * @param partitions how many partitions (at most this many workers train at once), >= 1
   */
  public void fitEpoch(DataSetIterator epochData, int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
    }
    List<DataSet> batches = new ArrayList<>();
    while (epochData.hasNext()) {
      batches.add(epochData.next());
    }
    JavaRDD<DataSet> rdd = sc.parallelize(batches, partitions);
    spark.fit(rdd);
  }

  /** Adds a DL4J training hook (run on the workers before and after each minibatch). */
  public void addHook(org.deeplearning4j.spark.api.TrainingHook hook) {
    spark.getTrainingMaster().addHook(hook);
  }

  /** The master's network: the averaged parameters after the last {@link #fitEpoch}. */
  public MultiLayerNetwork network() {
    return spark.getNetwork();
  }
}
