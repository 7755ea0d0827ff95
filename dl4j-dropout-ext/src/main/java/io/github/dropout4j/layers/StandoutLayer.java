package io.github.dropout4j.layers;

import io.github.dropout4j.dropout.BernoulliMaskKernel;
import io.github.dropout4j.random.Seeds;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The computation of a {@link Standout} layer (see there for the math and the gradient rules). Input
 * {@code [minibatch, nIn]}, output {@code [minibatch, nOut]}; per-example feature masks are not supported.
 */
public class StandoutLayer extends BaseLayer<Standout> {

    public StandoutLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    /**
     * The mask key of the current training step: a function of (seed, layer index, iteration, epoch), so two
     * Standout layers with the same seed still draw different masks.
     */
    long maskKey() {
        long seed = Seeds.forWorker(layerConf().getSeed(), workerIndex);
        return BernoulliMaskKernel.key(
                BernoulliMaskKernel.key(seed, getIndex(), 0), getIterationCount(), getEpochCount());
    }

    /** Data-parallel worker whose masks this replica draws (0: a single process); runtime state only. */
    private volatile int workerIndex;

    /** The data-parallel worker whose masks this replica draws (runtime only; 0 in a single process). */
    public int workerIndex() {
        return workerIndex;
    }

    /**
     * Makes this replica draw the masks of data-parallel worker {@code workerIndex} (runtime only); call it through
     * {@link io.github.dropout4j.dropout.Dropouts#setWorkerIndex}. Worker 0 draws the single-process masks.
     */
    public void setWorkerIndex(int workerIndex) {
        this.workerIndex = Seeds.requireWorkerIndex(workerIndex);
    }

    private boolean separate() {
        return layerConf().getOverlay() == Standout.OverlayWeights.SEPARATE;
    }

    /** {@code pi = sigmoid(alpha * s + beta)} with {@code s = z} (shared) or {@code x Ws + bs}; a new array. */
    private INDArray retainProbabilities(INDArray x, INDArray z, boolean training, LayerWorkspaceMgr mgr) {
        INDArray s;
        if (separate()) {
            INDArray ws = getParamWithNoise(Standout.OVERLAY_WEIGHT_KEY, training, mgr);
            INDArray bs = getParamWithNoise(Standout.OVERLAY_BIAS_KEY, training, mgr);
            s = x.castTo(ws.dataType()).mmul(ws).addiRowVector(bs);
        } else {
            s = z.dup();
        }
        Standout c = layerConf();
        if (c.getAlpha() != 1.0) {
            s.muli(c.getAlpha());
        }
        if (c.getBeta() != 0.0) {
            s.addi(c.getBeta());
        }
        return Transforms.sigmoid(s, false);
    }

    /**
     * The retain probabilities {@code pi} [minibatch, nOut] for the current input, as used at test time (and, with
     * {@code training}, under the training-time weights).
     */
    public INDArray retainProbabilities(boolean training, LayerWorkspaceMgr mgr) {
        INDArray z = preOutput(training, mgr);
        return retainProbabilities(input, z, training, mgr).detach();
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
        INDArray z = preOutput(training, mgr);
        INDArray pi = retainProbabilities(input, z, training, mgr);
        INDArray a = layerConf().getActivationFn().getActivation(z, training);
        a.muli(training ? BernoulliMaskKernel.bernoulli(pi, maskKey()) : pi);
        return mgr.leverageTo(ArrayType.ACTIVATIONS, a);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
        assertInputSet(true);
        INDArray z = preOutputWithPreNorm(true, true, mgr).getFirst();
        INDArray x = input.castTo(z.dataType());
        INDArray pi = retainProbabilities(x, z, true, mgr);
        INDArray m = BernoulliMaskKernel.bernoulli(pi, maskKey());
        INDArray a = separate() ? layerConf().getActivationFn().getActivation(z.dup(), true) : null;

        // main path, mask fixed: dL/dz = f'(z) * (dL/dy * m)
        INDArray delta = layerConf()
                .getActivationFn()
                .backprop(z, epsilon.castTo(z.dataType()).mul(m))
                .getFirst();
        Gradient ret = new DefaultGradient();
        INDArray wGrad = gradientViews.get(DefaultParamInitializer.WEIGHT_KEY);
        Nd4j.gemm(x, delta, wGrad, true, false, 1.0, 0.0);
        ret.gradientForVariable().put(DefaultParamInitializer.WEIGHT_KEY, wGrad);
        INDArray bGrad = gradientViews.get(DefaultParamInitializer.BIAS_KEY);
        delta.sum(bGrad, 0);
        ret.gradientForVariable().put(DefaultParamInitializer.BIAS_KEY, bGrad);

        if (a != null) {
            // separate overlay, straight-through (dm/dpi := 1): dL/ds = dL/dy * a * alpha * pi * (1 - pi)
            INDArray dS = epsilon.castTo(z.dataType())
                    .mul(a)
                    .muli(pi)
                    .muli(pi.rsub(1.0))
                    .muli(layerConf().getAlpha());
            INDArray wsGrad = gradientViews.get(Standout.OVERLAY_WEIGHT_KEY);
            Nd4j.gemm(x, dS, wsGrad, true, false, 1.0, 0.0);
            ret.gradientForVariable().put(Standout.OVERLAY_WEIGHT_KEY, wsGrad);
            INDArray bsGrad = gradientViews.get(Standout.OVERLAY_BIAS_KEY);
            dS.sum(bsGrad, 0);
            ret.gradientForVariable().put(Standout.OVERLAY_BIAS_KEY, bsGrad);
        }

        // input gradient through the main path only (the overlay's input is a stop-gradient)
        INDArray w = getParamWithNoise(DefaultParamInitializer.WEIGHT_KEY, true, mgr);
        INDArray epsilonNext = mgr.createUninitialized(
                ArrayType.ACTIVATION_GRAD, delta.dataType(), new long[] {w.size(0), delta.size(0)}, 'f');
        epsilonNext = w.mmuli(delta.transpose(), epsilonNext).transpose();
        weightNoiseParams.clear();
        epsilonNext = backpropDropOutIfPresent(epsilonNext);
        return new Pair<>(ret, epsilonNext);
    }
}
