package org.iosup.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.iosup.io.UserException;
import org.iosup.report.CsvTable;
import org.iosup.report.replay.ReplayReport;
import org.iosup.schema.TableSchema;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replays every trace of a fleet on Spark: one task per trace file, each reading its file once with
 * iosup's own reader and replaying it under every policy (as {@code iosup replay} does alone),
 * then writes the minute rows as a Parquet dataset partitioned by host and date
 * ({@code OUT/minutes/host=NAME/date=D/part-N.snappy.parquet}), the fleet summary
 * ({@code OUT/fleet-summary.csv}: per policy, the distribution across hosts), the traces that
 * failed ({@code OUT/failed.csv}) and the manifest, all appearing together at the end.
 */
public final class FleetReplay {
    public static final TableSchema SUMMARY = TableSchema.load("fleet-summary");
    public static final TableSchema FAILED = TableSchema.load("fleet-failed");
    /** The figures the summary gives the distribution of, across hosts. */
    static final List<String> FIGURES = List.of("flush_calls_per_min", "flush_issued_per_min", "pool_pages_peak",
            "cpu_ms_per_min", "iotlb_misses_per_min");
    /** The percentiles of the summary (nearest rank), besides the mean and the largest. */
    static final int[] PERCENTILES = {50, 90, 99};

    private FleetReplay() {
    }

    /** What a run did, for the command's printout and the tests. */
    public record Result(int traces, int failed, int hosts, long events, List<ReplayJob.Outcome> outcomes, double seconds) {
    }

    /** Replays the fleet at {@code fleet} into {@code out}; a failed trace stops everything when {@code failFast}. */
    public static Result run(SparkSession spark, String fleet, String out, ReplayJob job, boolean failFast) {
        long start = System.nanoTime();
        job.check();
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        List<FleetFiles.Trace> traces = FleetFiles.list(fleet, conf);
        try (FleetOutput output = FleetOutput.open(out, conf, "fleet-replay")) {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            HadoopConf hadoop = new HadoopConf(conf);
            JavaRDD<ReplayJob.Outcome> outcomes = jsc.parallelize(traces, traces.size())
                    .map(t -> replayOne(job, t, hadoop))
                    .persist(StorageLevel.MEMORY_AND_DISK());
            try {
                // The figures and failures, without the minute rows, to the driver.
                List<ReplayJob.Outcome> light = outcomes.map(o -> new ReplayJob.Outcome(o.trace(), o.error(), o.events(),
                        o.minutes(), o.policyNames(), new long[0][][], o.figures(), o.thread())).collect();
                List<ReplayJob.Outcome> failed = light.stream().filter(ReplayJob.Outcome::failed).toList();
                if (failFast && !failed.isEmpty()) {
                    ReplayJob.Outcome f = failed.get(0);
                    throw new UserException(f.trace().where() + ": " + f.error() + (failed.size() > 1
                            ? " (and " + (failed.size() - 1) + " more failed trace(s))" : "")
                            + "; --fail-fast: nothing was written");
                }
                writeMinutes(spark, outcomes, output);
                writeSummary(light, output);
                writeFailed(failed, output);
                long events = light.stream().mapToLong(ReplayJob.Outcome::events).sum();
                int hosts = (int) light.stream().filter(o -> !o.failed()).map(o -> o.trace().host()).distinct().count();
                Map<String, Object> params = job.parameters();
                Map<String, Object> results = new LinkedHashMap<>();
                results.put("traces", traces.size());
                results.put("failed", failed.size());
                results.put("hosts", hosts);
                results.put("events", events);
                output.commit(spark, fleet, params, failFast, results);
                return new Result(traces.size(), failed.size(), hosts, events, light, (System.nanoTime() - start) / 1e9);
            } finally {
                outcomes.unpersist(false);
            }
        }
    }

    /** The task: one trace replayed, or the reason it could not be. */
    static ReplayJob.Outcome replayOne(ReplayJob job, FleetFiles.Trace t, HadoopConf conf) {
        return FleetFiles.attempt(t, conf.get(), file -> job.replay(t, file));
    }

    /** The Spark schema of the minute rows: host, date, part, then replay's minutes.csv columns. */
    static StructType minuteSchema() {
        List<StructField> fields = new ArrayList<>();
        fields.add(DataTypes.createStructField("host", DataTypes.StringType, false));
        fields.add(DataTypes.createStructField("date", DataTypes.StringType, false));
        fields.add(DataTypes.createStructField("part", DataTypes.IntegerType, false));
        fields.add(DataTypes.createStructField("minute", DataTypes.IntegerType, false));
        fields.add(DataTypes.createStructField("policy", DataTypes.StringType, false));
        for (String c : metricColumns()) {
            fields.add(DataTypes.createStructField(c, DataTypes.LongType, false));
        }
        return DataTypes.createStructType(fields);
    }

    /** replay's minutes.csv columns after minute and policy (schemas/replay-minutes.schema.json). */
    static List<String> metricColumns() {
        List<String> all = ReplayReport.MINUTES.fieldNames();
        return all.subList(2, all.size());
    }

