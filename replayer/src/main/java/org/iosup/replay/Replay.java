package org.iosup.replay;

import org.iosup.analysis.MinuteSeries;
import org.iosup.io.Futures;
import org.iosup.model.Anomalies;
import org.iosup.model.Cost;
import org.iosup.model.CostModel;
import org.iosup.model.Metric;
import org.iosup.model.guest.AddressSpaces;
import org.iosup.model.guest.GuestOps;
import org.iosup.model.guest.Paging;
import org.iosup.model.pool.PolicySpec;
import org.iosup.trace.EventBatch;
import org.iosup.trace.TraceSource;
import org.iosup.trace.parquet.ParquetTraceReader;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongConsumer;

/**
 * The replay loop: reads the trace once, in columnar batches of only the columns the model uses;
 * turns each batch into guest operations ({@link AddressSpaces}, the same for every policy); and
 * feeds those operations to every policy's {@link PolicyModel}, the policies going in
 * {@link Lockstep} so that they share IOTLB simulations while they are alike. On one thread all
 * of this runs in turn; with two or more, reading and translating the next batch overlaps
 * replaying the current one on another thread. Each policy sees every operation in order either
 * way, so results do not depend on the thread count.
 */
public final class Replay {
    private static final long MINUTE_NS = 60_000_000_000L;
    /** Rows per batch: the columns in use of a batch (about 200 KB) stay in the L2 cache while each pass goes over them (measured: 8,192 rows replayed the bench trace 4% faster than 16,384). */
    static final int BATCH_ROWS = 1 << 13;

    private Replay() {
    }

    /** Runs a replay; {@code progress} is told the rows read so far (may be null). */
    public static ReplayResult run(ReplayConfig config, LongConsumer progress) {
        return run(config, progress, false);
    }

    /**
     * Runs a replay; with {@code ledgers}, each policy also keeps its charges by cost
     * ({@link ReplayResult#ledgers()}), for {@code iosup calibrate}.
     */
    public static ReplayResult run(ReplayConfig config, LongConsumer progress, boolean ledgers) {
        try (ParquetTraceReader in = ParquetTraceReader.open(config.trace(), AddressSpaces.columns(), config.read())) {
            return run(config, in, progress, ledgers);
        }
    }

