/**
 * The paper's dropout (arXiv:1207.0580): {@link io.github.dropout4j.dropout.BernoulliDropout} on a layer's input in
 * training, {@link io.github.dropout4j.dropout.TestTimeWeightScaling} for the mean network at test time.
 *
 * <p>The path of a retain probability: a {@link io.github.dropout4j.dropout.RetainProbability} (fixed, scheduled or
 * per unit) in the layer's {@code BernoulliDropout}; {@link io.github.dropout4j.dropout.DropoutPlacement#check}
 * at configuration time (DL4J applies it, the mean network happens, units read from the data format); per training
 * step a {@link io.github.dropout4j.dropout.StepMask} (key, thresholds, kept scales) for
 * {@link io.github.dropout4j.dropout.BernoulliMaskKernel}; at test time the input weights times {@code p}
 * (a schedule at the recorded last training step). {@link io.github.dropout4j.dropout.Dropouts} finds a layer's
 * dropout; {@link io.github.dropout4j.dropout.Probabilities} validates probabilities.
 */
package io.github.dropout4j.dropout;
