package io.github.dropout4j.zoo.models;

import io.github.dropout4j.dropout.BernoulliDropout;
import io.github.dropout4j.dropout.TestTimeWeightScaling;
import io.github.dropout4j.layers.LocallyConnected2D;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.LocalResponseNormalization;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The layer stack shared by {@link Cifar10Net} and {@link Cifar10DropoutNet} (see their class comments). */
final class Cifar10Layers {

    static final int CHANNELS = 3;
    static final int SIZE = 32;
    static final int CLASSES = 10;
    static final int FILTER_BANKS = 64;

    /** Paper: response normalisation over N = 9 adjacent maps, alpha = 0.001, beta = 0.75 (cuda-convnet's cmrnorm). */
    static final int LRN_SIZE = 9;

    static final double LRN_ALPHA_PAPER = 0.001;
    static final double LRN_BETA = 0.75;

    private Cifar10Layers() {}

    /**
     * cuda-convnet's cross-map normalisation {@code x / (1 + (alpha / N) sum_{N maps} x^2)^beta} in DL4J's
     * parameterisation {@code x / (k + alpha' sum_{n maps} x^2)^beta}: {@code k = 1}, {@code n = N},
     * {@code alpha' = alpha / N} (DL4J does not divide by n).
     */
    static LocalResponseNormalization responseNormalization() {
        return new LocalResponseNormalization.Builder()
                .k(1)
                .n(LRN_SIZE)
                .alpha(LRN_ALPHA_PAPER / LRN_SIZE)
                .beta(LRN_BETA)
                .build();
    }

    static MultiLayerConfiguration configuration(Cifar10Recipe recipe, long seed, boolean dropout) {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .updater(recipe.updater())
                .weightInit(new NormalDistribution(0, recipe.weightStd()))
                .convolutionMode(ConvolutionMode.Same)
                .weightNoise(new TestTimeWeightScaling())
                .list()
                .layer(conv("conv1", recipe)) // [mb, 64, 32, 32]
                .layer(pool("pool1", SubsamplingLayer.PoolingType.MAX)) // [mb, 64, 16, 16]
                .layer(named(responseNormalization(), "rnorm1"))
                .layer(conv("conv2", recipe)) // [mb, 64, 16, 16]
                .layer(pool("pool2", SubsamplingLayer.PoolingType.AVG)) // [mb, 64, 8, 8]
                .layer(named(responseNormalization(), "rnorm2"))
                .layer(conv("conv3", recipe)) // [mb, 64, 8, 8]
                .layer(pool("pool3", SubsamplingLayer.PoolingType.AVG)); // [mb, 64, 4, 4]
        OutputLayer.Builder softmax = new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .name("softmax")
                .nOut(CLASSES)
                .activation(Activation.SOFTMAX)
                .biasInit(0);
        if (dropout) {
            list.layer(new LocallyConnected2D.Builder()
                    .name("local4")
                    .nOut(16)
                    .kernelSize(3, 3) // [mb, 16, 4, 4]
                    .convolutionMode(ConvolutionMode.Same)
                    .activation(Activation.RELU)
                    .biasInit(recipe.hiddenBiasInit())
                    .build());
            softmax.dropOut(BernoulliDropout.retainProbability(0.5).withSeed(seed * 31 + 7));
        }
        return list.layer(softmax.build())
                .setInputType(InputType.convolutional(SIZE, SIZE, CHANNELS))
                .build();
    }

    private static ConvolutionLayer conv(String name, Cifar10Recipe recipe) {
        return new ConvolutionLayer.Builder(5, 5)
                .name(name)
                .nOut(FILTER_BANKS)
                .stride(1, 1)
                .activation(Activation.RELU)
                .biasInit(recipe.hiddenBiasInit())
                .build();
    }

    /** 3x3 windows, stride 2, Same mode: out = ceil(in / 2), the image's last row/column padded (as cuda-convnet). */
    private static SubsamplingLayer pool(String name, SubsamplingLayer.PoolingType type) {
        return new SubsamplingLayer.Builder(type)
                .name(name)
                .kernelSize(3, 3)
                .stride(2, 2)
                .avgPoolIncludePadInDivisor(false)
                .build();
    }

    private static LocalResponseNormalization named(LocalResponseNormalization l, String name) {
        l.setLayerName(name);
        return l;
    }
}
