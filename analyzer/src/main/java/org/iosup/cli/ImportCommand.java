package org.iosup.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.iosup.io.AtomicOutput;
import org.iosup.io.Inputs;
import org.iosup.io.UserException;
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
        metadata.put("iosup.paging", pae ? "pae" : "x86-64");
        metadata.put("iosup.source", traceCmd ? "trace-cmd" : "perf");
        metadata.putAll(meta);
        try (ParquetTraceWriter w = ParquetTraceWriter.create(output, ParquetTraceWriter.codec(codec), metadata);
             AtomicOutput json = AtomicOutput.create(sidecar(output))) {
            PerfImport imp = new PerfImport(name, strict, pae, xen, traceCmd, w::write);
            imp.read(in);
            if (imp.report().samples() == 0 && imp.report().lines() > 0) {
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

    /** Prints the report's gist on standard error; {@code startNanos} &lt; 0 leaves out the time and rate. */
    static void summarize(PerfImport.ImportReport r, Path output, long startNanos, PrintWriter err) {
        Map<String, Object> m = r.asMap();
        double s = (System.nanoTime() - startNanos) / 1e9;
        // Under 'record' the time includes perf script producing the text: no rate then.
        String rate = startNanos < 0 ? "" : String.format(Locale.ROOT, " in %.2f s (%.0f MB/s)", s, r.bytes() / 1e6 / Math.max(s, 1e-9));
        err.printf(Locale.ROOT, "iosup import: %,d lines, %,d samples, %.1f MB%s -> %s%n",
                (Long) m.get("lines"), (Long) m.get("samples"), r.bytes() / 1e6, rate, output);
        err.printf(Locale.ROOT, "  events by tracepoint: %s%n", m.get("events_by_tracepoint"));
        err.printf(Locale.ROOT, "  page-table allocations by level %s, frees by level %s, live at the end %s%n",
                m.get("pt_allocs_by_level"), m.get("pt_frees_by_level"), m.get("pages_live_at_end"));
        err.printf(Locale.ROOT, "  reallocated without a free %s, other allocations skipped %s, unknown events %s, "
                        + "malformed lines %s, lost records %s%n", m.get("reallocations_without_free"),
                m.get("other_allocations_skipped"), m.get("unknown_events"), m.get("malformed_lines"), m.get("lost_records"));
        err.printf(Locale.ROOT, "  report: %s%n", sidecar(output));
        err.flush();
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

        @Option(names = "--meta", paramLabel = "KEY=VALUE", description = "Trace metadata to record, e.g. --meta iosup.kernel=6.18.")
        Map<String, String> meta = new LinkedHashMap<>();

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
            long start = System.nanoTime();
            PerfImport.ImportReport r;
            try (InputStream in = Inputs.open(input)) {
                r = importPerf(Inputs.displayName(input), in, output, strict, pae, xen, traceCmd, codec, meta, () -> { });
            }
            if (!quiet) {
                summarize(r, output, start, spec.commandLine().getErr());
            }
            return 0;
        }
    }
}
