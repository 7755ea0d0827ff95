package example;

import io.github.dropout4j.dropout.BernoulliDropout;

/** Compiles only if dl4j-dropout-ext (and the DL4J API it exposes) is on the class path. */
public class UsesTheLibrary {
    public static Object dropout() {
        return BernoulliDropout.retainProbability(0.5).withSeed(1);
    }
}
