package org.iosup.report;

import org.iosup.analysis.MinuteSeries;
import org.iosup.analysis.RecordedMetric;
import org.iosup.analysis.TraceAnalysis;
import org.iosup.io.OutputFolder;
import org.iosup.schema.TableSchema;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What {@code analyze} writes of a {@link TraceAnalysis}: minutes.csv, devices.csv and
 * validation.csv (schemas {@code analyze-minutes}, {@code analyze-devices},
 * {@code analyze-validation}) and the input in the manifest.
 */
public final class AnalysisReport {
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

    private AnalysisReport() {
    }

    /** Writes the analysis of {@code trace} into {@code out} (not committed). */
    public static void write(TraceAnalysis a, Path trace, OutputFolder out) {
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
                t.row(List.of(r[0], r[1], Numbers.bdf((int) r[1]), r[2], r[3], r[4]));
            }
        }
        try (CsvTable t = CsvTable.create(VALIDATION, out.file("validation.csv").temp())) {
            for (TraceAnalysis.Finding f : a.findings()) {
                t.row(List.of(f.check().column(), f.count(), rows(f.firstRows()), f.check().description()));
            }
        }
    }

    /** Row numbers as a space-separated list. */
    public static String rows(List<Long> rows) {
        return rows.stream().map(String::valueOf).collect(Collectors.joining(" "));
    }
}
