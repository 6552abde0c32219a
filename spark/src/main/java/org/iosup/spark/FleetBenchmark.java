package org.iosup.spark;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.iosup.fleet.FleetLayout;
import org.iosup.fleet.FleetMake;
import org.iosup.model.CostProfile;
import org.iosup.replay.Replay;
import org.iosup.replay.ReplayConfig;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The fleet benchmark: a synthetic fleet (fleet make's), replayed one trace after another in this
 * process as {@code iosup replay} would (the baseline), then by {@link FleetReplay} on Spark; and
 * Spark's fixed cost, its start-up and a job that does nothing, measured apart.
 */
public final class FleetBenchmark {
    private FleetBenchmark() {
    }

    /**
     * Runs the benchmark in {@code dir} (the fleet and the output are written there); {@code session}
     * starts Spark on the master given.
     */
    public static Map<String, Object> run(int hosts, double minutes, long seed, Path dir,
                                          Function<String, SparkSession> session, String master) {
        Map<String, Object> r = new LinkedHashMap<>();
        Path fleet = dir.resolve("fleet");
        long t0 = System.nanoTime();
        long events = FleetMake.write(FleetMake.plan(hosts, minutes, List.of("busy", "idle", "boot-busy"), seed,
                LocalDate.of(2026, 1, 1)), fleet, Runtime.getRuntime().availableProcessors(), h -> { });
        r.put("hosts", hosts);
        r.put("minutes", minutes);
        r.put("events", events);
        r.put("make_seconds", (System.nanoTime() - t0) / 1e9);

        ReplayJob job = new ReplayJob(List.of(), "xen-4.2.1", null, CostProfile.DEFAULT_NAME, List.of(), false, 0).check();
        int cpus = Runtime.getRuntime().availableProcessors();
        // As iosup replay runs by default (reading overlaps replaying on the machine's CPUs), then on one thread.
        double baseline = oneByOne(fleet, job, cpus);
        r.put("baseline_threads", cpus);
        r.put("baseline_seconds", baseline);
        r.put("baseline_events_per_second", events / baseline);
        double single = oneByOne(fleet, job, 1);
        r.put("one_thread_seconds", single);
        r.put("one_thread_events_per_second", events / single);

        long s0 = System.nanoTime();
        SparkSession spark = session.apply(master);
        try {
            double start = (System.nanoTime() - s0) / 1e9;
            long j0 = System.nanoTime();
            JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(List.of(1, 2), 2).count();
            double emptyJob = (System.nanoTime() - j0) / 1e9;
            FleetReplay.Result fr = FleetReplay.run(spark, fleet.toString(), dir.resolve("out").toString(), job, true);
            r.put("master", spark.sparkContext().master());
            r.put("executor_cores", spark.sparkContext().defaultParallelism());
            r.put("spark_start_seconds", start);
            r.put("spark_empty_job_seconds", emptyJob);
            r.put("spark_seconds", fr.seconds());
            r.put("spark_events_per_second", events / fr.seconds());
            r.put("speedup", baseline / fr.seconds());
            // What each executor core did, against one thread of one process.
            r.put("per_core_efficiency", single / fr.seconds() / spark.sparkContext().defaultParallelism());
        } finally {
            spark.stop();
        }
        return r;
    }

    /** The fleet's traces replayed one after another in this process, on {@code threads} threads each; seconds. */
    private static double oneByOne(Path fleet, ReplayJob job, int threads) {
        long t0 = System.nanoTime();
        for (FleetLayout.Part p : FleetLayout.list(fleet)) {
            ReplayConfig c = job.config(fleet.resolve(p.relative()));
            Replay.run(new ReplayConfig(c.trace(), c.policies(), c.profile(), c.paging(), c.iommu(), c.costProfile(), threads,
                    c.strict(), c.read()), null);
        }
        return (System.nanoTime() - t0) / 1e9;
    }
}
