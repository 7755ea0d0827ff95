package io.github.dropout4j.bench;

import io.github.dropout4j.zoo.data.IdxDataSetIterator;
import io.github.dropout4j.zoo.data.MnistData;
import io.github.dropout4j.zoo.models.MlpConfig;
import io.github.dropout4j.zoo.models.MnistMlp;
import io.github.dropout4j.zoo.testsupport.Stats;
import io.github.dropout4j.zoo.training.Errors;
import io.github.dropout4j.zoo.training.Recipe;
import io.github.dropout4j.zoo.training.RunManifest;
import io.github.dropout4j.zoo.training.TrainingRun;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * Speed of the CLI's {@code reproduce mnist} configuration (784-800-800-10, 20% input and 50% hidden dropout,
 * max-norm, damped momentum, batch 100, the bundled 8,000 digits), measured in one run: first its training epoch
 * against PyTorch's ({@link MnistPeerComparison}: alternating epochs, both times and the ratio), then
 * <ol>
 *   <li>the data pipeline alone: an epoch of the seeded, shuffled {@link IdxDataSetIterator} (shuffle, batching,
 *       byte-to-float conversion; no prefetch thread, see its {@code asyncSupported});</li>
 *   <li>{@code net.fit(DataSet)} over pre-built batches: the network's own cost;</li>
 *   <li>the CLI's epoch loop ({@link TrainingRun}), which also reports the time spent inside the iterator's
 *       {@code next()} during {@code fit(iterator)};</li>
 * </ol>
 * and prints the pipeline's share of fit time (target <= 5%) and the epoch time, then what each part of the
 * recipe (damped momentum, max-norm, dropout) adds to DL4J's plain dense-layer training. Not a test.
 *
 * <pre>
 * mvn -B -q -o -DskipTests package &amp;&amp; mvn -B -q -o -pl model-zoo -am test-compile
 * OMP_WAIT_POLICY=PASSIVE OMP_NUM_THREADS=2 java -cp model-zoo/target/test-classes:model-zoo/target/model-zoo-0.1.0-SNAPSHOT.jar \
 *     io.github.dropout4j.bench.ReproduceMnistBench [epochs=4]      # from the repository root (for the peer)
 * </pre>
 */
public final class ReproduceMnistBench {
    private ReproduceMnistBench() {}

    public static void main(String[] args) throws Exception {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        MnistData data = MnistData.bundled();
        int n = data.train().count();
        System.out.printf(
                "== reproduce-mnist configuration: 784-800-800-10 dropout-hidden-input, batch 100, %d digits%n"
                        + "   OMP_NUM_THREADS=%s OMP_WAIT_POLICY=%s cores=%d java=%s%n",
                n,
                System.getenv("OMP_NUM_THREADS"),
                System.getenv("OMP_WAIT_POLICY"),
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));

        MlpConfig config = MnistMlp.paper800(true).withSeed(1).withUpdater(Recipe.SHORT.updater());
        MnistPeerComparison.run(data, config, epochs + 1);

        // 1. Pipeline alone: median of full epochs.
        IdxDataSetIterator it = IdxDataSetIterator.builder(data.train())
                .batchSize(100)
                .shuffle(1)
                .build();
        double[] pipe = new double[epochs + 2];
        for (int e = 0; e < pipe.length; e++) {
            long t = System.nanoTime();
            it.reset();
            while (it.hasNext()) {
                it.next();
            }
            pipe[e] = (System.nanoTime() - t) / 1e9;
        }
        double pipeline = Stats.median(Arrays.copyOfRange(pipe, 2, pipe.length));

        // 2. fit(DataSet) over pre-built batches: the network alone.
        MultiLayerNetwork net = MnistMlp.of(config).init();
        List<DataSet> batches = new ArrayList<>();
        it.reset();
        while (it.hasNext()) {
            batches.add(it.next());
        }
        double[] fit = new double[epochs];
        for (int e = 0; e < epochs; e++) {
            long t = System.nanoTime();
            for (DataSet b : batches) {
                net.fit(b);
            }
            fit[e] = (System.nanoTime() - t) / 1e9;
        }
        double fitOnly = Stats.median(Arrays.copyOfRange(fit, 1, fit.length));

