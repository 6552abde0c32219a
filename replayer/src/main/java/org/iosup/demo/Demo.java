package org.iosup.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.iosup.analysis.Compare;
import org.iosup.cli.AnalyzeCommand;
import org.iosup.cli.CompareCommand;
import org.iosup.cli.VersionProvider;
import org.iosup.io.OutputFolder;
import org.iosup.io.UserException;
import org.iosup.model.CostModel;
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
import org.iosup.trace.BatchPipe;
import org.iosup.trace.parquet.ParquetTraceWriter;
import org.iosup.io.Hashes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

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
    /** The switch-on time of cache-dynamic-enabled: the busy flush rate settles after about 5 minutes (PAPER.md). */
    public static final int SWITCH_MINUTE = 5;
    /** The paper's measured netperf throughput, 88 Mb/s (PAPER.md): the NIC rate of the demo's traces. */
    public static final double NIC_GBPS = 0.088;
    public static final List<HypervisorProfile> PROFILES = List.of(HypervisorProfile.XEN_4_2_1, HypervisorProfile.XEN_4_2_4);
    public static final TableSchema SUMMARY = TableSchema.load("demo-summary");

    /** The demo's knobs (the defaults are the embedded ones). */
    public record Options(double minutes, double nicGbps, long seed, int threads) {
        public static Options defaults() {
            return new Options(30, NIC_GBPS, 1, Runtime.getRuntime().availableProcessors());
        }
    }

    /** One line of the summary. */
    public record Line(String setting, String profile, String group, Double callsBefore, Double callsAfter,
                       Double issuedAfter, long poolPeak, Double allocMs, Double freeMs, Double allocChange,
                       Double freeChange, Double missesAfter) {
    }

    private Demo() {
    }

    static List<PolicySpec> groups() {
        return List.of(PolicySpec.parse("disabled,name=cache-disabled"), PolicySpec.parse("pre-enabled,name=cache-pre-enabled"),
                PolicySpec.parse("dynamic@" + SWITCH_MINUTE + "m,name=cache-dynamic-enabled"));
    }

    /** Runs the demo into {@code target}; {@code step} is told each step as it starts. */
    public static List<Line> run(Path target, Options o, Consumer<String> step) {
        Path abs = target.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new UserException("output folder's parent does not exist: " + parent);
        }
        if (Files.exists(abs) && !isDemoOutput(abs)) {
            throw new UserException(target + " exists and is not a demo output; remove it or give another -o");
        }
        Path work;
        try {
            work = Files.createTempDirectory(parent, "." + abs.getFileName() + ".");
        } catch (IOException e) {
            throw new UserException("cannot create a folder in " + parent + " (" + e.getMessage() + ")", e);
        }
        boolean done = false;
        try {
            List<Line> lines = build(work, o, step);
            replace(abs, work);
            done = true;
            return lines;
        } finally {
            if (!done) {
                deleteTree(work);
            }
        }
    }

    private static List<Line> build(Path work, Options o, Consumer<String> step) {
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("tool", Map.of("name", "iosup", "version", VersionProvider.version()));
        manifest.put("command", "demo");
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("minutes", o.minutes());
        params.put("nic_gbps", o.nicGbps());
        params.put("seed", o.seed());
        params.put("groups", GROUPS);
        params.put("dynamic_switch_minute", SWITCH_MINUTE);
        params.put("profiles", PROFILES.stream().map(HypervisorProfile::name).toList());
        manifest.put("parameters", params);
        Map<String, Object> inputs = new LinkedHashMap<>();
        List<Line> lines = new ArrayList<>();
        Path traces = work.resolve("traces");
        mkdirs(traces);
        for (String setting : List.of("busy", "idle")) {
            step.accept("synth " + setting);
            Path trace = traces.resolve(setting + ".parquet");
            SynthParams d = SynthParams.defaults(setting);
            SynthParams p = new SynthParams(setting, o.minutes(), o.seed(), d.paging(), d.creationsPerMin(),
                    d.iterationMin(), d.lifetimeExponent(), d.minLifetimeS(), d.execShare(), d.browserMb(),
                    d.bootProcesses(), d.daemons(), d.decayMin(), d.busyAfterMin(), o.nicGbps(), d.packetBytes(),
                    d.rxShare(), d.ringEntries(), d.diskMbps(), d.diskRequestKb(), d.cpus());
            try (SyntheticTrace src = new SyntheticTrace(p);
                 ParquetTraceWriter w = ParquetTraceWriter.create(trace, CompressionCodecName.ZSTD, src.metadata())) {
                BatchPipe.copy(src, w::write);
                w.commit();
            }
            inputs.put(setting, Map.of("path", work.relativize(trace).toString(), "sha256", Hashes.sha256(trace)));
            List<Compare.Run> runs = new ArrayList<>();
            for (HypervisorProfile profile : PROFILES) {
                if (setting.equals("idle") && profile != HypervisorProfile.XEN_4_2_1) {
                    continue;
                }
                step.accept("replay " + setting + " " + profile.name());
                Path dir = work.resolve(setting).resolve(profile.name());
                ReplayResult r = Replay.run(new ReplayConfig(trace, groups(), profile, null, IommuConfig.DEFAULT,
                        CostModel.DEFAULT, o.threads(), true), null);
                try (OutputFolder out = OutputFolder.open(dir)) {
                    ReplayReport.write(r, out, Hashes.sha256(trace), "../../traces/" + setting + ".parquet");
                    out.commit();
                }
                step.accept("plot " + setting + " " + profile.name());
                try (OutputFolder out = OutputFolder.open(dir)) {
                    Plots.plot(dir, out, 1600, 900, SWITCH_MINUTE);
                    out.commit();
                }
                Compare.Run run = Compare.read(dir, setting + "/" + profile.name());
                runs.add(run);
                lines.addAll(summarize(setting, profile.name(), run));
            }
            step.accept("analyze " + setting);
            Path analysis = work.resolve(setting).resolve("analysis");
            try (OutputFolder out = OutputFolder.open(analysis)) {
                AnalyzeCommand.analyze(trace, out, x -> { });
                out.commit();
            }
            try (OutputFolder out = OutputFolder.open(analysis)) {
                Plots.plot(analysis, out, 1600, 900, SWITCH_MINUTE);
                out.commit();
            }
            step.accept("compare " + setting);
            try (OutputFolder out = OutputFolder.open(work.resolve(setting))) {
                CompareCommand.write(Compare.compare(runs, null, SWITCH_MINUTE, Compare.DEFAULT_METRICS), out);
                out.commit();
            }
        }
        manifest.put("inputs", inputs);
        try (OutputFolder out = OutputFolder.open(work)) {
            try (CsvTable t = CsvTable.create(SUMMARY, out.file("summary.csv").temp())) {
                for (Line l : lines) {
                    t.row(java.util.Arrays.asList(l.setting(), l.profile(), l.group(), l.callsBefore(), l.callsAfter(),
                            l.issuedAfter(), l.poolPeak(), l.allocMs(), l.freeMs(), l.allocChange(), l.freeChange(),
                            l.missesAfter()));
                }
            }
            manifest.put("outputs", List.of("summary.csv", "traces/", "busy/", "idle/"));
            Files.writeString(out.file("manifest.json").temp(),
                    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(manifest) + "\n");
            out.commit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return lines;
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

    private static boolean isDemoOutput(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> s = Files.list(dir)) {
            if (s.findAny().isEmpty()) {
                return true;
            }
        } catch (IOException e) {
            return false;
        }
        Path m = dir.resolve("manifest.json");
        try {
            return Files.isRegularFile(m) && new ObjectMapper().readTree(m.toFile()).path("command").asText().equals("demo");
        } catch (IOException e) {
            return false;
        }
    }

    private static void replace(Path target, Path work) {
        try {
            Path old = null;
            if (Files.exists(target)) {
                old = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".old.");
                Files.delete(old);
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(work, target, StandardCopyOption.ATOMIC_MOVE);
            if (old != null) {
                deleteTree(old);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move the demo's output into " + target, e);
        }
    }

    private static void mkdirs(Path p) {
        try {
            Files.createDirectories(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // Best effort: a hidden temporary folder may stay.
        }
    }
}
