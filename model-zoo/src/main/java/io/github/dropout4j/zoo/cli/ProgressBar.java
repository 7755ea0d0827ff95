package io.github.dropout4j.zoo.cli;

import java.io.PrintWriter;

/**
 * A one-line text progress bar with rate-based ETA, redrawn with {@code \r} at most every 200 ms:
 * {@code mnist-800x2-dropout [=========>          ] 47%  564/1200 batches  ETA 0:41}. Disabled (draws nothing)
 * when standard error is not a terminal or the user asked for {@code --quiet}.
 */
final class ProgressBar {
  private static final int WIDTH = 24;
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
    int filled = (int) (fraction * WIDTH);
    StringBuilder bar = new StringBuilder(WIDTH);
    for (int i = 0; i < WIDTH; i++) {
      bar.append(i < filled ? '=' : i == filled ? '>' : ' ');
    }
    long newly = done - doneAtStart;
    String eta = newly <= 0 ? "--:--"
        : clock((now - startNanos) / 1e9 * (total - done) / newly);
    String line = String.format("%s [%s] %3d%%  %d/%d  ETA %s", label, bar, (int) (100 * fraction), done, total,
        eta);
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

  /** {@code m:ss} or {@code h:mm:ss}. */
  static String clock(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format("%d:%02d", s / 60, s % 60);
  }
}
