package org.iosup.trace.perf;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What an import saw: written to stderr and to the {@code .import.json} sidecar. */
public final class ImportReport {
    /** How many line numbers the report keeps of malformed, out-of-range and late lines. */
    static final int FIRST_LINES = 5;

    final String input;
    long bytes;
    long lines;
    long samples;
    /** Samples by tracepoint, indexed by {@link Tracepoint#ordinal()}. */
    final long[] byTracepoint = new long[Tracepoint.values().length];
    final Map<String, Long> written = new LinkedHashMap<>();
    final long[] allocsByLevel = new long[5];
    final long[] freesByLevel = new long[5];
    long pagesLiveAtEnd;
    long reallocationsWithoutFree;
    long otherAllocations;
    long otherFrees;
    long ptGfpMatches;
    long otherGfpLooksPt;
    long pinsWithoutPages;
    long allocationsWithoutStack;
    long exitsWithoutAddressSpace;
    long forkPagesReassigned;
    final Map<String, Long> unknown = new TreeMap<>();
    long malformed;
    final List<Long> malformedLines = new ArrayList<>();
    long outOfRange;
    final List<Long> outOfRangeLines = new ArrayList<>();
    long headerLines;
    long lostRecords;
    long late;
    final List<Long> lateLines = new ArrayList<>();
    long lateMaxShiftNs;
    long baseTimeNs;
    boolean fiveLevel;

    ImportReport(String input) {
        this.input = input;
    }

    public long allocs(int level) {
        return allocsByLevel[level];
    }

    public long frees(int level) {
        return freesByLevel[level];
    }

    public long malformed() {
        return malformed;
    }

    public boolean fiveLevel() {
        return fiveLevel;
    }

    public long samples() {
        return samples;
    }

    public long lines() {
        return lines;
    }

    public long bytes() {
        return bytes;
    }

    /** The report as an ordered map (the keys of schemas/import-report.schema.json). */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("input", input);
        m.put("bytes", bytes);
        m.put("lines", lines);
        m.put("samples", samples);
        Map<String, Long> tracepoints = new TreeMap<>();
        for (Tracepoint tp : Tracepoint.values()) {
            if (byTracepoint[tp.ordinal()] > 0) {
                tracepoints.put(tp.fullName, byTracepoint[tp.ordinal()]);
            }
        }
        m.put("events_by_tracepoint", tracepoints);
        m.put("events_written", written);
        m.put("pt_allocs_by_level", levels(allocsByLevel));
        m.put("pt_frees_by_level", levels(freesByLevel));
        m.put("pages_live_at_end", pagesLiveAtEnd);
        m.put("reallocations_without_free", reallocationsWithoutFree);
        m.put("other_allocations_skipped", otherAllocations);
        m.put("other_frees_skipped", otherFrees);
        m.put("pt_allocations_with_pt_gfp_flags", ptGfpMatches);
        m.put("other_allocations_with_pt_gfp_flags", otherGfpLooksPt);
        m.put("pins_without_pages", pinsWithoutPages);
        m.put("allocations_without_call_chain", allocationsWithoutStack);
        m.put("exits_without_address_space", exitsWithoutAddressSpace);
        m.put("fork_pages_given_to_the_child", forkPagesReassigned);
        m.put("unknown_events", unknown);
        Map<String, Object> bad = new LinkedHashMap<>();
        bad.put("count", malformed);
        bad.put("first_lines", malformedLines);
        m.put("malformed_lines", bad);
        Map<String, Object> range = new LinkedHashMap<>();
        range.put("count", outOfRange);
        range.put("first_lines", outOfRangeLines);
        m.put("out_of_range_lines", range);
        m.put("header_lines", headerLines);
        m.put("lost_records", lostRecords);
        m.put("events_late_beyond_window", late);
        m.put("late_events_first_lines", lateLines);
        m.put("late_events_max_shift_ns", lateMaxShiftNs);
        m.put("first_event_time_ns", baseTimeNs);
        m.put("five_level_paging", fiveLevel);
        return m;
    }

    private static Map<String, Long> levels(long[] v) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int l = 1; l <= 4; l++) {
            m.put(Integer.toString(l), v[l]);
        }
        return m;
    }
}
