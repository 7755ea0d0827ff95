package io.github.dropout4j.zoo.cli;

import io.github.dropout4j.inference.MeanNetwork;
import io.github.dropout4j.zoo.training.ModelZip;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code export-mean-network MODEL.zip --out FILE}: folds the retain probabilities into the weights
 * ({@link MeanNetwork#export}) and writes a plain DL4J model that loads without Dropout4j; checks that both
 * predict the same on 256 random inputs and prints the largest difference.
 */
@Command(name = "export-mean-network", mixinStandardHelpOptions = true,
    description = "Write the paper's mean network (weights times retain probabilities) as a plain DL4J zip "
        + "that loads without Dropout4j.")
final class ExportMeanNetworkCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "MODEL.zip", description = "A trained model (model.zip or a checkpoint).")
  Path modelFile;

  @Option(names = "--out", paramLabel = "FILE", required = true, description = "Where to write the plain DL4J zip.")
  Path out;

  @Override
  public Integer call() throws IOException {
    MultiLayerNetwork net = ModelZip.readNetwork(modelFile);
    MultiLayerNetwork mean = MeanNetwork.export(net);
    Path dir = out.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = dir.resolve(out.getFileName() + ".tmp");
    ModelSerializer.writeModel(mean, tmp.toFile(), false);
    Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    Nd4j.getRandom().setSeed(7);
    INDArray x = Nd4j.rand(DataType.FLOAT, 256, net.layerInputSize(0));
    double maxDiff = net.output(x, false).sub(mean.output(x, false)).amaxNumber().doubleValue();
    spec.commandLine().getOut().printf(Locale.ROOT, "Wrote %s (%s -> plain DL4J mean network, %,d parameters); "
        + "largest output difference on 256 random inputs: %.2e%n", out, modelFile.getFileName(), mean.numParams(),
        maxDiff);
    spec.commandLine().getOut().flush();
    return Dropout4jCli.OK;
  }
}
