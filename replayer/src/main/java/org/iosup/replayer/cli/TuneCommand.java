package org.iosup.replayer.cli;

import org.iosup.analysis.Durations;
import org.iosup.cli.Mixins;
import org.iosup.cli.VersionProvider;
import org.iosup.io.Hashes;
import org.iosup.io.OutputFolder;
import org.iosup.io.UserException;
import org.iosup.model.CostProfile;
import org.iosup.model.pool.PolicySpec;
import org.iosup.replay.ReplayConfig;
import org.iosup.report.replay.TuneReport;
import org.iosup.sweep.PolicySweep;
import org.iosup.sweep.Tune;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code iosup tune}: the best limits of a policy family for a trace, under constraints. */
@Command(name = "tune", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, sortOptions = false,
        header = "Search a policy family's limits for the best objective under constraints.",
        description = {
            "Searches --family's parameters (dynamic and pre-enabled: the shrink rule's total and ratio; cap: the",
            "cap per level) by grid refinement: a first grid on a doubling ladder, then 3 rounds around the best",
            "feasible point with steps of 1.41, 1.19 and 1.09, then the choice's neighbours, each round one sweep",
            "(one read of the trace).",
            "Reports the choice, the runner-up and the objective one step around the choice; with --validate,",
            "replays both on a second trace and says whether the constraints still hold. Writes OUTDIR/tune.csv",
            "(schemas/tune.schema.json) and OUTDIR/validation.csv (schemas/tune-validation.schema.json)."
        })
