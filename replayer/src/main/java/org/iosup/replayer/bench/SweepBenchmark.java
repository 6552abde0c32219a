package org.iosup.replayer.bench;

import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.iosup.model.CostProfile;
import org.iosup.model.pool.PolicySpec;
import org.iosup.model.vtd.IommuConfig;
import org.iosup.model.xen.HypervisorProfile;
import org.iosup.replay.ReplayConfig;
import org.iosup.sweep.PolicySweep;
import org.iosup.synth.SynthParams;
import org.iosup.synth.SyntheticTrace;
import org.iosup.trace.BatchPipe;
import org.iosup.trace.TraceSource;
import org.iosup.trace.parquet.ParquetTraceWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sweep benchmark of the policy-space issue: the busy benchmark trace swept under 1, 10, 100,
 * 300 (or any) policies, each count in one read; the figure is policy-events per second, events
 * times policies over the sweep's time, and how it grows with the number of policies.
 */
public final class SweepBenchmark {
    /** Target of the policy-space issue: policy-events per second at 100 policies on one core. */
    public static final double TARGET = 500e6;

    private SweepBenchmark() {
    }

    /**
     * {@code n} distinct dynamic policies as a grid over the issue's parameters would give: the
     * switch time (0 to 9 minutes), the shrink ratio (0.5, 1, 2, 4) and the shrink total (16 pages
     * up, in steps of 8), the first varying fastest. Before its switch a policy flushes as
     * cache-disabled does, so the sweep mixes flush-heavy and quiet policies, as a real one does.
     */
    static List<PolicySpec> policies(int n) {
        String[] ratios = {"0.5", "1", "2", "4"};
        List<PolicySpec> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(PolicySpec.parse("dynamic@" + (i % 10) + "m,shrink-ratio=" + ratios[i / 10 % 4]
                    + ",shrink-total=" + (16 + 8 * (i / 40))));
        }
        return out;
    }

    /** One timed unit: the trace swept under the first {@code n} policies, one IOTLB size. */
    private static List<PolicySweep.Row> sweep(Path trace, int n, int threads) {
        List<PolicySpec> specs = policies(n);
        ReplayConfig config = new ReplayConfig(trace, specs, HypervisorProfile.XEN_4_2_1, null,
                IommuConfig.DEFAULT.withUnits(CostProfile.standard().platform().iommuUnits()),
                CostProfile.standard(), threads, false);
        return PolicySweep.run(config, specs, List.of(64), 5, null);
    }

    /** Policies of the warm-up sweep, before anything is timed: the JIT compiler's first pass over the replay. */
    static final int WARMUP_POLICIES = 10;

    /**
     * Writes the busy setting as the demo does ({@code minutes} of it, the paper's NIC rate: two
     * 5-minute iterations and more, so that the pools fill, shrink and diverge between policies),
     * then sweeps it under each count of {@code counts}, {@code repeats} times each after one
     * untimed warm-up sweep of {@value #WARMUP_POLICIES} policies; the figure is the median time's
     * rate (the best is reported beside it).
     */
    public static Map<String, Object> run(double minutes, long seed, int threads, List<Integer> counts, int repeats,
                                          Path dir, boolean keep) {
        Path trace = dir.resolve("sweep-bench-" + minutes + "m.parquet");
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("minutes", minutes);
        r.put("seed", seed);
        r.put("threads", threads);
        try {
            try (TraceSource src = new SyntheticTrace(SynthParams.defaults("busy").with(minutes, seed, null));
                 ParquetTraceWriter w = ParquetTraceWriter.create(trace, CompressionCodecName.ZSTD, src.metadata())) {
                BatchPipe.copy(src, w::write);
                w.commit();
                r.put("trace_events", w.rows());
            }
            long rows = (Long) r.get("trace_events");
            long w0 = System.nanoTime();
            sweep(trace, WARMUP_POLICIES, threads);
            r.put("warmup_policies", WARMUP_POLICIES);
            r.put("warmup_seconds", (System.nanoTime() - w0) / 1e9);
            r.put("repeats", repeats);
            List<Map<String, Object>> sweeps = new ArrayList<>();
            for (int n : counts) {
                double[] seconds = new double[repeats];
                List<PolicySweep.Row> result = null;
                for (int k = 0; k < repeats; k++) {
                    long t0 = System.nanoTime();
                    result = sweep(trace, n, threads);
                    seconds[k] = (System.nanoTime() - t0) / 1e9;
                }
                double[] sorted = seconds.clone();
                java.util.Arrays.sort(sorted);
                double median = sorted[repeats / 2];
                Runtime rt = Runtime.getRuntime();
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("policies", n);
                s.put("seconds", median);
                s.put("policy_events_per_second", rows * (double) n / median);
                s.put("best_seconds", sorted[0]);
                s.put("best_policy_events_per_second", rows * (double) n / sorted[0]);
                s.put("all_seconds", seconds);
                s.put("front", result.stream().filter(PolicySweep.Row::pareto).count());
                s.put("used_heap_mb_after", (rt.totalMemory() - rt.freeMemory()) / (1024 * 1024));
                sweeps.add(s);
            }
            r.put("sweeps", sweeps);
            r.put("max_heap_mb", Runtime.getRuntime().maxMemory() / (1024 * 1024));
            r.put("target_policy_events_per_second_at_100", TARGET);
            return r;
        } finally {
            if (!keep) {
                try {
                    Files.deleteIfExists(trace);
                } catch (IOException e) {
                    // Left in the benchmark folder.
                }
            }
        }
    }
}