    /**
     * Runs a replay of the rows {@code in} yields (a Parquet trace, a synthesizer, a test's batches
     * in memory), in time order; {@code config.trace()} and {@code config.read()} are not used.
     * {@code in} is not closed.
     */
    public static ReplayResult run(ReplayConfig config, TraceSource in, LongConsumer progress, boolean ledgers) {
        long start = System.nanoTime();
        List<PolicyModel> models = new ArrayList<>();
        List<CostLedger> kept = new ArrayList<>();
        if (ledgers || config.policies().size() == 1) {
            // Each policy's charges are kept apart: a model each.
            for (PolicySpec p : config.policies()) {
                PolicyModel model = new PolicyModel(p, config.profile(), config.iommu(), config.costs());
                if (ledgers) {
                    CostLedger l = new CostLedger();
                    model.keepLedger(l);
                    kept.add(l);
                }
                models.add(model);
            }
        } else {
            // One model for all: the policies part as the operations treat them apart (PolicyModel.split).
            List<PolicySpec> specs = config.policies();
            PolicyModel shared = new PolicyModel(specs.get(0), config.profile(), config.iommu(), config.costs());
            shared.alsoFor(specs.subList(1, specs.size()));
            models.add(shared);
        }
        Paging paging;
        String pagingSource;
        if (config.paging() != null) {
            paging = config.paging();
            pagingSource = "option";
        } else if (in.metadata().containsKey(Paging.META_KEY)) {
            paging = Paging.parse(in.metadata().get(Paging.META_KEY), in.name() + ": metadata " + Paging.META_KEY);
            pagingSource = "trace metadata";
        } else {
            paging = Paging.X86_64;
            pagingSource = "default";
        }
        for (PolicyModel m : models) {
            m.setPaging(paging);
        }
        Anomalies anomalies = new Anomalies(in.name(), config.strict());
        AddressSpaces guest = new AddressSpaces(paging, anomalies);
        int threads = Math.max(1, config.threads());
        long lastTs = 0;
        long events = 0;
        EventBatch batch = new EventBatch(BATCH_ROWS);
        Lockstep lockstep;
        if (threads == 1) {
            lockstep = new Lockstep(models);
            GuestOps ops = new GuestOps();
            while (in.next(batch)) {
                ops.clear(batch);
                guest.translate(batch, ops);
                lastTs = batch.tsNs()[batch.size() - 1];
                events += batch.size();
                lockstep.apply(ops);
                report(progress, events);
            }
            ops.clear(batch);
            guest.finish(lastTs, ops);
            lockstep.apply(ops);
        } else {
            // Two stages: this thread reads and translates batch k+1 while another replays batch k.
            ExecutorService stage = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "iosup-policies");
                t.setDaemon(true);
                return t;
            });
            try {
                Lockstep steps = new Lockstep(models);
                lockstep = steps;
                GuestOps[] buffers = {new GuestOps(), new GuestOps()};
                EventBatch[] batches = {batch, new EventBatch(BATCH_ROWS)};
                Future<?> running = null;
                int current = 0;
                boolean more = true;
                while (more) {
                    GuestOps ops = buffers[current];
                    EventBatch rows = batches[current];
                    ops.clear(rows);
                    more = in.next(rows);
                    if (more) {
                        guest.translate(rows, ops);
                        lastTs = rows.tsNs()[rows.size() - 1];
                        events += rows.size();
                    } else {
                        guest.finish(lastTs, ops);
                    }
                    Futures.await(running);
                    running = stage.submit(() -> steps.apply(ops));
                    current ^= 1;
                    report(progress, events);
                }
                Futures.await(running);
            } finally {
                stage.shutdownNow();
            }
        }
        models = lockstep.models(config.policies());
        int lastMinute = (int) (lastTs / MINUTE_NS);
        int last = events == 0 ? -1 : lastMinute;
        MinuteSeries<Metric> counts = guest.counts();
        counts.finish(last);
        guest.devices().finish(last);
        chargeCommon(counts, config.costs(), kept);
        for (PolicyModel m : models) {
            m.finish(last);
            m.series().addCounters(counts);
            m.series().derive(Metric.CPU_NS_TOTAL, row -> {
                long sum = 0;
                for (Metric part : Metric.CPU_PARTS) {
                    sum += row[part.ordinal()];
                }
                return sum;
            });
        }
        return new ReplayResult(config, paging, pagingSource, models, anomalies, events == 0 ? 0 : lastMinute + 1,
                events, lastTs, System.nanoTime() - start, in.metadata(), kept, guest.devices());
    }

    /**
     * The CPU every policy pays alike, from the counts of the trace: each process's own work
     * (fork, exec, exit besides their page tables) and the trace's mmu_update hypercalls (one
     * hypercall a batch, and each entry applied by Xen).
     */
    private static void chargeCommon(MinuteSeries<Metric> counts, CostModel costs, List<CostLedger> ledgers) {
        counts.derive(Metric.CPU_NS_PROCESS, r -> r[Metric.PROC_CREATES.ordinal()] * costs.get(Cost.FORK_BASE)
                + r[Metric.PROC_EXECS.ordinal()] * costs.get(Cost.EXEC_BASE)
                + r[Metric.PROC_EXITS.ordinal()] * costs.get(Cost.EXIT_BASE));
        counts.derive(Metric.CPU_NS_MMU_UPDATE, r -> r[Metric.MMU_UPDATES.ordinal()] * costs.get(Cost.HYPERCALL)
                + r[Metric.MMU_UPDATE_ENTRIES.ordinal()] * costs.get(Cost.MMU_UPDATE_ENTRY));
        int process = CostLedger.part(Metric.CPU_NS_PROCESS);
        int mmu = CostLedger.part(Metric.CPU_NS_MMU_UPDATE);
        for (CostLedger l : ledgers) {
            for (int minute = 0; minute < counts.minutes(); minute++) {
                long[] r = counts.row(minute);
                l.add(minute, process, Cost.FORK_BASE, r[Metric.PROC_CREATES.ordinal()]);
                l.add(minute, process, Cost.EXEC_BASE, r[Metric.PROC_EXECS.ordinal()]);
                l.add(minute, process, Cost.EXIT_BASE, r[Metric.PROC_EXITS.ordinal()]);
                l.add(minute, mmu, Cost.HYPERCALL, r[Metric.MMU_UPDATES.ordinal()]);
                l.add(minute, mmu, Cost.MMU_UPDATE_ENTRY, r[Metric.MMU_UPDATE_ENTRIES.ordinal()]);
            }
        }
    }

    private static void report(LongConsumer progress, long events) {
        if (progress != null) {
            progress.accept(events);
        }
    }
}
