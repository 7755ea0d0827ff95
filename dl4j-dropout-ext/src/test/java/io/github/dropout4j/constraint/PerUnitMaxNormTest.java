package io.github.dropout4j.constraint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Kernel, axes, value semantics and errors of {@link PerUnitMaxNorm}, on small hand-made arrays. */
class PerUnitMaxNormTest {

    private static final double C = Math.sqrt(15);

    /** Dense weights [nIn=6, nOut=5]: columns 0, 2, 4 scaled far past the bound, 1 and 3 well within it. */
    private static INDArray denseWeightsWithBigColumns(DataType type) {
        Nd4j.getRandom().setSeed(42);
        INDArray w = Nd4j.rand(type, 6, 5).subi(0.5); // column norms <= sqrt(6)/2 ~= 1.22 < C
        for (int j : new int[] {0, 2, 4}) {
            w.getColumn(j).muli(100);
        }
        return w;
    }

    private static double columnNorm(INDArray w, int j) {
        double s = 0;
        for (int i = 0; i < w.rows(); i++) {
            s += w.getDouble(i, j) * w.getDouble(i, j);
        }
        return Math.sqrt(s);
    }

    @Test
    void afterALargeUpdateEveryUnitIsWithinTheBoundDirectionKeptAndUnitsBelowUntouched() {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray w = denseWeightsWithBigColumns(type);
            INDArray before = w.dup();
            int clipped = new MaxNormKernel().renormalise(w, new int[] {0}, C);
            assertEquals(3, clipped);
            for (int j = 0; j < 5; j++) {
                double n = columnNorm(w, j);
                // float32: a renormalised norm is c within a few ulps; 1e-6 relative is a safe, still strict bound
                assertTrue(n <= C * (1 + 1e-6), type + " column " + j + " norm " + n);
                if (j % 2 == 0) {
                    assertEquals(C, n, C * 1e-6, "violating unit lands on the bound");
                    INDArray a = before.getColumn(j);
                    INDArray b = w.getColumn(j);
                    double cos = a.mul(b).sumNumber().doubleValue()
                            / (a.norm2Number().doubleValue() * n);
                    assertEquals(1.0, cos, 1e-6, "direction preserved");
                } else {
                    assertEquals(before.getColumn(j), w.getColumn(j), "unit below the bound is untouched");
                    for (int i = 0; i < 6; i++) { // bit for bit, not just within a tolerance
                        assertEquals(
                                Double.doubleToRawLongBits(before.getDouble(i, j)),
                                Double.doubleToRawLongBits(w.getDouble(i, j)));
                    }
                }
            }
        }
    }

    @Test
    void denseUnitIsAColumnOfNInByNOut() {
        // W [nIn=3, nOut=2]: column norms 5 and 1; row norms 3, 4, 1. Bound 2.5 -> only column 0, halved.
        INDArray w = Nd4j.create(new double[][] {{3, 0}, {4, 0}, {0, 1}});
        new MaxNormKernel()
                .renormalise(
                        w,
                        UnitAxes.of(new DenseLayer.Builder().nIn(3).nOut(2).build())
                                .get("W"),
                        2.5);
        assertEquals(Nd4j.create(new double[][] {{1.5, 0}, {2, 0}, {0, 1}}), w);
    }

    @Test
    void convolutionUnitIsOneFilterOfNOutByNInByKhByKw() {
        // W [nOut=2, nIn=2, 2, 2]: filter 0 all 1s (norm sqrt 8), filter 1 all 0.25s (norm sqrt 0.5).
        // Bound sqrt 2 -> filter 0 halved to all 0.5s. (Over the wrong dim 0 every norm is sqrt 1.0625: no change.)
        INDArray w = Nd4j.create(DataType.DOUBLE, 2, 2, 2, 2);
        w.slice(0).assign(1);
        w.slice(1).assign(0.25);
        int[] dims = UnitAxes.of(
                        new ConvolutionLayer.Builder(2, 2).nIn(2).nOut(2).build())
                .get("W");
        assertArrayEquals(new int[] {1, 2, 3}, dims);
        new MaxNormKernel().renormalise(w, dims, Math.sqrt(2));
        assertEquals(Nd4j.valueArrayOf(new long[] {2, 2, 2}, 0.5, DataType.DOUBLE), w.slice(0));
        assertEquals(Nd4j.valueArrayOf(new long[] {2, 2, 2}, 0.25, DataType.DOUBLE), w.slice(1));
    }

    @Test
    void unitDimsInTheMiddleUseTheGeneralPathAndAgreeWithAHandLoop() {
        // W [3, 4, 2] with unit dim {1}: unit (a, c) is the vector W[a, :, c] -- no 2D view exists.
        Nd4j.getRandom().setSeed(5);
        INDArray w = Nd4j.rand(DataType.DOUBLE, 3, 4, 2).muli(2);
        INDArray expected = w.dup();
        double c = 1.5;
        for (int a = 0; a < 3; a++) {
            for (int k = 0; k < 2; k++) {
                double n = 0;
                for (int b = 0; b < 4; b++) {
                    n += expected.getDouble(a, b, k) * expected.getDouble(a, b, k);
                }
                n = Math.sqrt(n);
                for (int b = 0; b < 4 && n > c; b++) {
                    expected.putScalar(new int[] {a, b, k}, expected.getDouble(a, b, k) / (n / c));
                }
            }
        }
        new MaxNormKernel().renormalise(w, new int[] {1}, c);
        assertTrue(expected.equalsWithEps(w, 1e-12), expected + " vs " + w);
        // the fast paths give the same answer as the general one on a prefix (columns) and a suffix (rows) layout
        for (int[] dims : new int[][] {{0}, {1, 2}}) {
            INDArray x = Nd4j.rand(DataType.DOUBLE, 3, 4, 2).muli(3);
            INDArray viaFast = x.dup();
            new MaxNormKernel().renormalise(viaFast, dims, 1.0);
            INDArray norms = x.norm2(dims);
            INDArray f = norms.rdiv(1.0);
            org.nd4j.linalg.ops.transforms.Transforms.min(f, 1.0, false);
            INDArray viaBroadcast =
                    org.nd4j.linalg.factory.Broadcast.mul(x, f, x.ulike(), MaxNormKernel.complement(dims, 3));
            assertTrue(viaBroadcast.equalsWithEps(viaFast, 1e-12), java.util.Arrays.toString(dims));
        }
    }

    @Test
    void appliedThroughTheLayerTouchesWeightsButNeverBiases() {
        MultiLayerNetwork net = tinyNet(PerUnitMaxNorm.maxNorm(1.0));
        var layer = net.getLayer(0);
        layer.getParam("W").assign(10); // every column norm 10 * sqrt(4) = 20
        layer.getParam("b").assign(10);
        PerUnitMaxNorm c =
                (PerUnitMaxNorm) layer.conf().getLayer().getConstraints().get(0);
        c.applyConstraint(layer, 0, 0);
        assertEquals(
                Nd4j.valueArrayOf(new long[] {3}, 1.0f), layer.getParam("W").norm2(0));
        assertEquals(Nd4j.valueArrayOf(layer.getParam("b").shape(), 10f), layer.getParam("b"));
        assertEquals(1.0, PerUnitMaxNorm.fractionAtBound(layer));
    }

    @Test
    void fractionAtBoundCountsUnitsOnTheBound() {
        MultiLayerNetwork net = tinyNet(PerUnitMaxNorm.maxNorm(1.0));
        var layer = net.getLayer(0); // W [4, 3]
        layer.getParam("W").assign(0.1);
        layer.getParam("W").getColumn(1).assign(5);
        layer.getParam("W").getColumn(2).assign(0.4999); // norm 0.9998: below the bound beyond the 1e-5 tolerance
        net.applyConstraints(0, 0);
        assertEquals(1.0 / 3, PerUnitMaxNorm.fractionAtBound(layer), 1e-12);
        assertEquals(1.0 / 3, PerUnitMaxNorm.fractionsAtBound(net).get("0:hidden"), 1e-12);
    }

    @Test
    void badBoundsAreRejectedNamingTheParameterAndValue() {
        for (double bad : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            var e = assertThrows(IllegalArgumentException.class, () -> PerUnitMaxNorm.maxNorm(bad));
            assertTrue(
                    e.getMessage().contains("maxNorm") && e.getMessage().contains(String.valueOf(bad)), e.getMessage());
            var e2 = assertThrows(IllegalArgumentException.class, () -> PerUnitMaxNorm.maxSquaredLength(bad));
            assertTrue(
                    e2.getMessage().contains("maxSquaredLength")
                            && e2.getMessage().contains(String.valueOf(bad)),
                    e2.getMessage());
        }
        var e = assertThrows(IllegalArgumentException.class, () -> PerUnitMaxNorm.forInvertedDropout(C, 1.5));
        assertEquals("retainProbability must be in (0, 1], got 1.5", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PerUnitMaxNorm.forInvertedDropout(C, 0));
    }

    @Test
    void invertedDropoutBoundIsRetainProbabilityTimesScaledBound() {
        assertEquals(0.5 * C, PerUnitMaxNorm.forInvertedDropout(C, 0.5).getMaxNorm(), 1e-15);
        assertEquals(0.8 * 3.0, PerUnitMaxNorm.convertToInverted(3.0, 0.8), 1e-15);
        assertEquals(C, PerUnitMaxNorm.forInvertedDropout(C, 1.0).getMaxNorm(), 0.0);
    }

    @Test
    void configurationIsAValue() {
        PerUnitMaxNorm a = PerUnitMaxNorm.maxSquaredLength(15);
        assertEquals(a, PerUnitMaxNorm.maxNorm(Math.sqrt(15)));
        assertEquals(a.hashCode(), PerUnitMaxNorm.maxNorm(Math.sqrt(15)).hashCode());
        assertEquals(15.0, a.getMaxSquaredLength(), 1e-12);
        assertNotEquals(a, PerUnitMaxNorm.maxNorm(3));
        assertEquals(a, a.clone());
        assertTrue(a.toString().contains("maxNorm=3.87298"), a.toString());
        PerUnitMaxNorm bound = a.clone();
        bound.setParams(Set.of("W"));
        assertNotEquals(a, bound);
        assertEquals(bound, bound.clone());
    }

    @Test
    void layersWithoutWeightsAreAClearErrorNamingLayerAndType() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .list()
                .layer(new ConvolutionLayer.Builder(2, 2).name("conv").nOut(2).build())
                .layer(new SubsamplingLayer.Builder(2, 2).name("pool").build())
                .layer(new ActivationLayer.Builder()
                        .name("act")
                        .activation(Activation.RELU)
                        .build())
                .layer(new Deconvolution2D.Builder(2, 2).name("deconv").nOut(2).build())
                .layer(new OutputLayer.Builder().name("out").nOut(2).build())
                .setInputType(InputType.convolutional(6, 6, 1))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        PerUnitMaxNorm c = PerUnitMaxNorm.maxNorm(1);
        c.applyConstraint(net.getLayer(0), 0, 0); // conv is fine
        var pool = assertThrows(IllegalArgumentException.class, () -> c.applyConstraint(net.getLayer(1), 0, 0));
        assertEquals(
                "PerUnitMaxNorm cannot constrain layer 'pool' of type SubsamplingLayer: it has no weights",
                pool.getMessage());
        var act = assertThrows(
                IllegalArgumentException.class, () -> PerUnitMaxNorm.maxNorm(1).applyConstraint(net.getLayer(2), 0, 0));
        assertTrue(act.getMessage().contains("'act' of type ActivationLayer"), act.getMessage());
        var deconv = assertThrows(
                IllegalArgumentException.class, () -> PerUnitMaxNorm.maxNorm(1).applyConstraint(net.getLayer(3), 0, 0));
        assertTrue(
                deconv.getMessage().contains("'deconv' of type Deconvolution2D")
                        && deconv.getMessage().contains("PerUnitWeights"),
                deconv.getMessage());
    }

    @Test
    void registeredOnlyForBiasesIsAnErrorAtFirstUse() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .list()
                .layer(new DenseLayer.Builder()
                        .name("hidden")
                        .nIn(4)
                        .nOut(3)
                        .constrainBias(PerUnitMaxNorm.maxNorm(1))
                        .build())
                .layer(new OutputLayer.Builder().nIn(3).nOut(2).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        var e = assertThrows(IllegalArgumentException.class, () -> net.applyConstraints(0, 0));
        assertTrue(
                e.getMessage().contains("'hidden' of type DenseLayer")
                        && e.getMessage().contains("biases never"),
                e.getMessage());
    }

    static MultiLayerNetwork tinyNet(PerUnitMaxNorm constraint) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(1)
                .list()
                .layer(new DenseLayer.Builder()
                        .name("hidden")
                        .nIn(4)
                        .nOut(3)
                        .constrainWeights(constraint)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .name("out")
                        .activation(Activation.SOFTMAX)
                        .nIn(3)
                        .nOut(2)
                        .build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }
}
