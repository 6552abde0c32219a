package org.iosup.replayer.bench;

import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.iosup.model.CostProfile;
import org.iosup.model.guest.Paging;
import org.iosup.model.pool.PolicySpec;
import org.iosup.model.vtd.IommuConfig;
import org.iosup.model.xen.HypervisorProfile;
import org.iosup.replay.Replay;
import org.iosup.replay.ReplayConfig;
import org.iosup.replay.ReplayResult;
import org.iosup.synth.SynthParams;
import org.iosup.synth.SyntheticTrace;
import org.iosup.trace.BatchPipe;
import org.iosup.trace.TraceSource;
import org.iosup.trace.parquet.ParquetTraceWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The replay benchmark of the replay issue: a trace of about N events written to Parquet (not
 * timed), then replayed once under the paper's three policies in one read (timed, JIT warm-up
 * included). Reports events/s and the heap in use at the end. Two workloads:
 * <ul>
 *   <li>{@link Workload#BUSY} (default): the synthesizer's busy preset, the paper's stress setting with
 *   its 1 Gb/s netperf, as long as it takes to give N events: about 0.4% process and page-table
 *   events, the rest DMA from the NIC's rings and the disk. This is the trace the tool is for.</li>
 *   <li>{@link Workload#CHURN}: a harder mix, {@link ChurnTrace} with about 5% process and
 *   page-table events ({@link #DMA_PERMILLE}) and DMA to random pages of 16 MB, which nearly always
 *   miss the IOTLB and compress badly (about 7 bytes an event against 3.4).</li>
 * </ul>
 */
public final class ReplayBenchmark {
    /** Target of the replay issue: events/s with the three policies on one core. */
    public static final double TARGET = 20e6;
    /**
     * Share of DMA steps of the churn workload, per mille; a churn step writes about eight events,
     * so 994 gives about 5% process and page-table events, ten times the share of the busy setting.
     */
    public static final int DMA_PERMILLE = 994;

    /** The benchmark's trace. */
    public enum Workload {
        BUSY, CHURN;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private ReplayBenchmark() {
    }

    /**
     * Writes the trace, then replays it {@code runs} times in this JVM: the first replay is the
     * figure (JIT warm-up included, as a user's run of {@code iosup replay}); later ones show the
     * speed once the JIT has compiled the replay (the best of them is reported).
     */
    public static Map<String, Object> run(Workload workload, long events, long seed, int threads, Path dir, boolean keep,
                                          int runs) {
        Path trace = dir.resolve("replay-bench-" + workload.label() + "-" + events + ".parquet");
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("workload", workload.label());
        r.put("events", events);
        r.put("seed", seed);
        r.put("threads", threads);
        try {
            long t0 = System.nanoTime();
            try (TraceSource src = workload == Workload.BUSY
                    ? new SyntheticTrace(SynthParams.busyForEvents(events, seed))
                    : new ChurnTrace(events, seed, Paging.PAE, 30L * 60_000_000_000L, DMA_PERMILLE);
                 ParquetTraceWriter w = ParquetTraceWriter.create(trace, CompressionCodecName.ZSTD, src.metadata())) {
                BatchPipe.copy(src, w::write);
                w.commit();
            }
            r.put("generate_seconds", (System.nanoTime() - t0) / 1e9);
            r.put("trace_bytes", Files.size(trace));
            List<PolicySpec> policies = List.of(PolicySpec.parse("disabled"), PolicySpec.parse("pre-enabled"),
                    PolicySpec.parse("dynamic@5m"));
            ReplayConfig config = new ReplayConfig(trace, policies, HypervisorProfile.XEN_4_2_1, null,
                    IommuConfig.DEFAULT.withUnits(CostProfile.standard().platform().iommuUnits()), CostProfile.standard(),
                    threads, false);
            ReplayResult result = Replay.run(config, null);
            double seconds = result.wallNanos() / 1e9;
            r.put("replayed_events", result.events());
            r.put("replay_seconds", seconds);
            r.put("events_per_second", result.events() / seconds);
            if (runs > 1) {
                double best = Double.MAX_VALUE;
                for (int k = 1; k < runs; k++) {
                    best = Math.min(best, Replay.run(config, null).wallNanos() / 1e9);
                }
                r.put("warm_replay_seconds", best);
                r.put("warm_events_per_second", result.events() / best);
            }
            Runtime rt = Runtime.getRuntime();
            r.put("max_heap_mb", rt.maxMemory() / (1024 * 1024));
            r.put("used_heap_mb_after", (rt.totalMemory() - rt.freeMemory()) / (1024 * 1024));
            r.put("anomalies", result.anomalies().total());
            r.put("target_events_per_second", TARGET);
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
