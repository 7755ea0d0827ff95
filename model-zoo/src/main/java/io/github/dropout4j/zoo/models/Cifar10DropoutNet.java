package io.github.dropout4j.zoo.models;

/**
 * The paper's CIFAR-10 network <b>with dropout</b> (Hinton et al. 2012, arXiv 1207.0580, Appendix G; 15.6% test error
 * in the paper, against 16.6% for {@link Cifar10Net}): {@link Cifar10Net}'s convolutions, pooling and response
 * normalisation, then a <b>locally-connected</b> layer (16 banks of 3x3 filters, unshared weights, ReLU) on the third
 * pooling layer's output, and the softmax on top with <b>50% dropout on its input</b>, i.e. on the locally-connected
 * layer's output units.
 * <pre>
 *  layer     type                                          output shape          parameters
 *  conv1 .. pool3    as in Cifar10Net                      [mb, 64, 4, 4]        4,864 + 2 * 102,464 = 209,792
 *  local4    locally connected 3x3, 16 banks, Same, ReLU   [mb, 16, 4, 4]        16 positions * 16 * (3*3*64 + 1)
 *                                                                                                    = 147,712
 *  softmax   10-way softmax on the 16*4*4 = 256 units,     [mb, 10]              256*10 + 10         =   2,570
 *            dropout on its input, retainProbability 0.5
 *                                                                                total               = 360,074
 * </pre>
 * Dropout is {@link io.github.dropout4j.dropout.BernoulliDropout} ({@code retainProbability(0.5)}, seeded from the
 * model seed) with the paper's test-time weight scaling: the configuration carries
 * {@link io.github.dropout4j.dropout.TestTimeWeightScaling}, so {@code output()} and evaluation use the mean network
 * (softmax weights times 0.5) while the stored weights stay the trained ones. A unit of {@code local4}, for
 * max-norm purposes, is one filter at one position ({@link io.github.dropout4j.layers.LocallyConnected2D}).
 *
 * <pre>{@code
 * MultiLayerNetwork net = new Cifar10DropoutNet(Cifar10Recipe.paper(100), 42).init();
 * }</pre>
 */
public class Cifar10DropoutNet extends Cifar10Net {

    /** Parameters of the network, computed by hand in the class comment. */
    public static final long PARAMETER_COUNT = 360_074L;

    /** The paper's recipe for 100 epochs, seed 42. */
    public Cifar10DropoutNet() {
        super();
    }

    public Cifar10DropoutNet(Cifar10Recipe recipe, long seed) {
        super(recipe, seed);
    }

    @Override
    protected boolean dropout() {
        return true;
    }
}
