package io.github.dropout4j.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Pins down what the {@link LocallyConnected2D} Javadoc says about DL4J 1.0.0-M2.1's own SameDiff
 * {@code org.deeplearning4j.nn.conf.layers.LocallyConnected2D}; if an upgrade fixes it, these fail and the Javadoc
 * must be revisited. A 1x1 kernel with all weights 1 and no bias must be the identity map.
 */
class Dl4jLocallyConnected2DFindingsTest {

    private static MultiLayerNetwork dl4jIdentityCandidate(int h, int w) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .dataType(DataType.DOUBLE)
                .list()
                .layer(new org.deeplearning4j.nn.conf.layers.LocallyConnected2D.Builder()
                        .nOut(1)
                        .kernelSize(1, 1)
                        .activation(Activation.IDENTITY)
                        .convolutionMode(ConvolutionMode.Truncate)
                        .hasBias(false)
                        .dropOut(0.5)
                        .build())
                .setInputType(InputType.convolutional(h, w, 1))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        net.getParam("0_W").assign(1.0);
        return net;
    }

    @Test
    void dl4jLocallyConnected2DTransposesASquareOutputMap() {
        INDArray x = Nd4j.arange(9).castTo(DataType.DOUBLE).reshape(1, 1, 3, 3);
        INDArray y = dl4jIdentityCandidate(3, 3).output(x);
        assertEquals(x.reshape(3, 3).transpose(), y.reshape(3, 3));
    }

    @Test
    void dl4jLocallyConnected2DScramblesANonSquareOutputMap() {
        INDArray x = Nd4j.arange(12).castTo(DataType.DOUBLE).reshape(1, 1, 4, 3);
        INDArray y = dl4jIdentityCandidate(4, 3).output(x);
        // position (r, c) is filed at index c*4 + r and read back as row-major 4x3
        INDArray expected = Nd4j.createFromArray(new double[][] {{0, 3, 6}, {9, 1, 4}, {7, 10, 2}, {5, 8, 11}});
        assertEquals(expected, y.reshape(4, 3));
    }

    @Test
    void dl4jLocallyConnected2DIgnoresDropoutWhileTraining() {
        MultiLayerNetwork net = dl4jIdentityCandidate(3, 3);
        INDArray x = Nd4j.arange(1, 10).castTo(DataType.DOUBLE).reshape(1, 1, 3, 3);
        // dropOut(0.5) is set, yet the training-mode pass equals the inference pass: no unit is ever dropped
        assertEquals(net.output(x), net.feedForward(x, true).get(1));
    }
}
