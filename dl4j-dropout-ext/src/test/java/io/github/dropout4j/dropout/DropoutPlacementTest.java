package io.github.dropout4j.dropout;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DropoutPlacementTest {

    private static MultiLayerConfiguration conf(boolean onPooling) {
        return new NeuralNetConfiguration.Builder().seed(1).weightNoise(new TestTimeWeightScaling()).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(2).build())
                .layer(new SubsamplingLayer.Builder().kernelSize(2, 2).stride(2, 2).name("pool")
                        .dropOut(onPooling ? BernoulliDropout.retainProbability(0.5).inverted() : null).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new DenseLayer.Builder().nOut(4)
                        .dropOut(BernoulliDropout.retainProbability(0.5).withSeed(1)).build())
                .layer(new OutputLayer.Builder().nOut(2).build())
                .setInputType(InputType.convolutional(6, 6, 1)).build();
    }

    @Test
    void dl4jReallyIgnoresDropoutOnPoolingSoTheCheckNamesTheLayer() {
        // The fact the check rests on: a pooling layer's dropout changes nothing in training mode.
        MultiLayerNetwork withDropout = new MultiLayerNetwork(conf(true));
        withDropout.init();
        MultiLayerNetwork without = new MultiLayerNetwork(conf(false));
        without.init(withDropout.params().dup(), false);
        INDArray x = Nd4j.rand(DataType.FLOAT, 3, 1, 6, 6);
        assertEquals(without.feedForward(x, true).get(2), withDropout.feedForward(x, true).get(2));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DropoutPlacement.check(conf(true)));
        assertTrue(e.getMessage().contains("layer 1") && e.getMessage().contains("SubsamplingLayer 'pool'"),
                e.getMessage());
        assertDoesNotThrow(() -> DropoutPlacement.check(conf(false)));
    }
}
