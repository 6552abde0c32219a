package org.iosup.replay;

import org.iosup.analysis.MinuteSeries;

import org.iosup.model.guest.AddressSpaces;
import org.iosup.model.guest.GuestOps;
import org.iosup.model.guest.Paging;
import org.iosup.trace.EventBatch;
import org.iosup.trace.parquet.ParquetTraceReader;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
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
        long start = System.nanoTime();
        List<PolicyModel> models = new ArrayList<>();
        for (PolicySpec p : config.policies()) {
            models.add(new PolicyModel(p, config.profile(), config.iommu(), config.costs()));
        }
        try (ParquetTraceReader in = ParquetTraceReader.open(config.trace(), AddressSpaces.columns(), config.read())) {
            Paging paging;
            String pagingSource;
            if (config.paging() != null) {
                paging = config.paging();
                pagingSource = "option";
            } else if (in.metadata().containsKey(Paging.META_KEY)) {
                paging = Paging.parse(in.metadata().get(Paging.META_KEY), config.trace() + ": metadata " + Paging.META_KEY);
                pagingSource = "trace metadata";
            } else {
                paging = Paging.X86_64;
                pagingSource = "default";
            }
            Anomalies anomalies = new Anomalies(config.trace().toString(), config.strict());
            AddressSpaces guest = new AddressSpaces(paging, anomalies);
            int threads = Math.max(1, config.threads());
            long lastTs = 0;
            long events = 0;
            EventBatch batch = new EventBatch(BATCH_ROWS);
            if (threads == 1) {
                Lockstep lockstep = new Lockstep(models);
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
                    Lockstep lockstep = new Lockstep(models);
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
                        await(running);
                        running = stage.submit(() -> lockstep.apply(ops));
                        current ^= 1;
                        report(progress, events);
                    }
                    await(running);
                } finally {
                    stage.shutdownNow();
                }
            }
            int lastMinute = (int) (lastTs / MINUTE_NS);
            int last = events == 0 ? -1 : lastMinute;
            MinuteSeries<Metric> counts = guest.counts();
            counts.finish(last);
            for (PolicyModel m : models) {
                m.finish(last);
                m.series().addCounters(counts);
            }
            return new ReplayResult(config, paging, pagingSource, models, anomalies, events == 0 ? 0 : lastMinute + 1,
                    events, lastTs, System.nanoTime() - start, in.metadata());
        }
    }

    private static void report(LongConsumer progress, long events) {
        if (progress != null) {
            progress.accept(events);
        }
    }

    private static void await(Future<?> f) {
        if (f == null) {
            return;
        }
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
