package org.iosup.cli;

import org.iosup.analysis.Compare;
import org.iosup.analysis.Durations;
import org.iosup.io.OutputFolder;
import org.iosup.io.UserException;
import org.iosup.report.CompareReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    @Mixin
    Mixins.OutDir outDir;

    @Override
    public Integer call() {
        int warm = Durations.wholeMinutes(warmup, "--warmup");
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
        try (OutputFolder out = OutputFolder.open(outDir.path(), "compare")) {
            CompareReport.write(rows, out.file("compare.csv").temp());
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("runs", runs.stream().map(r -> List.of(r.split(","))).toList());
            params.put("baseline", baseline);
            params.put("warmup_minutes", warm);
            params.put("metrics", metrics.isEmpty() ? Compare.DEFAULT_METRICS : metrics);
            out.manifest(Map.of("parameters", params));
            out.commit();
        }
        CompareReport.print(rows, warm, spec.commandLine().getOut());
        return 0;
    }

}
