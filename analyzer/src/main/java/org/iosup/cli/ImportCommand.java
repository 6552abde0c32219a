package org.iosup.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.iosup.io.AtomicOutput;
import org.iosup.io.Inputs;
import org.iosup.io.UserException;
import org.iosup.schema.TraceMetadata;
import org.iosup.trace.parquet.ParquetTraceWriter;
import org.iosup.trace.perf.PerfImport;
import org.iosup.trace.perf.XenLevels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code iosup import}: traces recorded by other tools. */
@Command(name = "import", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Import a trace recorded by another tool.", subcommands = {ImportCommand.Perf.class, ImportCommand.TraceCmd.class})
public final class ImportCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    /** The sidecar report of an output: {@code OUT.parquet} → {@code OUT.import.json}. */
    public static Path sidecar(Path output) {
        return beside(output, ".import.json");
    }

    /** A file beside a trace: {@code OUT.parquet} → {@code OUT} + {@code suffix}. */
    static Path beside(Path output, String suffix) {
        String name = output.getFileName().toString();
        String stem = name.endsWith(".parquet") ? name.substring(0, name.length() - ".parquet".length()) : name;
        return output.resolveSibling(stem + suffix);
    }

    /**
     * Imports perf script (or trace-cmd report) text into {@code output} and its sidecar report,
     * both written atomically; {@code beforeCommit} runs after the input is read and may throw to
     * withdraw both. Returns the report.
     */
    static PerfImport.ImportReport importPerf(String name, InputStream in, Path output, boolean strict, boolean pae,
                                              XenLevels xen, boolean traceCmd, String codec, Map<String, String> meta,
                                              Check beforeCommit) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(TraceMetadata.PAGING, pae ? "pae" : "x86-64");
        metadata.put(TraceMetadata.SOURCE, traceCmd ? "trace-cmd" : "perf");
        for (String key : meta.keySet()) {
            if (key.equals(TraceMetadata.PAGING) || key.equals(TraceMetadata.SOURCE) || key.equals(TraceMetadata.PAGING_LEVELS)) {
                throw new UserException("--meta " + key + ": set by the import itself"
                        + (key.equals(TraceMetadata.PAGING) ? " (use --paging)" : ""));
            }
        }
        metadata.putAll(meta);
        TraceMetadata.checkAll(metadata, "metadata");
        try (ParquetTraceWriter w = ParquetTraceWriter.create(output, ParquetTraceWriter.codec(codec), metadata);
             AtomicOutput json = AtomicOutput.create(sidecar(output))) {
            PerfImport imp = new PerfImport(name, strict, pae, xen, traceCmd, w::write);
            imp.read(in);
            if (imp.report().lines() == 0) {
                throw new UserException(name + ": empty (0 bytes): no " + (traceCmd ? "trace-cmd report" : "perf script")
                        + " text to import (nothing written)");
            }
            if (imp.report().samples() == 0) {
                throw new UserException(name + ": no " + (traceCmd ? "trace-cmd report event" : "perf script sample")
                        + " in " + imp.report().lines() + " lines: is it the text of '"
                        + (traceCmd ? "trace-cmd report" : "perf script") + "'? (nothing written)");
            }
            if (imp.report().fiveLevel()) {
                w.putMetadata("iosup.paging.levels", "5");
            }
            Map<String, Object> report = new LinkedHashMap<>(imp.report().asMap());
            report.put("output", output.toString());
            report.put("events", w.rows());
            Files.writeString(json.temp(), new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(report) + "\n");
            beforeCommit.run();
            w.commit();
            json.commit();
            return imp.report();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A check that may refuse the outputs. */
    interface Check {
        void run() throws IOException;
    }

    /**
     * Prints the report on standard error as an aligned table (sections, counts with thousands separators, the
     * first line numbers of each kind of problem); {@code startNanos} &lt; 0 leaves out the time and rate.
     */
    static void summarize(PerfImport.ImportReport r, Path output, long startNanos, PrintWriter err) {
        err.print(reportText(r, output, startNanos < 0 ? -1 : (System.nanoTime() - startNanos) / 1e9));
        err.flush();
    }

    /** The report as {@link #summarize} prints it; {@code seconds} &lt; 0 leaves out the time and rate. */
    @SuppressWarnings("unchecked")
    static String reportText(PerfImport.ImportReport r, Path output, double seconds) {
        Map<String, Object> m = r.asMap();
        Table t = new Table();
        // Under 'record' the time includes perf script producing the text: no rate then.
        String rate = seconds < 0 ? "" : String.format(Locale.ROOT, " in %.2f s (%.0f MB/s)", seconds,
                r.bytes() / 1e6 / Math.max(seconds, 1e-9));
        t.title(String.format(Locale.ROOT, "iosup import: %s -> %s", m.get("input"), output));
        t.row("read", String.format(Locale.ROOT, "%s, %s, %.1f MB%s", Reports.count((Long) m.get("lines"), "line"),
                Reports.count((Long) m.get("samples"), "sample"), r.bytes() / 1e6, rate));
        long events = ((Map<String, Long>) m.get("events_written")).values().stream().mapToLong(Long::longValue).sum();
        t.row("written", Reports.count(events, "event"));

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
        t.row("report", sidecar(output).toString());
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

    /** {@code iosup import perf}. */
    @Command(name = "perf", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Import the text of 'perf script' as a trace.",
            description = {
                "Import the text of 'perf script' (default layout, or -F comm,pid,tid,cpu,",
                "time,event,trace,ip,sym) of sched:sched_process_fork/exec/exit,",
                "kmem:mm_page_alloc (with kernel call chains), kmem:mm_page_free(_batched),",
                "xen:xen_mmu_* and iommu:map/unmap. Writes OUT.parquet and a report,",
                "OUT.import.json (schemas/import-report.schema.json), and prints its gist."
            })
    static final class Perf extends Base {
        Perf() {
            super(false);
        }
    }

    /** {@code iosup import trace-cmd}. */
    @Command(name = "trace-cmd", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Import the text of 'trace-cmd report' as a trace.",
            description = {
                "Import the text of 'trace-cmd report' of the same tracepoints, recorded",
                "with stack traces (trace-cmd record -T -e kmem:mm_page_alloc ...): each",
                "event's kernel_stack follows it on the same CPU. 'trace-cmd report -t'",
                "gives nanosecond timestamps. Writes OUT.parquet and OUT.import.json."
            })
    static final class TraceCmd extends Base {
        TraceCmd() {
            super(true);
        }
    }

    /** What both imports share. */
    abstract static class Base implements Callable<Integer> {
        /** Whether the text is trace-cmd's rather than perf's. */
        private final boolean traceCmd;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE", description = "The text to import; '-' reads standard input; gzip works.")
        String input;

        Base(boolean traceCmd) {
            this.traceCmd = traceCmd;
        }

        @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT.parquet", description = "The trace to write.")
        Path output;

        @Option(names = "--strict", description = "Make the first malformed line fatal (exit code 2, with its line number).")
        boolean strict;

        @Option(names = "--paging", defaultValue = "x86-64", paramLabel = "MODE",
                description = "The recorded kernel's paging: x86-64 (default) or pae (its PGD is level 3).")
        String paging;

        @Option(names = "--xen-levels", defaultValue = "p4d", paramLabel = "NUMBERING",
                description = "How the kernel numbers xen:xen_mmu_* levels: p4d (about 4.12 on, default) or legacy (3.x).")
        String xenLevels;

        @Option(names = "--codec", defaultValue = "zstd", description = "Parquet compression (default: ${DEFAULT-VALUE}).")
        String codec;

        @Option(names = "--meta", paramLabel = "KEY=VALUE",
                description = "Trace metadata to record, e.g. --meta iosup.record.kernel=6.18 (schemas/README.md lists the iosup. keys).")
        List<String> meta = new java.util.ArrayList<>();

        @Option(names = {"-q", "--quiet"}, description = "Print nothing on success.")
        boolean quiet;

        @Override
        public Integer call() throws IOException {
            if ("-".equals(output.toString())) {
                throw new UserException("-o -: the trace is Parquet and goes to a file (its report goes beside it)");
            }
            boolean pae = switch (paging) {
                case "pae" -> true;
                case "x86-64" -> false;
                default -> throw new UserException("--paging " + paging + ": unknown (valid: x86-64, pae)");
            };
            XenLevels xen = XenLevels.parse(xenLevels);
            Inputs.refuseOtherKind(input, traceCmd ? "import trace-cmd" : "import perf");
            AtomicOutput.refuseSameFile(output, input);
            AtomicOutput.refuseSameFile(sidecar(output), input);
            Map<String, String> metadata = TraceMetadata.parseOptions(meta);
            long start = System.nanoTime();
            PerfImport.ImportReport r;
            try (InputStream in = Inputs.open(input)) {
                r = importPerf(Inputs.displayName(input), in, output, strict, pae, xen, traceCmd, codec, metadata, () -> { });
            }
            if (!quiet) {
                summarize(r, output, start, spec.commandLine().getErr());
            }
            return 0;
        }
    }
}
