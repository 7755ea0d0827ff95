package io.github.dropout4j.zoo.data.imagenet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * An ImageNet-style folder: one sub-folder per class (class index = position of the folder name in sorted order),
 * holding JPEG or PNG files ({@code .jpg}, {@code .jpeg}, {@code .png}, any case). Examples are listed in sorted
 * order (class, then file name), so indices are stable across runs and machines.
 *
 * <p>Validation and test images are labelled with the <em>training</em> classes, by name
 * ({@link #openLabelled(Path, List)}): either class sub-folders (each must be a training class; a class may be
 * missing), or the official flat ILSVRC validation layout, every image in one folder plus a ground-truth file
 * ({@value #GROUND_TRUTH_SUFFIX}: one label per line, in the sorted order of the image file names; a label is a
 * class name, or a 1-based ILSVRC ID mapped to a class name by line ID of {@value #SYNSETS_FILE} in the same folder,
 * whose lines start with the class name, e.g. {@code n01440764 tench}).
 */
public final class ImageFolder {

    private final Path root;
    private final List<String> classes;
    private final List<Path> files;
    private final int[] labels;

    private ImageFolder(Path root, List<String> classes, List<Path> files, int[] labels) {
        this.root = root;
        this.classes = List.copyOf(classes);
        this.files = List.copyOf(files);
        this.labels = labels;
    }

    /**
     * @throws IllegalArgumentException if {@code root} is not a directory, has no class sub-folders, or a class
     *                                  folder holds no image
     */
    public static ImageFolder open(Path root) {
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("image folder " + root + " is not a directory");
        }
        List<String> classes = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            dirs.filter(Files::isDirectory)
                    .map(p -> p.getFileName().toString())
                    .sorted()
                    .forEach(classes::add);
            for (int c = 0; c < classes.size(); c++) {
                try (Stream<Path> imgs = Files.list(root.resolve(classes.get(c)))) {
                    List<Path> these =
                            imgs.filter(ImageFolder::isImage).sorted().toList();
                    if (these.isEmpty()) {
                        throw new IllegalArgumentException(
                                "class folder " + root.resolve(classes.get(c)) + " holds no .jpg/.jpeg/.png image");
                    }
                    for (Path p : these) {
                        files.add(p);
                        labels.add(c);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list image folder " + root, e);
        }
        if (classes.isEmpty()) {
            throw new IllegalArgumentException("image folder " + root + " has no class sub-folders");
        }
        return new ImageFolder(
                root,
                classes,
                files,
                labels.stream().mapToInt(Integer::intValue).toArray());
    }

    /** A ground-truth file of the flat layout ends with this (ILSVRC2010's: ILSVRC2010_validation_ground_truth.txt). */
    public static final String GROUND_TRUTH_SUFFIX = "ground_truth.txt";
    /** In the flat layout: line k names the class of ILSVRC ID k (first whitespace-separated token). */
    public static final String SYNSETS_FILE = "synsets.txt";

    /**
     * The images under {@code root} labelled with {@code classes} (the training classes, in label order): class
     * sub-folders mapped by name, or the flat ILSVRC layout with its ground-truth file (see the class comment).
     *
     * @throws IllegalArgumentException naming a sub-folder that is not a training class, a ground-truth line that
     *                                  names none, or a count mismatch between images and labels
     */
    public static ImageFolder openLabelled(Path root, List<String> classes) {
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("image folder " + root + " is not a directory");
        }
        java.util.Map<String, Integer> index = new java.util.HashMap<>();
        for (int c = 0; c < classes.size(); c++) {
            index.put(classes.get(c), c);
        }
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        try {
            List<Path> dirs;
            try (Stream<Path> s = Files.list(root)) {
                dirs = s.filter(Files::isDirectory).sorted().toList();
            }
            if (dirs.isEmpty()) {
                return openFlat(root, classes, index);
            }
            for (Path d : dirs) {
                Integer c = index.get(d.getFileName().toString());
                if (c == null) {
                    throw new IllegalArgumentException("class folder " + d + " is not one of the model's "
                            + classes.size() + " training classes (" + abbreviate(classes) + ")");
                }
                try (Stream<Path> imgs = Files.list(d)) {
                    for (Path p : imgs.filter(ImageFolder::isImage).sorted().toList()) {
                        files.add(p);
                        labels.add(c);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list image folder " + root, e);
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("image folder " + root + " holds no .jpg/.jpeg/.png image");
        }
        return new ImageFolder(
                root,
                classes,
                files,
                labels.stream().mapToInt(Integer::intValue).toArray());
    }

    private static ImageFolder openFlat(Path root, List<String> classes, java.util.Map<String, Integer> index)
            throws IOException {
        List<Path> images;
        List<Path> truth;
        try (Stream<Path> s = Files.list(root)) {
            List<Path> all = s.sorted().toList();
            images = all.stream().filter(ImageFolder::isImage).toList();
            truth = all.stream()
                    .filter(p -> p.getFileName().toString().endsWith(GROUND_TRUTH_SUFFIX))
                    .toList();
        }
        if (images.isEmpty() || truth.size() != 1) {
            throw new IllegalArgumentException("image folder " + root + " has no class sub-folders and is not the "
                    + "flat ILSVRC layout (images plus exactly one *" + GROUND_TRUTH_SUFFIX + "; found "
                    + images.size() + " images and " + truth.size() + " ground-truth files)");
        }
        List<String> lines = Files.readAllLines(truth.get(0)).stream()
                .map(String::strip)
                .filter(l -> !l.isEmpty())
                .toList();
        if (lines.size() != images.size()) {
            throw new IllegalArgumentException(truth.get(0) + " has " + lines.size() + " labels but " + root + " holds "
                    + images.size() + " images (one label per image, in file-name order)");
        }
        List<String> synsets = null;
        int[] labels = new int[lines.size()];
        for (int i = 0; i < labels.length; i++) {
            String label = lines.get(i);
            if (label.chars().allMatch(Character::isDigit)) {
                if (synsets == null) {
                    Path map = root.resolve(SYNSETS_FILE);
                    if (!Files.isRegularFile(map)) {
                        throw new IllegalArgumentException(truth.get(0) + " line " + (i + 1) + ": numeric ILSVRC ID "
                                + label + " needs " + map + " (line k: the class name of ID k)");
                    }
                    synsets = Files.readAllLines(map).stream()
                            .map(String::strip)
                            .filter(l -> !l.isEmpty())
                            .map(l -> l.split("\\s+")[0])
                            .toList();
                }
                int id = Integer.parseInt(label);
                if (id < 1 || id > synsets.size()) {
                    throw new IllegalArgumentException(truth.get(0) + " line " + (i + 1) + ": ILSVRC ID " + id
                            + " is not in 1.." + synsets.size() + " (" + root.resolve(SYNSETS_FILE) + ")");
                }
                label = synsets.get(id - 1);
            }
            Integer c = index.get(label);
            if (c == null) {
                throw new IllegalArgumentException(truth.get(0) + " line " + (i + 1) + ": class " + label
                        + " is not one of the model's " + classes.size() + " training classes");
            }
            labels[i] = c;
        }
        return new ImageFolder(root, classes, images, labels);
    }

    private static String abbreviate(List<String> names) {
        return names.size() <= 5 ? String.join(", ", names) : String.join(", ", names.subList(0, 5)) + ", ...";
    }

    /** The examples at {@code indices} (in that order), with this folder's classes. */
    public ImageFolder subset(int[] indices) {
        List<Path> f = new ArrayList<>(indices.length);
        int[] l = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            f.add(files.get(indices[i]));
            l[i] = labels[indices[i]];
        }
        return new ImageFolder(root, classes, f, l);
    }

    private static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return Files.isRegularFile(p) && (n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png"));
    }

    public Path root() {
        return root;
    }

    /** Class names (folder names), sorted; index = label. */
    public List<String> classes() {
        return classes;
    }

    public int numClasses() {
        return classes.size();
    }

    public int size() {
        return files.size();
    }

    public Path file(int index) {
        return files.get(index);
    }

    public int label(int index) {
        return labels[index];
    }

    /**
     * The first {@code n} examples taken one class at a time in turn (class order, then file order within a class),
     * listed in this folder's order; the classes stay those of this folder. For {@code --limit}.
     *
     * @throws IllegalArgumentException unless {@code 1 <= n <= size()}
     */
    public ImageFolder first(int n) {
        if (n < 1 || n > files.size()) {
            throw new IllegalArgumentException("need 1 <= n <= " + files.size() + " images, got " + n);
        }
        int[] start = new int[classes.size() + 1];
        for (int label : labels) {
            start[label + 1]++;
        }
        for (int c = 0; c < classes.size(); c++) {
            start[c + 1] += start[c];
        }
        boolean[] taken = new boolean[files.size()];
        int count = 0;
        for (int round = 0; count < n; round++) {
            for (int c = 0; c < classes.size() && count < n; c++) {
                if (start[c] + round < start[c + 1]) {
                    taken[start[c] + round] = true;
                    count++;
                }
            }
        }
        List<Path> f = new ArrayList<>();
        int[] l = new int[n];
        for (int i = 0; i < taken.length; i++) {
            if (taken[i]) {
                l[f.size()] = labels[i];
                f.add(files.get(i));
            }
        }
        return new ImageFolder(root, classes, f, l);
    }
}
