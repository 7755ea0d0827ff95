package io.github.dropout4j.bench;

import io.github.dropout4j.onednn.OneDnnHelpers;
import io.github.dropout4j.zoo.models.Cifar10Recipe;
import io.github.dropout4j.zoo.models.Cifar10Training;
import io.github.dropout4j.zoo.testsupport.Stats;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The zoo's CIFAR-10 training step against PyTorch's (bench/peers/conv_torch.py), both sides in one run: the peer
 * runs as a child process, and the two sides alternate step by step (one Dropout4j step, one PyTorch step, ...) so
 * that load from other processes hits both alike. Prints each side's median step time and the ratio, the load average
 * before and after, the natives ND4J loaded and where PyTorch's OpenBLAS points.
 *
 * <p>With {@code --profile} it also prints where the Dropout4j step's time goes: forward and backward per layer, with
 * and without {@link OneDnnHelpers} (same JVM, same natives), and for each convolution the share of one GEMM of the
 * im2col path's size ({@code [mb*h*w, c*k*k] x [c*k*k, 64]}, forward) in its forward time.
 *
 * <pre>
 *   mvn -B -q -o -DskipTests package &amp;&amp; mvn -B -q -o -pl dl4j-dropout-ext,model-zoo test-compile
 *   OMP_WAIT_POLICY=PASSIVE OMP_NUM_THREADS=2 java -Xmx4g -Dorg.bytedeco.javacpp.platform.extension=-onednn-avx2 \
 *       -cp "model-zoo/target/test-classes:model-zoo/target/classes:dl4j-dropout-ext/target/classes:\
 * $(ls model-zoo/target/lib/*.jar | grep -v dl4j-dropout-ext | tr '\n' :)" \
 *       io.github.dropout4j.bench.ConvPeerBench [--steps 8] [--batch 128] [--profile] [cifar10 cifar10-dropout]
 * </pre>
 * Needs {@code /usr/bin/python3} with Debian's {@code python3-torch}; run from the repository root.
 */
public final class ConvPeerBench {

    private ConvPeerBench() {
    }

