package io.github.dropout4j.dropout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.dropout4j.inference.ExactSubnetworkAverage;
import io.github.dropout4j.inference.MeanNetwork;
import io.github.dropout4j.inference.SubnetworkMean;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Per-unit retain probabilities (the basis of adaptive dropout, arXiv:1207.0580 p. 7). */
class PerUnitDropoutTest {

    @Test
    void badPerUnitValuesNameTheIndexAndValue() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> BernoulliDropout.perUnitRetainProbabilities(0.5, 1.5));
        assertTrue(
                e.getMessage().contains("retainProbabilities[1]")
                        && e.getMessage().contains("1.5"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BernoulliDropout.perUnitRetainProbabilities(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> BernoulliDropout.perUnitRetainProbabilities());
        BernoulliDropout d =
                BernoulliDropout.perUnitRetainProbabilities(0.5, 0.5).withSeed(1);
        IllegalArgumentException shape = assertThrows(
                IllegalArgumentException.class,
                () -> d.applyDropout(Nd4j.ones(4, 3), Nd4j.ones(4, 3), 0, 0, LayerWorkspaceMgr.noWorkspaces()));
        assertTrue(shape.getMessage().contains("[4, 3]"), shape.getMessage());
    }

    @Test
    void eachUnitKeepsItsOwnFractionWithinBinomialBounds() {
        double[] p = {0.1, 0.5, 0.9, 1.0};
        int n = 40_000;
        BernoulliDropout d =
                BernoulliDropout.perUnitRetainProbabilities(p).withSeed(3).inverted();
        INDArray y = d.applyDropout(
                Nd4j.ones(DataType.FLOAT, n, 4),
                Nd4j.zeros(DataType.FLOAT, n, 4),
                0,
                0,
                LayerWorkspaceMgr.noWorkspaces());
        for (int u = 0; u < 4; u++) {
            INDArray col = y.getColumn(u);
            double kept = col.neq(0).castTo(DataType.DOUBLE).sumNumber().doubleValue();
            double sd = Math.sqrt(n * p[u] * (1 - p[u]));
            // 99.9% two-sided normal bound on a binomial count (n p (1 - p) >= 3600 for p < 1)
            assertTrue(Math.abs(kept - n * p[u]) <= 3.29 * sd + 1e-9, "unit " + u + ": kept " + kept);
            assertEquals(1 / p[u], col.maxNumber().doubleValue(), 1e-6, "inverted scale of unit " + u);
        }
        // channels of a rank-4 NCHW input are the units: every position of a channel uses that channel's p
        INDArray conv = d.withUnitAxis(UnitAxis.CHANNELS_FIRST)
                .applyDropout(
                        Nd4j.ones(DataType.FLOAT, 2000, 4, 3, 3),
                        Nd4j.zeros(DataType.FLOAT, 2000, 4, 3, 3),
                        0,
                        0,
                        LayerWorkspaceMgr.noWorkspaces());
        double keptChannel0 = conv.get(
                        org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(0))
                .neq(0)
                .castTo(DataType.DOUBLE)
                .meanNumber()
                .doubleValue();
        assertEquals(0.1, keptChannel0, 3.29 * Math.sqrt(0.09 / 18000));
    }

    @Test
    void meanNetworkWithPerUnitProbabilitiesIsTheGeometricMeanOfAllSubnetworks() {
        double[] p = {0.2, 0.5, 0.9, 0.7, 0.35, 1.0, 0.6, 0.8};
        Nd4j.getRandom().setSeed(2);
        MultiLayerNetwork net = TestNets.softmaxNet(
                5,
                p.length,
                3,
                null,
                BernoulliDropout.perUnitRetainProbabilities(p).withSeed(5),
                11);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 6, 5);
        // By hand, independent of the library: every mask m of the 8 hidden units, weighted by prod p_u / (1 - p_u).
        INDArray h = org.nd4j.linalg.ops.transforms.Transforms.tanh(
                x.mmul(net.getLayer(0).getParam("W"))
                        .addiRowVector(net.getLayer(0).getParam("b")));
        INDArray logSum = Nd4j.zeros(DataType.DOUBLE, 6, 3);
        for (int k = 0; k < 1 << p.length; k++) {
            INDArray m = Nd4j.zeros(DataType.DOUBLE, 1, p.length);
            double w = 1;
            for (int u = 0; u < p.length; u++) {
                boolean keep = ((k >>> u) & 1) == 1;
                m.putScalar(0, u, keep ? 1 : 0);
                w *= keep ? p[u] : 1 - p[u];
            }
            INDArray q = org.nd4j.linalg.ops.transforms.Transforms.softmax(
                    h.mulRowVector(m)
                            .mmul(net.getLayer(1).getParam("W"))
                            .addiRowVector(net.getLayer(1).getParam("b")),
                    false);
            logSum.addi(org.nd4j.linalg.ops.transforms.Transforms.log(q, false).muli(w));
        }
        INDArray g = org.nd4j.linalg.ops.transforms.Transforms.exp(logSum, false);
        g.diviColumnVector(g.sum(true, 1));
        assertTrue(net.output(x).equalsWithEps(g, 1e-9), net.output(x) + "\nvs\n" + g);
        assertTrue(ExactSubnetworkAverage.of(net, 1)
                .predict(x, SubnetworkMean.GEOMETRIC)
                .equalsWithEps(g, 1e-9));
        assertTrue(MeanNetwork.export(net).output(x).equalsWithEps(g, 1e-9));
    }

    @Test
    void jsonRoundTripAndGradientCheck() {
        MultiLayerNetwork net = TestNets.oneHidden(
                4,
                6,
                2,
                BernoulliDropout.perUnitRetainProbabilities(0.9, 0.8, 0.7, 0.6).withSeed(1),
                BernoulliDropout.perUnitRetainProbabilities(0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
                        .withSeed(2)
                        .inverted(),
                Activation.SOFTMAX,
                LossFunctions.LossFunction.MCXENT,
                4,
                new NoOp());
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        String json = conf.toJson();
        assertTrue(json.contains("retainProbabilities"), json);
        assertEquals(conf, MultiLayerConfiguration.fromJson(json));
        DataType previous = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            INDArray y = Nd4j.createFromArray(new double[][] {{1, 0}, {0, 1}, {1, 0}});
            assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig()
                    .net(net)
                    .input(Nd4j.rand(DataType.DOUBLE, 3, 4))
                    .labels(y)
                    .epsilon(1e-6)
                    .maxRelError(1e-5)
                    .minAbsoluteError(1e-9)
                    .callEachIter(n -> {})));
        } finally {
            Nd4j.setDefaultDataTypes(previous, previous);
        }
    }

    /** A conv layer with per-unit dropout, data format {@code format}, 4 input channels (the units). */
    private static MultiLayerConfiguration convConf(CNN2DFormat format, BernoulliDropout dropout) {
        return new NeuralNetConfiguration.Builder()
                .seed(1)
                .weightNoise(new TestTimeWeightScaling())
                .list()
                .layer(new ConvolutionLayer.Builder(1, 1)
                        .nOut(2)
                        .dataFormat(format)
                        .dropOut(dropout)
                        .build())
                .layer(new OutputLayer.Builder()
                        .nOut(2)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.convolutional(4, 4, 4, format))
                .build();
    }

    @Test
    void unitsAreReadFromTheLayersDataFormat() {
        // NHWC input [n, h=4, w=4, c=4]: size(1) equals the unit count, so "units on dimension 1" would be silently
        // wrong. Units 0..3 keep with p = 1, 0, ... (0.001), so which axis holds the units is visible exactly.
        double[] p = {1.0, 0.001, 1.0, 0.001};
        MultiLayerConfiguration nhwc = convConf(
                CNN2DFormat.NHWC,
                BernoulliDropout.perUnitRetainProbabilities(p).withSeed(2).inverted());
        DropoutPlacement.check(nhwc);
        BernoulliDropout d = Dropouts.of(nhwc.getConf(0).getLayer()).orElseThrow();
        assertEquals(UnitAxis.CHANNELS_LAST, d.unitAxis());
        INDArray y = d.applyDropout(
                Nd4j.ones(DataType.DOUBLE, 50, 4, 4, 4),
                Nd4j.zeros(DataType.DOUBLE, 50, 4, 4, 4),
                0,
                0,
                LayerWorkspaceMgr.noWorkspaces());
        for (int c = 0; c < 4; c++) { // by hand: channel c is index c of the LAST dimension
            double kept = y.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(c))
                    .neq(0)
                    .castTo(DataType.DOUBLE)
                    .meanNumber()
                    .doubleValue();
            assertEquals(p[c] == 1.0 ? 1.0 : 0.0, kept, 0.01, "NHWC channel " + c);
        }
        MultiLayerConfiguration nchw = convConf(
                CNN2DFormat.NCHW, BernoulliDropout.perUnitRetainProbabilities(p).withSeed(2));
        DropoutPlacement.check(nchw);
        assertEquals(
                UnitAxis.CHANNELS_FIRST,
                Dropouts.of(nchw.getConf(0).getLayer()).orElseThrow().unitAxis());
        // the completed axis is configuration: it survives JSON
        assertEquals(nhwc, MultiLayerConfiguration.fromJson(nhwc.toJson()));
        // an explicit axis contradicting the layer's format is rejected, naming both
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> DropoutPlacement.check(convConf(
                        CNN2DFormat.NHWC,
                        BernoulliDropout.perUnitRetainProbabilities(p).withUnitAxis(UnitAxis.CHANNELS_FIRST))));
        assertTrue(
                e.getMessage().contains("CHANNELS_FIRST") && e.getMessage().contains("CHANNELS_LAST"), e.getMessage());
    }

    @Test
    void perUnitDropoutOnAnUnresolvedRank4InputFailsInsteadOfGuessing() {
        BernoulliDropout d =
                BernoulliDropout.perUnitRetainProbabilities(0.5, 0.5, 0.5, 0.5).withSeed(1);
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> d.applyDropout(
                        Nd4j.ones(2, 4, 4, 4), Nd4j.ones(2, 4, 4, 4), 0, 0, LayerWorkspaceMgr.noWorkspaces()));
        assertTrue(e.getMessage().contains("DropoutPlacement.check"), e.getMessage());
    }
}
