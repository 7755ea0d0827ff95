package io.github.dropout4j.zoo.cli;

import io.github.dropout4j.zoo.training.LegacyModelZips;
import io.github.dropout4j.zoo.training.ModelZip;
import io.github.dropout4j.zoo.training.RunManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * What {@code publish} reads from a training run: the trained network of {@code RUN/model.zip} and, when the run
 * recorded one, the zoo model's name from its run manifest (or, for a run written before manifests, from its
 * checkpoint's run state {@code RUN/checkpoint.zip.state}, line {@code model=...}). The only place that knows a run directory's layout for publishing.
 */
final class TrainedRun {
    private TrainedRun() {}

    /** The network of a model zip (its updater state, if any, is not needed). */
    static MultiLayerNetwork network(Path modelZip) throws IOException {
        return ModelZip.readNetwork(modelZip);
    }

    /** The zoo model name recorded by the run that wrote {@code modelZip}, if it recorded one. */
    static Optional<String> modelName(Path modelZip) throws IOException {
        Optional<RunManifest> manifest = ModelZip.readManifest(modelZip);
        if (manifest.isPresent()) {
            return Optional.of(manifest.get().model());
        }
        Path state = modelZip.resolveSibling("checkpoint.zip" + LegacyModelZips.MNIST_STATE_SUFFIX);
        if (!Files.isRegularFile(state)) {
            return Optional.empty();
        }
        return Files.readAllLines(state).stream()
                .filter(l -> l.startsWith("model="))
                .map(l -> l.substring(6).trim())
                .findFirst();
    }
}
