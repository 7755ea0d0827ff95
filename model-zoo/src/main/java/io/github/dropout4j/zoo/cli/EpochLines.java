package io.github.dropout4j.zoo.cli;

import io.github.dropout4j.zoo.training.EpochRecord;
import io.github.dropout4j.zoo.training.RunManifest;
import io.github.dropout4j.zoo.training.TrainingRun;
import java.io.PrintWriter;
import java.util.function.Function;

/**
 * The command line's {@link TrainingRun.Listener} for runs counted in epochs: starts the progress bar, advances it
 * after every epoch and prints one line per epoch ({@code line} formats it) to {@code log}, if any.
 */
final class EpochLines implements TrainingRun.Listener {
    private final String label;
    private final ProgressBar bar;
    private final PrintWriter log;
    private final Function<EpochRecord, String> line;
    private int doneAtStart;

    EpochLines(String label, ProgressBar bar, PrintWriter log, Function<EpochRecord, String> line) {
        this.label = label;
        this.bar = bar;
        this.log = log;
        this.line = line;
    }

    @Override
    public void started(RunManifest manifest, int epochs) {
        doneAtStart = manifest.epochsDone();
        bar.start(label, epochs);
    }

    @Override
    public void epochDone(EpochRecord r, RunManifest m) {
        bar.update(r.epoch(), doneAtStart);
        if (log != null) {
            bar.clear();
            log.println(line.apply(r));
            log.flush();
        }
    }
}
