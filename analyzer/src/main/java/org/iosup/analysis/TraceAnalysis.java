package org.iosup.analysis;

import it.unimi.dsi.fastutil.ints.Int2LongOpenHashMap;
import it.unimi.dsi.fastutil.ints.IntOpenHashSet;
import it.unimi.dsi.fastutil.longs.Long2LongLinkedOpenHashMap;
import org.iosup.trace.Column;
import org.iosup.trace.EventBatch;
import org.iosup.trace.EventKind;
import org.iosup.trace.Granularity;
import org.iosup.trace.PageType;
import org.iosup.trace.parquet.ParquetTraceReader;
import org.iosup.trace.parquet.TraceReadOptions;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * What a trace recorded, without a model: rates per minute ({@link RecordedMetric}), DMA per
 * device per minute, and a health report of the trace ({@link Check}): rows out of time order,
 * exits of processes never created, frees of pages never allocated, allocations of live pages,
 * level mismatches, what is still live at the end, and gaps of more than a minute. Fed batch by
 * batch; memory grows with live pages and processes, and with devices × minutes.
 */
public final class TraceAnalysis {
    /** Reads {@code trace} once (in order or not) and analyzes it; {@code progress} gets the rows read so far. */
    public static TraceAnalysis read(Path trace, TraceReadOptions options, LongConsumer progress) {
        TraceAnalysis a = new TraceAnalysis();
        try (ParquetTraceReader in = ParquetTraceReader.openAllowingDisorder(trace, columns(), options)) {
            EventBatch b = new EventBatch();
            long rows = 0;
            while (in.next(b)) {
                a.add(b);
                rows += b.size();
                progress.accept(rows);
            }
        }
        a.finish();
        return a;
    }

    private static final long MINUTE_NS = 60_000_000_000L;
    /** Row numbers kept per check. */
    public static final int FIRST_ROWS = 5;

    /** The checks of the health report, in report order. */
    public enum Check {
        ROWS_OUT_OF_TIME_ORDER("a row whose ts_ns is smaller than the row before it"),
        EXITS_WITHOUT_CREATION("a PROC_EXIT of a pid with no PROC_CREATE, PROC_EXEC or page-table page before it"),
        FREES_WITHOUT_ALLOCATION("a PT_FREE of a frame that is not a live page-table page"),
        ALLOCATIONS_OF_LIVE_FRAMES("a PT_ALLOC of a frame that is already a live page-table page"),
        LEVEL_MISMATCHES("a PT_FREE whose level differs from its allocation's"),
        PAGES_LIVE_AT_END("a page-table page never freed (rows: its allocation)"),
        PROCESSES_LIVE_AT_END("a process that never exited (rows: its creation)"),
        GAPS_LONGER_THAN_A_MINUTE("a row more than 60 s after the row before it (rows: the later one)");

        private final String description;

        Check(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }

        public String column() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** What a check found: how many, and the first rows. */
    public record Finding(Check check, long count, List<Long> firstRows) {
    }

    private final MinuteSeries<RecordedMetric> series = new MinuteSeries<>(RecordedMetric.class);
    private final Map<Integer, Int2LongOpenHashMap[]> devices = new LinkedHashMap<>();
    private final long[] counts = new long[Check.values().length];
    private final List<List<Long>> firstRows = new ArrayList<>();
    /** Live page-table frames: frame → (allocation row << 3 | level). */
    private final Long2LongLinkedOpenHashMap livePages = new Long2LongLinkedOpenHashMap();
    /** Live processes: pid → creation row. */
    private final Int2LongOpenHashMap liveProcesses = new Int2LongOpenHashMap();
    private final IntOpenHashSet seenPids = new IntOpenHashSet();
    private long row;
    private long lastTs = -1;
    private long maxTs = -1;
    private long minuteEnd = MINUTE_NS;
    private int minute;

    public TraceAnalysis() {
        for (int i = 0; i < Check.values().length; i++) {
            firstRows.add(new ArrayList<>());
        }
    }

