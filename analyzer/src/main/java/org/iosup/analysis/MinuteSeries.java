package org.iosup.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Metrics minute by minute (minute = floor(ts_ns / 60 s), from 0), a column each: counters of the
 * current minute and gauges carried over, closed into a row when time passes into a later minute.
 * Minutes without events still get a row (zero counters, gauges carried). Also keeps totals of the
 * counters and peaks of the gauges. Columns are given by an enum whose constants say which are
 * gauges.
 *
 * @param <M> the enum of the columns
 */
public final class MinuteSeries<M extends Enum<M> & MinuteSeries.Column> {
    /** A column of a series. */
    public interface Column {
        /** Whether the value is a level at the end of the minute (true) or a count within it (false). */
        boolean isGauge();

        /** The name of the column in the CSV outputs: the constant's name in lower case. */
        default String column() {
            return ((Enum<?>) this).name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final int n;
    private final boolean[] gauge;
    private final long[] current;
    private final long[] totals;
    private final long[] peaks;
    private final List<long[]> rows = new ArrayList<>();
    private int minute;

    public MinuteSeries(Class<M> columns) {
        M[] all = columns.getEnumConstants();
        n = all.length;
        gauge = new boolean[n];
        for (M c : all) {
            gauge[c.ordinal()] = c.isGauge();
        }
        current = new long[n];
        totals = new long[n];
        peaks = new long[n];
    }

    private MinuteSeries(MinuteSeries<M> from) {
        n = from.n;
        gauge = from.gauge;
        current = from.current.clone();
        totals = from.totals.clone();
        peaks = from.peaks.clone();
        for (long[] row : from.rows) {
            rows.add(row.clone());
        }
        minute = from.minute;
    }

    /** An independent copy: the same minutes so far, each going on alone from here. */
    public MinuteSeries<M> copy() {
        return new MinuteSeries<>(this);
    }

    /** Adds to a counter of the current minute. */
    public void add(M m, long n) {
        current[m.ordinal()] += n;
    }

    /** Increments a counter of the current minute. */
    public void inc(M m) {
        current[m.ordinal()]++;
    }

    /** Sets a gauge. */
    public void set(M m, long value) {
        current[m.ordinal()] = value;
        int i = m.ordinal();
        if (value > peaks[i]) {
            peaks[i] = value;
        }
    }

    public long get(M m) {
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
        for (int i = 0; i < n; i++) {
            if (!gauge[i]) {
                totals[i] += current[i];
                current[i] = 0;
            }
        }
        minute++;
    }

    /** Closes every minute up to {@code lastMinute} (-1: none), and returns every row. */
    public List<long[]> finish(int lastMinute) {
        advanceTo(lastMinute + 1);
        return rows;
    }

    public int minute() {
        return minute;
    }

    /** Closed minutes. */
    public int minutes() {
        return rows.size();
    }

    /** Total of a counter over the closed minutes. */
    public long total(M m) {
        return totals[m.ordinal()];
    }

    /** Largest value a gauge reached. */
    public long peak(M m) {
        return peaks[m.ordinal()];
    }

    /**
     * Adds the counters of {@code other}, a finished series of the same minutes, to this finished
     * one (gauges are left alone).
     */
    public void addCounters(MinuteSeries<M> other) {
        if (other.rows.size() != rows.size()) {
            throw new IllegalArgumentException(other.rows.size() + " minutes against " + rows.size());
        }
        for (int i = 0; i < n; i++) {
            if (!gauge[i]) {
                for (int r = 0; r < rows.size(); r++) {
                    rows.get(r)[i] += other.rows.get(r)[i];
                }
                totals[i] += other.totals[i];
            }
        }
    }

    /**
     * Sets counter {@code m} of every closed minute to {@code f} of that minute's row (a column
     * derived from others, such as a sum), and its total accordingly.
     */
    public void derive(M m, java.util.function.ToLongFunction<long[]> f) {
        int i = m.ordinal();
        long t = 0;
        for (long[] row : rows) {
            row[i] = f.applyAsLong(row);
            t += row[i];
        }
        totals[i] = t;
    }

    /** The current minute's values, for hot loops that count directly (index = the column's ordinal). */
    public long[] current() {
        return current;
    }

    /** A copy of the row of a closed minute. */
    public long[] row(int minute) {
        return Arrays.copyOf(rows.get(minute), n);
    }
}
