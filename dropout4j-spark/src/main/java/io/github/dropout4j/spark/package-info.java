/**
 * Dropout4j on Apache Spark: DL4J's parameter-averaging training ({@code dl4j-spark}) with per-partition dropout
 * masks ({@link io.github.dropout4j.spark.WorkerMasksHook}), and {@link io.github.dropout4j.spark.SparkTrain}, the
 * zoo's training entry point for {@code spark-submit}.
 */
package io.github.dropout4j.spark;
