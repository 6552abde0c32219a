package org.iosup.cli;

import org.iosup.io.AtomicOutput;
import org.iosup.io.Inputs;
import org.iosup.io.UserException;
import org.iosup.report.ImportReportText;
import org.iosup.trace.TraceMetadata;
import org.iosup.trace.perf.ImportReport;
import org.iosup.trace.perf.PerfTraceImport;
import org.iosup.trace.perf.XenLevels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
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

    /**
     * Prints the report on standard error as an aligned table (sections, counts with thousands separators, the
     * first line numbers of each kind of problem); {@code startNanos} &lt; 0 leaves out the time and rate.
     */
    static void summarize(ImportReport r, Path output, long startNanos, PrintWriter err) {
        err.print(ImportReportText.of(r, output, startNanos < 0 ? -1 : (System.nanoTime() - startNanos) / 1e9));
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

        @Option(names = "--meta", paramLabel = "KEY=VALUE",
                description = "Trace metadata to record, e.g. --meta iosup.record.kernel=6.18 (schemas/README.md lists the iosup. keys).")
        List<String> meta = new java.util.ArrayList<>();

        @Mixin
        Mixins.Quiet quiet;

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
            AtomicOutput.refuseSameFile(PerfTraceImport.sidecar(output), input);
            Map<String, String> metadata = TraceMetadata.parseOptions(meta);
            long start = System.nanoTime();
            ImportReport r;
            try (InputStream in = Inputs.open(input)) {
                r = PerfTraceImport.write(Inputs.displayName(input), in, output, strict, pae, xen, traceCmd, codec, metadata, () -> { });
            }
            if (!quiet.on()) {
                summarize(r, output, start, spec.commandLine().getErr());
            }
            return 0;
        }
    }
}
