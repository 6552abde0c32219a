package org.iosup.cli;

import org.iosup.analysis.TraceAnalysis;
import org.iosup.io.OutputFolder;
import org.iosup.report.AnalysisReport;
import org.iosup.report.Numbers;
import org.iosup.trace.parquet.ParquetTraceReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code iosup analyze}: what a trace recorded, per minute, and its health report. */
@Command(name = "analyze", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Count what a trace recorded, per minute, and check its health.",
        description = {
            "What the trace itself recorded, per minute, without a model: processes, page-table allocations",
            "and frees per level, pins, type changes by transition, mmu_update entries, IOMMU maps and unmaps,",
            "IOTLB flushes by granularity, DMA per device. Writes OUTDIR/minutes.csv, OUTDIR/devices.csv and",
            "OUTDIR/validation.csv (a health report of the trace). Formats in schemas/."
        })
public final class AnalyzeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TRACE.parquet", description = "The trace.")
    Path trace;

    @Mixin
    Mixins.OutDir outDir;

    @Mixin
    Mixins.Quiet quiet;

    @Mixin
    TraceReadMixin read;

    @Override
    public Integer call() {
        TraceAnalysis a;
        try (OutputFolder out = OutputFolder.open(outDir.path(), "analyze");
             Progress progress = Progress.start("analyze", ParquetTraceReader.rowCount(trace, read.options()), "events", quiet.on())) {
            a = TraceAnalysis.read(trace, read.options(), progress);
            AnalysisReport.write(a, trace, out);
            out.commit();
        }
        if (!quiet.on()) {
            PrintWriter o = spec.commandLine().getOut();
            o.printf(Locale.ROOT, "%s, %s -> %s%n", Numbers.count(a.rows(), "row"),
                    Numbers.count(a.series().minutes(), "minute"), outDir.path());
            o.printf(Locale.ROOT, "%-28s %10s  %s%n", "check", "count", "first rows");
            for (TraceAnalysis.Finding f : a.findings()) {
                o.printf(Locale.ROOT, "%-28s %,10d  %s%n", f.check().column(), f.count(), AnalysisReport.rows(f.firstRows()));
            }
            o.flush();
        }
        return 0;
    }
}
