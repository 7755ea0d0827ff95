package io.github.dropout4j.zoo.cli;

import java.io.PrintWriter;

/**
 * A one-line text progress bar with rate and rate-based ETA, redrawn with {@code \r} at most every 200 ms:
 * {@code mnist-800x2-dropout [=========>          ] 47%  564/1200  8.3/s  ETA 0:41}. Disabled (draws nothing)
 * when standard error is not a terminal or the user asked for {@code --quiet}, so logs, pipes and tests see no
 * control characters. The bar shrinks (and finally disappears) to keep the line within {@code $COLUMNS} columns
 * (80 when unset), and a long label is cut, so the line does not wrap.
 *
 * <p>Why not a library: {@code me.tongfei:progressbar} 0.10.1 on Maven Central has ETA, rate and terminal width,
 * but it adds {@code org.jline:jline-terminal} 3.24.1 (a 256 KB terminal library, for the width alone) and redraws
 * from a background thread ({@code Util.executor}) that must be closed on every exit path of a training run, and we
 * would still have to switch it off ourselves on non-terminals and under {@code --quiet}. What the CLI needs is
 * this screen of code, with no thread and no dependency, that draws from the training loop itself.
 */
final class ProgressBar {
    private static final int WIDTH = 24;
    private static final int MIN_WIDTH = 5;
    private static final long REDRAW_NANOS = 200_000_000L;

    private final PrintWriter out;
    private final boolean enabled;
    private String label;
    private long total;
    private long startNanos;
    private long lastDraw;
    private int lastLength;

    ProgressBar(PrintWriter out, boolean enabled) {
        this.out = out;
        this.enabled = enabled;
    }

    /** A bar on standard error that draws only on an interactive terminal and without {@code --quiet}. */
    static ProgressBar forTerminal(PrintWriter err, boolean quiet) {
        return new ProgressBar(err, !quiet && System.console() != null);
    }

    boolean enabled() {
        return enabled;
    }

    /** Starts a new task of {@code total} units (>= 1). */
    void start(String newLabel, long newTotal) {
        this.label = newLabel;
        this.total = Math.max(1, newTotal);
        this.startNanos = System.nanoTime();
        this.lastDraw = 0;
    }

    /** {@code done} of {@code total} units are finished; {@code doneAtStart} were already done when it began. */
    void update(long done, long doneAtStart) {
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        if (done < total && now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        double fraction = Math.min(1.0, (double) done / total);
        long newly = done - doneAtStart;
        double seconds = (now - startNanos) / 1e9;
        String rate = newly <= 0 || seconds <= 0 ? "-/s" : String.format("%.1f/s", newly / seconds);
        String eta = newly <= 0 ? "--:--" : clock(seconds * (total - done) / newly);
        String counts = String.format("%3d%%  %d/%d  %s  ETA %s", (int) (100 * fraction), done, total, rate, eta);
        // label + " [" + bar + "] " + counts, kept one column short of the terminal width; a long label is cut
        int columns = terminalColumns() - 1;
        int width = Math.min(WIDTH, columns - label.length() - counts.length() - 4);
        String line;
        if (width >= MIN_WIDTH) {
            int filled = (int) (fraction * width);
            StringBuilder bar = new StringBuilder(width);
            for (int i = 0; i < width; i++) {
                bar.append(i < filled ? '=' : i == filled ? '>' : ' ');
            }
            line = label + " [" + bar + "] " + counts;
        } else {
            int room = columns - counts.length() - 1;
            String shown = label.length() <= room ? label : label.substring(0, Math.max(0, room - 1)) + "~";
            line = shown + " " + counts;
        }
        out.print('\r' + line + " ".repeat(Math.max(0, lastLength - line.length())));
        lastLength = line.length();
        out.flush();
    }

    /** Clears the bar's line so normal output can follow. */
    void clear() {
        if (enabled && lastLength > 0) {
            out.print('\r' + " ".repeat(lastLength) + '\r');
            out.flush();
            lastLength = 0;
        }
    }

    /** {@code $COLUMNS} when the shell exports it, else 80. */
    private static int terminalColumns() {
        try {
            String columns = System.getenv("COLUMNS");
            return columns == null ? 80 : Math.max(20, Integer.parseInt(columns.trim()));
        } catch (NumberFormatException e) {
            return 80;
        }
    }

    /** {@code m:ss} or {@code h:mm:ss}. */
    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600
                ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format("%d:%02d", s / 60, s % 60);
    }
}
