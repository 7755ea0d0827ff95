package io.github.dropout4j.bench;

import io.github.dropout4j.layers.impl.RandomChannelGroupConvolutionLayer;
import io.github.dropout4j.onednn.OneDnnHelpers;
import io.github.dropout4j.zoo.models.AlexNetDropout;
import io.github.dropout4j.zoo.models.Cifar10Recipe;
import io.github.dropout4j.zoo.models.Cifar10Training;
import io.github.dropout4j.zoo.models.HintonImageNetNet;
import io.github.dropout4j.zoo.models.ImageNetZooModel;
import io.github.dropout4j.zoo.testsupport.Stats;
import io.github.dropout4j.zoo.training.Recipe;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.impl.LayerVertex;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The zoo's convolutional training steps (CIFAR-10 nets at batch 128; {@code alexnet-dropout} and
 * {@code hinton-imagenet} at the CLI's tiny defaults, batch 16, and at the papers' sizes, {@code -paper}, batch 32)
 * against PyTorch's same networks (bench/peers/conv_torch.py), both sides in one run: the peer
 * runs as a child process, and the two sides alternate step by step (one Dropout4j step, one PyTorch step, ...) so
 * that load from other processes hits both alike. Prints each side's median step time and the ratio, the load average
 * before and after, the natives ND4J loaded and where PyTorch's OpenBLAS points.
 *
 * <p>With {@code --profile} it also prints where the Dropout4j step's time goes: forward and backward per layer, with
 * and without {@link OneDnnHelpers} (same JVM, same natives), and for each convolution the share of one GEMM of the
 * im2col path's size ({@code [mb*h*w, c*k*k] x [c*k*k, nOut]}, forward) in its forward time; {@code --no-built-in}
 * skips the built-in column (slow at the papers' sizes).
 *
 * <pre>
 *   mvn -B -q -o -DskipTests package &amp;&amp; mvn -B -q -o -pl dl4j-dropout-ext,model-zoo test-compile
 *   OMP_WAIT_POLICY=PASSIVE OMP_NUM_THREADS=2 java -Xmx6g -Dorg.bytedeco.javacpp.maxbytes=12G \
 *       -Dorg.bytedeco.javacpp.platform.extension=-onednn-avx2 \
 *       -cp "model-zoo/target/test-classes:model-zoo/target/classes:dl4j-dropout-ext/target/classes:\
 * $(ls model-zoo/target/lib/*.jar | grep -v dl4j-dropout-ext | tr '\n' :)" \
 *       io.github.dropout4j.bench.ConvPeerBench [--steps 8] [--warmup 2] [--batch N] \
 *           [--profile [--reps 5] [--no-built-in]] \
 *           [cifar10 cifar10-dropout alexnet-dropout alexnet-dropout-paper hinton-imagenet hinton-imagenet-paper]
 * </pre>
 * Needs {@code /usr/bin/python3} with Debian's {@code python3-torch}; run from the repository root.
 */
public final class ConvPeerBench {

    /** The networks this bench knows, in the peer's names. */
    static final List<String> MODELS = List.of(
            "cifar10",
            "cifar10-dropout",
            "alexnet-dropout",
            "alexnet-dropout-paper",
            "hinton-imagenet",
            "hinton-imagenet-paper");

    private ConvPeerBench() {}

    public static void main(String[] args) throws Exception {
        int steps = 8;
        int warmup = 2;
        int reps = 5;
        Integer batchOption = null;
        boolean profile = false;
        boolean builtIn = true;
        List<String> models = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--steps" -> steps = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--reps" -> reps = Integer.parseInt(args[++i]);
                case "--batch" -> batchOption = Integer.parseInt(args[++i]);
                case "--profile" -> profile = true;
                case "--no-built-in" -> builtIn = false;
                default -> {
                    if (!MODELS.contains(args[i])) {
                        throw new IllegalArgumentException(
                                "unknown model " + args[i] + " (expected one of " + MODELS + ")");
                    }
                    models.add(args[i]);
                }
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
            int batch = batchOption != null ? batchOption : defaultBatch(model);
            Model net = network(model);
            MultiDataSet data = batch(model, net, batch);
            double[] t = alternate(model, net, data, batch, warmup, steps, threads);
            System.out.printf(
                    "%-22s batch %d, median of %d alternating steps: Dropout4j %9.1f ms (%s), PyTorch "
                            + "%9.1f ms, ratio %.2f   [load %s]%n",
                    model, batch, steps, t[0] * 1e3, layersOnOneDnn(net), t[1] * 1e3, t[0] / t[1], loadAverage());
            if (profile) {
                profile(model, data, reps, builtIn);
            }
        }
        System.out.println("   load average after: " + loadAverage());
    }

    /**
     * Batch of each network when none is given: 128 for CIFAR-10 (the paper's), the CLI's default 16 for the tiny
     * ImageNet-scale variants ({@code train imagenet|alexnet} with the short recipe), 32 at the paper's sizes.
     */
    static int defaultBatch(String model) {
        return model.startsWith("cifar10") ? 128 : model.endsWith("-paper") ? 32 : 16;
    }

    /**
     * The zoo's network, as the CLI builds it: {@code alexnet-dropout} and {@code hinton-imagenet} are the
     * {@code train alexnet|imagenet} defaults on the synthetic folder (64x64 crops, widths / 16, 64-unit layers,
     * 4 classes, short recipe); the {@code -paper} variants are the papers' (224 crops, full widths, 4096 units,
     * 1000 classes, the paper's updater). All on oneDNN where available ({@code init()} installs the helpers).
     */
    static Model network(String model) {
        return switch (model) {
            case "cifar10" -> Cifar10Training.network(false, Cifar10Recipe.paper(10), 1);
            case "cifar10-dropout" -> Cifar10Training.network(true, Cifar10Recipe.paper(10), 1);
            case "alexnet-dropout" -> tiny(AlexNetDropout.builder()).build().init();
            case "alexnet-dropout-paper" ->
                AlexNetDropout.builder().seed(1).build().init();
            case "hinton-imagenet" -> tiny(HintonImageNetNet.builder()).build().init();
            case "hinton-imagenet-paper" ->
                HintonImageNetNet.builder().seed(1).build().init();
            default ->
                throw new IllegalArgumentException("unknown model " + model + " (expected one of " + MODELS + ")");
        };
    }

    /** The CLI's defaults for {@code train alexnet|imagenet} on the shipped synthetic folder (ImageNetTrainOptions). */
    private static <B extends ImageNetZooModel.Builder<?, B>> B tiny(B b) {
        return b.cropSize(64).widthDivisor(16).fcUnits(64).numClasses(4).seed(1).recipe(Recipe.SHORT);
    }

    /** Random inputs of the model's shapes (uniform in [-0.5, 0.5)) and one-hot labels i mod classes. */
    private static MultiDataSet batch(String model, Model net, int n) {
        Nd4j.getRandom().setSeed(7);
        int crop = model.startsWith("cifar10") ? 32 : model.endsWith("-paper") ? 224 : 64;
        List<long[]> shapes = new ArrayList<>(List.of(new long[] {n, 3, crop, crop}));
        if (model.startsWith("hinton-imagenet")) { // the crop and its 4x subsampled copy
            int sub = crop / HintonImageNetNet.SUBSAMPLE_FACTOR;
            shapes.add(new long[] {n, 3, sub, sub});
        }
        long classes = (net instanceof ComputationGraph g
                        ? g.getOutputLayer(0)
                        : ((MultiLayerNetwork) net).getOutputLayer())
                .getParam("W")
                .size(1);
        INDArray[] x = new INDArray[shapes.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = Nd4j.rand(DataType.FLOAT, shapes.get(i)).subi(0.5);
        }
        INDArray y = Nd4j.zeros(DataType.FLOAT, n, classes);
        for (int i = 0; i < n; i++) {
            y.putScalar(i, i % classes, 1f);
        }
        return new org.nd4j.linalg.dataset.MultiDataSet(x, new INDArray[] {y});
    }

    private static void fit(Model net, MultiDataSet data) {
        if (net instanceof ComputationGraph g) {
            g.fit(data);
        } else {
            ((MultiLayerNetwork) net).fit(new DataSet(data.getFeatures(0), data.getLabels(0)));
        }
    }

    private static double[] alternate(
            String model, Model net, MultiDataSet data, int batch, int warmup, int steps, String threads)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(
                "/usr/bin/python3",
                "bench/peers/conv_torch.py",
                "--model",
                model,
                "--batch",
                Integer.toString(batch),
                "--threads",
                threads);
        pb.environment().put("OMP_NUM_THREADS", threads);
        pb.environment().putIfAbsent("OMP_WAIT_POLICY", "PASSIVE");
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process peer = pb.start();
        try (BufferedReader in =
                        new BufferedReader(new InputStreamReader(peer.getInputStream(), StandardCharsets.UTF_8));
                PrintWriter out = new PrintWriter(peer.getOutputStream(), true, StandardCharsets.UTF_8)) {
            String ready = in.readLine();
            if (!"ready".equals(ready)) {
                throw new IOException("PyTorch peer did not start (said " + ready + ")");
            }
            for (int i = 0; i < warmup; i++) {
                fit(net, data);
            }
            double[] ours = new double[steps];
            double[] theirs = new double[steps];
            for (int i = 0; i < steps; i++) {
                long s = System.nanoTime();
                fit(net, data);
                ours[i] = (System.nanoTime() - s) / 1e9;
                out.println("step");
                theirs[i] = Double.parseDouble(in.readLine());
            }
            out.println("quit");
            return new double[] {Stats.median(ours), Stats.median(theirs)};
        } finally {
            peer.waitFor();
        }
    }

    /** A layer and the input it sees in one training forward pass (after its preprocessor). */
    private record LayerInput(String name, Layer layer, INDArray input) {}

    /** Each layer of {@code net} with its input, in forward order, from one training-mode forward pass. */
    private static List<LayerInput> layerInputs(Model net, MultiDataSet data) {
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        List<LayerInput> list = new ArrayList<>();
        if (net instanceof ComputationGraph g) {
            Map<String, INDArray> acts = g.feedForward(data.getFeatures(), true, false);
            for (int idx : g.topologicalSortOrder()) {
                GraphVertex v = g.getVertices()[idx];
                if (v.hasLayer()) {
                    INDArray in = acts.get(g.getVertices()[v.getInputVertices()[0].getVertexIndex()].getVertexName());
                    InputPreProcessor pre = ((LayerVertex) v).getLayerPreProcessor();
                    list.add(new LayerInput(
                            v.getVertexName(),
                            v.getLayer(),
                            pre == null ? in : pre.preProcess(in, (int) in.size(0), mgr)));
                }
            }
        } else {
            MultiLayerNetwork m = (MultiLayerNetwork) net;
            List<INDArray> acts = m.feedForward(data.getFeatures(0), true);
            for (int i = 0; i < m.getnLayers(); i++) {
                INDArray in = acts.get(i);
                InputPreProcessor pre = m.getLayerWiseConfigurations().getInputPreProcess(i);
                Layer l = m.getLayer(i);
                list.add(new LayerInput(
                        l.conf().getLayer().getLayerName(),
                        l,
                        pre == null ? in : pre.preProcess(in, (int) in.size(0), mgr)));
            }
        }
        return list;
    }

    /**
     * Forward and backward time per layer, with and without oneDNN helpers, on one batch; each layer run alone on
     * its input from one training forward pass. {@code RandomChannelGroupConvolution} calls libnd4j's
     * {@code conv2d} op per group, which is oneDNN's on these natives with or without helpers.
     */
    private static void profile(String model, MultiDataSet data, int reps, boolean builtIn) {
        Model fast = network(model);
        Model slow;
        if (!builtIn) {
            slow = null;
            if (fast instanceof ComputationGraph g) {
                g.initGradientsView();
            } else {
                ((MultiLayerNetwork) fast).initGradientsView();
            }
        } else if (fast instanceof ComputationGraph g) {
            ComputationGraph c = new ComputationGraph(g.getConfiguration().clone());
            c.init();
            c.initGradientsView();
            g.initGradientsView();
            slow = c;
        } else {
            MultiLayerNetwork c = new MultiLayerNetwork(
                    ((MultiLayerNetwork) fast).getLayerWiseConfigurations().clone());
            c.init();
            c.initGradientsView();
            ((MultiLayerNetwork) fast).initGradientsView();
            slow = c;
        }
        List<LayerInput> f = layerInputs(fast, data);
        List<LayerInput> s = slow == null ? null : layerInputs(slow, data);
        System.out.println("   per layer, median of " + reps + " (ms):                                helpers fwd / bwd"
                + "     built-in fwd / bwd   GEMM of im2col size (fwd)");
        double[] tot = new double[4];
        for (int i = 0; i < f.size(); i++) {
            LayerInput li = f.get(i);
            double[] tf = layerTimes(li, reps);
            double[] ts = s == null ? new double[] {Double.NaN, Double.NaN} : layerTimes(s.get(i), reps);
            String gemm = "";
            if (li.layer() instanceof org.deeplearning4j.nn.layers.convolution.ConvolutionLayer) {
                gemm = String.format("%8.1f", gemmMillis(li, reps));
            }
            System.out.printf(
                    "   %-3d %-10s %-58s %8.1f / %8.1f     %8.1f / %8.1f   %s%n",
                    i,
                    li.name(),
                    li.layer().getClass().getSimpleName() + helperLabel(li.layer()),
                    tf[0],
                    tf[1],
                    ts[0],
                    ts[1],
                    gemm);
            tot[0] += tf[0];
            tot[1] += tf[1];
            tot[2] += ts[0];
            tot[3] += ts[1];
        }
        System.out.printf(
                "   total                                                                         %8.1f / %8.1f"
                        + "     %8.1f / %8.1f%n",
                tot[0], tot[1], tot[2], tot[3]);
    }

    /** {fwd ms, bwd ms} of one layer on its input. */
    private static double[] layerTimes(LayerInput li, int reps) {
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        Layer l = li.layer();
        INDArray input = li.input();
        INDArray[] out = new INDArray[1];
        double fwd = 1e3 * Cifar10Bench.median(() -> out[0] = l.activate(input, true, mgr), 1, reps);
        INDArray eps = Nd4j.rand(out[0].dataType(), out[0].shape());
        double both;
        if (l instanceof org.deeplearning4j.nn.api.layers.IOutputLayer o) {
            o.setLabels(Nd4j.zeros(out[0].dataType(), out[0].shape()).putScalar(0, 0, 1));
            both = 1e3
                    * Cifar10Bench.median(
                            () -> {
                                l.activate(input, true, mgr);
                                l.backpropGradient(null, mgr);
                            },
                            1,
                            reps);
        } else {
            both = 1e3
                    * Cifar10Bench.median(
                            () -> {
                                l.activate(input, true, mgr);
                                l.backpropGradient(eps, mgr);
                            },
                            1,
                            reps);
        }
        return new double[] {fwd, both - fwd};
    }

    /** One forward GEMM of the im2col path: [mb*outH*outW, c*kH*kW] x [c*kH*kW, nOut]. */
    private static double gemmMillis(LayerInput li, int reps) {
        org.deeplearning4j.nn.conf.layers.ConvolutionLayer c = (org.deeplearning4j.nn.conf.layers.ConvolutionLayer)
                li.layer().conf().getLayer();
        INDArray out = li.layer().activate(li.input(), false, LayerWorkspaceMgr.noWorkspaces());
        long rows = out.size(0) * out.size(2) * out.size(3);
        long k = c.getNIn() * c.getKernelSize()[0] * c.getKernelSize()[1];
        INDArray a = Nd4j.rand(DataType.FLOAT, rows, k);
        INDArray b = Nd4j.rand(DataType.FLOAT, k, c.getNOut());
        return 1e3 * Cifar10Bench.median(() -> a.mmul(b), 1, reps);
    }

    /** "n of m conv/pool/LRN layers on helpers, k random-channel-group convolutions (libnd4j conv2d per group)". */
    private static String layersOnOneDnn(Model net) {
        Layer[] layers = net instanceof ComputationGraph g ? g.getLayers() : ((MultiLayerNetwork) net).getLayers();
        int helpers = 0;
        int grouped = 0;
        int candidates = 0;
        for (Layer l : layers) {
            helpers += OneDnnHelpers.isInstalled(l) ? 1 : 0;
            grouped += l instanceof RandomChannelGroupConvolutionLayer ? 1 : 0;
            candidates += l instanceof org.deeplearning4j.nn.layers.convolution.ConvolutionLayer
                            || l instanceof org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer
                            || l.getClass().getSimpleName().equals("LocalResponseNormalization")
                    ? 1
                    : 0;
        }
        return helpers + "/" + candidates
                + " conv/pool/LRN layers on helpers (conv: oneDNN with OneDnnConvolutionHelper, pool: PoolingHelper,"
                + " LRN: ResponseNormalizationHelper)" + (grouped > 0 ? ", " + grouped + " channel-group convs" : "");
    }

    /** " (oneDNN)" for DL4J's oneDNN helpers, " (PoolingHelper)" etc. for ours, "" without a helper. */
    private static String helperLabel(Layer l) {
        if (!OneDnnHelpers.isInstalled(l)) {
            return "";
        }
        String name = l.getHelper().getClass().getSimpleName();
        return name.startsWith("MKLDNN") ? " (oneDNN)" : " (" + name + ")";
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
            return Files.readSymbolicLink(Path.of("/etc/alternatives/libopenblas.so.0-x86_64-linux-gnu"))
                    .toString();
        } catch (IOException | UnsupportedOperationException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }
}
