package org.iosup.report;

import org.iosup.trace.perf.ImportReport;
import org.iosup.trace.perf.PerfTraceImport;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The import report as the terminal shows it: sections, counts with thousands separators, the
 * first line numbers of each kind of problem, aligned at column 72.
 */
public final class ImportReportText {
    private ImportReportText() {
    }

    /** The report of an import into {@code output}; {@code seconds} &lt; 0 leaves out the time and rate. */
    /** The report as {@link #summarize} prints it; {@code seconds} &lt; 0 leaves out the time and rate. */
    @SuppressWarnings("unchecked")
    public static String of(ImportReport r, Path output, double seconds) {
        Map<String, Object> m = r.asMap();
        Table t = new Table();
        // Under 'record' the time includes perf script producing the text: no rate then.
        String rate = seconds < 0 ? "" : String.format(Locale.ROOT, " in %.2f s (%.0f MB/s)", seconds,
                r.bytes() / 1e6 / Math.max(seconds, 1e-9));
        t.title(String.format(Locale.ROOT, "iosup import: %s -> %s", m.get("input"), output));
        t.row("read", String.format(Locale.ROOT, "%s, %s, %.1f MB%s", Numbers.count((Long) m.get("lines"), "line"),
                Numbers.count((Long) m.get("samples"), "sample"), r.bytes() / 1e6, rate));
        long events = ((Map<String, Long>) m.get("events_written")).values().stream().mapToLong(Long::longValue).sum();
        t.row("written", Numbers.count(events, "event"));

        t.section("samples used, by tracepoint", (Map<String, Long>) m.get("events_by_tracepoint"));
        t.section("events written, by kind", (Map<String, Long>) m.get("events_written"));

        Map<String, Long> allocs = (Map<String, Long>) m.get("pt_allocs_by_level");
        Map<String, Long> frees = (Map<String, Long>) m.get("pt_frees_by_level");
        t.blank();
        t.line(String.format(Locale.ROOT, "  %-26s%8s%8s%8s%8s%12s", "page-table pages", "level 1", "2", "3", "4",
                "total"));
        t.levels("allocated", allocs);
        t.levels("freed (a free recorded)", frees);
        t.count("live at the end", (Long) m.get("pages_live_at_end"));

        t.blank();
        t.line("  repaired or skipped");
        t.count("reallocated without a free: PT_FREE added", (Long) m.get("reallocations_without_free"));
        t.count("fork page tables given to the child", (Long) m.get("fork_pages_given_to_the_child"));
        t.count("other allocations skipped", (Long) m.get("other_allocations_skipped"));
        t.count("  of them with page-table gfp flags", (Long) m.get("other_allocations_with_pt_gfp_flags"));
        t.count("frees of other pages skipped", (Long) m.get("other_frees_skipped"));
        t.count("allocations without a call chain", (Long) m.get("allocations_without_call_chain"));
        t.count("exits without an address space", (Long) m.get("exits_without_address_space"));
        t.count("pins without pages", (Long) m.get("pins_without_pages"));
        Map<String, Long> unknown = (Map<String, Long>) m.get("unknown_events");
        t.count("samples of other tracepoints", unknown.values().stream().mapToLong(Long::longValue).sum(),
                unknown.isEmpty() ? "" : unknown.keySet().stream().limit(3).collect(java.util.stream.Collectors.joining(", "))
                        + (unknown.size() > 3 ? ", ..." : ""));
        t.count("perf script --header lines", (Long) m.get("header_lines"));

        t.blank();
        t.line(String.format(Locale.ROOT, "  %-58s%12s   %s", "problems", "", "first lines"));
        Map<String, Object> malformed = (Map<String, Object>) m.get("malformed_lines");
        t.count("malformed lines (skipped)", (Long) malformed.get("count"), lines((List<Long>) malformed.get("first_lines")));
        Map<String, Object> range = (Map<String, Object>) m.get("out_of_range_lines");
        t.count("numbers out of range (line skipped)", (Long) range.get("count"), lines((List<Long>) range.get("first_lines")));
        long late = (Long) m.get("events_late_beyond_window");
        t.count("events later than the 1 s reorder window", late, lines((List<Long>) m.get("late_events_first_lines")));
        if (late > 0) {
            t.line(String.format(Locale.ROOT, "    (written at the window's start instead: up to %.3f s after their recorded time)",
                    (Long) m.get("late_events_max_shift_ns") / 1e9));
        }
        t.count("lost records (perf or trace-cmd dropped events)", (Long) m.get("lost_records"));
        t.blank();
        t.row("report", PerfTraceImport.sidecar(output).toString());
        return t.toString();
    }

    private static String lines(List<Long> first) {
        return first.stream().map(n -> String.format(Locale.ROOT, "%,d", n))
                .collect(java.util.stream.Collectors.joining(", "));
    }

    /** The import report's layout: a label column and counts right-aligned at column 72. */
    private static final class Table {
        private final StringBuilder s = new StringBuilder();

        void title(String text) {
            s.append(text).append('\n');
        }

        void line(String text) {
            s.append(text.stripTrailing()).append('\n');
        }

        void blank() {
            s.append('\n');
        }

        void row(String label, String text) {
            line(String.format(Locale.ROOT, "  %-9s %s", label + ":", text));
        }

        void count(String label, long n) {
            count(label, n, "");
        }

        void count(String label, long n, String note) {
            line(String.format(Locale.ROOT, "    %-56s%12s   %s", label, String.format(Locale.ROOT, "%,d", n), note));
        }

        void levels(String label, Map<String, Long> byLevel) {
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "    %-24s", label));
            long total = 0;
            for (long n : byLevel.values()) {
                b.append(String.format(Locale.ROOT, "%,8d", n));
                total += n;
            }
            b.append(String.format(Locale.ROOT, "%,12d", total));
            line(b.toString());
        }

        void section(String title, Map<String, Long> counts) {
            blank();
            line("  " + title);
            if (counts.isEmpty()) {
                line("    (none)");
            }
            counts.forEach(this::count);
        }

        @Override
        public String toString() {
            return s.toString();
        }
    }
}
