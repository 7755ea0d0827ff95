package io.github.dropout4j.zoo.training;

/**
 * The errors after one training epoch, measured with the mean network ({@code output(x)} with dropout off and
 * test-time weight scaling on).
 *
 * @param epoch         1-based epoch number
 * @param trainErrors   misclassified training examples (of those the trainer evaluates)
 * @param trainCount    training examples evaluated
 * @param testErrors    misclassified test examples
 * @param testCount     test examples
 * @param fitSeconds    wall time of this epoch's {@code fit} calls
 */
public record EpochRecord(int epoch, int trainErrors, int trainCount, int testErrors, int testCount,
    double fitSeconds) {

  /** NaN when the training error was not measured ({@code trainCount == 0}). */
  public double trainErrorPercent() {
    return trainCount == 0 ? Double.NaN : 100.0 * trainErrors / trainCount;
  }

  public double testErrorPercent() {
    return 100.0 * testErrors / testCount;
  }

  /** {@code epoch,trainErrors,trainCount,testErrors,testCount,fitSeconds} on one line. */
  String serialize() {
    return epoch + "," + trainErrors + "," + trainCount + "," + testErrors + "," + testCount + "," + fitSeconds;
  }

  static EpochRecord parse(String line) {
    String[] f = line.split(",", -1);
    String expected = "expected 6 comma-separated numbers epoch,trainErrors,trainCount,testErrors,testCount,"
        + "fitSeconds";
    if (f.length != 6) {
      throw new IllegalArgumentException("epoch record: " + expected + ", got " + f.length + " field"
          + (f.length == 1 ? "" : "s"));
    }
    try {
      return new EpochRecord(Integer.parseInt(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]),
          Integer.parseInt(f[3]), Integer.parseInt(f[4]), Double.parseDouble(f[5]));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("epoch record: " + expected + " (" + e.getMessage() + ")");
    }
  }
}
