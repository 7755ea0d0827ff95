package io.github.dropout4j.zoo.models;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Every model of the zoo, by name, in a fixed order: the paper's four MNIST architectures with and without
 * dropout (Figure 1, Appendix A.1), Reuters (Section 6), TIMIT (Section 3), a LeNet-like convolutional net for the
 * digits with and without dropout ({@link LeNet}), the CIFAR-10 networks of Appendix G, the ImageNet network of
 * Appendix H with and without its dropout layers, and Krizhevsky et al.'s AlexNet (2012) with dropout in its two
 * globally connected layers. Parameter counts of the convolutional nets come from their
 * constants or from {@link ConfigurationSummary} (the configuration only; the 19-97M parameters are never
 * allocated).
 *
 * <p>To add a family, append its {@link ZooEntry}s in {@link #defaultEntries()}; the CLI's {@code models},
 * {@code train} and {@code evaluate} pick them up.
 *
 * <pre>{@code
 * ZooEntry e = ModelRegistry.standard().require("mnist-800x2-dropout");
 * MultiLayerNetwork net = (MultiLayerNetwork) e.create(42).init();
 * }</pre>
 */
public final class ModelRegistry {
    private static final String FIGURE_1 = "Hinton et al. 2012, Figure 1 / Appendix A.1";
    private static final ModelRegistry STANDARD = new ModelRegistry(defaultEntries());

    private final Map<String, ZooEntry> entries;

    public ModelRegistry(List<ZooEntry> entries) {
        Map<String, ZooEntry> byName = new LinkedHashMap<>();
        for (ZooEntry e : entries) {
            if (byName.putIfAbsent(e.name(), e) != null) {
                throw new IllegalArgumentException("duplicate zoo model name " + e.name());
            }
        }
        this.entries = java.util.Collections.unmodifiableMap(byName);
    }

    /** The registry of all zoo models. */
    public static ModelRegistry standard() {
        return STANDARD;
    }

    /** All entries in registry order. */
    public List<ZooEntry> entries() {
        return List.copyOf(entries.values());
    }

    public Optional<ZooEntry> find(String name) {
        return Optional.ofNullable(entries.get(name));
    }

    /** @throws IllegalArgumentException naming the unknown model and the known ones */
    public ZooEntry require(String name) {
        ZooEntry e = entries.get(name);
        if (e == null) {
            throw new IllegalArgumentException("unknown model '" + name + "'; known: "
                    + String.join(", ", entries.keySet()) + " (run 'models' for details)");
        }
        return e;
    }

    /** The entries shipped with the zoo. */
    public static List<ZooEntry> defaultEntries() {
        List<ZooEntry> list = new ArrayList<>();
        for (int[] hidden : new int[][] {{800, 800}, {1200, 1200}, {2000, 2000}, {1200, 1200, 1200}}) {
            for (boolean dropout : new boolean[] {false, true}) {
                MlpConfig c = MnistMlp.paper(dropout, hidden);
                list.add(ZooEntry.of("mnist", FIGURE_1, c, seed -> MnistMlp.of(c.withSeed(seed))));
            }
        }
        addPair(list, "reuters", "Hinton et al. 2012, Section 6 (Reuters RCV1-v2)", ReutersMlp::paper, ReutersMlp::of);
        addPair(
                list,
                "timit",
                "Hinton et al. 2012, Section 3 (TIMIT), F = 40 filter banks",
                TimitMlp::paper,
                TimitMlp::of);
        addLeNet(list);
        addConvolutional(list);
        return list;
    }

    private static void addLeNet(List<ZooEntry> list) {
        String reference = "LeNet-like (Caffe's LeNet layers), the practitioners' dropout x max-norm sweep";
        String layers = "conv 5x5x20, max-pool 2, conv 5x5x50, max-pool 2, dense 500 ReLU, softmax 10; N(0, 1/fanIn) "
                + "init, DampedMomentum (the MNIST recipes' update, eps_0 = 0.3 short / 10 paper), batch 100";
        for (LeNet.Config c : new LeNet.Config[] {LeNet.standard(), LeNet.dropout()}) {
            String recipe = layers
                    + (c.usesDropout()
                            ? ", retain " + c.retainProbability() + " on the dense and softmax "
                                    + "inputs, test-time weight scaling, max squared length "
                                    + ZooEntry.fmt(c.maxSquaredLength())
                                    + " on every unit"
                            : ", no dropout, no bound");
            list.add(new ZooEntry(
                    c.name(),
                    "mnist",
                    reference,
                    new int[] {LeNet.SIZE * LeNet.SIZE},
                    LeNet.PARAMETER_COUNT,
                    recipe,
                    seed -> LeNet.of(c.withSeed(seed))));
        }
    }

    private static void addConvolutional(List<ZooEntry> list) {
        String appendixG = "Hinton et al. 2012, Appendix G (CIFAR-10; paper: 16.6% / 15.6% test error)";
        String cifarRecipe = "conv 5x5x64 x3, max/avg pool 3x3/2, response norm, ReLU; Appendix F: momentum 0.9, "
                + "rate 1e-3 /10 at 80% and 90% of the epochs, N(0, 0.01^2) init, hidden biases 1, batch 128";
        int[] cifarShape = {3, 32, 32};
        list.add(new ZooEntry(
                "cifar10",
                "cifar10",
                appendixG,
                cifarShape,
                Cifar10Net.PARAMETER_COUNT,
                cifarRecipe + ", no dropout",
                seed -> new Cifar10Net(Cifar10Recipe.paper(100), seed)));
        list.add(new ZooEntry(
                "cifar10-dropout",
                "cifar10",
                appendixG,
                cifarShape,
                Cifar10DropoutNet.PARAMETER_COUNT,
                cifarRecipe + ", + locally connected layer with 50% dropout on its input",
                seed -> new Cifar10DropoutNet(Cifar10Recipe.paper(100), seed)));
        String appendixH = "Hinton et al. 2012, Appendix H (ImageNet 2010; paper: 42.4% / 48.6% top-1)";
        String hintonRecipe = "two inputs (224x224 crop, 56x56 subsampled), 5 conv layers with random channel "
                + "wiring, ReLU, max-norm sqrt(15), momentum 0.9, rate 0.01, batch 128";
        int[] imageNetShape = {3, 224, 224};
        list.add(new ZooEntry(
                "hinton-imagenet",
                "imagenet",
                appendixH,
                imageNetShape,
                HintonImageNetNet.builder().dropout(true).build().parameterCount(),
                hintonRecipe + ", fc 4096-4096 with 50% dropout, test-time weight scaling",
                seed -> HintonImageNetNet.builder().dropout(true).seed(seed).build()));
        list.add(new ZooEntry(
                "hinton-imagenet-nodropout",
                "imagenet",
                appendixH,
                imageNetShape,
                HintonImageNetNet.builder().dropout(false).build().parameterCount(),
                hintonRecipe + ", softmax on pool5 (no globally connected layers, no dropout)",
                seed -> HintonImageNetNet.builder().dropout(false).seed(seed).build()));
        list.add(new ZooEntry(
                "alexnet-dropout",
                "imagenet",
                "Krizhevsky, Sutskever & Hinton 2012 (AlexNet), " + "Section 4.2",
                imageNetShape,
                AlexNetDropout.builder().build().parameterCount(),
                "5 conv + fc 4096-4096, two towers, 50% dropout in fc6/fc7, momentum 0.9, rate 0.01, weight decay "
                        + "5e-4, batch 128",
                seed -> AlexNetDropout.builder().seed(seed).build()));
    }

    private static void addPair(
            List<ZooEntry> list,
            String dataset,
            String reference,
            Function<Boolean, MlpConfig> paper,
            Function<MlpConfig, ? extends FeedForwardZooModel> of) {
        for (boolean dropout : new boolean[] {false, true}) {
            MlpConfig c = paper.apply(dropout);
            list.add(ZooEntry.of(dataset, reference, c, seed -> of.apply(c.withSeed(seed))));
        }
    }
}
