package io.github.dropout4j.zoo.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropout4j.zoo.models.MnistMlp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ModelZip}: a network with its updater state and {@link RunManifest} in one atomically written zip. */
class ModelZipTest {

    private static MultiLayerNetwork smallNet() {
        return MnistMlp.of(MnistMlp.paper(true, 8)).init();
    }

    private static RunManifest manifest(int epochs) {
        RunManifest m = RunManifest.fresh(
                "mnist-8x1-dropout",
                "mnist",
                "first 500 training digits",
                "short",
                Map.of("batch", "100", "dataSeed", "42"));
        for (int e = 1; e <= epochs; e++) {
            m = m.plus(new EpochRecord(e, 10 - e, 500, 20 - e, 1000, 0.5 * e));
        }
        return m;
    }

    @Test
    void roundTripKeepsNetworkUpdaterAndManifestAndLeavesNoTempFiles(@TempDir Path dir) throws IOException {
        MultiLayerNetwork net = smallNet();
        Path file = dir.resolve("cp.zip");
        ModelZip.write(net, manifest(0), null, file);
        ModelZip.Saved back = ModelZip.readRun(file);
        MultiLayerNetwork restored = (MultiLayerNetwork) back.network();
        assertEquals(net.params(), restored.params());
        assertEquals(net.getLayerWiseConfigurations(), restored.getLayerWiseConfigurations());
        assertEquals(manifest(0), back.manifest());
        try (var files = Files.list(dir)) {
            assertFalse(files.anyMatch(p -> p.toString().endsWith(".tmp")));
        }
    }

    /** The manifest is written with the network in one atomic move, so its history must match the network's epochs. */
    @Test
    void manifestThatDoesNotMatchTheNetworksEpochsIsAnError(@TempDir Path dir) throws IOException {
        MultiLayerNetwork net = smallNet();
        net.incrementEpochCount();
        Path file = dir.resolve("cp.zip");
        ModelZip.write(net, manifest(1), null, file);
        assertEquals(1, ModelZip.readRun(file).manifest().epochsDone());
        ModelZip.write(net, manifest(2), null, file);
        IOException e = assertThrows(IOException.class, () -> ModelZip.readRun(file));
        assertTrue(
                e.getMessage().contains("records 2 epochs") && e.getMessage().contains(file.toString()),
                e.getMessage());
    }

    @Test
    void missingOrForeignFilesGiveClearErrors(@TempDir Path dir) throws IOException {
        IOException missing = assertThrows(IOException.class, () -> ModelZip.readRun(dir.resolve("none.zip")));
        assertTrue(missing.getMessage().contains("no such file"), missing.getMessage());
        Path junk = Files.writeString(dir.resolve("junk.zip"), "not a zip");
        IOException notZip = assertThrows(IOException.class, () -> ModelZip.readRun(junk));
        assertTrue(notZip.getMessage().contains("not a DL4J model zip"), notZip.getMessage());
        Path plain = dir.resolve("plain.zip");
        org.deeplearning4j.util.ModelSerializer.writeModel(smallNet(), plain.toFile(), true);
        IOException noState = assertThrows(IOException.class, () -> ModelZip.readRun(plain));
        assertTrue(noState.getMessage().contains("not a Dropout4j run"), noState.getMessage());
    }
}