        // 3. The CLI's loop.
        MultiLayerNetwork cliNet = MnistMlp.of(config).init();
        long t0 = System.nanoTime();
        IdxDataSetIterator cliData = IdxDataSetIterator.builder(data.train())
                .batchSize(100)
                .limit(n)
                .shuffle(1)
                .build();
        TrainingRun.Result r = new TrainingRun(
                        cliNet,
                        RunManifest.fresh(config.name(), "mnist", "bench", "short", java.util.Map.of()),
                        TrainingRun.EpochData.of(cliData),
                        net1 -> new Errors.Counts(
                                Errors.count(
                                                cliNet,
                                                IdxDataSetIterator.builder(data.train())
                                                        .batchSize(1000)
                                                        .limit(n)
                                                        .build())
                                        .errors(),
                                n,
                                Errors.count(
                                                cliNet,
                                                IdxDataSetIterator.builder(data.test())
                                                        .batchSize(1000)
                                                        .build())
                                        .errors(),
                                data.test().count()))
                .run(epochs);
        double wall = (System.nanoTime() - t0) / 1e9;

        System.out.printf("pipeline alone (shuffle+batch+convert), median epoch : %8.4f s%n", pipeline);
        System.out.printf("network alone, fit(DataSet) x %d, median epoch       : %8.4f s%n", batches.size(), fitOnly);
        System.out.printf(
                "pipeline / network                                   : %8.2f %%  (target <= 5 %%)%n",
                100 * pipeline / fitOnly);
        System.out.printf("CLI loop: fit per epoch (TrainingRun)                : %8.4f s%n", r.fitSeconds() / epochs);
        System.out.printf(
                "CLI loop: inside iterator.next() during fit          : %8.2f %% of fit%n",
                100 * r.pipelineSeconds() / r.fitSeconds());
        System.out.printf(
                "CLI loop: epoch incl. train+test evaluation          : %8.4f s  (x3 variants per reproduce "
                        + "epoch)%n",
                wall / epochs);

        // 4. What the recipe's parts cost on top of DL4J's own dense layers: one epoch of fit(DataSet) per network in
        // turn (round robin, so a change of machine load hits all alike), median over rounds 2..
        MlpConfig plain = config.withRetainProbabilities(1, 1).withMaxSquaredLength(0);
        String[] labels = {
            "plain Sgd, no dropout, no max-norm (DL4J alone)",
            "+ DampedMomentum",
            "+ DampedMomentum + max-norm",
            "+ DampedMomentum + dropout",
            "+ all three (the reproduce configuration)"
        };
        MlpConfig[] configs = {
            plain.withUpdater(new Sgd(0.1)),
            plain,
            plain.withMaxSquaredLength(MlpConfig.PAPER_MAX_SQUARED_LENGTH),
            config.withMaxSquaredLength(0),
            config
        };
        MultiLayerNetwork[] nets = new MultiLayerNetwork[configs.length];
        for (int i = 0; i < configs.length; i++) {
            nets[i] = MnistMlp.of(configs[i]).init();
        }
        int rounds = Math.max(3, epochs);
        double[][] t = new double[configs.length][rounds];
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < configs.length; i++) {
                long s = System.nanoTime();
                for (DataSet b : batches) {
                    nets[i].fit(b);
                }
                t[i][round] = (System.nanoTime() - s) / 1e9;
            }
        }
        System.out.println("cost breakdown, fit(DataSet) median epoch, round robin:");
        for (int i = 0; i < configs.length; i++) {
            System.out.printf("  %-51s: %8.4f s%n", labels[i], Stats.median(Arrays.copyOfRange(t[i], 1, rounds)));
        }
    }
}
