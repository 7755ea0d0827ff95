package io.github.dropout4j.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
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
    private final SparkComputationGraph graph;

    /**
     * @param batchPerWorker     examples per minibatch on each worker, >= 1
     * @param averagingFrequency minibatches each worker fits between two averagings, >= 1
     * @param seed               seed of DL4J's repartitioning shuffle
     */
    public SparkDropoutTraining(
            JavaSparkContext sc, MultiLayerNetwork net, int batchPerWorker, int averagingFrequency, long seed) {
        this(sc, (Model) net, batchPerWorker, averagingFrequency, seed);
    }

    /**
     * For a {@link MultiLayerNetwork} ({@code SparkDl4jMultiLayer}) or a {@link ComputationGraph}
     * ({@code SparkComputationGraph}, e.g. the two-input Hinton ImageNet net).
     */
    public SparkDropoutTraining(JavaSparkContext sc, Model net, int batchPerWorker, int averagingFrequency, long seed) {
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
        if (net instanceof MultiLayerNetwork m) {
            this.spark = new SparkDl4jMultiLayer(sc, m, master);
            this.graph = null;
        } else if (net instanceof ComputationGraph g) {
            this.spark = null;
            this.graph = new SparkComputationGraph(sc, g, master);
        } else {
            throw new IllegalArgumentException("expected a MultiLayerNetwork or ComputationGraph, got "
                    + net.getClass().getName());
        }
    }

    /**
     * One pass over {@code epochData} (its minibatches, in its order) split into {@code partitions} partitions.
     *
     * @param partitions how many partitions (at most this many workers train at once), >= 1
     */
    public void fitEpoch(DataSetIterator epochData, int partitions) {
        if (spark == null) {
            throw new IllegalStateException("a ComputationGraph trains on an RDD of MultiDataSets: fitEpoch(JavaRDD)");
        }
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

    /**
     * One pass over {@code minibatches} (e.g. {@link ImageNetBatches#epoch}, decoded on the executors); for a
     * MultiLayerNetwork each must have one input.
     */
    public void fitEpoch(JavaRDD<MultiDataSet> minibatches) {
        if (graph != null) {
            graph.fitMultiDataSet(minibatches);
        } else {
            spark.fit(minibatches.map(m -> new DataSet(m.getFeatures(0), m.getLabels(0))));
        }
    }

    /** Adds a DL4J training hook (run on the workers before and after each minibatch). */
    public void addHook(org.deeplearning4j.spark.api.TrainingHook hook) {
        (graph != null ? graph.getTrainingMaster() : spark.getTrainingMaster()).addHook(hook);
    }

    /** The master's MultiLayerNetwork: the averaged parameters after the last {@link #fitEpoch}. */
    public MultiLayerNetwork network() {
        if (spark == null) {
            throw new IllegalStateException("this run trains a ComputationGraph: use model()");
        }
        return spark.getNetwork();
    }

    /** The master's network (MultiLayerNetwork or ComputationGraph) after the last {@link #fitEpoch}. */
    public Model model() {
        return graph != null ? graph.getNetwork() : spark.getNetwork();
    }

    /** The mean training loss of the last {@link #fitEpoch}'s averaged workers, as DL4J's master reports it. */
    public double score() {
        return graph != null ? graph.getScore() : spark.getScore();
    }
}
