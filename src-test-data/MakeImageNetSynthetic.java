import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Writes a tiny synthetic ImageNet-style folder: src-test-data/imagenet-synthetic/{train,val}/<class>/NNN.png,
 * 72x72 RGB PNGs of four shape classes (disc, square, triangle, stripes) with seeded random colour, size, position
 * and mild pixel noise. Deterministic (java.util.Random with fixed seeds, PNG is lossless).
 *
 *   java src-test-data/MakeImageNetSynthetic.java [outputDir]
 */
public class MakeImageNetSynthetic {

    static final String[] CLASSES = {"disc", "square", "stripes", "triangle"};
    static final int SIZE = 72;
    static final int TRAIN_PER_CLASS = 12;
    static final int VAL_PER_CLASS = 3;

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "src-test-data/imagenet-synthetic");
        write(out.resolve("train"), TRAIN_PER_CLASS, 1207_0580L);
        write(out.resolve("val"), VAL_PER_CLASS, 42L);
        System.out.println("wrote " + out);
    }

    static void write(Path dir, int perClass, long seed) throws IOException {
        Random rng = new Random(seed);
        for (int c = 0; c < CLASSES.length; c++) {
            Path classDir = dir.resolve(CLASSES[c]);
            Files.createDirectories(classDir);
            for (int i = 0; i < perClass; i++) {
                ImageIO.write(draw(c, rng), "png", classDir.resolve(String.format("%03d.png", i)).toFile());
            }
        }
    }

    static BufferedImage draw(int cls, Random rng) {
        BufferedImage img = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(new Color(rng.nextInt(80), rng.nextInt(80), rng.nextInt(80)));
        g.fillRect(0, 0, SIZE, SIZE);
        g.setColor(new Color(150 + rng.nextInt(106), 150 + rng.nextInt(106), 150 + rng.nextInt(106)));
        int s = 28 + rng.nextInt(20);
        int x = 4 + rng.nextInt(SIZE - s - 8);
        int y = 4 + rng.nextInt(SIZE - s - 8);
        switch (cls) {
            case 0 -> g.fillOval(x, y, s, s);
            case 1 -> g.fillRect(x, y, s, s);
            case 2 -> {
                g.setStroke(new BasicStroke(3));
                for (int k = 0; k < s; k += 8) {
                    g.drawLine(x, y + k, x + s, y + k);
                }
            }
            default -> g.fillPolygon(new int[]{x, x + s, x + s / 2}, new int[]{y + s, y + s, y}, 3);
        }
        g.dispose();
        for (int py = 0; py < SIZE; py++) {
            for (int px = 0; px < SIZE; px++) {
                int p = img.getRGB(px, py);
                int n = rng.nextInt(9) - 4;
                int r = clamp(((p >> 16) & 0xFF) + n), gg = clamp(((p >> 8) & 0xFF) + n), b = clamp((p & 0xFF) + n);
                img.setRGB(px, py, (r << 16) | (gg << 8) | b);
            }
        }
        return img;
    }

    static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }
}
