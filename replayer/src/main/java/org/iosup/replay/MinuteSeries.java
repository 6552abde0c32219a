package org.iosup.replay;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One policy's metrics minute by minute (minute = floor(ts_ns / 60 s), from 0): counters of the
 * current minute and gauges carried over, closed into a row when time passes into a later minute.
 * Minutes without events still get a row (zero counters, gauges carried). Also keeps totals of the
 * counters and peaks of the gauges.
 */
public final class MinuteSeries {
    private static final int N = Metric.count();
    private final long[] current = new long[N];
    private final long[] totals = new long[N];
    private final long[] peaks = new long[N];
    private final List<long[]> rows = new ArrayList<>();
    private int minute;

    /** Adds to a counter of the current minute. */
    public void add(Metric m, long n) {
        current[m.ordinal()] += n;
    }

    /** Increments a counter of the current minute. */
    public void inc(Metric m) {
        current[m.ordinal()]++;
    }

    /** Sets a gauge. */
    public void set(Metric m, long value) {
        current[m.ordinal()] = value;
        int i = m.ordinal();
        if (value > peaks[i]) {
            peaks[i] = value;
        }
    }

    public long get(Metric m) {
        return current[m.ordinal()];
    }

    /** Moves to {@code minute} (not earlier than the current one), closing the minutes before it. */
    public void advanceTo(int minute) {
        while (this.minute < minute) {
            closeMinute();
        }
    }

    private void closeMinute() {
        rows.add(current.clone());
        for (int i = 0; i < N; i++) {
            if (!Metric.ofOrdinal(i).isGauge()) {
                totals[i] += current[i];
                current[i] = 0;
            }
        }
        minute++;
    }

    /** Closes the current minute if it had anything, and returns every row. */
    public List<long[]> finish(int lastMinute) {
        advanceTo(lastMinute + 1);
        return rows;
    }

    public int minute() {
        return minute;
    }

    /** Total of a counter over the closed minutes. */
    public long total(Metric m) {
        return totals[m.ordinal()];
    }

    /** Largest value a gauge reached. */
    public long peak(Metric m) {
        return peaks[m.ordinal()];
    }

    /**
     * Adds the counters of {@code other}, a finished series of the same minutes, to this finished
     * one (gauges are left alone).
     */
    public void addCounters(MinuteSeries other) {
        if (other.rows.size() != rows.size()) {
            throw new IllegalArgumentException(other.rows.size() + " minutes against " + rows.size());
        }
        for (int i = 0; i < N; i++) {
            if (!Metric.ofOrdinal(i).isGauge()) {
                for (int r = 0; r < rows.size(); r++) {
                    rows.get(r)[i] += other.rows.get(r)[i];
                }
                totals[i] += other.totals[i];
            }
        }
    }

    /** The current minute's values, for hot loops that count directly (index = {@link Metric#ordinal()}). */
    long[] current() {
        return current;
    }

    /** A copy of the row of a closed minute. */
    public long[] row(int minute) {
        return Arrays.copyOf(rows.get(minute), N);
    }
}
