package org.iosup.cli;

import org.iosup.analysis.Compare;
import org.iosup.io.OutputFolder;
import org.iosup.io.UserException;
import org.iosup.report.CsvTable;
import org.iosup.schema.TableSchema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code iosup compare}: replay outputs side by side. */
@Command(name = "compare", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Put replay outputs side by side, against a baseline policy.",
        description = {
            "Compare replay outputs side by side: per run (a replay's output folder, e.g. one per profile),",
            "policy and metric, the total and the mean per minute after the warm-up, with the change and",
            "ratio against the baseline policy. A run given as DIR1,DIR2,... is one replay output per seed:",
            "each figure is then the mean over the seeds with its 95%% confidence interval (columns seeds and",
            "*_ci95). Writes OUTDIR/compare.csv (schemas/compare.schema.json) and prints an aligned table."
        })
public final class CompareCommand implements Callable<Integer> {
    public static final TableSchema COMPARE = TableSchema.load("compare");

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "RUN_DIR[,RUN_DIR...]",
            description = "Replay output folders; folders joined by commas are the seeds of one run.")
    List<String> runs = new ArrayList<>();

    @Option(names = "--baseline", paramLabel = "POLICY", description = "The policy to compare against (default: each run's first).")
    String baseline;

    @Option(names = "--warmup", defaultValue = "5m", paramLabel = "TIME",
            description = "Minutes left out of the means, from the start (default: ${DEFAULT-VALUE}; whole minutes).")
    String warmup;

    @Option(names = "--metric", paramLabel = "COLUMN",
            description = "A column of replay's minutes.csv to compare, repeatable (default: flush_calls, flush_issued, "
                    + "unmaps, maps, type_changes, iotlb_misses, cpu_ns_alloc, cpu_ns_free, pool_pages).")
    List<String> metrics = new ArrayList<>();

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUTDIR", description = "Folder for compare.csv.")
    Path output;

    @Override
    public Integer call() {
        int warm = warmupMinutes(warmup);
        List<List<Compare.Run>> read = new ArrayList<>();
        for (String arg : runs) {
            List<Compare.Run> seeds = new ArrayList<>();
            for (String dir : arg.split(",", -1)) {
                if (dir.isBlank()) {
                    throw new UserException("RUN_DIR '" + arg + "': an empty folder name between commas");
                }
                seeds.add(Compare.read(Path.of(dir)));
            }
            read.add(seeds);
        }
        List<Compare.SeedRow> rows = Compare.compareSeeds(read, baseline, warm,
                metrics.isEmpty() ? Compare.DEFAULT_METRICS : metrics);
        try (OutputFolder out = OutputFolder.open(output, "compare")) {
            writeSeeds(rows, out.file("compare.csv").temp());
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("runs", runs.stream().map(r -> List.of(r.split(","))).toList());
            params.put("baseline", baseline);
            params.put("warmup_minutes", warm);
            params.put("metrics", metrics.isEmpty() ? Compare.DEFAULT_METRICS : metrics);
            out.manifest(Map.of("parameters", params));
            out.commit();
        }
        print(rows, warm, spec.commandLine().getOut());
        return 0;
    }

    /** Writes the rows as compare.csv into {@code file}. */
    public static void writeSeeds(List<Compare.SeedRow> rows, Path file) {
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

    /** Whole minutes of a duration text such as {@code 5m}. */
    public static int warmupMinutes(String text) {
        long ns = org.iosup.analysis.Durations.parseNanos(text, "--warmup");
        if (ns % 60_000_000_000L != 0) {
            throw new UserException("--warmup " + text + ": must be whole minutes (e.g. 5m, 300s)");
        }
        return (int) (ns / 60_000_000_000L);
    }

    private static void print(List<Compare.SeedRow> rows, int warm, PrintWriter out) {
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
