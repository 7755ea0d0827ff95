package io.github.dropout4j.zoo.training;

/**
 * One finished training epoch, the same record for every data set: errors measured with the mean network
 * ({@code output(x)} with dropout off and test-time weight scaling on), the mean training loss of the sub-networks
 * actually trained, the learning rate used, and the wall time of the epoch's {@code fit} calls. What a data set does
 * not measure is 0 (counts) or NaN (loss, rate).
 *
 * @param epoch        1-based epoch number
 * @param trainErrors  misclassified training examples (of those the run evaluates)
 * @param trainCount   training examples evaluated (0: not measured)
 * @param testErrors   misclassified test examples
 * @param testCount    test examples (0: not measured)
 * @param trainLoss    mean minibatch loss over the epoch, with dropout active (NaN: not recorded)
 * @param learningRate learning rate of the epoch's steps (NaN: not recorded)
 * @param examplesSeen training examples presented this epoch (0: not recorded)
 * @param fitSeconds   wall time of this epoch's {@code fit} calls
 */
public record EpochRecord(
        int epoch,
        int trainErrors,
        int trainCount,
        int testErrors,
        int testCount,
        double trainLoss,
        double learningRate,
        long examplesSeen,
        double fitSeconds) {

    /** A record with errors only (loss and rate not recorded). */
    public EpochRecord(int epoch, int trainErrors, int trainCount, int testErrors, int testCount, double fitSeconds) {
        this(epoch, trainErrors, trainCount, testErrors, testCount, Double.NaN, Double.NaN, 0, fitSeconds);
    }

    /** NaN when the training error was not measured ({@code trainCount == 0}). */
    public double trainErrorPercent() {
        return trainCount == 0 ? Double.NaN : 100.0 * trainErrors / trainCount;
    }

    /** NaN when the test error was not measured ({@code testCount == 0}). */
    public double testErrorPercent() {
        return testCount == 0 ? Double.NaN : 100.0 * testErrors / testCount;
    }
}
