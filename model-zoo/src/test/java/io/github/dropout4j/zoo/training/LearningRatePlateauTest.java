package io.github.dropout4j.zoo.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The stated plateau rule, epoch by epoch, and its saved state. */
class LearningRatePlateauTest {

    @Test
    void cutsAfterPatienceEpochsWithoutBeatingTheBestByTheThreshold() {
        LearningRatePlateau p = new LearningRatePlateau(2, 0.01);
        double[] errors = {0.50, 0.45, 0.445, 0.442, 0.30, 0.30, 0.30, 0.295, 0.292, 0.10};
        // best 0.50, 0.45; 0.445 and 0.442 are within 0.01 -> 2 epochs -> cut; 0.30 improves; two 0.30s -> cut after
        // the second; 0.295, 0.292 are within 0.01 of 0.30 -> cut; 0.10 improves
        boolean[] expected = {false, false, false, true, false, false, true, false, true, false};
        for (int i = 0; i < errors.length; i++) {
            assertEquals(expected[i], p.update(errors[i]), "epoch " + (i + 1));
        }
        assertEquals(3, p.cuts());
        assertEquals(0.10, p.best());
    }

    @Test
    void restoredStateMakesTheSameDecisions() {
        LearningRatePlateau a = new LearningRatePlateau(3, 0.001);
        a.update(0.4);
        a.update(0.4);
        LearningRatePlateau b = LearningRatePlateau.restore(a.state());
        assertArrayEquals(a.state(), b.state());
        assertEquals(a.update(0.4), b.update(0.4));
        assertEquals(0, b.cuts());
        assertTrue(b.update(0.4), "the third epoch in a row without improvement cuts");
        assertEquals(1, b.cuts());
        assertTrue(!b.update(0.4) && !b.update(0.4) && b.update(0.4), "the count restarts after a cut");
    }

    @Test
    void badArgumentsNameTheValue() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new LearningRatePlateau(0, 0))
                .getMessage()
                .contains("got 0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new LearningRatePlateau(1, 0).update(1.5))
                .getMessage()
                .contains("1.5"));
    }
}
