package org.iosup.report;

import org.iosup.analysis.Compare;
import org.iosup.schema.TableSchema;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** What {@code compare} writes: compare.csv (schema {@code compare}) and its aligned table on the terminal. */
public final class CompareReport {
    public static final TableSchema COMPARE = TableSchema.load("compare");

    private CompareReport() {
    }

    /** Writes the rows as compare.csv into {@code file}. */
    public static void write(List<Compare.SeedRow> rows, Path file) {
        try (CsvTable t = CsvTable.create(COMPARE, file)) {
            for (Compare.SeedRow r : rows) {
                // One seed: the total is the replay's whole number, as before seeds existed.
                Object total = r.seeds() == 1 ? (Object) Math.round(r.total().mean()) : r.total().mean();
                t.row(Arrays.asList(r.run(), r.profile(), r.policy(), r.metric(), total, r.minutesAfterWarmup(),
                        r.mean().mean(), r.baseline(), r.baselineMean().mean(), r.change().mean(), r.changePct().mean(),
                        r.ratio().mean(), r.seeds(), r.total().ci95(), r.mean().ci95(), r.baselineMean().ci95(),
                        r.change().ci95(), r.changePct().ci95(), r.ratio().ci95()));
            }
        }
    }

    /** Prints the rows as an aligned table. */
    public static void print(List<Compare.SeedRow> rows, int warm, PrintWriter out) {
        int wr = Math.max(3, rows.stream().mapToInt(r -> r.run().length()).max().orElse(3));
        int wp = Math.max(6, rows.stream().mapToInt(r -> r.policy().length()).max().orElse(6));
        boolean seeds = rows.stream().anyMatch(r -> r.seeds() > 1);
        String fmt = "%-" + wr + "s  %-" + wp + "s  %-14s %16s %" + (seeds ? 28 : 18) + "s %" + (seeds ? 20 : 10)
                + "s %8s%n";
        out.printf(Locale.ROOT, fmt, "run", "policy", "metric", "total", "per min after " + warm + "m"
                + (seeds ? " (±95%)" : ""), "change", "ratio");
        for (Compare.SeedRow r : rows) {
            out.printf(Locale.ROOT, fmt, r.run(), r.policy(), r.metric(),
                    String.format(Locale.ROOT, "%,.0f", r.total().mean()),
                    r.mean().mean() == null ? "-" : String.format(Locale.ROOT, "%,.1f", r.mean().mean())
                            + (r.mean().ci95() == null ? "" : String.format(Locale.ROOT, " ± %,.1f", r.mean().ci95())),
                    r.changePct().mean() == null ? "-" : String.format(Locale.ROOT, "%+.1f%%", r.changePct().mean())
                            + (r.changePct().ci95() == null ? "" : String.format(Locale.ROOT, " ± %.1f", r.changePct().ci95())),
                    r.ratio().mean() == null ? "-" : String.format(Locale.ROOT, "%.3f", r.ratio().mean()));
        }
        if (seeds) {
            out.printf(Locale.ROOT, "(means over the seeds of each run, ± the half-width of the 95%% interval)%n");
        }
        out.flush();
    }
}
