package io.github.dropout4j.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import org.nd4j.kryo.Nd4jRegistrator;

/**
 * The Kryo registrator for Spark jobs that use Dropout4j: DL4J's {@link Nd4jRegistrator} (INDArrays, collections),
 * plus Java serialisation for every Java {@code record}. Dropout4j's configuration values are records (the retain
 * probability, the recorded training step), and Spark's Kryo 4 cannot build its field serialiser for records on
 * Java 17 ("Unable to create serializer FieldSerializer"), while their Java serialisation is exact.
 *
 * <pre>
 * --conf spark.serializer=org.apache.spark.serializer.KryoSerializer
 * --conf spark.kryo.registrator=io.github.dropout4j.spark.Dropout4jKryoRegistrator
 * </pre>
 */
public class Dropout4jKryoRegistrator extends Nd4jRegistrator {
    @Override
    public void registerClasses(Kryo kryo) {
        super.registerClasses(kryo);
        kryo.addDefaultSerializer(Record.class, JavaSerializer.class);
    }
}
