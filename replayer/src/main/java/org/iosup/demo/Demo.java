package org.iosup.demo;

import org.iosup.analysis.Compare;
import org.iosup.analysis.Replicates;
import org.iosup.analysis.TraceAnalysis;
import org.iosup.io.AtomicOutput;
import org.iosup.io.Failures;
import org.iosup.io.Hashes;
import org.iosup.io.Manifest;
import org.iosup.io.OutputFolder;
import org.iosup.io.Temporaries;
import org.iosup.io.UserException;
import org.iosup.model.CostProfile;
import org.iosup.model.pool.PolicySpec;
import org.iosup.model.vtd.IommuConfig;
import org.iosup.model.xen.HypervisorProfile;
import org.iosup.replay.Replay;
import org.iosup.replay.ReplayConfig;
import org.iosup.replay.ReplayResult;
import org.iosup.report.AnalysisReport;
import org.iosup.report.CompareReport;
import org.iosup.report.CsvTable;
import org.iosup.report.chart.Plots;
import org.iosup.report.replay.ReplayReport;
import org.iosup.report.replay.TuneReport;
import org.iosup.schema.TableSchema;
import org.iosup.sweep.PolicySweep;
import org.iosup.sweep.Tune;
import org.iosup.synth.SynthParams;
import org.iosup.synth.SyntheticTrace;
import org.iosup.trace.parquet.TraceReadOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The main job: the paper's experiments from embedded defaults. Synthesizes the busy and idle
 * settings (seeded), replays the paper's three groups under Xen 4.2.1 (the paper's) and Xen 4.2.4
 * (XSA-78 fixed: the same calls, now issued), analyzes the busy trace, compares and plots every
 * replay, and writes a summary of the key numbers. Everything is written into a temporary folder
 * beside the output and moved into place at the end, so a failure leaves no partial output.
 */
public final class Demo {
    /** The paper's groups, as replay policies. */
    public static final List<String> GROUPS = List.of("cache-disabled", "cache-pre-enabled", "cache-dynamic-enabled");
    /** The switch-on time of cache-dynamic-enabled: the busy flush rate settles after about 5 minutes (docs/paper.md). */
    public static final int SWITCH_MINUTE = 5;
    public static final List<HypervisorProfile> PROFILES = List.of(HypervisorProfile.XEN_4_2_1, HypervisorProfile.XEN_4_2_4);
    public static final TableSchema SUMMARY = TableSchema.load("demo-summary");
    /** Every figure as PNG, with an SVG beside it for papers. */
    static final java.util.Set<org.iosup.report.chart.Charts.Format> FIGURE_FORMATS = java.util.EnumSet.of(
            org.iosup.report.chart.Charts.Format.PNG, org.iosup.report.chart.Charts.Format.SVG);

    /** Seeds of each setting unless told otherwise: enough for a t interval (t = 2.776 at 4 degrees of freedom). */
    public static final int DEFAULT_SEEDS = 5;
    /** The most seeds a demo runs. */
    public static final int MAX_SEEDS = 1000;

    /**
     * The demo's knobs (the defaults are the embedded ones); a null NIC rate is each preset's own.
     * The settings are synthesized with seeds {@code seed} to {@code seed + seeds - 1}.
     */
    public record Options(double minutes, Double nicGbps, long seed, int seeds, int threads, CostProfile costs) {
        public Options {
            if (seeds < 1 || seeds > MAX_SEEDS) {
                throw new UserException("--seeds must be 1.." + MAX_SEEDS + ", got " + seeds);
            }
        }

        public static Options defaults() {
            return new Options(30, null, 1, DEFAULT_SEEDS, Runtime.getRuntime().availableProcessors(),
                    CostProfile.standard());
        }
    }

    /** One line of the summary: each figure the mean over the seeds, with its 95% interval. */
    public record Line(String setting, String profile, String group, int seeds, Replicates callsBefore,
                       Replicates callsAfter, Replicates issuedAfter, Replicates poolPeak, Replicates allocMs,
                       Replicates freeMs, Replicates allocChange, Replicates freeChange, Replicates missesAfter) {
    }

