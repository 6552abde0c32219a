package org.iosup.replayer.cli;

import org.iosup.cli.Mixins;
import org.iosup.cli.Progress;
import org.iosup.cli.VersionProvider;
import org.iosup.io.Hashes;
import org.iosup.io.OutputFolder;
import org.iosup.io.UserException;
import org.iosup.model.CostProfile;
import org.iosup.model.pool.PolicySpec;
import org.iosup.model.vtd.IommuConfig;
import org.iosup.replay.ReplayConfig;
import org.iosup.report.chart.Charts;
import org.iosup.report.replay.SweepReport;
import org.iosup.sweep.Grid;
import org.iosup.sweep.PolicySweep;
import org.iosup.trace.parquet.ParquetTraceReader;
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
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code iosup sweep}: a grid of policies replayed in one read of a trace, and their Pareto front. */
@Command(name = "sweep", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, sortOptions = false,
        header = "Replay a grid of policies in one read of a trace; find the Pareto front of flushes against pool memory.",
        description = {
            "Expands each --grid (a --policy spec with alternatives in braces, e.g.",
            "'dynamic@{1m,3m,5m},shrink-ratio={1,2,4},shrink-total={64,128,256}': every combination) and each",
            "--policy into policies, replays them all in one read of the trace for each IOTLB size, and writes",
            "OUTDIR/sweep.csv (one row per policy: its spec, parameters, flush calls and invalidations per minute",
            "after the warm-up, pool peak and mean, releases, modelled CPU, IOTLB misses; schemas/sweep.schema.json),",
            "OUTDIR/pareto.csv (the policies no other beats on both flush calls and pool peak;",
            "schemas/pareto.schema.json) and OUTDIR/pareto.png (flush calls against pool peak, the front drawn",
            "and numbered as in pareto.csv). Any row's policy column replays alone with replay --policy."
        })
public final class SweepCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TRACE.parquet", description = "The trace.")
    Path trace;

    @Mixin
    Mixins.OutDir outDir;

    @Option(names = "--grid", paramLabel = "GRID",
            description = "Policies: a --policy spec with {a,b,...} alternatives, repeatable (e.g. 'dynamic@{1m,5m},cap={64,128}').")
    List<String> grids = new ArrayList<>();

    @Option(names = "--policy", paramLabel = "SPEC", description = "One more policy, as replay's --policy, repeatable (e.g. disabled).")
    List<String> policies = new ArrayList<>();

    @Option(names = "--iotlb-entries", defaultValue = "64", paramLabel = "N[,N...]",
            description = "IOTLB sizes to sweep too: one read of the trace per size (default: ${DEFAULT-VALUE}).")
    String iotlbEntries;

    @Option(names = "--format", defaultValue = "png", paramLabel = "png,svg,pdf",
            description = "Formats of pareto's chart, comma-separated: png, svg, pdf (default: ${DEFAULT-VALUE}).")
    String format;

    @Mixin
    ManyReplaysOptions replays;

    @Mixin
    Mixins.Quiet quiet;

    @Override
    public Integer call() {
        List<PolicySpec> specs = specs();
        List<Integer> sizes = sizes();
        int warm = replays.warmupMinutes();
        Set<Charts.Format> formats = Charts.Format.parseList(format, "--format");
        CostProfile costs = replays.costs();
        ReplayConfig config = replays.config(trace, specs, sizes.get(0), costs);
        List<PolicySweep.Row> rows;
        List<String> files;
        try (OutputFolder out = OutputFolder.open(outDir.path(), "sweep")) {
            try (Progress progress = Progress.start("sweep", ParquetTraceReader.rowCount(trace, config.read()) * sizes.size(),
                    "events", quiet.on())) {
                rows = PolicySweep.run(config, specs, sizes, warm, progress);
            }
            files = SweepReport.write(rows, out, formats);
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("trace", trace.toString());
            params.put("trace_sha256", Hashes.sha256(trace));
            params.put("grids", grids);
            params.put("policies", policies);
            params.put("expanded_policies", specs.size());
            params.put("profile", config.profile().name());
            params.put("iotlb_entries", sizes);
            params.put("warmup_minutes", warm);
            params.put("threads", config.threads());
            params.put("cost_profile", costs.describe());
            params.put("formats", formats.stream().map(Charts.Format::extension).toList());
            out.manifest(Map.of("parameters", params));
            out.commit();
        }
        if (!quiet.on()) {
            PrintWriter w = spec.commandLine().getOut();
            List<PolicySweep.Row> front = PolicySweep.front(rows);
            w.printf(Locale.ROOT, "%,d policies x %d IOTLB size(s) -> %s (%s); Pareto front: %d%n", specs.size(),
                    sizes.size(), outDir.path(), String.join(", ", files), front.size());
            w.printf(Locale.ROOT, "%5s %8s %14s %10s  %s%n", "point", "iotlb", "calls/min", "pool peak", "policy");
            List<Integer> points = SweepReport.pointNumbers(front);
            for (int i = 0; i < front.size(); i++) {
                PolicySweep.Row r = front.get(i);
                w.printf(Locale.ROOT, "%5d %8d %14.1f %10d  %s%n", points.get(i), r.iotlbEntries(), r.flushCallsPerMin(),
                        r.poolPagesPeak(), r.policy().spec());
            }
            w.flush();
        }
        return 0;
    }

    /** The grids expanded and the single policies, each spec once, in the order given. */
    private List<PolicySpec> specs() {
        return Grid.specs(grids, policies);
    }

    private List<Integer> sizes() {
        List<Integer> out = new ArrayList<>();
        for (String s : iotlbEntries.split(",", -1)) {
            try {
                int v = Integer.parseInt(s.strip());
                if (v < 1 || v > IommuConfig.MAX_IOTLB_ENTRIES) {
                    throw new NumberFormatException();
                }
                if (out.contains(v)) {
                    throw new UserException("--iotlb-entries " + iotlbEntries + ": " + v + " is given twice");
                }
                out.add(v);
            } catch (NumberFormatException e) {
                throw new UserException("--iotlb-entries " + iotlbEntries + ": '" + s.strip()
                        + "' is not a count of entries from 1 to " + IommuConfig.MAX_IOTLB_ENTRIES);
            }
        }
        return out;
    }
}
