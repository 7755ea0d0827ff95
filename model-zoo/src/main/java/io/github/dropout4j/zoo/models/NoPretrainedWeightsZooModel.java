package io.github.dropout4j.zoo.models;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.zoo.PretrainedType;
import org.deeplearning4j.zoo.ZooModel;

/**
 * A DL4J {@link ZooModel} of ours: built from its configuration, with no pretrained weights published yet, so
 * {@link #pretrainedUrl} is null (DL4J's {@code initPretrained} then reports the type as unavailable).
 *
 * @param <T> {@code MultiLayerNetwork} or {@code ComputationGraph}
 */
abstract class NoPretrainedWeightsZooModel<T extends Model> extends ZooModel<T> {

    private final Class<T> modelType;

    NoPretrainedWeightsZooModel(Class<T> modelType) {
        this.modelType = modelType;
    }

    @Override
    public String pretrainedUrl(PretrainedType pretrainedType) {
        return null;
    }

    @Override
    public long pretrainedChecksum(PretrainedType pretrainedType) {
        return 0L;
    }

    @Override
    public Class<? extends Model> modelType() {
        return modelType;
    }
}
