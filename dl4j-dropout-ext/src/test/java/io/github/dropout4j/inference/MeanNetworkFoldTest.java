package io.github.dropout4j.inference;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropout4j.dropout.BernoulliDropout;
import io.github.dropout4j.dropout.TestTimeWeightScaling;
import io.github.dropout4j.layers.LocallyConnected2D;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** MeanNetwork.fold: the mean network of a net that uses Dropout4j's own layers. */
class MeanNetworkFoldTest {

    @Test
    void foldKeepsOurLayersAndPredictsLikeTheSource() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(3)
                .dataType(DataType.DOUBLE)
                .weightNoise(new TestTimeWeightScaling())
                .list()
                .layer(new LocallyConnected2D.Builder()
                        .kernelSize(3, 3)
                        .nOut(2)
                        .activation(Activation.RELU)
                        .dropOut(BernoulliDropout.retainProbability(0.7).withSeed(1))
                        .build())
                .layer(new OutputLayer.Builder()
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .dropOut(BernoulliDropout.retainProbability(0.5).withSeed(2))
                        .build())
                .setInputType(InputType.convolutional(5, 5, 2))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        INDArray x = Nd4j.rand(DataType.DOUBLE, 4, 2, 5, 5);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> MeanNetwork.export(net));
        assertTrue(
                e.getMessage().contains("LocallyConnected2D") && e.getMessage().contains("fold"), e.getMessage());
        MultiLayerNetwork folded = MeanNetwork.fold(net);
        String json = folded.getLayerWiseConfigurations().toJson();
        assertFalse(json.contains("BernoulliDropout") || json.contains("TestTimeWeightScaling"), json);
        assertTrue(net.output(x).equalsWithEps(folded.output(x), 1e-12));
        assertTrue(net.getLayer(0)
                .getParam("W")
                .mul(0.7)
                .equalsWithEps(folded.getLayer(0).getParam("W"), 1e-15));
    }

    @Test
    void foldOfAComputationGraphKeepsOurLayersAndPredictsLikeTheSource() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(3)
                .dataType(DataType.DOUBLE)
                .weightNoise(new TestTimeWeightScaling())
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.convolutional(5, 5, 2))
                .addLayer(
                        "lc",
                        new LocallyConnected2D.Builder()
                                .kernelSize(3, 3)
                                .nOut(2)
                                .activation(Activation.RELU)
                                .dropOut(BernoulliDropout.retainProbability(0.7).withSeed(1))
                                .build(),
                        "in")
                .addLayer(
                        "out",
                        new OutputLayer.Builder()
                                .nOut(3)
                                .activation(Activation.SOFTMAX)
                                .dropOut(BernoulliDropout.retainProbability(0.5).withSeed(2))
                                .build(),
                        "lc")
                .setOutputs("out")
                .build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        INDArray x = Nd4j.rand(DataType.DOUBLE, 4, 2, 5, 5);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> MeanNetwork.export(graph));
        assertTrue(e.getMessage().contains("LocallyConnected2D"), e.getMessage());
        ComputationGraph folded = MeanNetwork.fold(graph);
        String json = folded.getConfiguration().toJson();
        assertFalse(json.contains("BernoulliDropout") || json.contains("TestTimeWeightScaling"), json);
        assertTrue(graph.outputSingle(x).equalsWithEps(folded.outputSingle(x), 1e-12));
        assertTrue(graph.getLayer("lc")
                .getParam("W")
                .mul(0.7)
                .equalsWithEps(folded.getLayer("lc").getParam("W"), 1e-15));
        assertTrue(graph.getLayer("out")
                .getParam("W")
                .mul(0.5)
                .equalsWithEps(folded.getLayer("out").getParam("W"), 1e-15));
    }
}
