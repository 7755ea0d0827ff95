package io.github.dropout4j.dropout;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Small networks shared by the tests. */
public final class TestNets {

    private TestNets() {}

    /**
     * {@code nIn -> hidden (tanh) -> nOut}, dropout {@code hiddenDropout} on the output layer's input (the hidden
     * units) and {@code inputDropout} on the hidden layer's input; test-time weight scaling on both layers.
     */
    public static MultiLayerNetwork oneHidden(
            int nIn,
            int hidden,
            int nOut,
            IDropout inputDropout,
            IDropout hiddenDropout,
            Activation outAct,
            LossFunctions.LossFunction loss,
            long seed) {
        return oneHidden(nIn, hidden, nOut, inputDropout, hiddenDropout, outAct, loss, seed, new Sgd(0.1));
    }

    public static MultiLayerNetwork oneHidden(
            int nIn,
            int hidden,
            int nOut,
            IDropout inputDropout,
            IDropout hiddenDropout,
            Activation outAct,
            LossFunctions.LossFunction loss,
            long seed,
            IUpdater updater) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.DOUBLE)
                .updater(updater)
                .weightInit(WeightInit.XAVIER)
                .weightNoise(new TestTimeWeightScaling())
                .list()
                .layer(new DenseLayer.Builder()
                        .nIn(nIn)
                        .nOut(hidden)
                        .activation(Activation.TANH)
                        .dropOut(inputDropout)
                        .build())
                .layer(new OutputLayer.Builder(loss)
                        .nIn(hidden)
                        .nOut(nOut)
                        .activation(outAct)
                        .dropOut(hiddenDropout)
                        .build())
                .build();
        DropoutPlacement.check(conf); // seeds unseeded dropouts from the network seed and layer position
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    public static MultiLayerNetwork softmaxNet(
            int nIn, int hidden, int nOut, IDropout inputDropout, IDropout hiddenDropout, long seed) {
        return oneHidden(
                nIn,
                hidden,
                nOut,
                inputDropout,
                hiddenDropout,
                Activation.SOFTMAX,
                LossFunctions.LossFunction.MCXENT,
                seed);
    }
}
