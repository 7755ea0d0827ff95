package io.github.dropout4j.dropout;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.ZeroPadding1DLayer;
import org.deeplearning4j.nn.conf.layers.ZeroPadding3DLayer;
import org.deeplearning4j.nn.conf.layers.convolutional.Cropping1D;
import org.deeplearning4j.nn.conf.layers.convolutional.Cropping2D;
import org.deeplearning4j.nn.conf.layers.convolutional.Cropping3D;
import org.deeplearning4j.nn.conf.layers.util.MaskLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class DropoutPlacementTest {

    private static MultiLayerConfiguration conf(boolean onPooling) {
        return new NeuralNetConfiguration.Builder()
                .seed(1)
                .weightNoise(new TestTimeWeightScaling())
                .list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(2).build())
                .layer(new SubsamplingLayer.Builder()
                        .kernelSize(2, 2)
                        .stride(2, 2)
                        .name("pool")
                        .dropOut(
                                onPooling
                                        ? BernoulliDropout.retainProbability(0.5)
                                                .inverted()
                                        : null)
                        .build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new DenseLayer.Builder()
                        .nOut(4)
                        .dropOut(BernoulliDropout.retainProbability(0.5).withSeed(1))
                        .build())
                .layer(new OutputLayer.Builder().nOut(2).build())
                .setInputType(InputType.convolutional(6, 6, 1))
                .build();
    }

    @Test
    void dl4jReallyIgnoresDropoutOnPoolingSoTheCheckNamesTheLayer() {
        // The fact the check rests on: a pooling layer's dropout changes nothing in training mode.
        MultiLayerNetwork withDropout = new MultiLayerNetwork(conf(true));
        withDropout.init();
        MultiLayerNetwork without = new MultiLayerNetwork(conf(false));
        without.init(withDropout.params().dup(), false);
        INDArray x = Nd4j.rand(DataType.FLOAT, 3, 1, 6, 6);
        assertEquals(
                without.feedForward(x, true).get(2),
                withDropout.feedForward(x, true).get(2));

        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> DropoutPlacement.check(conf(true)));
        assertTrue(
                e.getMessage().contains("layer 1") && e.getMessage().contains("SubsamplingLayer 'pool'"),
                e.getMessage());
        assertDoesNotThrow(() -> DropoutPlacement.check(conf(false)));
    }

    /** A layer with an inverted dropout between a dense layer and the output (nIn 4 unless the layer says). */
    private static MultiLayerConfiguration between(Layer layer, InputType input) {
        return new NeuralNetConfiguration.Builder()
                .seed(1)
                .weightNoise(new TestTimeWeightScaling())
                .list()
                .layer(layer)
                .layer(new OutputLayer.Builder().nOut(2).build())
                .setInputType(input)
                .build();
    }

    /**
     * The allow-list: layers whose DL4J 1.0.0-M2.1 implementation never calls applyDropOutIfNecessary are rejected,
     * naming the layer: Cropping1D/2D/3D, ZeroPadding1DLayer/3DLayer, MaskLayer and every SameDiff layer
     * (DL4J's own LocallyConnected2D among them, see Dl4jLocallyConnected2DFindingsTest).
     */
    @Test
    void layersThatIgnoreDropoutAreRejectedNamingTheLayer() {
        BernoulliDropout d = BernoulliDropout.retainProbability(0.5).withSeed(1).inverted();
        Object[][] cases = {
            {new Cropping1D.Builder(1, 1).name("c1").dropOut(d).build(), InputType.recurrent(3, 6)},
            {new Cropping2D.Builder(1, 1).name("c2").dropOut(d).build(), InputType.convolutional(6, 6, 2)},
            {new Cropping3D.Builder(1, 1, 1).name("c3").dropOut(d).build(), InputType.convolutional3D(6, 6, 6, 2)},
            {new ZeroPadding1DLayer.Builder(1).name("z1").dropOut(d).build(), InputType.recurrent(3, 6)},
            {
                new ZeroPadding3DLayer.Builder(1, 1, 1).name("z3").dropOut(d).build(),
                InputType.convolutional3D(6, 6, 6, 2)
            },
            {maskLayer(d), InputType.feedForward(4)},
            {
                new org.deeplearning4j.nn.conf.layers.LocallyConnected2D.Builder()
                        .nOut(2)
                        .kernelSize(3, 3)
                        .name("lc")
                        .dropOut(d)
                        .build(),
                InputType.convolutional(6, 6, 2)
            },
        };
        for (Object[] c : cases) {
            Layer layer = (Layer) c[0];
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> DropoutPlacement.check(between(layer, (InputType) c[1])),
                    layer.getLayerName());
            assertTrue(
                    e.getMessage().contains("'" + layer.getLayerName() + "'")
                            && e.getMessage().contains(layer.getClass().getSimpleName()),
                    e.getMessage());
        }
    }

    private static MaskLayer maskLayer(BernoulliDropout d) {
        MaskLayer m = new MaskLayer(); // MaskLayer has no builder of its own
        m.setLayerName("mask");
        m.setIDropout(d);
        return m;
    }

    @Test
    void layersThatApplyDropoutAreAccepted() {
        BernoulliDropout d = BernoulliDropout.retainProbability(0.5).withSeed(1);
        assertDoesNotThrow(() -> DropoutPlacement.check(
                between(new DenseLayer.Builder().nOut(3).dropOut(d).build(), InputType.feedForward(4))));
        assertDoesNotThrow(() -> DropoutPlacement.check(between(
                new ConvolutionLayer.Builder(3, 3).nOut(3).dropOut(d).build(), InputType.convolutional(6, 6, 2))));
        assertDoesNotThrow(() -> DropoutPlacement.check(between(
                new io.github.dropout4j.layers.LocallyConnected2D.Builder()
                        .nOut(2)
                        .kernelSize(3, 3)
                        .dropOut(d)
                        .build(),
                InputType.convolutional(6, 6, 2))));
        assertDoesNotThrow(() -> DropoutPlacement.check(between(
                new io.github.dropout4j.layers.RandomChannelGroupConvolution.Builder(3, 3)
                        .nOut(2)
                        .groups(2)
                        .channelsPerGroup(1)
                        .dropOut(d)
                        .build(),
                InputType.convolutional(6, 6, 2))));
        // Convolution1DLayer applies dropout but reads its weights without weight noise: inverted only
        assertDoesNotThrow(() -> DropoutPlacement.check(between(
                new Convolution1DLayer.Builder(2).nOut(3).dropOut(d.inverted()).build(), InputType.recurrent(3, 6))));
        assertThrows(
                IllegalArgumentException.class,
                () -> DropoutPlacement.check(between(
                        new Convolution1DLayer.Builder(2).nOut(3).dropOut(d).build(), InputType.recurrent(3, 6))));
    }
}
