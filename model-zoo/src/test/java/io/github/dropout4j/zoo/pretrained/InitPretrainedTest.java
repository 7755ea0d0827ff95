package io.github.dropout4j.zoo.pretrained;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.github.dropout4j.zoo.data.LabeledImages;
import io.github.dropout4j.zoo.data.MnistData;
import io.github.dropout4j.zoo.models.ModelRegistry;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.zip.Adler32;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.zoo.PretrainedType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code initPretrained} end to end on the real shipped weights: the zoo model fetches its file from a release
 * location on 127.0.0.1 (the system properties of {@link PretrainedWeights#fromEnvironment()} point the release,
 * the cache and the shipped copy at this test's server and temp directory), verifies, caches and loads it; the
 * loaded network's errors on the bundled test digits, counted here by hand, equal the registry's record; its
 * {@code output()} is the mean network, computed here in plain loops from the raw weights.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class InitPretrainedTest {
    private static final Map<String, String> PROPERTIES = Map.of(
            PretrainedWeights.SHIPPED_PROPERTY,
            "none",
            PretrainedWeights.MIRRORS_PROPERTY,
            "",
            io.github.dropout4j.zoo.data.DownloadOptions.OFFLINE_PROPERTY,
            "false");

    @TempDir
    Path cache;

    private HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    @BeforeEach
    void serveTheShippedFilesAsTheReleaseLocation() throws Exception {
        Path shipped = PretrainedWeights.findShippedDir();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/release/", ex -> {
            try (ex) {
                requests.add(ex.getRequestURI().getPath());
                Path f = shipped.resolve(ex.getRequestURI().getPath().substring("/release/".length()));
                if (!Files.isRegularFile(f)) {
                    ex.sendResponseHeaders(404, -1);
                    return;
                }
                byte[] b = Files.readAllBytes(f);
                ex.sendResponseHeaders(200, b.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(b);
                }
            }
        });
        server.start();
        PROPERTIES.forEach(System::setProperty);
        System.setProperty(PretrainedWeights.CACHE_PROPERTY, cache.toString());
        System.setProperty(
                PretrainedWeights.RELEASE_PROPERTY,
                "http://127.0.0.1:" + server.getAddress().getPort() + "/release/");
    }

    @AfterEach
    void stop() {
        server.stop(0);
        for (String p : List.of(
                PretrainedWeights.SHIPPED_PROPERTY,
                PretrainedWeights.MIRRORS_PROPERTY,
                io.github.dropout4j.zoo.data.DownloadOptions.OFFLINE_PROPERTY,
                PretrainedWeights.CACHE_PROPERTY,
                PretrainedWeights.RELEASE_PROPERTY)) {
            System.clearProperty(p);
        }
    }

    @Test
    void initPretrainedDownloadsVerifiesCachesAndLoadsTheRecordedNetwork() throws Exception {
        WeightsEntry entry = WeightsRegistry.standard().require("mnist-800x2-dropout", TrainedOn.MNIST_BUNDLED);
        MultiLayerNetwork net = (MultiLayerNetwork) ModelRegistry.standard()
                .require("mnist-800x2-dropout")
                .create(7)
                .initPretrained(PretrainedType.MNIST);
        assertEquals(List.of("/release/" + entry.file()), requests);
        assertTrue(Files.isRegularFile(cache.resolve(entry.file())));
        assertEquals(entry.sizeBytes(), Files.size(cache.resolve(entry.file())));

        LabeledImages test = MnistData.bundled().test();
        float[][] x = pixels(test);
        float[][] out = net.output(Nd4j.create(x), false).toFloatMatrix();
        int errors = 0;
        for (int i = 0; i < x.length; i++) {
            errors += argMax(out[i]) == test.label(i) ? 0 : 1;
        }
        assertEquals(entry.testErrors(), errors, "errors on the 1,000 bundled test digits, as the registry records");
        assertEquals(entry.testExamples(), x.length);

        // output() is the mean network: every layer's incoming weights times the retain probability of its input
        // (0.8 for the pixels, 0.5 for the hidden units), computed here from the raw stored weights.
        float[] retain = {0.8f, 0.5f, 0.5f};
        float[][][] weights = new float[3][][];
        float[][] biases = new float[3][];
        for (int layer = 0; layer < 3; layer++) {
            weights[layer] = net.getParam(layer + "_W").castTo(DataType.FLOAT).toFloatMatrix();
            biases[layer] = net.getParam(layer + "_b").castTo(DataType.FLOAT).toFloatVector();
        }
        for (int i = 0; i < 20; i++) {
            float[] a = x[i];
            for (int layer = 0; layer < 3; layer++) {
                float[][] w = weights[layer];
                float[] b = biases[layer];
                float[] z = new float[b.length];
                for (int j = 0; j < b.length; j++) {
                    double s = b[j];
                    for (int k = 0; k < a.length; k++) {
                        s += a[k] * retain[layer] * w[k][j];
                    }
                    z[j] = (float) s;
                }
                a = layer < 2 ? relu(z) : softmax(z);
            }
            float[] got = out[i];
            for (int c = 0; c < 10; c++) {
                assertEquals(a[c], got[c], 1e-4, "digit " + i + ", class " + c);
            }
        }

        MultiLayerNetwork again = (MultiLayerNetwork) ModelRegistry.standard()
                .require("mnist-800x2-dropout")
                .create(1)
                .initPretrained(TrainedOn.MNIST_BUNDLED);
        assertEquals(net.params(), again.params());
        assertEquals(1, requests.size(), "the second call is served by the (re-verified) cache");
    }

    @Test
    void dl4jsApiReportsOurFileAndItsAdler32() throws Exception {
        WeightsEntry entry = WeightsRegistry.standard().require("mnist-800x2", TrainedOn.MNIST_BUNDLED);
        var zoo = ModelRegistry.standard().require("mnist-800x2").create(1);
        Adler32 adler = new Adler32();
        adler.update(Files.readAllBytes(PretrainedWeights.findShippedDir().resolve(entry.file())));
        assertEquals(adler.getValue(), zoo.pretrainedChecksum(PretrainedType.MNIST), "DL4J's checksum of the file");
        assertTrue(zoo.pretrainedAvailable(PretrainedType.MNIST));
        assertTrue(
                zoo.pretrainedUrl(PretrainedType.MNIST).endsWith("/release/mnist-800x2.mnist-bundled.zip"),
                zoo.pretrainedUrl(PretrainedType.MNIST));
        assertEquals(false, zoo.pretrainedAvailable(PretrainedType.IMAGENET));
    }

    @Test
    void modelsWithoutWeightsSayWhichExist() {
        UnsupportedOperationException none = assertThrows(
                UnsupportedOperationException.class,
                () -> ModelRegistry.standard().require("mnist-1200x2").create(1).initPretrained(PretrainedType.MNIST));
        assertTrue(
                none.getMessage().contains("mnist-1200x2 has no pretrained weights; models with weights: "),
                none.getMessage());
        assertTrue(none.getMessage().contains("mnist-800x2-dropout (fashion-mnist)"), none.getMessage());
        UnsupportedOperationException other = assertThrows(
                UnsupportedOperationException.class,
                () -> ModelRegistry.standard()
                        .require("mnist-800x2")
                        .create(1)
                        .initPretrained(PretrainedType.IMAGENET));
        assertTrue(
                other.getMessage()
                        .contains(
                                "no pretrained weights for PretrainedType.IMAGENET; it has them for: "
                                        + "mnist-bundled (TrainedOn.MNIST_BUNDLED or PretrainedType.MNIST), fashion-mnist (TrainedOn.FASHION_MNIST)"),
                other.getMessage());
        assertEquals(List.of(), requests);
    }

    static float[][] pixels(LabeledImages set) {
        int n = set.count();
        int d = set.images().pixelsPerImage();
        byte[] p = set.images().pixels();
        float[][] x = new float[n][d];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < d; k++) {
                x[i][k] = (p[i * d + k] & 0xFF) / 255f;
            }
        }
        return x;
    }

    private static int argMax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            best = v[i] > v[best] ? i : best;
        }
        return best;
    }

    private static float[] relu(float[] z) {
        float[] r = new float[z.length];
        for (int i = 0; i < z.length; i++) {
            r[i] = Math.max(0, z[i]);
        }
        return r;
    }

    private static float[] softmax(float[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : z) {
            max = Math.max(max, v);
        }
        double sum = 0;
        double[] e = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            e[i] = Math.exp(z[i] - max);
            sum += e[i];
        }
        float[] r = new float[z.length];
        for (int i = 0; i < z.length; i++) {
            r[i] = (float) (e[i] / sum);
        }
        return r;
    }
}
