package io.github.dropout4j.bench;

import io.github.dropout4j.constraint.PerUnitMaxNorm;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.layers.LayerConstraint;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.constraint.MaxNormConstraint;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Cost of {@link PerUnitMaxNorm} against no constraint and DL4J's {@code MaxNormConstraint(c, 0)}, on the paper's
 * 784-800-800-10 MNIST net with random data (8000 examples, batch 100, so 80 updates per epoch), plain SGD.
 *
 * <p>Prints (1) per configuration, each epoch's wall time and the time spent inside {@code applyConstraint} during
 * it (a timing wrapper around the constraint), epochs run round-robin across configurations after one warm-up
 * epoch each so that load from other processes hits all alike; the constraint share of the epoch and the
 * PerUnitMaxNorm / MaxNormConstraint ratio come from those in-training times; and (2) an isolated timing of one
 * application to all three weight arrays (784x800, 800x800, 800x10). Two regimes: "binding" (c = 0.5, below the
 * ~1.0 column norms of Xavier init, so every unit is renormalised on every update: the worst case) and "slack"
 * (c = sqrt 15, the paper's bound, which no unit reaches in a few epochs: norms are computed, nothing is scaled).
 *
 * <pre>
 * OMP_WAIT_POLICY=PASSIVE mvn -q -pl dl4j-dropout-ext test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.github.dropout4j.bench.MaxNormBench [-Dexec.args="epochs reps"]
 * </pre>
 */
public final class MaxNormBench {

    private static final int EXAMPLES = 8000;
    private static final int BATCH = 100;
    private static final java.util.Map<String, Double> CONSTRAINT_SECONDS = new java.util.HashMap<>();

    public static void main(String[] args) {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        Nd4j.getRandom().setSeed(1);
        INDArray x = Nd4j.rand(EXAMPLES, 784);
        INDArray y = Nd4j.zeros(EXAMPLES, 10);
        for (int i = 0; i < EXAMPLES; i++) {
            y.putScalar(i, i % 10, 1);
        }
        List<DataSet> batches = new DataSet(x, y).batchBy(BATCH);
        ListDataSetIterator<DataSet> it = new ListDataSetIterator<>(batches, 1); // 1 = one pre-made batch per next()

        double binding = 0.5; // Xavier init gives column norms ~1 here, so 0.5 binds every unit on every step
        System.out.printf(
                "MaxNormBench: 784-800-800-10, %d examples, batch %d, %d timed epochs after 1 warm-up, " + "%d cores%n",
                EXAMPLES, BATCH, epochs, Runtime.getRuntime().availableProcessors());

        String pu = "PerUnitMaxNorm(0.5) binding";
        String puSlackName = "PerUnitMaxNorm(sqrt 15) slack";
        String dl = "MaxNormConstraint(0.5, dim 0)";
        String[] names = {"none", pu, puSlackName, dl};
        LayerConstraint[] constraints = {
            null,
            PerUnitMaxNorm.maxNorm(binding),
            PerUnitMaxNorm.maxSquaredLength(15),
            new MaxNormConstraint(binding, 0)
        };
        double[] median = roundRobinEpochs(names, constraints, it, epochs);
        double none = median[0];
        double perUnit = median[1];
        double perUnitSlack = median[2];
        double dl4j = median[3];

        MultiLayerNetwork net = network(null);
        it.reset();
        net.fit(it);
        List<INDArray> w = new ArrayList<>();
        for (Layer l : net.getLayers()) {
            w.add(l.getParam("W").dup());
        }
        double puBind = applyMicros(net, w, PerUnitMaxNorm.maxNorm(binding), reps);
        double dlBind = applyMicros(net, w, new MaxNormConstraint(binding, 0), reps);
        double puSlack = applyMicros(net, w, PerUnitMaxNorm.maxSquaredLength(15), reps);
        double dlSlack = applyMicros(net, w, new MaxNormConstraint(Math.sqrt(15), 0), reps);

        System.out.printf(
                "%nmedian epoch seconds: none %.3f | %s %.3f | %s %.3f | %s %.3f%n",
                none, pu, perUnit, puSlackName, perUnitSlack, dl, dl4j);
        System.out.printf(
                "constraint share of the epoch (median time inside applyConstraint during fit / median "
                        + "epoch): %s %.2f%% | %s %.2f%% | %s %.2f%%%n",
                pu,
                100 * CONSTRAINT_SECONDS.get(pu) / perUnit,
                puSlackName,
                100 * CONSTRAINT_SECONDS.get(puSlackName) / perUnitSlack,
                dl,
                100 * CONSTRAINT_SECONDS.get(dl) / dl4j);
        System.out.printf(
                "ratio PerUnitMaxNorm / MaxNormConstraint, time inside the constraint during fit, same "
                        + "bound 0.5: %.3f%n",
                CONSTRAINT_SECONDS.get(pu) / CONSTRAINT_SECONDS.get(dl));
        System.out.printf(
                "epoch ratio vs no constraint: %s %.3f | %s %.3f | %s %.3f%n",
                pu, perUnit / none, puSlackName, perUnitSlack / none, dl, dl4j / none);
        System.out.printf(
                "%nisolated: one application to all 3 weight arrays (weights reset before each), median of "
                        + "%d, microseconds:%n",
                reps);
        System.out.printf(
                "  binding (c = 0.5):     PerUnitMaxNorm %.1f | MaxNormConstraint %.1f | ratio %.3f%n",
                puBind, dlBind, puBind / dlBind);
        System.out.printf(
                "  slack   (c = sqrt 15): PerUnitMaxNorm %.1f | MaxNormConstraint %.1f | ratio %.3f%n",
                puSlack, dlSlack, puSlack / dlSlack);
    }

    /** Wraps a constraint and accumulates the wall time of its applications during training. */
    static final class Timed implements LayerConstraint {
        static long nanos;
        static long calls;
        private final LayerConstraint inner;

        Timed(LayerConstraint inner) {
            this.inner = inner;
        }

        @Override
        public void applyConstraint(Layer layer, int iteration, int epoch) {
            long s = System.nanoTime();
            inner.applyConstraint(layer, iteration, epoch);
            nanos += System.nanoTime() - s;
            calls++;
        }

        @Override
        public void setParams(java.util.Set<String> params) {
            inner.setParams(params);
        }

        @Override
        public java.util.Set<String> getParams() {
            return inner.getParams();
        }

        @Override
        public Timed clone() {
            return new Timed(inner.clone());
        }
    }

    private static MultiLayerNetwork network(LayerConstraint c) {
        NeuralNetConfiguration.Builder b =
                new NeuralNetConfiguration.Builder().seed(2).updater(new Sgd(0.1));
        if (c != null) {
            b.constrainWeights(c);
        }
        MultiLayerConfiguration conf = b.list()
                .layer(new DenseLayer.Builder()
                        .nIn(784)
                        .nOut(800)
                        .activation(Activation.RELU)
                        .build())
                .layer(new DenseLayer.Builder()
                        .nIn(800)
                        .nOut(800)
                        .activation(Activation.RELU)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX)
                        .nIn(800)
                        .nOut(10)
                        .build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /**
     * Trains one network per configuration; after one warm-up epoch each, runs the timed epochs round-robin
     * (config 1, 2, 3, 4, 1, 2, ...) so that load from other processes hits all configurations alike.
     *
     * @return median epoch seconds per configuration; median seconds inside the constraint go to CONSTRAINT_SECONDS
     */
    private static double[] roundRobinEpochs(
            String[] names, LayerConstraint[] constraints, ListDataSetIterator<DataSet> it, int epochs) {
        MultiLayerNetwork[] nets = new MultiLayerNetwork[names.length];
        for (int i = 0; i < names.length; i++) {
            nets[i] = network(constraints[i] == null ? null : new Timed(constraints[i]));
            it.reset();
            nets[i].fit(it); // warm-up
        }
        double[][] t = new double[names.length][epochs];
        double[][] inConstraint = new double[names.length][epochs];
        for (int e = 0; e < epochs; e++) {
            for (int i = 0; i < names.length; i++) {
                it.reset();
                Timed.nanos = 0;
                long s = System.nanoTime();
                nets[i].fit(it);
                t[i][e] = (System.nanoTime() - s) / 1e9;
                inConstraint[i][e] = Timed.nanos / 1e9;
            }
        }
        double[] medians = new double[names.length];
        for (int i = 0; i < names.length; i++) {
            System.out.printf(
                    "  %-32s epochs (s): %s, of which in the constraint (s): %s%n",
                    names[i], Arrays.toString(round(t[i])), Arrays.toString(round(inConstraint[i])));
            CONSTRAINT_SECONDS.put(names[i], median(inConstraint[i]));
            medians[i] = median(t[i]);
        }
        return medians;
    }

    /** Median time of applying {@code c} once to every layer, the weights reset to {@code w} before each rep. */
    private static double applyMicros(MultiLayerNetwork net, List<INDArray> w, LayerConstraint c, int reps) {
        List<LayerConstraint> perLayer = new ArrayList<>();
        for (int i = 0; i < net.getnLayers(); i++) {
            LayerConstraint lc = c.clone();
            lc.setParams(new java.util.HashSet<>(List.of("W")));
            perLayer.add(lc);
        }
        double[] t = new double[reps];
        for (int r = 0; r < reps + 20; r++) {
            for (int i = 0; i < net.getnLayers(); i++) {
                net.getLayer(i).getParam("W").assign(w.get(i));
            }
            long s = System.nanoTime();
            for (int i = 0; i < net.getnLayers(); i++) {
                perLayer.get(i).applyConstraint(net.getLayer(i), 0, 0);
            }
            long dt = System.nanoTime() - s;
            if (r >= 20) {
                t[r - 20] = dt / 1e3;
            }
        }
        return median(t);
    }

    private static double median(double[] a) {
        return io.github.dropout4j.testsupport.TestSupport.median(a);
    }

    private static double[] round(double[] a) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = Math.round(a[i] * 1000) / 1000.0;
        }
        return r;
    }
}
