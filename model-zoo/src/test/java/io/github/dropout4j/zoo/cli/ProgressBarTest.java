package io.github.dropout4j.zoo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

    @Test
    void disabledBarWritesNothing() {
        StringWriter text = new StringWriter();
        ProgressBar bar = new ProgressBar(new PrintWriter(text), false);
        bar.start("mnist", 10);
        bar.update(10, 0);
        bar.clear();
        assertEquals("", text.toString());
    }

    @Test
    void lineShowsCountsRateAndEtaAndNeverExceedsTheTerminalWidth() {
        assumeTrue(System.getenv("COLUMNS") == null, "the width checked here is the 80-column default");
        for (String label : new String[] {"mnist", "x".repeat(60)}) {
            StringWriter text = new StringWriter();
            ProgressBar bar = new ProgressBar(new PrintWriter(text), true);
            bar.start(label, 1200);
            bar.update(1200, 0); // the last update always draws
            String line = text.toString().substring(1); // after the leading \r
            assertTrue(line.startsWith(label.substring(0, Math.min(20, label.length()))), line);
            assertTrue(line.contains("100%  1200/1200  ") && line.contains("/s  ETA 0:00"), line);
            assertTrue(line.length() <= 79, "fits 80 columns: " + line.length() + " " + line);
            assertEquals(label.length() < 20, line.contains("[========================]"), line);
        }
    }
}
