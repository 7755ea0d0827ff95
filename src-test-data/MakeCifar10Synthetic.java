import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.SplittableRandom;

/**
 * Writes a small SYNTHETIC stand-in for CIFAR-10 (it is not CIFAR-10) in CIFAR-10's binary format:
 * {@code data_batch_1.bin} (1,500 images) and {@code test_batch.bin} (500 images), records of 1 label byte + 3072
 * pixel bytes (R plane, G plane, B plane; 32x32 row-major each), plus {@code SHA256SUMS}.
 *
 * <p>Ten procedurally drawn classes, balanced and interleaved (record i has class i % 10): 0 horizontal stripes,
 * 1 vertical stripes, 2 diagonal stripes, 3 filled disc, 4 filled square, 5 ring, 6 plus sign, 7 triangle,
 * 8 checkerboard, 9 two small discs. Each image draws its foreground and background colours, position, size,
 * stripe period and phase at random, then adds uniform noise in [-24, 24] per byte. Only integer arithmetic and
 * {@link SplittableRandom} (whose algorithm is specified) are used, so the bytes are the same on every JVM.
 *
 * <pre>
 *   java src-test-data/MakeCifar10Synthetic.java [outDir] [seed]   # defaults: src-test-data/cifar10-synthetic 20120703
 * </pre>
 */
public class MakeCifar10Synthetic {
    static final int N_TRAIN = 1500;
    static final int N_TEST = 500;
    static final int S = 32;
    static final int RECORD = 1 + 3 * S * S;

    public static void main(String[] args) throws IOException, NoSuchAlgorithmException {
        Path out = Path.of(args.length > 0 ? args[0] : "src-test-data/cifar10-synthetic");
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 20120703L;
        Files.createDirectories(out);
        byte[] train = records(N_TRAIN, new SplittableRandom(seed));
        byte[] test = records(N_TEST, new SplittableRandom(seed).split().split());
        Files.write(out.resolve("data_batch_1.bin"), train);
        Files.write(out.resolve("test_batch.bin"), test);
        String sums = sha256(train) + "  data_batch_1.bin\n" + sha256(test) + "  test_batch.bin\n";
        Files.writeString(out.resolve("SHA256SUMS"), sums);
        System.out.print(sums);
    }

    static byte[] records(int n, SplittableRandom rnd) {
        byte[] b = new byte[n * RECORD];
        for (int i = 0; i < n; i++) {
            int label = i % 10;
            b[i * RECORD] = (byte) label;
            draw(label, rnd, b, i * RECORD + 1);
        }
        return b;
    }

    /** Draws one image of class {@code label} into {@code b} at {@code off} (3 planes of 32x32). */
    static void draw(int label, SplittableRandom r, byte[] b, int off) {
        int[] fg = colour(r);
        int[] bg = colour(r);
        while (distance(fg, bg) < 160) {
            bg = colour(r);
        }
        int cx = 8 + r.nextInt(17);
        int cy = 8 + r.nextInt(17);
        int size = 5 + r.nextInt(6);               // half-size / radius 5..10
        int period = 4 + r.nextInt(5);             // stripe period 4..8
        int phase = r.nextInt(period);
        int dx = r.nextInt(7) - 3;                 // second disc offset (class 9)
        for (int y = 0; y < S; y++) {
            for (int x = 0; x < S; x++) {
                boolean on = inside(label, x, y, cx, cy, size, period, phase, dx);
                int[] c = on ? fg : bg;
                for (int ch = 0; ch < 3; ch++) {
                    int v = c[ch] + r.nextInt(49) - 24;
                    b[off + ch * S * S + y * S + x] = (byte) Math.max(0, Math.min(255, v));
                }
            }
        }
    }

    static boolean inside(int label, int x, int y, int cx, int cy, int s, int period, int phase, int dx) {
        int ax = Math.abs(x - cx);
        int ay = Math.abs(y - cy);
        int d2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
        switch (label) {
            case 0: return ((y + phase) % period) < period / 2;
            case 1: return ((x + phase) % period) < period / 2;
            case 2: return ((x + y + phase) % period) < period / 2;
            case 3: return d2 <= s * s;
            case 4: return ax <= s && ay <= s;
            case 5: return d2 <= s * s && d2 >= (s - 3) * (s - 3);
            case 6: return (ax <= 1 && ay <= s) || (ay <= 1 && ax <= s);
            case 7: return y >= cy - s && y <= cy + s && 2 * ax <= (y - (cy - s));
            case 8: return (((x + phase) / 4) + ((y + phase) / 4)) % 2 == 0;
            case 9: {
                int r2 = (s / 2 + 1) * (s / 2 + 1);
                int x1 = cx - s / 2;
                int x2 = cx + s / 2;
                int y2 = cy + dx;
                return (x - x1) * (x - x1) + (y - cy) * (y - cy) <= r2
                        || (x - x2) * (x - x2) + (y - y2) * (y - y2) <= r2;
            }
            default: throw new IllegalArgumentException("label " + label);
        }
    }

    static int[] colour(SplittableRandom r) {
        return new int[]{r.nextInt(256), r.nextInt(256), r.nextInt(256)};
    }

    static int distance(int[] a, int[] b) {
        return Math.abs(a[0] - b[0]) + Math.abs(a[1] - b[1]) + Math.abs(a[2] - b[2]);
    }

    static String sha256(byte[] b) throws NoSuchAlgorithmException {
        StringBuilder s = new StringBuilder();
        for (byte x : MessageDigest.getInstance("SHA-256").digest(b)) {
            s.append(String.format("%02x", x));
        }
        return s.toString();
    }
}
