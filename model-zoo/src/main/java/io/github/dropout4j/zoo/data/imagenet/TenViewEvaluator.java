package io.github.dropout4j.zoo.data.imagenet;

import java.io.IOException;
import java.util.Arrays;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Test-time averaging over ten views (Krizhevsky et al. 2012 section 4.1; Hinton et al. 2012 Appendix H): the
 * predicted distribution of an image is the arithmetic mean of the network's softmax outputs on the centre crop,
 * the four corner crops and their five mirror images. Works for the two-input {@code HintonImageNetNet} graph
 * (the preprocessor builds both inputs of each view) and for single-input networks such as {@code AlexNetDropout}
 * (a {@link MultiLayerNetwork} or a one-input {@link ComputationGraph}). The network is used in inference mode, so
 * with {@code TestTimeWeightScaling} each view goes through the mean network.
 */
public final class TenViewEvaluator {

    private final ImageNetPreprocessor preprocessor;

    public TenViewEvaluator(ImageNetPreprocessor preprocessor) {
        this.preprocessor = preprocessor;
    }

    /** Class probabilities {@code [numClasses]} of one image ({@code [3, imageSize, imageSize]}, 0..255). */
    public INDArray predict(Model net, float[] image) {
        INDArray[] inputs = preprocessor.toInputs(Arrays.asList(preprocessor.tenViews(image)));
        return output(net, inputs).mean(0);
    }

    /** The network's output for a batch of inputs (one or two arrays). */
    static INDArray output(Model net, INDArray[] inputs) {
        if (net instanceof ComputationGraph) {
            ComputationGraph g = (ComputationGraph) net;
            if (g.getConfiguration().getNetworkInputs().size() != inputs.length) {
                throw new IllegalArgumentException(
                        "network has " + g.getConfiguration().getNetworkInputs().size()
                                + " inputs but the preprocessor makes " + inputs.length);
            }
            return g.output(false, inputs)[0];
        }
        if (net instanceof MultiLayerNetwork) {
            if (inputs.length != 1) {
                throw new IllegalArgumentException(
                        "a MultiLayerNetwork takes one input; use a preprocessor with " + "subsampleFactor 0");
            }
            return ((MultiLayerNetwork) net).output(inputs[0], false);
        }
        throw new IllegalArgumentException(
                "unsupported model type " + net.getClass().getName());
    }

    /**
     * Ten-view top-1 / top-5 evaluation over every image of {@code folder}.
     *
     * @return DL4J {@link Evaluation} (top-N accuracy with N = min(5, classes))
     */
    public Evaluation evaluate(Model net, ImageFolder folder) throws IOException {
        return evaluate(net, folder, new BadImages(0));
    }

    /** As {@link #evaluate(Model, ImageFolder)}, skipping (and recording in {@code bad}) undecodable images. */
    public Evaluation evaluate(Model net, ImageFolder folder, BadImages bad) {
        int classes = folder.numClasses();
        Evaluation eval = new Evaluation(folder.classes(), Math.min(5, classes));
        for (int i = 0; i < folder.size(); i++) {
            float[] img;
            try {
                img = ImageTransforms.loadSquare(folder.file(i), preprocessor.imageSize());
            } catch (IOException e) {
                bad.skip(folder.file(i), e);
                continue;
            }
            INDArray p = predict(net, img).reshape(1, classes);
            INDArray y = Nd4j.zeros(p.dataType(), 1, classes);
            y.putScalar(0, folder.label(i), 1);
            eval.eval(y, p);
        }
        return eval;
    }

    /**
     * Top-1 errors of {@code net} (inference mode: the mean network) on the centre crops of {@code folder}'s
     * images, the validation error that drives the learning-rate plateau rule of {@code train --recipe paper};
     * undecodable images are skipped and recorded in {@code bad}.
     *
     * @return misclassified readable images and readable images, as the test counts of an {@code Errors.Counts}
     * @throws IllegalArgumentException if no image is readable
     */
    public static io.github.dropout4j.zoo.training.Errors.Counts centreCropErrors(
            Model net, ImageFolder folder, ImageNetPreprocessor preprocessor, BadImages bad) {
        int errors = 0;
        int seen = 0;
        java.util.List<float[]> crops = new java.util.ArrayList<>();
        java.util.List<Integer> labels = new java.util.ArrayList<>();
        for (int i = 0; i <= folder.size(); i++) {
            if (i < folder.size()) {
                try {
                    crops.add(preprocessor.centreCrop(
                            ImageTransforms.loadSquare(folder.file(i), preprocessor.imageSize())));
                    labels.add(folder.label(i));
                } catch (IOException e) {
                    bad.skip(folder.file(i), e);
                }
            }
            if (crops.size() == 32 || (i == folder.size() && !crops.isEmpty())) {
                INDArray p = output(net, preprocessor.toInputs(crops));
                for (int k = 0; k < crops.size(); k++) {
                    if (p.getRow(k).argMax().getInt(0) != labels.get(k)) {
                        errors++;
                    }
                }
                seen += crops.size();
                crops.clear();
                labels.clear();
            }
        }
        if (seen == 0) {
            throw new IllegalArgumentException("no readable validation image in " + folder.root());
        }
        return new io.github.dropout4j.zoo.training.Errors.Counts(0, 0, errors, seen);
    }
}
