package org.iosup.trace.perf;

import org.iosup.trace.Column;
import org.iosup.trace.EventBatch;
import org.iosup.trace.EventKind;
import org.iosup.trace.EventSchema;

import java.util.List;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * The reorder window of {@link PerfImport#WINDOW_NS}: events wait in it and leave in time order
 * (in the order they came at equal times), in batches to the sink, {@code ts_ns} counting from the
 * first event written. An event that comes more than the window after a later one (its place is
 * written already) is written at the window's start instead, and counted as late with its line.
 */
final class ReorderWindow {
    /** The largest {@code ts_ns} of the events schema. */
    static final long TS_MAX = EventSchema.get().field(Column.TS_NS).max();
    private static final long WINDOW_NS = PerfImport.WINDOW_NS;

    /** An event waiting in the window; a fork's page tables get their child's pid while they wait. */
    static final class Ev implements Comparable<Ev> {
        final long ts;
        final long seq;
        final byte kind;
        int pid;
        final int ppid;
        final String comm;
        final long frame;
        final int level;
        final int count;
        final int cpu;
        /** Whether it has left the reorder window (then its pid can no longer change). */
        boolean written;
        /** For a page waiting for its fork: whether it was freed (or allocated again) before the fork. */
        boolean released;

        Ev(long ts, long seq, byte kind, int pid, int ppid, String comm, long frame, int level, int count, int cpu) {
            this.ts = ts;
            this.seq = seq;
            this.kind = kind;
            this.pid = pid;
            this.ppid = ppid;
            this.comm = comm;
            this.frame = frame;
            this.level = level;
            this.count = count;
            this.cpu = cpu;
        }

        @Override
        public int compareTo(Ev o) {
            int c = Long.compare(ts, o.ts);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private final Consumer<EventBatch> sink;
    private final ImportReport report;
    private final EventBatch batch = new EventBatch();
    private final PriorityQueue<Ev> window = new PriorityQueue<>();
    private long seq;
    private long base = -1;
    private long lastWritten;
    private long maxSeen = Long.MIN_VALUE;
    /** The earliest time an event can be written at (the first event's less the window): ts_ns counts from after it. */
    private long origin = Long.MIN_VALUE;
    /** The time and line of the sample whose events are being emitted (for late events). */
    private long recordedTime;
    private long recordedLine;

    ReorderWindow(Consumer<EventBatch> sink, ImportReport report) {
        this.sink = sink;
        this.report = report;
    }

    /** The sample whose events come next: its time and line, to tell and count late events. */
    void recorded(long time, long line) {
        recordedTime = time;
        recordedLine = line;
    }

    /** Whether {@code ts_ns} can hold an event at {@code t} (always before the first event). */
    boolean holds(long t) {
        return origin == Long.MIN_VALUE || t - origin <= TS_MAX;
    }

    /** {@code t}, or the earliest time the window can still place once an event at {@code now} is in, if later. */
    long notBeforeWindow(long t, long now) {
        return Math.max(t, Math.max(maxSeen, now) - WINDOW_NS);
    }

    /**
     * An event into the window at {@code t} (the sample's time, or earlier for a fork or exec moved back to its
     * page tables). An event whose sample is more than the window older than the latest seen cannot be put in its
     * place, which is written already: it is written at the window's start instead, and counted as late.
     */
    Ev emit(long t, EventKind kind, int pid, int ppid, String comm, long frame, int level, int count, int cpu) {
        if (maxSeen == Long.MIN_VALUE) {
            origin = t - WINDOW_NS;
        } else {
            long start = maxSeen - WINDOW_NS;
            if (recordedTime < start) {
                late(start - recordedTime);
            }
            t = Math.max(t, start);
        }
        Ev ev = new Ev(t, seq++, kind.code(), pid, ppid, comm, frame, level, count, cpu);
        window.add(ev);
        if (t > maxSeen) {
            maxSeen = t;
        }
        if (window.peek().ts < maxSeen - WINDOW_NS) {
            flush(maxSeen - WINDOW_NS);
        }
        return ev;
    }

    /** Writes every event left and hands the last batch to the sink. */
    void close() {
        flush(Long.MAX_VALUE);
        if (!batch.isEmpty()) {
            sink.accept(batch);
            batch.clear();
        }
    }

    private void late(long shift) {
        report.late++;
        report.lateMaxShiftNs = Math.max(report.lateMaxShiftNs, shift);
        List<Long> lines = report.lateLines;
        if (lines.size() < ImportReport.FIRST_LINES
                && (lines.isEmpty() || lines.get(lines.size() - 1) != recordedLine)) {
            lines.add(recordedLine);
        }
    }

    private void flush(long upTo) {
        while (!window.isEmpty() && window.peek().ts <= upTo) {
            Ev e = window.poll();
            e.written = true;
            if (base < 0) {
                base = e.ts;
                report.baseTimeNs = base;
            }
            long ts = e.ts - base;
            if (ts < lastWritten || ts > TS_MAX) {
                // The window places events in order and times were checked against the first: a bug.
                throw new IllegalStateException("event at " + ts + " ns written after one at " + lastWritten + " ns");
            }
            lastWritten = ts;
            EventKind k = EventKind.ofCode(e.kind);
            int i = batch.add(ts, k);
            if (e.cpu >= 0) {
                batch.setCpu(i, e.cpu);
            }
            if (e.pid >= 0) {
                batch.setPid(i, e.pid);
            }
            switch (k) {
                case PROC_CREATE -> batch.setPpid(i, e.ppid).setComm(i, truncate(e.comm));
                case PROC_EXEC -> batch.setComm(i, truncate(e.comm));
                case PT_ALLOC, PT_FREE, PT_PIN, PT_UNPIN -> batch.setFrame(i, e.frame).setLevel(i, e.level);
                case IOMMU_MAP, IOMMU_UNMAP -> batch.setFrame(i, e.frame).setCount(i, e.count);
                default -> { }
            }
            report.written.merge(k.name(), 1L, Long::sum);
            if (batch.isFull()) {
                sink.accept(batch);
                batch.clear();
            }
        }
    }

    private static String truncate(String comm) {
        return comm.length() <= 64 ? comm : comm.substring(0, 64);
    }
}