    /** One seed's figures of a line, before they are pooled. */
    private record SeedLine(String group, Double callsBefore, Double callsAfter, Double issuedAfter, double poolPeak,
                            Double allocMs, Double freeMs, Double allocChange, Double freeChange, Double missesAfter) {
    }

    /** What the demo found: the summary's lines, the paper beside the model, and how the dynamic group's limits were chosen. */
    public record Result(List<Line> lines, List<PaperTable.Row> paper, DynamicLimits dynamic) {
    }

    /**
     * How the demo asks {@code tune} for the dynamic group's shrink limits: the least pool memory
     * (its peak) that keeps the flush calls after the switch near zero, as the paper's Figure 5
     * shows them. The bound, 100 calls a minute, is a quarter of a percent of cache-disabled's
     * rate (about 40,000); it is stated here, not derived from Figure 8, which the choice then predicts.
     */
    public static final String TUNE_OBJECTIVE = "min pool_pages_peak";
    public static final String TUNE_CONSTRAINT = "flush_calls_per_min <= 100";

    /**
     * The dynamic group's policy and where its limits come from: {@code tuned} when {@code tune}
     * chose them on the busy trace, otherwise the defaults, with the reason in {@code note}.
     */
    public record DynamicLimits(PolicySpec policy, boolean tuned, String note) {
        /** The policy as --policy takes it, without its name. */
        public String spec() {
            return policy.spec().replace(",name=cache-dynamic-enabled", "");
        }
    }

    private Demo() {
    }

    /** The paper's three groups, the dynamic one with {@code dynamic}'s limits. */
    static List<PolicySpec> groups(DynamicLimits dynamic) {
        return List.of(PolicySpec.parse("disabled,name=cache-disabled"), PolicySpec.parse("pre-enabled,name=cache-pre-enabled"),
                dynamic.policy());
    }

    /** The dynamic group with the default limits (the choice when the trace is too short to tune on). */
    static DynamicLimits defaultLimits(String why) {
        return new DynamicLimits(PolicySpec.parse("dynamic@" + SWITCH_MINUTE + "m,name=cache-dynamic-enabled"), false, why);
    }

    /**
     * Tunes the dynamic group's shrink limits on the busy trace under xen-4.2.1 ({@link #TUNE_OBJECTIVE}
     * under {@link #TUNE_CONSTRAINT}, rates after the switch minute) and writes {@code tune.csv} and
     * its manifest into {@code dir}. A trace that ends by the switch minute has nothing to tune on,
     * and when no limits meet the constraint the defaults are kept; either way the note says so.
     */
    private static DynamicLimits tuneDynamic(Trace busy, Options o, Path dir) {
        if (o.minutes() <= SWITCH_MINUTE) {
            return defaultLimits("the default limits: the trace ends by minute " + SWITCH_MINUTE
                    + ", the switch, so there is nothing to tune on");
        }
        ReplayConfig config = new ReplayConfig(busy.file(), List.of(), HypervisorProfile.XEN_4_2_1, null,
                IommuConfig.DEFAULT.withUnits(o.costs().platform().iommuUnits()), o.costs(), o.threads(), false);
        Tune.Objective objective = Tune.Objective.parse(TUNE_OBJECTIVE);
        List<Tune.Constraint> constraints = List.of(Tune.Constraint.parse(TUNE_CONSTRAINT));
        String at = SWITCH_MINUTE + "m";
        Tune.Result r = Tune.run(config, Tune.Family.DYNAMIC, at, objective, constraints, SWITCH_MINUTE, x -> { });
        try (OutputFolder out = OutputFolder.open(dir, "tune")) {
            TuneReport.write(r, out);
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("trace", "../../traces/busy.parquet");
            params.put("trace_sha256", busy.sha256());
            params.put("family", Tune.Family.DYNAMIC.label());
            params.put("at", at);
            params.put("objective", objective.toString());
            params.put("constraints", List.of(TUNE_CONSTRAINT));
            params.put("profile", HypervisorProfile.XEN_4_2_1.name());
            params.put("warmup_minutes", SWITCH_MINUTE);
            params.put("cost_profile", o.costs().describe());
            out.manifest(Map.of("parameters", params, "results", TuneReport.results(r)));
            out.commit();
        }
        if (r.best() == null) {
            return defaultLimits("the default limits: no limits of the " + r.evaluated().size() + " tune evaluated meet "
                    + TUNE_CONSTRAINT + " on the busy trace (busy/tune/tune.csv)");
        }
        PolicySweep.Row c = r.best().row();
        return new DynamicLimits(PolicySpec.parse(c.policy().spec() + ",name=cache-dynamic-enabled"), true,
                String.format(java.util.Locale.ROOT, "chosen by tune on the busy trace (seed %d, xen-4.2.1) for '%s' under"
                        + " '%s': %,d pool pages at peak for %.1f flush calls a minute after minute %d, the best of %d"
                        + " policies evaluated (busy/tune/tune.csv)", o.seed(), TUNE_OBJECTIVE, TUNE_CONSTRAINT,
                        c.poolPagesPeak(), c.flushCallsPerMin(), SWITCH_MINUTE, r.evaluated().size()));
    }

