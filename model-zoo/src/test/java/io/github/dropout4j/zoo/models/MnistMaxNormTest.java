package io.github.dropout4j.zoo.models;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * Appendix A.1 bounds "the incoming weight vector for each individual hidden unit": the zoo's MNIST nets bound the
 * hidden units only, and the softmax output units only on request. Checked through training with a rate large
 * enough to push every layer past the bound, by hand loops over the raw weights.
 */
class MnistMaxNormTest {
    private static final double BOUND = MlpConfig.PAPER_MAX_SQUARED_LENGTH;

    @Test
    void hiddenUnitsAreBoundedAndOutputUnitsAreNotByDefault() {
        MultiLayerNetwork net = trainHard(MnistMlp.paper(true, 16));
        assertTrue(maxColumnSquaredLength(net.getLayer(0).getParam("W")) <= BOUND * (1 + 1e-5));
        double output = maxColumnSquaredLength(net.getLayer(1).getParam("W"));
        assertTrue(output > 2 * BOUND, "output units grow past the bound when unbounded: " + output);
    }

    @Test
    void boundOutputUnitsAlsoBoundsTheSoftmaxUnits() {
        MultiLayerNetwork net = trainHard(MnistMlp.paper(true, 16).withBoundOutputUnits(true));
        assertTrue(maxColumnSquaredLength(net.getLayer(0).getParam("W")) <= BOUND * (1 + 1e-5));
        assertTrue(maxColumnSquaredLength(net.getLayer(1).getParam("W")) <= BOUND * (1 + 1e-5));
    }

    private static MultiLayerNetwork trainHard(MlpConfig config) {
        MultiLayerNetwork net =
                MnistMlp.of(config.withUpdater(new Sgd(20.0)).withSeed(3)).init();
        Nd4j.getRandom().setSeed(11);
        INDArray x = Nd4j.rand(DataType.FLOAT, 64, MnistMlp.INPUTS);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 64, MnistMlp.CLASSES);
        for (int i = 0; i < 64; i++) {
            y.putScalar(i, (i * 7) % MnistMlp.CLASSES, 1f);
        }
        for (int step = 0; step < 20; step++) {
            net.fit(new DataSet(x, y));
        }
        return net;
    }

    /** The largest squared L2 norm over the columns (units) of a dense {@code [nIn, nOut]} weight matrix. */
    private static double maxColumnSquaredLength(INDArray w) {
        double[][] a = w.toDoubleMatrix();
        double max = 0;
        for (int unit = 0; unit < a[0].length; unit++) {
            double sum = 0;
            for (double[] row : a) {
                sum += row[unit] * row[unit];
            }
            max = Math.max(max, sum);
        }
        return max;
    }
}
