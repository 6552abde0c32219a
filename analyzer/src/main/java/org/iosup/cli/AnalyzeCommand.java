package org.iosup.cli;

import org.iosup.analysis.MinuteSeries;
import org.iosup.analysis.RecordedMetric;
import org.iosup.analysis.TraceAnalysis;
import org.iosup.io.OutputFolder;
import org.iosup.report.CsvTable;
import org.iosup.schema.TableSchema;
import org.iosup.trace.EventBatch;
import org.iosup.trace.parquet.ParquetTraceReader;
import org.iosup.trace.parquet.TraceReadOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

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
    public static final TableSchema MINUTES = TableSchema.load("analyze-minutes");
    public static final TableSchema DEVICES = TableSchema.load("analyze-devices");
    public static final TableSchema VALIDATION = TableSchema.load("analyze-validation");

    static {
        List<String> expected = new ArrayList<>(List.of("minute"));
        for (RecordedMetric m : RecordedMetric.values()) {
            expected.add(m.column());
        }
        if (!MINUTES.fieldNames().equals(expected)) {
            throw new IllegalStateException("schemas/analyze-minutes.schema.json fields differ from the code's " + expected);
        }
    }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TRACE.parquet", description = "The trace.")
    Path trace;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUTDIR", description = "Folder for the outputs (created if needed).")
    Path output;

    @Option(names = {"-q", "--quiet"}, description = "Print nothing but errors.")
    boolean quiet;

    @Mixin
    TraceReadMixin read;

    @Override
    public Integer call() {
        TraceAnalysis a;
        try (OutputFolder out = OutputFolder.open(output, "analyze");
             Progress progress = Progress.start("analyze", ParquetTraceReader.rowCount(trace, read.options()), "events", quiet)) {
            a = analyze(trace, read.options(), out, progress);
            out.commit();
        }
        if (!quiet) {
            PrintWriter o = spec.commandLine().getOut();
            o.printf(Locale.ROOT, "%s, %s -> %s%n", Reports.count(a.rows(), "row"),
                    Reports.count(a.series().minutes(), "minute"), output);
            o.printf(Locale.ROOT, "%-28s %10s  %s%n", "check", "count", "first rows");
            for (TraceAnalysis.Finding f : a.findings()) {
                o.printf(Locale.ROOT, "%-28s %,10d  %s%n", f.check().column(), f.count(), rows(f.firstRows()));
            }
            o.flush();
        }
        return 0;
    }

    /** Analyzes {@code trace} and writes minutes.csv, devices.csv and validation.csv into {@code out} (not committed). */
    public static TraceAnalysis analyze(Path trace, OutputFolder out, java.util.function.LongConsumer progress) {
        return analyze(trace, TraceReadOptions.DEFAULT, out, progress);
    }

    /** As {@link #analyze(Path, OutputFolder, java.util.function.LongConsumer)}, reading the trace as {@code options} say. */
    public static TraceAnalysis analyze(Path trace, TraceReadOptions options, OutputFolder out,
                                        java.util.function.LongConsumer progress) {
        TraceAnalysis a = new TraceAnalysis();
        try (ParquetTraceReader in = ParquetTraceReader.openAllowingDisorder(trace, TraceAnalysis.columns(), options)) {
            EventBatch b = new EventBatch();
            long rows = 0;
            while (in.next(b)) {
                a.add(b);
                rows += b.size();
                progress.accept(rows);
            }
        }
        a.finish();
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("path", trace.toString());
        input.put("rows", a.rows());
        out.manifest(Map.of("input", input));
        try (CsvTable t = CsvTable.create(MINUTES, out.file("minutes.csv").temp())) {
            MinuteSeries<RecordedMetric> s = a.series();
            for (int m = 0; m < s.minutes(); m++) {
                t.row(new Object[] {m}, s.row(m));
            }
        }
        try (CsvTable t = CsvTable.create(DEVICES, out.file("devices.csv").temp())) {
            for (long[] r : a.deviceRows()) {
                t.row(List.of(r[0], r[1], bdf((int) r[1]), r[2], r[3], r[4]));
            }
        }
        try (CsvTable t = CsvTable.create(VALIDATION, out.file("validation.csv").temp())) {
            for (TraceAnalysis.Finding f : a.findings()) {
                t.row(List.of(f.check().column(), f.count(), rows(f.firstRows()), f.check().description()));
            }
        }
        return a;
    }

    private static String rows(List<Long> rows) {
        return rows.stream().map(String::valueOf).collect(Collectors.joining(" "));
    }

    /** A PCI requester id as bus:device.function. */
    static String bdf(int id) {
        return String.format(Locale.ROOT, "%02x:%02x.%x", id >>> 8, (id >>> 3) & 0x1f, id & 7);
    }
}
