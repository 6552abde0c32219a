package org.iosup.report.replay;

import org.iosup.io.OutputFolder;
import org.iosup.report.CsvTable;
import org.iosup.schema.TableSchema;
import org.iosup.sweep.PolicySweep;
import org.iosup.sweep.Tune;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** What {@code tune} writes: tune.csv (every policy evaluated) and validation.csv (schemas {@code tune}, {@code tune-validation}). */
public final class TuneReport {
    public static final TableSchema TUNE = TableSchema.load("tune");
    public static final TableSchema VALIDATION = TableSchema.load("tune-validation");

    private TuneReport() {
    }

    /** A policy's role in the result: choice, runner-up, neighbour, or null. */
    public static String role(Tune.Result r, Tune.Evaluated e) {
        if (e == r.best()) {
            return "choice";
        }
        if (e == r.runnerUp()) {
            return "runner-up";
        }
        return r.neighbours().contains(e) ? "neighbour" : null;
    }

    /** The manifest's results of a search: how many policies it evaluated, the choice and the runner-up (or null). */
    public static Map<String, Object> results(Tune.Result r) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("evaluated", r.evaluated().size());
        m.put("choice", r.best() == null ? null : r.best().row().policy().spec());
        m.put("runner_up", r.runnerUp() == null ? null : r.runnerUp().row().policy().spec());
        return m;
    }

    /** Writes tune.csv into {@code out} (not committed). */
    public static void write(Tune.Result result, OutputFolder out) {
        try (CsvTable t = CsvTable.create(TUNE, out.file("tune.csv").temp())) {
            for (Tune.Evaluated e : result.evaluated()) {
                List<Object> row = new ArrayList<>(Arrays.asList(e.round(), e.row().policy().spec(), role(result, e),
                        e.feasible(), e.objective()));
                row.addAll(figures(e.row()));
                t.row(row);
            }
        }
    }

    /** One row of validation.csv: a policy's role, its spec, the trace, and its figures there. */
    public record Checked(String role, String trace, boolean feasible, double objective, PolicySweep.Row row) {
    }

    /** Writes validation.csv into {@code out} (not committed). */
    public static void writeValidation(List<Checked> rows, OutputFolder out) {
        try (CsvTable t = CsvTable.create(VALIDATION, out.file("validation.csv").temp())) {
            for (Checked c : rows) {
                List<Object> row = new ArrayList<>(Arrays.asList(c.role(), c.row().policy().spec(), c.trace(), c.feasible(),
                        c.objective()));
                row.addAll(figures(c.row()));
                t.row(row);
            }
        }
    }

    private static List<Object> figures(PolicySweep.Row r) {
        return List.of(r.flushCallsPerMin(), r.flushIssuedPerMin(), r.poolPagesPeak(), r.poolPagesMean(), r.poolReleases(),
                r.cpuMsPerMin(), r.iotlbMissesPerMin());
    }
}
