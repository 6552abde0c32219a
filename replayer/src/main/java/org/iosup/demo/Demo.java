package org.iosup.demo;

import org.iosup.analysis.Compare;
import org.iosup.cli.AnalyzeCommand;
import org.iosup.cli.CompareCommand;
import org.iosup.io.AtomicOutput;
import org.iosup.io.Failures;
import org.iosup.io.Manifest;
import org.iosup.io.OutputFolder;
import org.iosup.io.Temporaries;
import org.iosup.io.UserException;
import org.iosup.model.CostProfile;
import org.iosup.model.vtd.IommuConfig;
import org.iosup.model.xen.HypervisorProfile;
import org.iosup.replay.PolicySpec;
import org.iosup.replay.Replay;
import org.iosup.replay.ReplayConfig;
import org.iosup.replay.ReplayResult;
import org.iosup.replay.report.ReplayReport;
import org.iosup.report.CsvTable;
import org.iosup.report.chart.Plots;
import org.iosup.schema.TableSchema;
import org.iosup.synth.SynthParams;
import org.iosup.synth.SyntheticTrace;
import org.iosup.io.Hashes;

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

    /** The demo's knobs (the defaults are the embedded ones); a null NIC rate is each preset's own. */
    public record Options(double minutes, Double nicGbps, long seed, int threads, CostProfile costs) {
        public static Options defaults() {
            return new Options(30, null, 1, Runtime.getRuntime().availableProcessors(), CostProfile.standard());
        }
    }

    /** One line of the summary. */
    public record Line(String setting, String profile, String group, Double callsBefore, Double callsAfter,
                       Double issuedAfter, long poolPeak, Double allocMs, Double freeMs, Double allocChange,
                       Double freeChange, Double missesAfter) {
    }

    /** What the demo found: the summary's lines and the paper beside the model. */
    public record Result(List<Line> lines, List<PaperTable.Row> paper) {
    }

    private Demo() {
    }

    static List<PolicySpec> groups() {
        return List.of(PolicySpec.parse("disabled,name=cache-disabled"), PolicySpec.parse("pre-enabled,name=cache-pre-enabled"),
                PolicySpec.parse("dynamic@" + SWITCH_MINUTE + "m,name=cache-dynamic-enabled"));
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
            Files.createDirectory(work);
        } catch (IOException e) {
            throw new UserException("cannot create a folder in " + parent + ": " + Failures.reason(e), e);
        }
        Temporaries.register(work);
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
        params.put("costs", o.costs().describe());
        params.put("groups", GROUPS);
        params.put("dynamic_switch_minute", SWITCH_MINUTE);
        params.put("profiles", PROFILES.stream().map(HypervisorProfile::name).toList());
        manifest.put("parameters", params);
        Map<String, Object> inputs = new LinkedHashMap<>();
        List<Line> lines = new ArrayList<>();
        Map<String, Compare.Run> byName = new LinkedHashMap<>();
        ReplayResult busyPaper = null; // busy on the paper's xen-4.2.1: the NIC's throughput for paper.csv
        Path traces = work.resolve("traces");
        try {
            Files.createDirectory(traces);
        } catch (IOException e) {
            throw new UserException("cannot create " + traces + ": " + Failures.reason(e), e);
        }
        for (String setting : List.of("busy", "idle")) {
            step.accept("synth " + setting);
            Trace trace = synthesize(work, traces, setting,
                    SynthParams.defaults(setting).with(o.minutes(), o.seed(), o.nicGbps()).validate(), inputs);
            List<Compare.Run> runs = new ArrayList<>();
            for (HypervisorProfile profile : PROFILES) {
                if (setting.equals("idle") && profile != HypervisorProfile.XEN_4_2_1) {
                    continue;
                }
                step.accept("replay " + setting + " " + profile.name());
                Path dir = work.resolve(setting).resolve(profile.name());
                ReplayResult r = replay(trace, groups(), profile, o, dir);
                if (setting.equals("busy") && profile == HypervisorProfile.XEN_4_2_1) {
                    busyPaper = r;
                }
                step.accept("plot " + setting + " " + profile.name());
                try (OutputFolder out = OutputFolder.open(dir, "plot", Plots.PLOTTED)) {
                    Plots.plot(dir, out, 1600, 900, SWITCH_MINUTE);
                    out.commit();
                }
                Compare.Run run = Compare.read(dir, setting + "/" + profile.name());
                runs.add(run);
                byName.put(setting + "/" + profile.name(), run);
                lines.addAll(summarize(setting, profile.name(), run));
            }
            step.accept("analyze " + setting);
            Path analysis = work.resolve(setting).resolve("analysis");
            try (OutputFolder out = OutputFolder.open(analysis, "analyze")) {
                AnalyzeCommand.analyze(trace.file(), out, x -> { });
                out.commit();
            }
            try (OutputFolder out = OutputFolder.open(analysis, "plot", Plots.PLOTTED)) {
                Plots.plot(analysis, out, 1600, 900, SWITCH_MINUTE);
                out.commit();
            }
            step.accept("compare " + setting);
            try (AtomicOutput out = AtomicOutput.create(work.resolve(setting).resolve("compare.csv"))) {
                CompareCommand.write(Compare.compare(runs, null, SWITCH_MINUTE, Compare.DEFAULT_METRICS), out.temp());
                out.commit();
            }
        }
        ReplayResult forkExit = forkExit(work, traces, o, inputs, step);
        manifest.put("inputs", inputs);
        List<PaperTable.Row> paper = PaperTable.rows(byName.get("busy/" + HypervisorProfile.XEN_4_2_1.name()),
                byName.get("idle/" + HypervisorProfile.XEN_4_2_1.name()), forkExit, o.costs(), SWITCH_MINUTE,
                busyPaper);
        try (AtomicOutput out = AtomicOutput.create(work.resolve("paper.csv"))) {
            PaperTable.write(paper, out.temp());
            out.commit();
        }
        try (AtomicOutput out = AtomicOutput.create(work.resolve("summary.csv"))) {
            try (CsvTable t = CsvTable.create(SUMMARY, out.temp())) {
                for (Line l : lines) {
                    t.row(java.util.Arrays.asList(l.setting(), l.profile(), l.group(), l.callsBefore(), l.callsAfter(),
                            l.issuedAfter(), l.poolPeak(), l.allocMs(), l.freeMs(), l.allocChange(), l.freeChange(),
                            l.missesAfter()));
                }
            }
            out.commit();
        }
        // The demo's manifest lists every file of the tree, so that a later demo knows what it may replace.
        Manifest.write(work, "demo", manifest, Manifest.filesUnder(work));
        return new Result(lines, paper);
    }

    /**
     * lmbench's fork+exit: the fork-exit preset (one minute, the demo's seed) replayed under
     * cache-disabled and cache-pre-enabled on xen-4.2.1, into {@code fork-exit/xen-4.2.1}.
     */
    private static ReplayResult forkExit(Path work, Path traces, Options o, Map<String, Object> inputs,
                                         Consumer<String> step) {
        step.accept("synth fork-exit");
        Trace trace = synthesize(work, traces, "fork-exit", SynthParams.defaults("fork-exit").with(1, o.seed(), null)
                .validate(), inputs);
        step.accept("replay fork-exit xen-4.2.1");
        HypervisorProfile profile = HypervisorProfile.XEN_4_2_1;
        return replay(trace, groups().subList(0, 2), profile, o, work.resolve("fork-exit").resolve(profile.name()));
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

    /** Replays {@code trace} under {@code policies} and writes the replay's outputs into {@code dir}. */
    private static ReplayResult replay(Trace trace, List<PolicySpec> policies, HypervisorProfile profile, Options o,
                                       Path dir) {
        ReplayResult r = Replay.run(new ReplayConfig(trace.file(), policies, profile, null, IommuConfig.DEFAULT.withUnits(o.costs().platform().iommuUnits()),
                o.costs(), o.threads(), true), null);
        try (OutputFolder out = OutputFolder.open(dir, "replay")) {
            ReplayReport.write(r, out, trace.sha256(), "../../traces/" + trace.name() + ".parquet");
            out.commit();
        }
        return r;
    }

    private static List<Line> summarize(String setting, String profile, Compare.Run run) {
        List<Line> out = new ArrayList<>();
        Map<String, long[]> base = run.policies().get("cache-disabled");
        Double baseAlloc = Compare.mean(base.get("cpu_ns_alloc"), SWITCH_MINUTE);
        Double baseFree = Compare.mean(base.get("cpu_ns_free"), SWITCH_MINUTE);
        for (var e : run.policies().entrySet()) {
            Map<String, long[]> m = e.getValue();
            Double alloc = Compare.mean(m.get("cpu_ns_alloc"), SWITCH_MINUTE);
            Double free = Compare.mean(m.get("cpu_ns_free"), SWITCH_MINUTE);
            out.add(new Line(setting, profile, e.getKey(), meanBefore(m.get("flush_calls")),
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
