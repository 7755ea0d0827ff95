package io.github.dropout4j.adaptive;

import io.github.dropout4j.dropout.BernoulliMaskKernel;
import io.github.dropout4j.random.Seeds;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The all-units-at-once estimator of {@link AdaptiveDropout}: one mean-network pass for each example's baseline
 * loss, then {@code M} stochastic passes over the validation batch with per-example masks, accumulating per unit,
 * with one {@code [3, B] x [B, U]} product per layer and pass, the count, sum and sum of squares of the centred
 * losses of the records in which the unit was present.
 * Absent-unit sums are totals minus present sums. Memory: {@code O(U)} per layer besides one pass's masks.
 */
final class UnitEffectEstimator {

    private UnitEffectEstimator() {}

    /**
     * @param retain layer index to that layer's per-unit retain probabilities
     * @param key    base mask key; pass {@code s}, layer {@code l} use {@code key(key, l, s)}
     */
    static Map<Integer, UnitEffects> estimate(
            MultiLayerNetwork net,
            INDArray features,
            INDArray labels,
            Map<Integer, double[]> retain,
            int passes,
            long key) {
        int batch = (int) features.size(0);
        // Baseline: each example's loss in the mean network. Independent of the masks, so subtracting it shifts
        // both conditional means alike (their difference is unchanged) while removing the between-example spread.
        INDArray baseline =
                MaskedForward.meanNetworkLosses(net, features, labels).castTo(DataType.DOUBLE);
        DataType type = net.params().dataType() == DataType.DOUBLE ? DataType.DOUBLE : DataType.FLOAT;
        Map<Integer, long[]> thresholds = new HashMap<>();
        Map<Integer, double[]> inverse = new HashMap<>();
        Map<Integer, INDArray> present = new LinkedHashMap<>(); // rows: count, sum c, sum c^2 over m_u = 1
        Map<Integer, INDArray> inputMass = new HashMap<>(); // sum over records of |input| per unit
        for (Map.Entry<Integer, double[]> e : retain.entrySet()) {
            double[] p = e.getValue();
            long[] t = new long[p.length];
            double[] inv = new double[p.length];
            for (int u = 0; u < p.length; u++) {
                t[u] = BernoulliMaskKernel.threshold(p[u]);
                inv[u] = 1.0 / p[u];
            }
            thresholds.put(e.getKey(), t);
            inverse.put(e.getKey(), inv);
            present.put(e.getKey(), Nd4j.zeros(DataType.DOUBLE, 3, p.length));
            inputMass.put(e.getKey(), Nd4j.zeros(DataType.DOUBLE, p.length));
        }
        double total = 0;
        double totalSq = 0;
        for (int s = 0; s < passes; s++) {
            // per layer, m / p: the forward pass's input multiplier; the statistics use rows x (m / p), times p
            Map<Integer, INDArray> scaled = new HashMap<>();
            for (Map.Entry<Integer, long[]> e : thresholds.entrySet()) {
                scaled.put(
                        e.getKey(),
                        BernoulliMaskKernel.unitMask(
                                batch, e.getValue(), inverse.get(e.getKey()), Seeds.key(key, e.getKey(), s), type));
            }
            INDArray c = MaskedForward.losses(
                            net,
                            features,
                            labels,
                            scaled,
                            Seeds.key(key, -1, s),
                            (layer, input) -> inputMass
                                    .get(layer)
                                    .addi(Transforms.abs(input.castTo(DataType.DOUBLE), true)
                                            .sum(0)))
                    .castTo(DataType.DOUBLE)
                    .subi(baseline);
            INDArray cSq = c.mul(c);
            total += c.sumNumber().doubleValue();
            totalSq += cSq.sumNumber().doubleValue();
            INDArray rows = Nd4j.vstack(
                            Nd4j.ones(DataType.DOUBLE, 1, batch), c.reshape(1, batch), cSq.reshape(1, batch))
                    .castTo(type);
            for (Map.Entry<Integer, INDArray> e : scaled.entrySet()) {
                INDArray p = Nd4j.createFromArray(retain.get(e.getKey()));
                present.get(e.getKey())
                        .addi(rows.mmul(e.getValue()).castTo(DataType.DOUBLE).muliRowVector(p));
            }
        }
        long records = (long) passes * batch;
        Map<Integer, UnitEffects> out = new LinkedHashMap<>();
        for (Map.Entry<Integer, INDArray> e : present.entrySet()) {
            out.put(
                    e.getKey(),
                    effects(
                            e.getKey(),
                            retain.get(e.getKey()),
                            e.getValue(),
                            records,
                            total,
                            totalSq,
                            inputMass.get(e.getKey()).toDoubleVector()));
        }
        return out;
    }

    /**
     * Difference of conditional means and its Welch standard error, from present-group sums and totals; NaN for a
     * unit with fewer than 2 records in a group or whose input was 0 in every record ({@code inputMass[u] == 0}:
     * masking it changed nothing, so there is no effect to estimate).
     */
    private static UnitEffects effects(
            int layer, double[] p, INDArray present, long records, double total, double totalSq, double[] inputMass) {
        int units = p.length;
        double[] n1 = present.getRow(0).toDoubleVector();
        double[] s1 = present.getRow(1).toDoubleVector();
        double[] q1 = present.getRow(2).toDoubleVector();
        double[] effect = new double[units];
        double[] se = new double[units];
        long[] absent = new long[units];
        long[] kept = new long[units];
        for (int u = 0; u < units; u++) {
            long k1 = Math.round(n1[u]);
            long k0 = records - k1;
            kept[u] = k1;
            absent[u] = k0;
            if (k0 < 2 || k1 < 2 || inputMass[u] == 0) {
                effect[u] = Double.NaN;
                se[u] = Double.NaN;
                continue;
            }
            double mean1 = s1[u] / k1;
            double mean0 = (total - s1[u]) / k0;
            double var1 = Math.max(0, (q1[u] - k1 * mean1 * mean1) / (k1 - 1));
            double var0 = Math.max(0, (totalSq - q1[u] - k0 * mean0 * mean0) / (k0 - 1));
            effect[u] = mean0 - mean1;
            se[u] = Math.sqrt(var0 / k0 + var1 / k1);
        }
        return new UnitEffects(layer, p.clone(), effect, se, absent, kept);
    }
}
