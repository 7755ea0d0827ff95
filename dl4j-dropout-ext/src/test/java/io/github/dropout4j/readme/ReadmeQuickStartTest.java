package io.github.dropout4j.readme;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropout4j.constraint.PerUnitMaxNorm;
import io.github.dropout4j.dropout.BernoulliDropout;
import io.github.dropout4j.dropout.DropoutPlacement;
import io.github.dropout4j.dropout.TestTimeWeightScaling;
import io.github.dropout4j.inference.MeanNetwork;
import io.github.dropout4j.updater.DampedMomentum;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/** The README's quick start, verbatim, so it cannot rot. */
class ReadmeQuickStartTest {

    @Test
    void quickStartTrainsAndPredictsWithTheMeanNetwork() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(42)
                .weightNoise(new TestTimeWeightScaling()) // output() = the paper's mean network
                .constrainWeights(PerUnitMaxNorm.maxSquaredLength(15))
                .updater(new DampedMomentum(1.0, 0.5)) // Appendix A.1's momentum, eps = 1, p = 0.5
                .list()
                .layer(new DenseLayer.Builder()
                        .nIn(784)
                        .nOut(800)
                        .activation(Activation.RELU)
                        .dropOut(BernoulliDropout.retainProbability(0.8).withSeed(1))
                        .build()) // 20% input dropout
                .layer(new DenseLayer.Builder()
                        .nIn(800)
                        .nOut(800)
                        .activation(Activation.RELU)
                        .dropOut(BernoulliDropout.retainProbability(0.5).withSeed(2))
                        .build()) // 50% hidden dropout
                .layer(new OutputLayer.Builder(LossFunction.MCXENT)
                        .nIn(800)
                        .nOut(10)
                        .activation(Activation.SOFTMAX)
                        .dropOut(BernoulliDropout.retainProbability(0.5).withSeed(3))
                        .build())
                .build();
        DropoutPlacement.check(conf);
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        INDArray x = Nd4j.rand(DataType.FLOAT, 20, 784);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 20, 10);
        for (int i = 0; i < 20; i++) {
            y.putScalar(i, i % 10, 1f);
        }
        for (int i = 0; i < 3; i++) {
            net.fit(x, y);
        }
        INDArray mean = net.output(x);
        INDArray exported = MeanNetwork.export(net).output(x);
        assertTrue(mean.sub(exported).amaxNumber().doubleValue() < 1e-5);
        for (String key : new String[] {"0_W", "1_W", "2_W"}) {
            INDArray w = net.getParam(key);
            assertTrue(w.norm2(0).maxNumber().doubleValue() <= Math.sqrt(15) * (1 + 1e-6), key);
        }
    }
}
