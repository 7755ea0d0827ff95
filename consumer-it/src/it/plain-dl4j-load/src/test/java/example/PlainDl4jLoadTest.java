package example;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.File;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code MeanNetwork.export}'s result, written by quick-start, loads and predicts with plain DL4J. */
class PlainDl4jLoadTest {
    static final File EXPORTED = new File("../quick-start/target");

    @Test
    void exportedMeanNetworkLoadsWithoutDropout4j() throws Exception {
        assertThrows(ClassNotFoundException.class,
            () -> Class.forName("io.github.dropout4j.dropout.BernoulliDropout"), "Dropout4j must not be here");
        MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(new File(EXPORTED, "mean-network.zip"));
        INDArray x = Nd4j.readBinary(new File(EXPORTED, "mean-network-inputs.bin"));
        INDArray expected = Nd4j.readBinary(new File(EXPORTED, "mean-network-outputs.bin"));
        INDArray actual = net.output(x);
        assertArrayEquals(expected.shape(), actual.shape());
        assertTrue(expected.sub(actual).amaxNumber().doubleValue() < 1e-5,
            "plain DL4J predicts what Dropout4j's output() predicted");
    }
}
