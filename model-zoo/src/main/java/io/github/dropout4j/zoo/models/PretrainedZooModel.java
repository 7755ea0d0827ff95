package io.github.dropout4j.zoo.models;

import io.github.dropout4j.zoo.pretrained.PretrainedWeights;
import io.github.dropout4j.zoo.pretrained.TrainedOn;
import io.github.dropout4j.zoo.pretrained.WeightsEntry;
import io.github.dropout4j.zoo.pretrained.WeightsRegistry;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.zoo.PretrainedType;
import org.deeplearning4j.zoo.ZooModel;

/**
 * A DL4J {@link ZooModel} of ours, whose pretrained weights (if any are published) come from the
 * {@link WeightsRegistry} under its {@link #modelName()}, fetched and verified by {@link PretrainedWeights}:
 * SHA-256 instead of DL4J's Adler-32, mirrors in order with resume, our cache ({@code ~/.dropout4j/models}) instead
 * of DL4J's, offline mode, and the repository's shipped copy as the last mirror.
 *
 * <pre>{@code
 * ZooModel<?> zoo = ModelRegistry.standard().require("mnist-800x2-dropout").create(1);
 * MultiLayerNetwork digits = (MultiLayerNetwork) zoo.initPretrained(PretrainedType.MNIST);  // bundled digits
 * MultiLayerNetwork clothes = (MultiLayerNetwork) ModelRegistry.standard().require("mnist-800x2-dropout")
 *     .create(1).initPretrained(TrainedOn.FASHION_MNIST);
 * }</pre>
 *
 * A model without weights for the requested data set fails with an {@link UnsupportedOperationException} that
 * names the data sets it has weights for (or the models that have any). The seed a model was created with does
 * not matter to its pretrained weights.
 *
 * @param <T> {@code MultiLayerNetwork} or {@code ComputationGraph}
 */
public abstract class PretrainedZooModel<T extends Model> extends ZooModel<T> {

    private final Class<T> modelType;

    PretrainedZooModel(Class<T> modelType) {
        this.modelType = modelType;
    }

    /** The registry's entries for this model (empty if none are published). */
    public List<WeightsEntry> pretrainedWeights() {
        return WeightsRegistry.standard().forModel(modelName());
    }

    /**
     * The network trained on {@code trainedOn}, fetched into the cache (or found there, re-verified) and loaded
     * without updater state. Its {@code output()} is the mean network, as for every zoo model.
     *
     * @throws UnsupportedOperationException if no weights are published for this model and data set (the message
     *                                       names the ones that are)
     * @throws IOException                   if no source has a file with the registry's SHA-256 (the message
     *                                       names the model, the file and, offline, the cache directory)
     */
    public T initPretrained(TrainedOn trainedOn) throws IOException {
        return initPretrained(trainedOn, PretrainedWeights.fromEnvironment());
    }

    /** {@link #initPretrained(TrainedOn)} with explicit sources, cache and offline mode instead of the environment's. */
    public T initPretrained(TrainedOn trainedOn, PretrainedWeights sources) throws IOException {
        WeightsEntry entry = WeightsRegistry.standard()
                .find(modelName(), trainedOn)
                .orElseThrow(() -> new UnsupportedOperationException(WeightsRegistry.standard()
                        .describeMissing(modelName(), trainedOn == null ? "null" : trainedOn.id())));
        T net = sources.load(entry, modelType);
        checkPretrained(net, entry);
        return net;
    }

    /**
     * {@link #initPretrained(TrainedOn)} for DL4J's name of the data set ({@code MNIST} is
     * {@link TrainedOn#MNIST_BUNDLED}); DL4J's own download, Adler-32 check and cache are not used.
     */
    @Override
    @SuppressWarnings("unchecked")
    public <M extends Model> M initPretrained(PretrainedType pretrainedType) throws IOException {
        Optional<TrainedOn> on = TrainedOn.of(pretrainedType);
        if (on.isEmpty()) {
            throw new UnsupportedOperationException(
                    WeightsRegistry.standard().describeMissing(modelName(), "PretrainedType." + pretrainedType));
        }
        return (M) initPretrained(on.get());
    }

    /** The first place {@link #initPretrained} looks for the weights of this data set, or null if it has none. */
    @Override
    public String pretrainedUrl(PretrainedType pretrainedType) {
        return entry(pretrainedType)
                .map(e -> PretrainedWeights.fromEnvironment().sources(e).stream()
                        .findFirst()
                        .map(u -> u.resolve(e.file()).toString())
                        .orElse(e.file()))
                .orElse(null);
    }

    /**
     * The Adler-32 of the weights file, as DL4J's API expects (0 if none). Only DL4J's own code uses it;
     * {@link #initPretrained} verifies the SHA-256.
     */
    @Override
    public long pretrainedChecksum(PretrainedType pretrainedType) {
        return entry(pretrainedType).map(WeightsEntry::adler32).orElse(0L);
    }

    private Optional<WeightsEntry> entry(PretrainedType type) {
        return TrainedOn.of(type).flatMap(on -> WeightsRegistry.standard().find(modelName(), on));
    }

    /**
     * Checks that a loaded network is this model's architecture; throws an {@link IOException} naming the file if
     * not. The default accepts any network of the right type.
     */
    protected void checkPretrained(T net, WeightsEntry entry) throws IOException {}

    @Override
    public Class<? extends Model> modelType() {
        return modelType;
    }
}
