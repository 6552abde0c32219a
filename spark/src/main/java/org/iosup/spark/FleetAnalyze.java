package org.iosup.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.iosup.io.UserException;
import org.iosup.report.CsvTable;
import org.iosup.schema.TableSchema;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A census of a fleet with Spark SQL over its Parquet files, no replay: per host and day, what
 * {@code iosup analyze} counts over the whole trace (processes, page-table pages, type changes,
 * mmu_update calls and entries, IOMMU maps and unmaps, flushes, DMA), and the same for the whole
 * fleet. A file that is not Parquet (or sits outside the layout) is listed in failed.csv.
 */
public final class FleetAnalyze {
    public static final TableSchema HOSTS = TableSchema.load("fleet-hosts");
    /** The counters, as SQL over one event: analyze's names (schemas/analyze-minutes.schema.json). */
    static final Map<String, String> COUNTERS = counters();

    private FleetAnalyze() {
    }

    private static Map<String, String> counters() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("proc_creates", "kind = 'PROC_CREATE'");
        m.put("proc_execs", "kind = 'PROC_EXEC'");
        m.put("proc_exits", "kind = 'PROC_EXIT'");
        m.put("pt_allocs", "kind = 'PT_ALLOC'");
        m.put("pt_frees", "kind = 'PT_FREE'");
        m.put("pt_pins", "kind = 'PT_PIN'");
        m.put("pt_unpins", "kind = 'PT_UNPIN'");
        m.put("type_changes", "kind = 'TYPE_CHANGE'");
        m.put("mmu_updates", "kind = 'MMU_UPDATE'");
        m.put("iommu_maps", "kind = 'IOMMU_MAP'");
        m.put("iommu_unmaps", "kind = 'IOMMU_UNMAP'");
        m.put("iotlb_flushes", "kind = 'IOTLB_FLUSH'");
        m.put("dma_accesses", "kind = 'DMA'");
        return m;
    }

    /** What a census found. */
    public record Result(int traces, int failed, long events, int hosts, double seconds) {
    }

    public static Result run(SparkSession spark, String fleet, String out, boolean failFast) {
        long start = System.nanoTime();
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        List<FleetFiles.Trace> traces = FleetFiles.list(fleet, conf);
        try (FleetOutput output = FleetOutput.open(out, conf, "fleet-analyze")) {
            HadoopConf hadoop = new HadoopConf(conf);
            List<String[]> checks = JavaSparkContext.fromSparkContext(spark.sparkContext())
                    .parallelize(traces, Math.max(1, traces.size())).map(t -> new String[] {t.uri(), check(t, hadoop)})
                    .collect();
            List<String> good = new ArrayList<>();
            List<String[]> failed = new ArrayList<>();
            for (int i = 0; i < traces.size(); i++) {
                FleetFiles.Trace t = traces.get(i);
                if (checks.get(i)[1] == null) {
                    good.add(t.uri());
                } else {
                    failed.add(new String[] {t.relative(), t.host(), t.date(), checks.get(i)[1]});
                }
            }
            if (failFast && !failed.isEmpty()) {
                throw new UserException((failed.get(0)[1] == null ? "" : "host " + failed.get(0)[1] + ", ")
                        + failed.get(0)[0] + ": " + failed.get(0)[3] + "; --fail-fast: nothing was written");
            }
            List<Row> hosts;
            try {
                hosts = good.isEmpty() ? List.of() : census(spark, fleet, good, conf);
            } catch (Exception e) { // Spark's AnalysisException and SparkException, checked but undeclared
                // A Parquet file that is not an events trace (a column missing or of another type).
                if (e instanceof UserException u) {
                    throw u;
                }
                throw new UserException("cannot count the fleet's traces: " + firstLine(e.getMessage())
                        + " (every file must be an iosup trace, schemas/events.schema.json)", e);
            }
            long events = 0;
            try {
                java.nio.file.Path local = Files.createTempFile("iosup-fleet-hosts", ".csv");
                try (CsvTable t = CsvTable.create(HOSTS, local)) {
                    long[] total = new long[3 + COUNTERS.size() + 3]; // traces, events, minutes; the counters; entries and bytes
                    for (Row r : hosts) {
                        List<Object> row = new ArrayList<>(List.of(r.getString(0), r.getString(1)));
                        for (int i = 0; i < total.length; i++) {
                            long v = r.getLong(2 + i);
                            total[i] += v;
                            row.add(v);
                        }
                        t.row(row);
                    }
                    events = total[1];
                    List<Object> all = new ArrayList<>(Arrays.asList("*", "*"));
                    for (long v : total) {
                        all.add(v);
                    }
                    t.row(all);
                }
                output.put(local, "hosts.csv");
                java.nio.file.Path f = Files.createTempFile("iosup-fleet-failed", ".csv");
                try (CsvTable t = CsvTable.create(FleetReplay.FAILED, f)) {
                    for (String[] x : failed) {
                        t.row(Arrays.asList((Object[]) x));
                    }
                }
                output.put(f, "failed.csv");
            } catch (IOException e) {
                throw new UserException("cannot write the census: " + e.getMessage(), e);
            }
            int hostCount = (int) hosts.stream().map(r -> r.getString(0)).distinct().count();
            Map<String, Object> results = new LinkedHashMap<>();
            results.put("traces", traces.size());
            results.put("failed", failed.size());
            results.put("hosts", hostCount);
            results.put("events", events);
            output.commit(spark, fleet, Map.of(), failFast, results);
            return new Result(traces.size(), failed.size(), events, hostCount, (System.nanoTime() - start) / 1e9);
        }
    }

    /** Why a file cannot be read as a trace (not in the layout, not Parquet), or null. */
    static String check(FleetFiles.Trace t, HadoopConf conf) {
        if (t.host() == null || t.date() == null) {
            return "not where a fleet keeps its traces (host=NAME/date=YYYY-MM-DD/part-N.parquet; schemas/fleet.md)";
        }
        try {
            Path p = new Path(t.uri());
            FileSystem fs = p.getFileSystem(conf.get());
            long n = fs.getFileStatus(p).getLen();
            if (n < 12) {
                return "not a Parquet file: " + n + " bytes";
            }
            byte[] head = new byte[4];
            byte[] tail = new byte[4];
            try (FSDataInputStream in = fs.open(p)) {
                in.readFully(0, head);
                in.readFully(n - 4, tail);
            }
            if (!Arrays.equals(head, "PAR1".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                    || !Arrays.equals(tail, "PAR1".getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
                return "not a Parquet file (no PAR1 magic at its start and end)";
            }
            return null;
        } catch (IOException e) {
            return "cannot read it: " + e.getMessage();
        }
    }

    /** Per host and day, in order: host, date, traces, events, minutes, the counters, mmu_update_entries, dma_bytes, dma_write_bytes. */
    private static List<Row> census(SparkSession spark, String fleet, List<String> files, Configuration conf) {
        String base;
        try {
            Path root = new Path(fleet);
            base = root.getFileSystem(conf).makeQualified(root).toString();
        } catch (IOException e) {
            throw new UserException("cannot read " + fleet + ": " + e.getMessage(), e);
        }
        Dataset<Row> events = spark.read().option("basePath", base)
                .option("recursiveFileLookup", "false").parquet(files.toArray(new String[0]));
        events.createOrReplaceTempView("iosup_events");
        StringBuilder perFile = new StringBuilder("SELECT host, date, input_file_name() AS file, count(*) AS events,"
                + " CAST(floor(max(ts_ns) / 60000000000) + 1 AS BIGINT) AS minutes");
        for (var c : COUNTERS.entrySet()) {
            perFile.append(", sum(CASE WHEN ").append(c.getValue()).append(" THEN 1 ELSE 0 END) AS ").append(c.getKey());
        }
        perFile.append(", sum(CASE WHEN kind = 'MMU_UPDATE' THEN coalesce(count, 0) ELSE 0 END) AS mmu_update_entries")
                .append(", sum(CASE WHEN kind = 'DMA' THEN coalesce(bytes, 0) ELSE 0 END) AS dma_bytes")
                .append(", sum(CASE WHEN kind = 'DMA' AND coalesce(write, false) THEN coalesce(bytes, 0) ELSE 0 END)")
                .append(" AS dma_write_bytes FROM iosup_events GROUP BY host, date, input_file_name()");
        StringBuilder perHost = new StringBuilder("SELECT host, date, count(*) AS traces, sum(events), sum(minutes)");
        for (String c : COUNTERS.keySet()) {
            perHost.append(", sum(").append(c).append(")");
        }
        perHost.append(", sum(mmu_update_entries), sum(dma_bytes), sum(dma_write_bytes) FROM (").append(perFile)
                .append(") GROUP BY host, date ORDER BY host, date");
        List<Row> rows = new ArrayList<>();
        for (Row r : spark.sql(perHost.toString()).collectAsList()) {
            Object[] v = new Object[r.length()];
            v[0] = String.valueOf(r.get(0));
            v[1] = String.valueOf(r.get(1));
            for (int i = 2; i < v.length; i++) {
                v[i] = ((Number) r.get(i)).longValue();
            }
            rows.add(org.apache.spark.sql.RowFactory.create(v));
        }
        return rows;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no message";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