    private static void writeMinutes(SparkSession spark, JavaRDD<ReplayJob.Outcome> outcomes, FleetOutput output) {
        JavaRDD<Row> rows = outcomes.flatMap(o -> {
            List<Row> out = new ArrayList<>();
            for (int p = 0; p < o.rows().length; p++) {
                for (int minute = 0; minute < o.minutes(); minute++) {
                    long[] v = o.rows()[p][minute];
                    Object[] r = new Object[5 + v.length];
                    r[0] = o.trace().host();
                    r[1] = o.trace().date();
                    r[2] = o.trace().part();
                    r[3] = minute;
                    r[4] = o.policyNames().get(p);
                    for (int i = 0; i < v.length; i++) {
                        r[5 + i] = v[i];
                    }
                    out.add(RowFactory.create(r));
                }
            }
            return out.iterator();
        });
        Dataset<Row> df = spark.createDataFrame(rows, minuteSchema());
        Path dir = new Path(output.work(), "minutes");
        df.write().partitionBy("host", "date").parquet(dir.toString());
        renameParts(output.fs(), dir);
    }

    private static final Pattern SPARK_PART = Pattern.compile("part-(\\d+)-[0-9a-f-]{36}(\\.c\\d+)?(\\..*\\.parquet)");

    /** Spark names files part-N-UUID...; the same inputs should give the same names: part-N.codec.parquet. */
    private static void renameParts(FileSystem fs, Path dir) {
        try {
            for (FileStatus st : fs.listStatus(dir)) {
                if (st.isDirectory()) {
                    renameParts(fs, st.getPath());
                    continue;
                }
                Matcher m = SPARK_PART.matcher(st.getPath().getName());
                if (m.matches()) {
                    fs.rename(st.getPath(), new Path(st.getPath().getParent(), "part-" + m.group(1) + m.group(3)));
                }
            }
        } catch (IOException e) {
            throw new UserException("cannot name the files of " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * fleet-summary.csv: per policy, each figure per host (rates over all the host's minutes after
     * the warm-up, the pool's peak the largest), then its mean, percentiles and largest across hosts.
     */
    static void writeSummary(List<ReplayJob.Outcome> outcomes, FleetOutput output) {
        int traces = outcomes.size();
        long failedCount = outcomes.stream().filter(ReplayJob.Outcome::failed).count();
        try {
            java.nio.file.Path local = Files.createTempFile("iosup-fleet-summary", ".csv");
            try (CsvTable t = CsvTable.create(SUMMARY, local)) {
                for (var e : perHost(outcomes).entrySet()) {
                    Map<String, double[]> hosts = e.getValue();
                    List<Object> row = new ArrayList<>(List.of(e.getKey(), hosts.size(), traces - failedCount, failedCount));
                    for (int f = 0; f < FIGURES.size(); f++) {
                        double[] v = new double[hosts.size()];
                        int i = 0;
                        for (double[] h : hosts.values()) {
                            v[i++] = h[f];
                        }
                        row.addAll(Distribution.of(v).values());
                    }
                    t.row(row);
                }
            }
            output.put(local, "fleet-summary.csv");
        } catch (IOException e) {
            throw new UserException("cannot write fleet-summary.csv: " + e.getMessage(), e);
        }
    }

    /**
     * Per policy (in the order they first appear), each host's figures in FIGURES order, hosts in
     * name order: made in one pass over the outcomes, whatever the number of policies.
     */
    static Map<String, Map<String, double[]>> perHost(List<ReplayJob.Outcome> outcomes) {
        // minutes, then calls, issued, cpu and misses times minutes, and the peak
        Map<String, Map<String, double[]>> sums = new LinkedHashMap<>();
        for (var o : outcomes) {
            if (o.failed()) {
                continue;
            }
            for (ReplayJob.Figures f : o.figures()) {
                double[] s = sums.computeIfAbsent(f.policy(), p -> new TreeMap<>())
                        .computeIfAbsent(o.trace().host(), h -> new double[6]);
                double n = f.minutesAfterWarmup();
                s[0] += n;
                s[1] += f.flushCallsPerMin() * n;
                s[2] += f.flushIssuedPerMin() * n;
                s[3] = Math.max(s[3], f.poolPagesPeak());
                s[4] += f.cpuMsPerMin() * n;
                s[5] += f.iotlbMissesPerMin() * n;
            }
        }
        Map<String, Map<String, double[]>> out = new LinkedHashMap<>();
        for (var p : sums.entrySet()) {
            Map<String, double[]> hosts = new TreeMap<>();
            for (var e : p.getValue().entrySet()) {
                double[] s = e.getValue();
                double n = Math.max(1, s[0]);
                hosts.put(e.getKey(), new double[] {s[1] / n, s[2] / n, s[3], s[4] / n, s[5] / n});
            }
            out.put(p.getKey(), hosts);
        }
        return out;
    }

    static void writeFailed(List<ReplayJob.Outcome> failed, FleetOutput output) {
        try {
            java.nio.file.Path local = Files.createTempFile("iosup-fleet-failed", ".csv");
            try (CsvTable t = CsvTable.create(FAILED, local)) {
                for (var o : failed) {
                    t.row(Arrays.asList(o.trace().relative(), o.trace().host(), o.trace().date(), o.error()));
                }
            }
            output.put(local, "failed.csv");
        } catch (IOException e) {
            throw new UserException("cannot write failed.csv: " + e.getMessage(), e);
        }
    }
}