    /** The columns this reads. */
    public static Set<Column> columns() {
        return EnumSet.of(Column.TS_NS, Column.KIND, Column.PID, Column.FRAME, Column.LEVEL, Column.FROM_TYPE,
                Column.TO_TYPE, Column.COUNT, Column.GRANULARITY, Column.DEVICE, Column.BYTES, Column.WRITE);
    }

    private void found(Check c, long at) {
        counts[c.ordinal()]++;
        List<Long> rows = firstRows.get(c.ordinal());
        if (rows.size() < FIRST_ROWS) {
            rows.add(at);
        }
    }

    public void add(EventBatch b) {
        for (int i = 0, n = b.size(); i < n; i++) {
            row++;
            long t = b.tsNs()[i];
            if (lastTs >= 0 && t < lastTs) {
                found(Check.ROWS_OUT_OF_TIME_ORDER, row);
            }
            if (lastTs >= 0 && t - lastTs > MINUTE_NS) {
                found(Check.GAPS_LONGER_THAN_A_MINUTE, row);
            }
            lastTs = t;
            if (t >= minuteEnd) {
                minute = (int) (t / MINUTE_NS);
                series.advanceTo(minute);
                minuteEnd = (minute + 1) * MINUTE_NS;
            }
            // A row out of order counts in the minute reached so far (minutes never go back).
            maxTs = Math.max(maxTs, t);
            count(b, i);
        }
        series.set(RecordedMetric.PT_PAGES_LIVE, livePages.size());
        series.set(RecordedMetric.PROCESSES_LIVE, liveProcesses.size());
    }

    private void count(EventBatch b, int i) {
        boolean hasPid = b.has(i, Column.PID);
        int pid = b.pid()[i];
        switch (EventKind.ofCode(b.kind()[i])) {
            case PROC_CREATE -> {
                series.inc(RecordedMetric.PROC_CREATES);
                liveProcesses.put(pid, row);
                seenPids.add(pid);
            }
            case PROC_EXEC -> {
                series.inc(RecordedMetric.PROC_EXECS);
                if (!liveProcesses.containsKey(pid)) {
                    liveProcesses.put(pid, row);
                }
                seenPids.add(pid);
            }
            case PROC_EXIT -> {
                series.inc(RecordedMetric.PROC_EXITS);
                if (!seenPids.contains(pid)) {
                    found(Check.EXITS_WITHOUT_CREATION, row);
                }
                liveProcesses.remove(pid);
            }
            case PT_ALLOC -> {
                int level = b.level()[i];
                series.inc(RecordedMetric.PT_ALLOCS);
                series.inc(RecordedMetric.allocs(level));
                long frame = b.frame()[i];
                if (livePages.containsKey(frame)) {
                    found(Check.ALLOCATIONS_OF_LIVE_FRAMES, row);
                }
                livePages.put(frame, row << 3 | level);
                if (hasPid) {
                    seenPids.add(pid);
                }
            }
            case PT_FREE -> {
                long frame = b.frame()[i];
                long alloc = livePages.remove(frame);
                boolean live = livePages.defaultReturnValue() != alloc;
                int level = b.has(i, Column.LEVEL) ? b.level()[i] : live ? (int) (alloc & 7) : 0;
                series.inc(RecordedMetric.PT_FREES);
                if (level > 0) {
                    series.inc(RecordedMetric.frees(level));
                }
                if (!live) {
                    found(Check.FREES_WITHOUT_ALLOCATION, row);
                } else if (b.has(i, Column.LEVEL) && level != (int) (alloc & 7)) {
                    found(Check.LEVEL_MISMATCHES, row);
                }
            }
            case PT_PIN -> series.inc(RecordedMetric.PT_PINS);
            case PT_UNPIN -> series.inc(RecordedMetric.PT_UNPINS);
            case TYPE_CHANGE -> {
                series.inc(RecordedMetric.TYPE_CHANGES);
                PageType from = PageType.ofCode(b.fromType()[i]);
                PageType to = PageType.ofCode(b.toType()[i]);
                if (from == PageType.WRITABLE && to.isPageTable()) {
                    series.inc(RecordedMetric.TYPE_CHANGES_TO_PT);
                } else if (from.isPageTable() && to == PageType.WRITABLE) {
                    series.inc(RecordedMetric.TYPE_CHANGES_FROM_PT);
                } else {
                    series.inc(RecordedMetric.TYPE_CHANGES_OTHER);
                }
            }
            case MMU_UPDATE -> {
                series.inc(RecordedMetric.MMU_UPDATES);
                series.add(RecordedMetric.MMU_UPDATE_ENTRIES, b.count()[i]);
            }
            case IOMMU_MAP -> series.inc(RecordedMetric.IOMMU_MAPS);
            case IOMMU_UNMAP -> series.inc(RecordedMetric.IOMMU_UNMAPS);
            case IOTLB_FLUSH -> {
                series.inc(RecordedMetric.IOTLB_FLUSHES);
                series.inc(switch (Granularity.ofCode(b.granularity()[i])) {
                    case GLOBAL -> RecordedMetric.IOTLB_FLUSHES_GLOBAL;
                    case DOMAIN -> RecordedMetric.IOTLB_FLUSHES_DOMAIN;
                    case PAGE -> RecordedMetric.IOTLB_FLUSHES_PAGE;
                });
            }
            case DMA -> {
                int bytes = b.bytes()[i];
                boolean write = b.has(i, Column.WRITE) && b.write()[i];
                series.inc(RecordedMetric.DMA_ACCESSES);
                series.add(RecordedMetric.DMA_BYTES, bytes);
                if (write) {
                    series.add(RecordedMetric.DMA_WRITE_BYTES, bytes);
                }
                Int2LongOpenHashMap[] d = devices.computeIfAbsent(minute, m -> new Int2LongOpenHashMap[3]);
                if (d[0] == null) {
                    d[0] = new Int2LongOpenHashMap();
                    d[1] = new Int2LongOpenHashMap();
                    d[2] = new Int2LongOpenHashMap();
                }
                int device = b.device()[i];
                d[0].addTo(device, 1);
                d[1].addTo(device, bytes);
                if (write) {
                    d[2].addTo(device, bytes);
                }
            }
        }
        if (b.kind()[i] == EventKind.PT_ALLOC.code() || b.kind()[i] == EventKind.PT_FREE.code()) {
            series.set(RecordedMetric.PT_PAGES_LIVE, livePages.size());
        }
        if (b.kind()[i] <= EventKind.PROC_EXIT.code()) {
            series.set(RecordedMetric.PROCESSES_LIVE, liveProcesses.size());
        }
    }