    public static void main(String[] args) throws Exception {
        int steps = 8;
        int batch = 128;
        boolean profile = false;
        List<String> models = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--steps" -> steps = Integer.parseInt(args[++i]);
                case "--batch" -> batch = Integer.parseInt(args[++i]);
                case "--profile" -> profile = true;
                default -> models.add(args[i]);
            }
        }
        if (models.isEmpty()) {
            models = List.of("cifar10", "cifar10-dropout");
        }
        String threads = System.getenv().getOrDefault("OMP_NUM_THREADS", "2");
        System.out.println("== ConvPeerBench  OMP_WAIT_POLICY=" + System.getenv("OMP_WAIT_POLICY") + ", threads "
                + threads + ", cores " + Runtime.getRuntime().availableProcessors() + ", java "
                + System.getProperty("java.version"));
        System.out.println("   natives: " + System.getProperty(OneDnnHelpers.PLATFORM_EXTENSION_PROPERTY, "(generic)")
                + ", oneDNN available: " + OneDnnHelpers.available());
        System.out.println("   PyTorch's OpenBLAS: " + openBlasAlternative());
        System.out.println("   load average before: " + loadAverage());
        for (String model : models) {
            DataSet data = batch(batch);
            MultiLayerNetwork net = network(model);
            int installed = countInstalled(net);
            double[] t = alternate(model, net, data, batch, steps, threads);
            System.out.printf("%-16s batch %d, median of %d alternating steps: Dropout4j %8.1f ms (%d layers on "
                    + "oneDNN), PyTorch %8.1f ms, ratio %.2f%n", model, batch, steps, t[0] * 1e3, installed,
                    t[1] * 1e3, t[0] / t[1]);
            if (profile) {
                profile(model, data, 5);
            }
        }
        System.out.println("   load average after: " + loadAverage());
    }

    static MultiLayerNetwork network(String model) {
        return switch (model) {
            case "cifar10" -> Cifar10Training.network(false, Cifar10Recipe.paper(10), 1);
            case "cifar10-dropout" -> Cifar10Training.network(true, Cifar10Recipe.paper(10), 1);
            default -> throw new IllegalArgumentException("unknown model " + model
                    + " (expected cifar10 or cifar10-dropout)");
        };
    }

    private static DataSet batch(int n) {
        Nd4j.getRandom().setSeed(7);
        INDArray x = Nd4j.rand(DataType.FLOAT, n, 3, 32, 32).subi(0.5);
        INDArray y = Nd4j.zeros(DataType.FLOAT, n, 10);
        for (int i = 0; i < n; i++) {
            y.putScalar(i, i % 10, 1f);
        }
        return new DataSet(x, y);
    }

    private static double[] alternate(String model, MultiLayerNetwork net, DataSet data, int batch, int steps,
                                      String threads) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/python3", "bench/peers/conv_torch.py", "--model", model,
                "--batch", Integer.toString(batch), "--threads", threads);
        pb.environment().put("OMP_NUM_THREADS", threads);
        pb.environment().putIfAbsent("OMP_WAIT_POLICY", "PASSIVE");
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process peer = pb.start();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(peer.getInputStream(),
                StandardCharsets.UTF_8));
             PrintWriter out = new PrintWriter(peer.getOutputStream(), true, StandardCharsets.UTF_8)) {
            String ready = in.readLine();
            if (!"ready".equals(ready)) {
                throw new IOException("PyTorch peer did not start (said " + ready + ")");
            }
            net.fit(data);
            net.fit(data);
            double[] ours = new double[steps];
            double[] theirs = new double[steps];
            for (int i = 0; i < steps; i++) {
                long s = System.nanoTime();
                net.fit(data);
                ours[i] = (System.nanoTime() - s) / 1e9;
                out.println("step");
                theirs[i] = Double.parseDouble(in.readLine());
            }
            out.println("quit");
            return new double[]{Stats.median(ours), Stats.median(theirs)};
        } finally {
            peer.waitFor();
        }
    }

    /** Forward and backward time per layer, with and without oneDNN helpers, on one batch. */
    private static void profile(String model, DataSet data, int reps) {
        MultiLayerNetwork fast = network(model);
        MultiLayerNetwork slow = new MultiLayerNetwork(fast.getLayerWiseConfigurations().clone());
        slow.init();
        slow.initGradientsView();
        fast.initGradientsView();
        double[][] f = layerTimes(fast, data.getFeatures(), reps);
        double[][] s = layerTimes(slow, data.getFeatures(), reps);
        System.out.println("   per layer, median of " + reps + " (ms):        oneDNN fwd / bwd     built-in fwd / bwd"
                + "   GEMM of im2col size (fwd)");
        double[] tot = new double[4];
        INDArray in = data.getFeatures();
        for (int i = 0; i < f.length; i++) {
            Layer l = fast.getLayer(i);
            String gemm = "";
            if (l.getClass() == org.deeplearning4j.nn.layers.convolution.ConvolutionLayer.class) {
                gemm = String.format("%8.1f", gemmMillis(in, l, reps));
            }
            System.out.printf("   %-3d %-10s %-22s %8.1f / %8.1f     %8.1f / %8.1f   %s%n", i,
                    l.conf().getLayer().getLayerName(), l.getClass().getSimpleName(), f[i][0], f[i][1], s[i][0],
                    s[i][1], gemm);
            tot[0] += f[i][0];
            tot[1] += f[i][1];
            tot[2] += s[i][0];
            tot[3] += s[i][1];
            in = l.activate(in, false, LayerWorkspaceMgr.noWorkspaces());
            if (i + 1 < f.length && fast.getLayerWiseConfigurations().getInputPreProcess(i + 1) != null) {
                in = fast.getLayerWiseConfigurations().getInputPreProcess(i + 1).preProcess(in, (int) in.size(0),
                        LayerWorkspaceMgr.noWorkspaces());
            }
        }
        System.out.printf("   total                                     %8.1f / %8.1f     %8.1f / %8.1f%n", tot[0],
                tot[1], tot[2], tot[3]);
    }

    /** {fwd ms, bwd ms} per layer: each layer run alone on the previous layer's output. */
    private static double[][] layerTimes(MultiLayerNetwork net, INDArray x, int reps) {
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        int n = net.getnLayers();
        double[][] t = new double[n][2];
        INDArray in = x;
        for (int i = 0; i < n; i++) {
            if (net.getLayerWiseConfigurations().getInputPreProcess(i) != null) {
                in = net.getLayerWiseConfigurations().getInputPreProcess(i).preProcess(in, (int) in.size(0), mgr);
            }
            Layer l = net.getLayer(i);
            INDArray input = in;
            INDArray[] out = new INDArray[1];
            t[i][0] = 1e3 * Cifar10Bench.median(() -> out[0] = l.activate(input, true, mgr), 1, reps);
            INDArray eps = Nd4j.rand(out[0].dataType(), out[0].shape());
            if (l instanceof org.deeplearning4j.nn.api.layers.IOutputLayer o) {
                o.setLabels(Nd4j.zeros(out[0].dataType(), out[0].shape()).putScalar(0, 0, 1));
                t[i][1] = 1e3 * Cifar10Bench.median(() -> {
                    l.activate(input, true, mgr);
                    l.backpropGradient(null, mgr);
                }, 1, reps) - t[i][0];
            } else {
                t[i][1] = 1e3 * Cifar10Bench.median(() -> {
                    l.activate(input, true, mgr);
                    l.backpropGradient(eps, mgr);
                }, 1, reps) - t[i][0];
            }
            in = out[0];
        }
        return t;
    }

    /** One forward GEMM of the im2col path: [mb*outH*outW, c*kH*kW] x [c*kH*kW, nOut]. */
    private static double gemmMillis(INDArray in, Layer conv, int reps) {
        org.deeplearning4j.nn.conf.layers.ConvolutionLayer c =
                (org.deeplearning4j.nn.conf.layers.ConvolutionLayer) conv.conf().getLayer();
        long rows = in.size(0) * in.size(2) * in.size(3);          // Same mode, stride 1: output = input size
        long k = c.getNIn() * c.getKernelSize()[0] * c.getKernelSize()[1];
        INDArray a = Nd4j.rand(DataType.FLOAT, rows, k);
        INDArray b = Nd4j.rand(DataType.FLOAT, k, c.getNOut());
        return 1e3 * Cifar10Bench.median(() -> a.mmul(b), 1, reps);
    }

    private static int countInstalled(MultiLayerNetwork net) {
        int n = 0;
        for (Layer l : net.getLayers()) {
            n += OneDnnHelpers.isInstalled(l) ? 1 : 0;
        }
        return n;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String openBlasAlternative() {
        try {
            return Files.readSymbolicLink(Path.of("/etc/alternatives/libopenblas.so.0-x86_64-linux-gnu")).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }
}