    /**
     * Runs the demo into {@code target}; {@code step} is told each step as it starts. An existing
     * {@code target} is replaced only when it holds exactly what an earlier demo wrote (its
     * manifest lists every file, unchanged); anything else there is refused and nothing is changed.
     */
    public static Result run(Path target, Options o, Consumer<String> step) {
        Path abs = target.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new UserException("the folder of " + target + " does not exist: " + parent);
        }
        if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(abs, LinkOption.NOFOLLOW_LINKS)) {
            throw new UserException(target + " is a file, not a folder; give another -o");
        }
        Temporaries.removeStale(abs);
        Manifest previous = Files.isDirectory(abs) ? Manifest.readOwned(abs, target.toString(), "demo", Set.of()) : null;
        // Built in a hidden folder beside the target (with the user's umask, unlike createTempDirectory's 0700).
        Path work = Temporaries.nameFor(abs, "tmp");
        try {
            Temporaries.createDirectory(work);
        } catch (IOException e) {
            throw new UserException("cannot create a folder in " + parent + ": " + Failures.reason(e), e);
        }
        boolean done = false;
        try {
            Result result = build(work, o, step);
            replace(abs, work, previous);
            done = true;
            return result;
        } finally {
            if (!done) {
                Temporaries.deleteTree(work);
            }
            Temporaries.unregister(work);
        }
    }

    private static Result build(Path work, Options o, Consumer<String> step) {
        Map<String, Object> manifest = new LinkedHashMap<>();
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("minutes", o.minutes());
        params.put("nic_gbps", o.nicGbps() == null ? SynthParams.PAPER_NIC_GBPS : o.nicGbps());
        params.put("seed", o.seed());
        params.put("seeds", o.seeds());
        params.put("costs", o.costs().describe());
        params.put("groups", GROUPS);
        params.put("dynamic_switch_minute", SWITCH_MINUTE);
        params.put("dynamic_tune", Map.of("family", Tune.Family.DYNAMIC.label(), "objective", TUNE_OBJECTIVE,
                "constraints", List.of(TUNE_CONSTRAINT), "setting", "busy", "profile", HypervisorProfile.XEN_4_2_1.name()));
        params.put("profiles", PROFILES.stream().map(HypervisorProfile::name).toList());
        manifest.put("parameters", params);
        Map<String, Object> inputs = new LinkedHashMap<>();
        List<Line> lines = new ArrayList<>();
        Map<String, Compare.Run> byName = new LinkedHashMap<>();
        ReplayResult busyPaper = null; // busy on the paper's xen-4.2.1: the NIC's throughput for paper.csv
        DynamicLimits dynamic = null; // tuned on the busy trace of the first seed, then used by every setting
        Path traces = work.resolve("traces");
        try {
            Files.createDirectory(traces);
        } catch (IOException e) {
            throw new UserException("cannot create " + traces + ": " + Failures.reason(e), e);
        }
        for (String setting : List.of("busy", "idle")) {
            List<HypervisorProfile> profiles = setting.equals("idle") ? List.of(HypervisorProfile.XEN_4_2_1) : PROFILES;
            Map<String, List<Compare.Run>> seedRuns = new LinkedHashMap<>();
            Trace trace = null;
            for (int k = 0; k < o.seeds(); k++) {
                long seed = o.seed() + k;
                boolean first = k == 0;
                step.accept("synth " + setting + (o.seeds() > 1 ? " seed " + seed : ""));
                SynthParams sp = SynthParams.defaults(setting).with(o.minutes(), seed, o.nicGbps()).validate();
                // The first seed's trace is kept in traces/; the others are made again from their seed.
                Trace t = first ? synthesize(work, traces, setting, sp, inputs) : scratch(work, setting, seed, sp);
                if (first) {
                    trace = t;
                }
                if (dynamic == null) {
                    step.accept("tune busy dynamic limits");
                    dynamic = tuneDynamic(t, o, work.resolve(setting).resolve("tune"));
                }
                try {
                    for (HypervisorProfile profile : profiles) {
                        step.accept("replay " + setting + " " + profile.name() + (o.seeds() > 1 ? " seed " + seed : ""));
                        Path dir = first ? work.resolve(setting).resolve(profile.name())
                                : work.resolve(setting).resolve("seeds").resolve(profile.name()).resolve("seed-" + seed);
                        ReplayResult r = replay(t, groups(dynamic), profile, o, dir,
                                first ? "../../traces/" + setting + ".parquet"
                                        : "(not kept: iosup synth --preset " + setting + " --seed " + seed + ")");
                        if (first && setting.equals("busy") && profile == HypervisorProfile.XEN_4_2_1) {
                            busyPaper = r;
                        }
                        if (first) {
                            step.accept("plot " + setting + " " + profile.name());
                            try (OutputFolder out = OutputFolder.open(dir, "plot", Plots.PLOTTED)) {
                                Plots.plot(dir, out, 1600, 900, SWITCH_MINUTE, FIGURE_FORMATS,
                                        org.iosup.report.chart.Charts.LogY.AUTO);
                                out.commit();
                            }
                        }
                        Compare.Run run = Compare.read(dir, setting + "/" + profile.name());
                        seedRuns.computeIfAbsent(profile.name(), x -> new ArrayList<>()).add(run);
                        if (first) {
                            byName.put(setting + "/" + profile.name(), run);
                        }
                    }
                } finally {
                    if (!first) {
                        Temporaries.deleteTree(t.file());
                    }
                }
            }
            for (var e : seedRuns.entrySet()) {
                lines.addAll(pool(setting, e.getKey(), e.getValue()));
                SeedCharts.write(work.resolve(setting).resolve(e.getKey() + "-seeds.png"), setting, e.getKey(),
                        e.getValue(), SWITCH_MINUTE);
            }
            step.accept("analyze " + setting);
            Path analysis = work.resolve(setting).resolve("analysis");
            try (OutputFolder out = OutputFolder.open(analysis, "analyze")) {
                AnalysisReport.write(TraceAnalysis.read(trace.file(), TraceReadOptions.DEFAULT, x -> { }), trace.file(), out);
                out.commit();
            }
            try (OutputFolder out = OutputFolder.open(analysis, "plot", Plots.PLOTTED)) {
                Plots.plot(analysis, out, 1600, 900, SWITCH_MINUTE, FIGURE_FORMATS,
                                        org.iosup.report.chart.Charts.LogY.AUTO);
                out.commit();
            }
            step.accept("compare " + setting);
            try (AtomicOutput out = AtomicOutput.create(work.resolve(setting).resolve("compare.csv"))) {
                CompareReport.write(Compare.compareSeeds(List.copyOf(seedRuns.values()), null, SWITCH_MINUTE,
                        Compare.DEFAULT_METRICS), out.temp());
                out.commit();
            }
        }
        Temporaries.deleteTree(work.resolve(".seeds"));
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("dynamic_policy", dynamic.spec());
        results.put("dynamic_limits", dynamic.tuned() ? "tuned" : "default");
        results.put("dynamic_note", dynamic.note());
        manifest.put("results", results);
        ReplayResult forkExit = forkExit(work, traces, o, inputs, step, dynamic);
        manifest.put("inputs", inputs);
        List<PaperTable.Row> paper = PaperTable.rows(byName.get("busy/" + HypervisorProfile.XEN_4_2_1.name()),
                byName.get("idle/" + HypervisorProfile.XEN_4_2_1.name()), forkExit, o.costs(), SWITCH_MINUTE,
                busyPaper, dynamic);
        try (AtomicOutput out = AtomicOutput.create(work.resolve("paper.csv"))) {
            PaperTable.write(paper, out.temp());
            out.commit();
        }
        try (AtomicOutput out = AtomicOutput.create(work.resolve("summary.csv"))) {
            try (CsvTable t = CsvTable.create(SUMMARY, out.temp())) {
                for (Line l : lines) {
                    // One seed: the peak is the replay's whole number of pages.
                    Object peak = l.seeds() == 1 ? (Object) Math.round(l.poolPeak().mean()) : l.poolPeak().mean();
                    t.row(java.util.Arrays.asList(l.setting(), l.profile(), l.group(), l.callsBefore().mean(),
                            l.callsAfter().mean(), l.issuedAfter().mean(), peak, l.allocMs().mean(), l.freeMs().mean(),
                            l.allocChange().mean(), l.freeChange().mean(), l.missesAfter().mean(), l.seeds(),
                            l.callsBefore().ci95(), l.callsAfter().ci95(), l.issuedAfter().ci95(), l.poolPeak().ci95(),
                            l.allocMs().ci95(), l.freeMs().ci95(), l.allocChange().ci95(), l.freeChange().ci95(),
                            l.missesAfter().ci95()));
                }
            }
            out.commit();
        }
        // The demo's manifest lists every file of the tree, so that a later demo knows what it may replace.
        Manifest.write(work, "demo", manifest, Manifest.filesUnder(work));
        return new Result(lines, paper, dynamic);
    }

    /**
     * lmbench's fork+exit: the fork-exit preset (one minute, the demo's seed) replayed under
     * cache-disabled and cache-pre-enabled on xen-4.2.1, into {@code fork-exit/xen-4.2.1}.
     */
    private static ReplayResult forkExit(Path work, Path traces, Options o, Map<String, Object> inputs,
                                         Consumer<String> step, DynamicLimits dynamic) {
        step.accept("synth fork-exit");
        Trace trace = synthesize(work, traces, "fork-exit", SynthParams.defaults("fork-exit").with(1, o.seed(), null)
                .validate(), inputs);
        step.accept("replay fork-exit xen-4.2.1");
        HypervisorProfile profile = HypervisorProfile.XEN_4_2_1;
        return replay(trace, groups(dynamic).subList(0, 2), profile, o, work.resolve("fork-exit").resolve(profile.name()),
                "../../traces/fork-exit.parquet");
    }

    /** A trace the demo synthesized, with its SHA-256 (computed once, for the manifests). */
    private record Trace(Path file, String name, String sha256) {
    }

    /** Synthesizes {@code p} into {@code traces/NAME.parquet} and records it among the demo's inputs. */
    private static Trace synthesize(Path work, Path traces, String name, SynthParams p, Map<String, Object> inputs) {
        Path file = traces.resolve(name + ".parquet");
        SyntheticTrace.writeParquet(p, file);
        Trace t = new Trace(file, name, Hashes.sha256(file));
        inputs.put(name, Map.of("path", work.relativize(file).toString(), "sha256", t.sha256()));
        return t;
    }

    /** A trace of another seed, in a scratch file the caller deletes. */
    private static Trace scratch(Path work, String name, long seed, SynthParams p) {
        Path dir = work.resolve(".seeds");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UserException("cannot create " + dir + ": " + Failures.reason(e), e);
        }
        Path file = dir.resolve(name + "-seed-" + seed + ".parquet");
        SyntheticTrace.writeParquet(p, file);
        return new Trace(file, name, Hashes.sha256(file));
    }

    /** Replays {@code trace} under {@code policies} and writes the replay's outputs into {@code dir}. */
    private static ReplayResult replay(Trace trace, List<PolicySpec> policies, HypervisorProfile profile, Options o,
                                       Path dir, String tracePath) {
        ReplayResult r = Replay.run(new ReplayConfig(trace.file(), policies, profile, null, IommuConfig.DEFAULT.withUnits(o.costs().platform().iommuUnits()),
                o.costs(), o.threads(), true), null);
        try (OutputFolder out = OutputFolder.open(dir, "replay")) {
            ReplayReport.write(r, out, trace.sha256(), tracePath);
            out.commit();
        }
        return r;
    }

    /** The summary's lines of one setting and profile: each group's figures over the seeds. */
    private static List<Line> pool(String setting, String profile, List<Compare.Run> seeds) {
        List<List<SeedLine>> per = new ArrayList<>();
        for (Compare.Run r : seeds) {
            per.add(summarize(r));
        }
        List<Line> out = new ArrayList<>();
        for (int g = 0; g < per.get(0).size(); g++) {
            int n = per.size();
            Double[][] v = new Double[9][n];
            for (int s = 0; s < n; s++) {
                SeedLine l = per.get(s).get(g);
                v[0][s] = l.callsBefore();
                v[1][s] = l.callsAfter();
                v[2][s] = l.issuedAfter();
                v[3][s] = l.poolPeak();
                v[4][s] = l.allocMs();
                v[5][s] = l.freeMs();
                v[6][s] = l.allocChange();
                v[7][s] = l.freeChange();
                v[8][s] = l.missesAfter();
            }
            out.add(new Line(setting, profile, per.get(0).get(g).group(), n, Replicates.of(v[0]), Replicates.of(v[1]),
                    Replicates.of(v[2]), Replicates.of(v[3]), Replicates.of(v[4]), Replicates.of(v[5]),
                    Replicates.of(v[6]), Replicates.of(v[7]), Replicates.of(v[8])));
        }
        return out;
    }

    private static List<SeedLine> summarize(Compare.Run run) {
        List<SeedLine> out = new ArrayList<>();
        Map<String, long[]> base = run.policies().get("cache-disabled");
        Double baseAlloc = Compare.mean(base.get("cpu_ns_alloc"), SWITCH_MINUTE);
        Double baseFree = Compare.mean(base.get("cpu_ns_free"), SWITCH_MINUTE);
        for (var e : run.policies().entrySet()) {
            Map<String, long[]> m = e.getValue();
            Double alloc = Compare.mean(m.get("cpu_ns_alloc"), SWITCH_MINUTE);
            Double free = Compare.mean(m.get("cpu_ns_free"), SWITCH_MINUTE);
            out.add(new SeedLine(e.getKey(), meanBefore(m.get("flush_calls")),
                    Compare.mean(m.get("flush_calls"), SWITCH_MINUTE), Compare.mean(m.get("flush_issued"), SWITCH_MINUTE),
                    Compare.total(m.get("pool_pages"), true), ms(alloc), ms(free), change(alloc, baseAlloc),
                    change(free, baseFree), Compare.mean(m.get("iotlb_misses"), SWITCH_MINUTE)));
        }
        return out;
    }

    private static Double meanBefore(long[] v) {
        int n = Math.min(SWITCH_MINUTE, v.length);
        if (n == 0) {
            return null;
        }
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += v[i];
        }
        return s / n;
    }

    private static Double ms(Double ns) {
        return ns == null ? null : ns / 1e6;
    }

    private static Double change(Double v, Double base) {
        return v == null || base == null || base == 0 ? null : (v - base) * 100 / base;
    }

    /**
     * Moves the finished {@code work} folder to {@code target}. An earlier demo output there is
     * first moved aside, then only the files its manifest lists are removed (and the folders that
     * leaves empty): nothing else is ever deleted.
     */
    private static void replace(Path target, Path work, Manifest previous) {
        try {
            Path old = null;
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                if (previous == null) {
                    Files.delete(target); // an empty folder
                } else {
                    old = Temporaries.nameFor(target, "old");
                    Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
                    Temporaries.register(old);
                }
            }
            Files.move(work, target, StandardCopyOption.ATOMIC_MOVE);
            if (old != null) {
                Manifest.removeListed(old, previous);
                Temporaries.unregister(old);
            }
        } catch (IOException e) {
            throw new UserException("cannot move the demo's output into " + target + ": " + Failures.reason(e), e);
        }
    }
}
