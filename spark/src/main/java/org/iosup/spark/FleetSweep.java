package org.iosup.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.iosup.io.UserException;
import org.iosup.model.pool.PolicySpec;
import org.iosup.report.CsvTable;
import org.iosup.schema.TableSchema;
import org.iosup.sweep.PolicySweep;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A sweep of many policies over every trace of a fleet on Spark: the work is cut into (trace,
 * chunk of policies) tasks, each one read of its trace for its chunk (as {@code iosup sweep}
 * does for all), so that hundreds of policies over thousands of traces finish in about the time
 * of the slowest chunk. Writes {@code traces.csv} (each trace's figures under each policy, as
 * sweep.csv has them), {@code fleet-summary.csv} (per policy, the distribution across hosts, as
 * fleet replay's), {@code failed.csv} and the manifest.
 */
public final class FleetSweep {
    public static final TableSchema TRACES = TableSchema.load("fleet-sweep-traces");

    private FleetSweep() {
    }

    /** One task's work: a trace and the policies of its chunk. */
    record Task(FleetFiles.Trace trace, int chunk, List<String> policies) implements Serializable {
        Task {
            policies = new ArrayList<>(policies); // a sub-list of the whole is not serializable
        }
    }

    /** What a sweep did. */
    public record Result(int traces, int policies, int tasks, int failed, double seconds) {
    }

    /**
     * Sweeps {@code specs} over the fleet: {@code job} gives the profile, costs and warm-up (its
     * policies are not used), {@code chunk} the policies per task.
     */
    public static Result run(SparkSession spark, String fleet, String out, List<PolicySpec> specs, ReplayJob job,
                             int chunk, boolean failFast) {
        long start = System.nanoTime();
        if (chunk < 1) {
            throw new UserException("--chunk must be at least 1, got " + chunk);
        }
        List<String> all = specs.stream().map(PolicySpec::spec).toList();
        new ReplayJob(all, job.profile(), job.paging(), job.costs(), job.costOverrides(), job.strict(),
                job.warmupMinutes()).check();
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        List<FleetFiles.Trace> traces = FleetFiles.list(fleet, conf);
        List<Task> tasks = new ArrayList<>();
        for (FleetFiles.Trace t : traces) {
            for (int from = 0, c = 0; from < all.size(); from += chunk, c++) {
                tasks.add(new Task(t, c, all.subList(from, Math.min(all.size(), from + chunk))));
            }
        }
        try (FleetOutput output = FleetOutput.open(out, conf, "fleet-sweep")) {
            HadoopConf hadoop = new HadoopConf(conf);
            List<ReplayJob.Outcome> parts = JavaSparkContext.fromSparkContext(spark.sparkContext())
                    .parallelize(tasks, Math.max(1, tasks.size()))
                    .map(task -> sweepOne(job, task, hadoop)).collect();
            // The chunks of each trace together again, in the order of the traces and the policies.
            Map<String, ReplayJob.Outcome> byTrace = new LinkedHashMap<>();
            for (ReplayJob.Outcome o : parts) {
                byTrace.merge(o.trace().uri(), o, FleetSweep::merge);
            }
            List<ReplayJob.Outcome> outcomes = new ArrayList<>(byTrace.values());
            List<ReplayJob.Outcome> failed = outcomes.stream().filter(ReplayJob.Outcome::failed).toList();
            if (failFast && !failed.isEmpty()) {
                throw new UserException(failed.get(0).trace().where() + ": " + failed.get(0).error()
                        + "; --fail-fast: nothing was written");
            }
            writeTraces(outcomes, output);
            FleetReplay.writeSummary(outcomes, output);
            FleetReplay.writeFailed(failed, output);
            Map<String, Object> params = job.parameters();
            params.put("policies", all);
            params.put("chunk", chunk);
            Map<String, Object> results = new LinkedHashMap<>();
            results.put("traces", traces.size());
            results.put("policies", all.size());
            results.put("tasks", tasks.size());
            results.put("failed", failed.size());
            output.commit(spark, fleet, params, failFast, results);
            return new Result(traces.size(), all.size(), tasks.size(), failed.size(), (System.nanoTime() - start) / 1e9);
        }
    }

    /** The task: one trace swept under one chunk of policies, in one read. */
    static ReplayJob.Outcome sweepOne(ReplayJob job, Task task, HadoopConf conf) {
        FleetFiles.Trace t = task.trace();
        ReplayJob chunk = new ReplayJob(task.policies(), job.profile(), job.paging(), job.costs(), job.costOverrides(),
                job.strict(), job.warmupMinutes());
        return FleetFiles.attempt(t, conf.get(), file -> {
            List<PolicySweep.Row> rows = PolicySweep.run(chunk.config(file), chunk.specs(), List.of(64),
                    job.warmupMinutes(), null);
            List<ReplayJob.Figures> figures = rows.stream().map(ReplayJob.Figures::of).toList();
            return new ReplayJob.Outcome(t, null, 0, 0, figures.stream().map(ReplayJob.Figures::policy).toList(),
                    new long[0][][], figures, Thread.currentThread().getName());
        });
    }

    /** Two chunks of one trace as one outcome (a failure of either is the trace's). */
    private static ReplayJob.Outcome merge(ReplayJob.Outcome a, ReplayJob.Outcome b) {
        if (a.failed()) {
            return a;
        }
        if (b.failed()) {
            return b;
        }
        List<String> names = new ArrayList<>(a.policyNames());
        names.addAll(b.policyNames());
        List<ReplayJob.Figures> figures = new ArrayList<>(a.figures());
        figures.addAll(b.figures());
        return new ReplayJob.Outcome(a.trace(), null, 0, 0, names, new long[0][][], figures, a.thread());
    }

    private static void writeTraces(List<ReplayJob.Outcome> outcomes, FleetOutput output) {
        try {
            java.nio.file.Path local = Files.createTempFile("iosup-fleet-sweep", ".csv");
            try (CsvTable t = CsvTable.create(TRACES, local)) {
                for (ReplayJob.Outcome o : outcomes) {
                    if (o.failed()) {
                        continue;
                    }
                    for (ReplayJob.Figures f : o.figures()) {
                        t.row(Arrays.asList(o.trace().host(), o.trace().date(), o.trace().part(), f.spec(),
                                f.minutesAfterWarmup(), f.flushCallsPerMin(), f.flushIssuedPerMin(), f.poolPagesPeak(),
                                f.poolPagesMean(), f.poolReleases(), f.cpuMsPerMin(), f.iotlbMissesPerMin()));
                    }
                }
            }
            output.put(local, "traces.csv");
        } catch (IOException e) {
            throw new UserException("cannot write traces.csv: " + e.getMessage(), e);
        }
    }
}
