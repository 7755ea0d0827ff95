package io.github.dropout4j.zoo.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.deeplearning4j.util.ModelSerializer;

/**
 * The one definition of the MNIST splits, stored in a model zip by {@code train} and read back by
 * {@code evaluate}, so that {@code --split VALIDATION} never measures examples the model was trained on. The
 * bundled layout has its own {@code train-}, {@code validation-} and {@code test-} files; with the canonical files
 * ({@code train-*}, {@code t10k-*}) the validation split is the <em>last</em> {@code validationHeldOut} examples of
 * the training file and the model was trained on the ones before; the test split is {@code t10k-*}.
 * {@code train} and {@code reproduce} hold out {@value #TRAIN_HELD_OUT} (the paper trains on all 60,000); a model
 * zip without the entry (older, or a checkpoint) is read with that same value.
 */
final class MnistSplit {
    /** Model-zip entry: an {@code Integer}, the canonical training examples held out as the validation split. */
    static final String KEY = "dropout4j-mnist-validation-held-out";
    /** What {@code train} and {@code reproduce mnist} hold out of the canonical training file. */
    static final int TRAIN_HELD_OUT = 0;

    private MnistSplit() {}

    /** Stores {@code heldOut} in {@code modelZip}. */
    static void writeTo(Path modelZip, int heldOut) {
        ModelSerializer.addObjectToFile(modelZip.toFile(), KEY, heldOut);
    }

    /** The number stored by {@link #writeTo}, or {@value #TRAIN_HELD_OUT} if the zip has none. */
    static int validationHeldOut(Path modelZip) throws IOException {
        if (!ModelSerializer.listObjectsInFile(modelZip.toFile()).contains(KEY)) {
            return TRAIN_HELD_OUT;
        }
        Object o = ModelSerializer.getObjectFromFile(modelZip.toFile(), KEY);
        if (!(o instanceof Integer n) || n < 0) {
            throw new IOException(modelZip + ": entry " + KEY + " is not a count of held-out examples (" + o + ")");
        }
        return n;
    }

    static String describe(int heldOut) {
        return heldOut == 0
                ? "the canonical training file is all training"
                : "validation = the last " + heldOut + " of the canonical training file";
    }
}
