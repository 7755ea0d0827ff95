package io.github.dropout4j.zoo.models;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Every model of the zoo, by name, in a fixed order: the paper's four MNIST architectures with and without
 * dropout (Figure 1, Appendix A.1), Reuters (Section 6) and TIMIT (Section 3).
 *
 * <p>To add a family (for example the CIFAR-10 networks of Appendix G), append its {@link ZooEntry}s in
 * {@link #defaultEntries()}; the CLI's {@code models}, {@code train} and {@code evaluate} pick them up.
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
      throw new IllegalArgumentException("unknown model '" + name + "'; known: " + String.join(", ",
          entries.keySet()) + " (run 'models' for details)");
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
    addPair(list, "reuters", "Hinton et al. 2012, Section 6 (Reuters RCV1-v2)", ReutersMlp::paper,
        ReutersMlp::of);
    addPair(list, "timit", "Hinton et al. 2012, Section 3 (TIMIT), F = 40 filter banks", TimitMlp::paper,
        TimitMlp::of);
    return list;
  }

  private static void addPair(List<ZooEntry> list, String dataset, String reference,
      Function<Boolean, MlpConfig> paper, Function<MlpConfig, ? extends FeedForwardZooModel> of) {
    for (boolean dropout : new boolean[] {false, true}) {
      MlpConfig c = paper.apply(dropout);
      list.add(ZooEntry.of(dataset, reference, c, seed -> of.apply(c.withSeed(seed))));
    }
  }
}
