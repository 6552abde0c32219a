package org.iosup.spark;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.iosup.fleet.FleetLayout;
import org.iosup.fleet.FleetMake;
import org.iosup.io.UserException;
import org.iosup.model.CostProfile;
import org.iosup.model.pool.PolicySpec;
import org.iosup.model.vtd.IommuConfig;
import org.iosup.model.xen.HypervisorProfile;
import org.iosup.replay.PolicyModel;
import org.iosup.replay.Replay;
import org.iosup.replay.ReplayConfig;
import org.iosup.replay.ReplayResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * fleet replay on a real local Spark with two executor threads: every trace is replayed inside a
 * Spark task by iosup's own (relocated) engine, and its minute rows equal, row for row, a replay
 * of that trace alone; bad files are reported and do not stop the others.
 */
class FleetReplayTest {
    private static final List<String> POLICIES = List.of("disabled", "pre-enabled",
            "dynamic@30s,shrink-total=8,name=dyn");

    @TempDir
    static Path dir;
    static Path fleet;
    static SparkSession spark;

    @BeforeAll
    static void start() {
        fleet = dir.resolve("fleet");
        List<FleetMake.Host> hosts = FleetMake.plan(4, 1.5, List.of("busy", "idle"), 7, LocalDate.of(2026, 1, 2));
        FleetMake.write(hosts, fleet, 2, h -> { });
        spark = LocalSpark.start();
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    private static ReplayJob job() {
        return new ReplayJob(POLICIES, "xen-4.2.1", null, CostProfile.DEFAULT_NAME, List.of(), false, 0);
    }

    /** replay's minute rows of one trace alone, keyed "policy minute", the metrics as replay computes them. */
    private static Map<String, long[]> alone(Path trace) {
        List<PolicySpec> specs = POLICIES.stream().map(PolicySpec::parse).toList();
        CostProfile costs = CostProfile.standard();
        ReplayResult r = Replay.run(new ReplayConfig(trace, specs, HypervisorProfile.XEN_4_2_1, null,
                IommuConfig.DEFAULT.withUnits(costs.platform().iommuUnits()), costs, 1, false), null);
        Map<String, long[]> out = new TreeMap<>();
        for (PolicyModel m : r.policies()) {
            for (int minute = 0; minute < r.minutes(); minute++) {
                out.put(m.spec().name() + " " + minute, m.series().row(minute));
            }
        }
        return out;
    }

    /** The minute rows Spark wrote for {@code host}, read back with Spark, keyed as {@link #alone}. */
    private static Map<String, long[]> written(Path out, String host) {
        Dataset<Row> df = spark.read().parquet(out.resolve("minutes").toString()).where("host = '" + host + "'");
        List<String> metrics = FleetReplay.metricColumns();
        Map<String, long[]> rows = new TreeMap<>();
        for (Row r : df.collectAsList()) {
            long[] v = new long[metrics.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = r.getLong(r.fieldIndex(metrics.get(i)));
            }
            assertThat(r.getInt(r.fieldIndex("part"))).isZero();
            rows.put(r.getString(r.fieldIndex("policy")) + " " + r.getInt(r.fieldIndex("minute")), v);
        }
        return rows;
    }

    private static List<CSVRecord> csv(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file)) {
            return CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(r).getRecords();
        }
    }

    @Test
    void everyTraceIsReplayedInASparkTaskAndGivesWhatItsReplayAloneGives() throws IOException {
        Path out = dir.resolve("out");
        FleetReplay.Result r = FleetReplay.run(spark, fleet.toString(), out.toString(), job(), false);
        assertThat(r.traces()).isEqualTo(4);
        assertThat(r.failed()).isZero();
        // The engine ran in Spark's executor threads, not on the driver's.
        assertThat(r.outcomes()).allMatch(o -> o.thread().startsWith("Executor task launch worker"), "run in tasks");
        for (FleetLayout.Part p : FleetLayout.list(fleet)) {
            Map<String, long[]> expected = alone(fleet.resolve(p.relative()));
            Map<String, long[]> got = written(out, p.host());
            assertThat(got.keySet()).as(p.host()).isEqualTo(expected.keySet());
            for (var e : expected.entrySet()) {
                assertThat(got.get(e.getKey())).as(p.host() + " " + e.getKey()).containsExactly(e.getValue());
            }
        }
        // The summary: per policy, across the 4 hosts; the disabled baseline flushes, the pools less.
        List<CSVRecord> summary = csv(out.resolve("fleet-summary.csv"));
        assertThat(summary).extracting(x -> x.get("policy")).containsExactly("disabled", "pre-enabled", "dyn");
        assertThat(summary).allMatch(x -> x.get("hosts").equals("4") && x.get("traces").equals("4")
                && x.get("failed_traces").equals("0"));
        double disabled = Double.parseDouble(summary.get(0).get("flush_calls_per_min_mean"));
        double pooled = Double.parseDouble(summary.get(1).get("flush_calls_per_min_mean"));
        assertThat(disabled).isGreaterThan(10 * pooled);
        for (CSVRecord s : summary) {
            double p50 = Double.parseDouble(s.get("flush_calls_per_min_p50"));
            double max = Double.parseDouble(s.get("flush_calls_per_min_max"));
            assertThat(p50).isLessThanOrEqualTo(Double.parseDouble(s.get("flush_calls_per_min_p90"))).isLessThanOrEqualTo(max);
        }
        assertThat(csv(out.resolve("failed.csv"))).isEmpty();
        String manifest = Files.readString(out.resolve("manifest.json"));
        assertThat(manifest).contains("\"command\" : \"fleet-replay\"", "\"traces\" : 4",
                "minutes/host=host-003/date=2026-01-02/part-00003.snappy.parquet");
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.map(x -> x.getFileName().toString())).noneMatch(n -> n.contains("iosup-tmp"));
        }
    }

    @Test
    void aFileThatIsNotATraceIsReportedWithItsHostAndTheOthersGoOnUnlessFailFast() throws IOException {
        Path bad = dir.resolve("bad-fleet");
        copyTree(fleet, bad);
        Files.createDirectories(bad.resolve("host=broken/date=2026-01-02"));
        Files.writeString(bad.resolve("host=broken/date=2026-01-02/part-0.parquet"), "not parquet at all");
        Files.writeString(bad.resolve("host=host-000/notes.txt"), "a stray file");

        Path out = dir.resolve("bad-out");
        FleetReplay.Result r = FleetReplay.run(spark, bad.toString(), out.toString(), job(), false);
        assertThat(r.traces()).isEqualTo(6);
        assertThat(r.failed()).isEqualTo(2);
        List<CSVRecord> failed = csv(out.resolve("failed.csv"));
        assertThat(failed).extracting(x -> x.get("path") + " | " + x.get("host")).containsExactly(
                "host=broken/date=2026-01-02/part-0.parquet | broken", "host=host-000/notes.txt | host-000");
        assertThat(failed.get(0).get("error")).isNotEmpty();
        assertThat(failed.get(1).get("error")).contains("not where a fleet keeps its traces");
        assertThat(csv(out.resolve("fleet-summary.csv"))).allMatch(x -> x.get("hosts").equals("4")
                && x.get("failed_traces").equals("2"));

        Path strict = dir.resolve("strict-out");
        assertThatThrownBy(() -> FleetReplay.run(spark, bad.toString(), strict.toString(), job(), true))
                .isInstanceOf(UserException.class).hasMessageContaining("host broken, host=broken/date=2026-01-02/part-0.parquet")
                .hasMessageContaining("nothing was written");
        assertThat(strict).doesNotExist();
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.map(x -> x.getFileName().toString())).noneMatch(n -> n.contains("iosup-tmp"));
        }
    }

    @Test
    void aTraceWrittenBySparkIsReadByIosupsEngineInATaskAsTheOriginal() throws IOException {
        Path original = fleet.resolve(FleetLayout.list(fleet).get(0).relative());
        Path sparkFleet = dir.resolve("spark-written");
        Path staging = dir.resolve("staging");
        spark.read().parquet(original.toString()).coalesce(1).write().parquet(staging.toString());
        Path part;
        try (Stream<Path> files = Files.list(staging)) {
            part = files.filter(f -> f.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
        }
        // Written by Spark's own parquet-java (1.17.0 for Spark 4.2.0), not iosup's relocated 1.18.1.
        assertThat(org.apache.parquet.Version.VERSION_NUMBER).isEqualTo("1.17.0");
        assertThat(new String(Files.readAllBytes(part), java.nio.charset.StandardCharsets.ISO_8859_1))
                .contains("parquet-mr version 1.17.0").contains("org.apache.spark.version");
        Path target = sparkFleet.resolve("host=sparky/date=2026-01-02/part-0.parquet");
        Files.createDirectories(target.getParent());
        Files.copy(part, target);
        // Spark keeps no key-value metadata of the original: the paging is given as the original's.
        ReplayJob pae = new ReplayJob(POLICIES, "xen-4.2.1", "pae", CostProfile.DEFAULT_NAME, List.of(), false, 0);
        Path out = dir.resolve("spark-written-out");
        FleetReplay.Result r = FleetReplay.run(spark, sparkFleet.toString(), out.toString(), pae, true);
        assertThat(r.failed()).isZero();
        Map<String, long[]> expected = alone(original);
        Map<String, long[]> got = written(out, "sparky");
        assertThat(got.keySet()).isEqualTo(expected.keySet());
        for (var e : expected.entrySet()) {
            assertThat(got.get(e.getKey())).as(e.getKey()).containsExactly(e.getValue());
        }
    }

    @Test
    void anOutputFolderThatIosupDidNotWriteIsRefusedAndLeftAlone() throws IOException {
        Path mine = dir.resolve("mine");
        Files.createDirectories(mine);
        Files.writeString(mine.resolve("notes.txt"), "keep me");
        assertThatThrownBy(() -> FleetReplay.run(spark, fleet.toString(), mine.toString(), job(), false))
                .isInstanceOf(UserException.class).hasMessageContaining("holds notes.txt, which iosup did not write");
        assertThat(Files.readString(mine.resolve("notes.txt"))).isEqualTo("keep me");
        List<String> bad = new ArrayList<>(List.of("disabled", "disabled"));
        assertThatThrownBy(() -> new ReplayJob(bad, "xen-4.2.1", null, CostProfile.DEFAULT_NAME, List.of(), false, 0).check())
                .isInstanceOf(UserException.class).hasMessageContaining("two policies are named 'disabled'");
    }

    /** fleet sweep cuts each trace's policies into chunks over tasks and gives what iosup sweep gives each trace alone. */
    @Test
    void aSweepInChunksOfPoliciesGivesEachTraceWhatItsSweepAloneGives() throws IOException {
        List<PolicySpec> specs = org.iosup.sweep.Grid.specs(List.of("dynamic@{30s,1m},shrink-total={4,16}"), List.of("disabled"));
        ReplayJob job = new ReplayJob(List.of(), "xen-4.2.1", null, CostProfile.DEFAULT_NAME, List.of(), false, 0);
        Path out = dir.resolve("sweep-out");
        FleetSweep.Result r = FleetSweep.run(spark, fleet.toString(), out.toString(), specs, job, 2, false);
        assertThat(r.tasks()).isEqualTo(4 * 3);
        assertThat(r.failed()).isZero();
        List<CSVRecord> rows = csv(out.resolve("traces.csv"));
        assertThat(rows).hasSize(4 * 5);
        CostProfile costs = CostProfile.standard();
        for (FleetLayout.Part p : FleetLayout.list(fleet)) {
            ReplayConfig config = new ReplayConfig(fleet.resolve(p.relative()), specs, HypervisorProfile.XEN_4_2_1, null,
                    IommuConfig.DEFAULT.withUnits(costs.platform().iommuUnits()), costs, 1, false);
            List<org.iosup.sweep.PolicySweep.Row> alone = org.iosup.sweep.PolicySweep.run(config, specs, List.of(64), 0, null);
            List<CSVRecord> mine = rows.stream().filter(x -> x.get("host").equals(p.host())).toList();
            assertThat(mine).extracting(x -> x.get("policy")).containsExactlyElementsOf(specs.stream().map(PolicySpec::spec).toList());
            for (int i = 0; i < alone.size(); i++) {
                assertThat(Double.parseDouble(mine.get(i).get("flush_calls_per_min"))).as(p.host() + " " + specs.get(i))
                        .isCloseTo(alone.get(i).flushCallsPerMin(), org.assertj.core.data.Offset.offset(1e-4));
                assertThat(Long.parseLong(mine.get(i).get("pool_pages_peak"))).isEqualTo(alone.get(i).poolPagesPeak());
                assertThat(Long.parseLong(mine.get(i).get("pool_releases"))).isEqualTo(alone.get(i).poolReleases());
            }
        }
        assertThat(csv(out.resolve("fleet-summary.csv"))).extracting(x -> x.get("policy") + " " + x.get("hosts"))
                .containsExactlyElementsOf(specs.stream().map(s -> s.name() + " 4").toList());
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }
}