    /** Closes the analysis: the last minutes and what is live at the end. */
    public void finish() {
        series.finish(maxTs < 0 ? -1 : (int) (maxTs / MINUTE_NS));
        for (long v : livePages.values()) {
            found(Check.PAGES_LIVE_AT_END, v >>> 3);
        }
        List<Long> created = new ArrayList<>(liveProcesses.values());
        java.util.Collections.sort(created);
        for (long r : created) {
            found(Check.PROCESSES_LIVE_AT_END, r);
        }
    }

    public MinuteSeries<RecordedMetric> series() {
        return series;
    }

    /** Rows of devices.csv in order: minute, device, accesses, bytes, write bytes. */
    public List<long[]> deviceRows() {
        List<long[]> out = new ArrayList<>();
        List<Integer> minutes = new ArrayList<>(devices.keySet());
        java.util.Collections.sort(minutes);
        for (int m : minutes) {
            Int2LongOpenHashMap[] d = devices.get(m);
            int[] ids = d[0].keySet().toIntArray();
            java.util.Arrays.sort(ids);
            for (int id : ids) {
                out.add(new long[] {m, id, d[0].get(id), d[1].get(id), d[2].get(id)});
            }
        }
        return out;
    }

    /** Every check, in order, with what it found. */
    public List<Finding> findings() {
        List<Finding> out = new ArrayList<>();
        for (Check c : Check.values()) {
            out.add(new Finding(c, counts[c.ordinal()], List.copyOf(firstRows.get(c.ordinal()))));
        }
        return out;
    }

    /** Rows analyzed. */
    public long rows() {
        return row;
    }
}
