package io.github.dropout4j.zoo.models;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ZooConfigRoundTripTest {

    /**
     * The real (full-size) configurations of every registry entry, feed-forward and convolutional, survive JSON
     * unchanged; building them allocates no parameters.
     */
    @Test
    void everyZooConfigurationRoundTripsThroughJson() {
        int checked = 0;
        for (ZooEntry e : ModelRegistry.standard().entries()) {
            Object model = e.create(3);
            if (model instanceof HintonImageNetNet h) {
                ComputationGraphConfiguration conf = h.conf();
                assertEquals(conf, ComputationGraphConfiguration.fromJson(conf.toJson()), e.name());
            } else {
                MultiLayerConfiguration conf;
                if (model instanceof FeedForwardZooModel f) {
                    conf = f.conf();
                } else if (model instanceof LeNet l) {
                    conf = l.conf();
                } else if (model instanceof Cifar10Net c) {
                    conf = c.conf();
                } else if (model instanceof AlexNetDropout a) {
                    conf = a.conf();
                } else {
                    throw new AssertionError(e.name() + ": unexpected zoo class " + model.getClass());
                }
                assertEquals(conf, MultiLayerConfiguration.fromJson(conf.toJson()), e.name());
            }
            checked++;
        }
        assertEquals(ModelRegistry.standard().entries().size(), checked);
    }

    /**
     * Each zoo recipe at a small width (same input, output, dropout, bound, init and updater; hidden layers of
     * 16 units) through ModelSerializer with updater state: same configuration, same parameters, same mean-network
     * predictions.
     */
    @Test
    void everyZooRecipeRoundTripsThroughModelSerializer(@TempDir Path dir) throws Exception {
        for (ZooEntry e : ModelRegistry.standard().entries()) {
            if (!(e.create(5) instanceof FeedForwardZooModel)) {
                continue; // the convolutional nets': LeNetTest, Cifar10NetsTest, ImageNetModelsTest
            }
            MlpConfig full = ((FeedForwardZooModel) e.create(5)).config();
            MlpConfig small = full.withHiddenSizes(
                    full.hiddenSizes().stream().map(h -> 16).toList());
            MultiLayerNetwork net = new MultiLayerNetwork(rebuild(e, small).conf());
            net.init();
            File f = dir.resolve(e.name() + ".zip").toFile();
            ModelSerializer.writeModel(net, f, true);
            MultiLayerNetwork back = ModelSerializer.restoreMultiLayerNetwork(f, true);
            assertEquals(net.getLayerWiseConfigurations(), back.getLayerWiseConfigurations(), e.name());
            assertEquals(net.params(), back.params(), e.name());
            Nd4j.getRandom().setSeed(1);
            INDArray x = Nd4j.rand(DataType.FLOAT, 4, small.nIn());
            assertEquals(net.output(x, false), back.output(x, false), e.name());
        }
    }

    private static FeedForwardZooModel rebuild(ZooEntry e, MlpConfig c) {
        return switch (e.dataset()) {
            case "mnist" -> MnistMlp.of(c);
            case "reuters" -> ReutersMlp.of(c);
            case "timit" -> TimitMlp.of(c);
            default -> throw new IllegalStateException(e.dataset());
        };
    }

    @Test
    void configValuesAreImmutableAndCompareByValue() {
        MlpConfig a = MnistMlp.paper800(true);
        assertEquals(a, MnistMlp.paper800(true));
        assertEquals(List.of(800, 800), a.hiddenSizes());
        assertEquals("784-800-800-10", a.architecture());
    }
}