public final class TuneCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TRACE.parquet", description = "The trace to tune on.")
    Path trace;

    @Mixin
    Mixins.OutDir outDir;

    @Option(names = "--family", required = true, paramLabel = "NAME", description = "dynamic, pre-enabled or cap.")
    String family;

    @Option(names = "--at", paramLabel = "TIME", description = "dynamic: when the pools switch on (default: 5m).")
    String at;

    @Option(names = "--objective", defaultValue = "min pool_pages_peak", paramLabel = "'min|max COLUMN'",
            description = "What to optimize, a column of sweep.csv (default: '${DEFAULT-VALUE}').")
    String objective;

    @Option(names = "--constraint", paramLabel = "'COLUMN <= VALUE'",
            description = "A condition the choice must meet, repeatable (<, <=, >, >=), e.g. 'flush_calls_per_min <= 100'.")
    List<String> constraints = new ArrayList<>();

    @Option(names = "--validate", paramLabel = "TRACE2.parquet",
            description = "A second trace (e.g. another seed) to replay the choice and the runner-up on.")
    Path validate;

    @Mixin
    ManyReplaysOptions replays;

    @Mixin
    Mixins.Quiet quiet;

    @Override
    public Integer call() {
        Tune.Family fam = Tune.Family.parse(family);
        Tune.Objective obj = Tune.Objective.parse(objective);
        List<Tune.Constraint> cons = constraints.stream().map(Tune.Constraint::parse).toList();
        int warm = replays.warmupMinutes();
        if (at != null && fam != Tune.Family.DYNAMIC) {
            throw new UserException("--at applies to --family dynamic only (" + fam.label() + " has its pools from the start)");
        }
        if (at == null) {
            at = "5m";
        }
        Durations.parseNanos(at, "--at");
        CostProfile costs = replays.costs();
        ReplayConfig config = replays.config(trace, List.of(), 64, costs);
        if (validate != null && !Files.isRegularFile(validate)) {
            throw new UserException(validate + ": no such file");
        }
        PrintWriter err = spec.commandLine().getErr();
        Tune.Result result;
        List<TuneReport.Checked> checked = new ArrayList<>();
        try (OutputFolder out = OutputFolder.open(outDir.path(), "tune")) {
            result = Tune.run(config, fam, at, obj, cons, warm, round -> {
                if (!quiet.on()) {
                    err.printf(Locale.ROOT, "iosup tune: round %d of %d done%n", round + 1, Tune.ROUNDS + 1);
                    err.flush();
                }
            });
            if (result.best() == null) {
                // Nothing is written: a choice that does not exist is no result.
                Tune.Evaluated closest = result.evaluated().stream()
                        .min(java.util.Comparator.comparingDouble((Tune.Evaluated e) -> e.row().flushCallsPerMin())
                                .thenComparing(e -> e.row().policy().spec())).orElseThrow();
                throw new UserException("no policy of the " + fam.label() + " family meets "
                        + String.join(" and ", constraints) + " on " + trace + " (" + result.evaluated().size()
                        + " evaluated; the fewest flush calls: " + String.format(Locale.ROOT, "%,.1f", closest.row().flushCallsPerMin())
                        + " a minute, " + closest.row().policy().spec() + ")");
            }
            TuneReport.write(result, out);
            if (validate != null && result.best() != null) {
                List<Tune.Evaluated> roles = result.runnerUp() == null ? List.of(result.best())
                        : List.of(result.best(), result.runnerUp());
                List<PolicySpec> specs = roles.stream().map(e -> e.row().policy()).toList();
                ReplayConfig other = replays.config(validate, specs, config.iommu().iotlbEntries(), costs);
                List<PolicySweep.Row> rows = PolicySweep.run(other, specs, List.of(config.iommu().iotlbEntries()), warm, null);
                for (int i = 0; i < roles.size(); i++) {
                    String role = i == 0 ? "choice" : "runner-up";
                    Tune.Evaluated e = roles.get(i);
                    checked.add(new TuneReport.Checked(role, "tuned", e.feasible(), e.objective(), e.row()));
                    PolicySweep.Row v = rows.get(i);
                    checked.add(new TuneReport.Checked(role, "validated", cons.stream().allMatch(c -> c.holds(v)),
                            obj.of(v), v));
                }
                TuneReport.writeValidation(checked, out);
            }
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("trace", trace.toString());
            params.put("trace_sha256", Hashes.sha256(trace));
            params.put("family", fam.label());
            params.put("at", fam == Tune.Family.DYNAMIC ? at : null);
            params.put("objective", obj.toString());
            params.put("constraints", cons.stream().map(Tune.Constraint::text).toList());
            params.put("method", "grid refinement: doubling ladders, then " + Tune.ROUNDS
                    + " rounds around the best feasible point with steps of 2^(1/2), 2^(1/4), 2^(1/8)");
            params.put("validate", validate == null ? null : validate.toString());
            params.put("profile", config.profile().name());
            params.put("warmup_minutes", warm);
            params.put("threads", config.threads());
            params.put("cost_profile", costs.describe());
            out.manifest(Map.of("parameters", params, "results", TuneReport.results(result)));
            out.commit();
        }
        print(fam, obj, result, checked);
        return 0;
    }

    private void print(Tune.Family fam, Tune.Objective obj, Tune.Result r, List<TuneReport.Checked> checked) {
        if (quiet.on() || r.best() == null) {
            return;
        }
        PrintWriter w = spec.commandLine().getOut();
        String col = obj.column();
        w.printf(Locale.ROOT, "%d policies evaluated in %d rounds and one over the choice's neighbours -> %s%n",
                r.evaluated().size(), Tune.ROUNDS + 1,
                outDir.path().resolve("tune.csv"));
        w.printf(Locale.ROOT, "choice     %-48s %s %,.1f, flush calls/min %,.1f, pool peak %d%n",
                r.best().row().policy().spec(), col, r.best().objective(), r.best().row().flushCallsPerMin(),
                r.best().row().poolPagesPeak());
        if (r.runnerUp() != null) {
            w.printf(Locale.ROOT, "runner-up  %-48s %s %,.1f, flush calls/min %,.1f, pool peak %d%n",
                    r.runnerUp().row().policy().spec(), col, r.runnerUp().objective(),
                    r.runnerUp().row().flushCallsPerMin(), r.runnerUp().row().poolPagesPeak());
        }
        for (Tune.Evaluated e : r.neighbours()) {
            w.printf(Locale.ROOT, "  around: %-46s %s %,.1f (%+.1f%%)%s%n", Tune.describe(fam, e.point()), col,
                    e.objective(), r.best().objective() == 0 ? 0 : (e.objective() / r.best().objective() - 1) * 100,
                    e.feasible() ? "" : ", infeasible");
        }
        for (TuneReport.Checked c : checked) {
            w.printf(Locale.ROOT, "%-10s on the %-9s trace: %s %,.1f, flush calls/min %,.1f, pool peak %d, constraints %s%n",
                    c.role(), c.trace(), col, c.objective(), c.row().flushCallsPerMin(), c.row().poolPagesPeak(),
                    c.feasible() ? "hold" : "BROKEN");
        }
        w.flush();
    }
}
