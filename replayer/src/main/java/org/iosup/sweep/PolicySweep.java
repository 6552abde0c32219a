package org.iosup.sweep;

import org.iosup.analysis.Durations;
import org.iosup.analysis.MinuteSeries;
import org.iosup.model.Metric;
import org.iosup.model.pool.PolicySpec;
import org.iosup.replay.PolicyModel;
import org.iosup.replay.Replay;
import org.iosup.replay.ReplayConfig;
import org.iosup.replay.ReplayResult;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Many policies replayed over one trace: every policy of the sweep in one read of the trace per
 * IOTLB size (policies whose IOTLBs stay alike share one simulation of it, as in any replay), each
 * summed up in one {@link Row}, and the Pareto front of flush calls against pool memory.
 */
public final class PolicySweep {
    private PolicySweep() {
    }

    /**
     * One policy's figures: rates are means per minute from the warm-up on (over the whole trace
     * when it is no longer than the warm-up), the pool's peak over the whole trace.
     */
    public record Row(PolicySpec policy, int iotlbEntries, int minutesAfterWarmup, double flushCallsPerMin,
                      double flushIssuedPerMin, long poolPagesPeak, double poolPagesMean, long poolReleases,
                      double cpuMsPerMin, double iotlbMissesPerMin, boolean pareto) {
        Row onFront(boolean front) {
            return new Row(policy, iotlbEntries, minutesAfterWarmup, flushCallsPerMin, flushIssuedPerMin, poolPagesPeak,
                    poolPagesMean, poolReleases, cpuMsPerMin, iotlbMissesPerMin, front);
        }
    }

    /**
     * Replays {@code config}'s trace under {@code policies}, once per IOTLB size of
     * {@code iotlbEntries} (the rest of the IOMMU as {@code config} has it); rows in the order of
     * the sizes, then of the policies. {@code progress} is told the events read so far, all reads counted.
     */
    public static List<Row> run(ReplayConfig config, List<PolicySpec> policies, List<Integer> iotlbEntries,
                                int warmupMinutes, LongConsumer progress) {
        List<Row> rows = new ArrayList<>();
        long read = 0;
        for (int entries : iotlbEntries) {
            ReplayConfig c = new ReplayConfig(config.trace(), policies, config.profile(), config.paging(),
                    config.iommu().withIotlbEntries(entries), config.costProfile(), config.threads(), config.strict(),
                    config.read());
            long offset = read;
            ReplayResult r = Replay.run(c, progress == null ? null : n -> progress.accept(offset + n));
            read += r.events();
            for (PolicyModel m : r.policies()) {
                rows.add(row(m.spec(), entries, m.series(), r.minutes(), warmupMinutes));
            }
        }
        return pareto(rows);
    }

    /** One policy's figures from its series of {@code minutes} minutes, rates from minute {@code warmup} on. */
    public static Row row(PolicySpec spec, int entries, MinuteSeries<Metric> s, int minutes, int warmup) {
        int from = warmup < minutes ? warmup : 0;
        int n = minutes - from;
        long peak = 0;
        double pool = 0;
        double calls = 0;
        double issued = 0;
        double cpu = 0;
        double misses = 0;
        for (int m = 0; m < minutes; m++) {
            long[] row = s.row(m);
            peak = Math.max(peak, row[Metric.POOL_PAGES.ordinal()]);
            if (m >= from) {
                pool += row[Metric.POOL_PAGES.ordinal()];
                calls += row[Metric.FLUSH_CALLS.ordinal()];
                issued += row[Metric.FLUSH_ISSUED.ordinal()];
                cpu += row[Metric.CPU_NS_TOTAL.ordinal()];
                misses += row[Metric.IOTLB_MISSES.ordinal()];
            }
        }
        double per = Math.max(1, n);
        return new Row(spec, entries, n, calls / per, issued / per, peak, pool / per,
                s.total(Metric.POOL_RELEASES), cpu / per / 1e6, misses / per, false);
    }

    /**
     * The rows with {@code pareto} set on those no other row beats on both flush calls per minute
     * and the pool's peak (at most as many of each and fewer of one), among rows of the same IOTLB size.
     */
    public static List<Row> pareto(List<Row> rows) {
        // Sorted by IOTLB size, peak, then calls: a row is on the front when its calls are the least
        // of its peak and below every call rate of a smaller peak (n log n, for sweeps of any size).
        Integer[] order = new Integer[rows.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, java.util.Comparator.<Integer>comparingInt(i -> rows.get(i).iotlbEntries())
                .thenComparingLong(i -> rows.get(i).poolPagesPeak())
                .thenComparingDouble(i -> rows.get(i).flushCallsPerMin()));
        boolean[] front = new boolean[rows.size()];
        int k = 0;
        while (k < order.length) {
            int entries = rows.get(order[k]).iotlbEntries();
            double best = Double.POSITIVE_INFINITY;
            while (k < order.length && rows.get(order[k]).iotlbEntries() == entries) {
                long peak = rows.get(order[k]).poolPagesPeak();
                double least = rows.get(order[k]).flushCallsPerMin();
                while (k < order.length && rows.get(order[k]).iotlbEntries() == entries
                        && rows.get(order[k]).poolPagesPeak() == peak) {
                    Row r = rows.get(order[k]);
                    front[order[k]] = r.flushCallsPerMin() == least && least < best;
                    k++;
                }
                best = Math.min(best, least);
            }
        }
        List<Row> out = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            out.add(rows.get(i).onFront(front[i]));
        }
        return out;
    }

    /** The front, ordered by pool peak then flush calls then spec (a stable, documented order). */
    public static List<Row> front(List<Row> rows) {
        return rows.stream().filter(Row::pareto)
                .sorted(java.util.Comparator.comparingInt(Row::iotlbEntries).thenComparingLong(Row::poolPagesPeak)
                        .thenComparingDouble(Row::flushCallsPerMin).thenComparing(r -> r.policy().spec()))
                .toList();
    }

    /** The time the pools switch on, as a duration text, or null without pools. */
    public static String enableAt(PolicySpec p) {
        return p.pools() ? Durations.format(p.enableAtNs()) : null;
    }
}
