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
            dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().forEach(classes::add);
            for (int c = 0; c < classes.size(); c++) {
                try (Stream<Path> imgs = Files.list(root.resolve(classes.get(c)))) {
                    List<Path> these = imgs.filter(ImageFolder::isImage).sorted().toList();
                    if (these.isEmpty()) {
                        throw new IllegalArgumentException("class folder " + root.resolve(classes.get(c))
                                + " holds no .jpg/.jpeg/.png image");
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
        return new ImageFolder(root, classes, files, labels.stream().mapToInt(Integer::intValue).toArray());
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
