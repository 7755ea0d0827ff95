package io.github.dropout4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import io.github.dropout4j.constraint.PerUnitMaxNorm;
import io.github.dropout4j.dropout.BernoulliDropout;
import io.github.dropout4j.dropout.TestTimeWeightScaling;
import io.github.dropout4j.layers.LocallyConnected2D;
import io.github.dropout4j.layers.RandomChannelGroupConvolution;
import io.github.dropout4j.layers.Standout;
import io.github.dropout4j.updater.DampedMomentum;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.JavaSerializer;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.Serializer;
import org.apache.spark.serializer.SerializerInstance;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import scala.reflect.ClassTag$;

/**
 * Every Dropout4j component travels through the serialisers Spark uses for the broadcast configuration (Java
 * serialisation, Spark's default) and through Kryo with {@link Dropout4jKryoRegistrator}; the copy trains to
 * the same parameters as the original. ParallelWrapper copies configurations through JSON, tested by the library.
 */
class EngineSerializationTest {

    static List<Serializer> serializers() {
        SparkConf kryo = new SparkConf().set("spark.kryo.registrator", Dropout4jKryoRegistrator.class.getName());
        return List.of(new JavaSerializer(new SparkConf()), new KryoSerializer(kryo));
    }

    /**
     * Input [4, 8, 8]: random channel groups (2 groups of 2 channels, retain 0.8) -> locally connected 3x3
     * (scheduled retain probability) -> Standout (10 units) -> softmax (per-unit retain probabilities); damped
     * momentum with
     * the MNIST schedules, per-unit max-norm, test-time weight scaling.
     */
    static MultiLayerConfiguration everyComponent() {
        return new NeuralNetConfiguration.Builder()
                .seed(3)
                .dataType(DataType.DOUBLE)
                .weightInit(WeightInit.XAVIER)
                .updater(DampedMomentum.mnistRecipe())
                .weightNoise(new TestTimeWeightScaling())
                .list()
                .layer(new RandomChannelGroupConvolution.Builder(3, 3)
                        .nOut(4)
                        .groups(2)
                        .channelsPerGroup(2)
                        .padding(1, 1)
                        .wiringSeed(5)
                        .activation(Activation.RELU)
                        .constrainWeights(PerUnitMaxNorm.maxNorm(2))
                        .dropOut(BernoulliDropout.retainProbability(0.8).withSeed(1))
                        .build())
                .layer(new LocallyConnected2D.Builder()
                        .nOut(3)
                        .kernelSize(3, 3)
                        .activation(Activation.RELU)
                        .dropOut(BernoulliDropout.retainSchedule(new ExponentialSchedule(ScheduleType.EPOCH, 0.9, 0.99))
                                .withSeed(2))
                        .build())
                .layer(new Standout.Builder()
                        .nOut(10)
                        .activation(Activation.TANH)
                        .seed(7)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .constrainWeights(PerUnitMaxNorm.maxSquaredLength(15))
                        .dropOut(BernoulliDropout.perUnitRetainProbabilities(
                                        0.9, 0.8, 0.7, 0.6, 0.5, 0.5, 0.6, 0.7, 0.8, 0.9)
                                .withSeed(4))
                        .build())
                .setInputType(InputType.convolutional(8, 8, 4))
                .build();
    }

    private static MultiLayerConfiguration roundTrip(Serializer serializer, MultiLayerConfiguration conf) {
        SerializerInstance s = serializer.newInstance();
        ByteBuffer bytes = s.serialize(conf, ClassTag$.MODULE$.apply(MultiLayerConfiguration.class));
        return s.deserialize(bytes, ClassTag$.MODULE$.apply(MultiLayerConfiguration.class));
    }

    @org.junit.jupiter.api.Test
    void dl4jsRegistratorAloneCannotCarryRecords() {
        // why Dropout4jKryoRegistrator exists: with DL4J's registrator only, Kryo 4 fails on our record values
        SparkConf kryo = new SparkConf().set("spark.kryo.registrator", "org.nd4j.kryo.Nd4jRegistrator");
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(
                Exception.class, () -> roundTrip(new KryoSerializer(kryo), everyComponent()));
        org.junit.jupiter.api.Assertions.assertTrue(
                String.valueOf(e.getMessage()).contains("FieldSerializer"), e.toString());
    }

    @ParameterizedTest
    @MethodSource("serializers")
    void everyComponentSurvivesAndTrainsIdentically(Serializer serializer) {
        MultiLayerConfiguration conf = everyComponent();
        MultiLayerConfiguration copy = roundTrip(serializer, conf);
        assertNotSame(conf, copy);
        assertEquals(conf.toJson(), copy.toJson(), serializer.getClass().getSimpleName());

        MultiLayerNetwork original = new MultiLayerNetwork(conf);
        original.init();
        MultiLayerNetwork copied = new MultiLayerNetwork(copy);
        copied.init(original.params().dup(), true);
        Nd4j.getRandom().setSeed(9);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 6, 4, 8, 8);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, 6, 3);
        for (int i = 0; i < 6; i++) {
            y.putScalar(i, i % 3, 1.0);
        }
        for (int step = 0; step < 3; step++) {
            original.fit(new DataSet(x, y));
            copied.fit(new DataSet(x, y));
        }
        assertEquals(original.params(), copied.params(), "parameters after three training steps");
        assertEquals(original.output(x), copied.output(x), "mean-network outputs");
    }
}
