package org.iosup.analysis;

import org.iosup.trace.EventBatch;
import org.iosup.trace.EventKind;

import java.util.Arrays;

/**
 * Rows per kind per minute of trace time (minute = floor(ts_ns / 60 s), from 0), counted from the
 * ts_ns and kind columns only. Memory grows with the trace's span in minutes, not its rows.
 */
public final class KindMinutes {
    /** Nanoseconds in a minute. */
    public static final long MINUTE_NS = 60_000_000_000L;
    private static final int KINDS = EventKind.count();

    private long[] counts = new long[64 * KINDS];
    private int minutes;
    private long minuteStart = 0;
    private long minuteEnd = MINUTE_NS;
    private int minute;

    public void add(EventBatch b) {
        long[] ts = b.tsNs();
        byte[] kind = b.kind();
        long start = minuteStart;
        long end = minuteEnd;
        int base = minute * KINDS;
        long[] c = counts;
        for (int i = 0, n = b.size(); i < n; i++) {
            long t = ts[i];
            if (t >= end || t < start) {
                minute = Math.toIntExact(t / MINUTE_NS);
                start = minute * MINUTE_NS;
                end = start + MINUTE_NS;
                c = room(minute);
                minutes = Math.max(minutes, minute + 1);
                base = minute * KINDS;
            }
            c[base + kind[i]]++;
        }
        if (b.size() > 0) {
            minutes = Math.max(minutes, minute + 1);
        }
        minuteStart = start;
        minuteEnd = end;
    }

    /** Counts one row (for readers that yield a row at a time). */
    public void add(long ts, int kindCode) {
        int m = Math.toIntExact(ts / MINUTE_NS);
        room(m)[m * KINDS + kindCode]++;
        minutes = Math.max(minutes, m + 1);
    }

    /** The counts, grown (doubling) to hold {@code minute}. */
    private long[] room(int minute) {
        if ((minute + 1) * KINDS > counts.length) {
            counts = Arrays.copyOf(counts, Math.max(counts.length * 2, (minute + 1) * KINDS));
        }
        return counts;
    }

    /** Minutes covered: one more than the last minute that has a row (0 for no rows). */
    public int minutes() {
        return minutes;
    }

    public long count(int minute, EventKind kind) {
        return minute < minutes ? counts[minute * KINDS + kind.ordinal()] : 0;
    }

    /** Rows in a minute, all kinds. */
    public long total(int minute) {
        long n = 0;
        for (int k = 0; k < KINDS; k++) {
            n += counts[minute * KINDS + k];
        }
        return n;
    }
}
