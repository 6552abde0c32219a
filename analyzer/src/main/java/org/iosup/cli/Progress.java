package org.iosup.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.util.function.LongConsumer;

/**
 * A progress bar with an ETA on standard error, shown only when standard error is a terminal
 * (so logs and CSV on standard output never mix with it) and not silenced with --quiet.
 */
public final class Progress implements AutoCloseable, LongConsumer {
    private ProgressBar bar;

    private Progress(ProgressBar bar) {
        this.bar = bar;
    }

    /** A bar for {@code task} counting to {@code max} {@code unit}s; a no-op when not shown. */
    public static Progress start(String task, long max, String unit, boolean quiet) {
        if (quiet || System.console() == null || max <= 0) {
            return new Progress(null);
        }
        ProgressBar bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(max).setUnit(" " + unit, 1)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).showSpeed()
                .setConsumer(new ConsoleProgressBarConsumer(System.err)).build();
        return new Progress(bar);
    }

    /** Moves the bar to {@code done}. */
    @Override
    public synchronized void accept(long done) {
        if (bar != null) {
            bar.stepTo(done);
        }
    }

    @Override
    public synchronized void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
