package org.iosup.replay;

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
 * feeds those operations to every policy's {@link PolicyModel}. With more than one thread, the
 * policies are split among threads and the next batch is read while they work on the current one;
 * each policy still sees every operation in order, so results do not depend on the thread count.
 */
public final class Replay {
    private static final long MINUTE_NS = 60_000_000_000L;

    private Replay() {
    }

    /** Runs a replay; {@code progress} is told the rows read so far (may be null). */
    public static ReplayResult run(ReplayConfig config, LongConsumer progress) {
        long start = System.nanoTime();
        List<PolicyModel> models = new ArrayList<>();
        for (PolicySpec p : config.policies()) {
            models.add(new PolicyModel(p, config.profile(), config.iommu(), config.costs()));
        }
        try (ParquetTraceReader in = ParquetTraceReader.open(config.trace(), AddressSpaces.columns())) {
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
            int threads = Math.max(1, Math.min(config.threads(), models.size()));
            long lastTs = 0;
            long events = 0;
            EventBatch batch = new EventBatch();
            if (threads == 1) {
                GuestOps ops = new GuestOps();
                while (in.next(batch)) {
                    ops.clear();
                    guest.translate(batch, ops);
                    lastTs = batch.tsNs()[batch.size() - 1];
                    events += batch.size();
                    for (PolicyModel m : models) {
                        m.apply(ops);
                    }
                    report(progress, events);
                }
                ops.clear();
                guest.finish(lastTs, ops);
                for (PolicyModel m : models) {
                    m.apply(ops);
                }
            } else {
                ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
                    Thread t = new Thread(r, "iosup-policy");
                    t.setDaemon(true);
                    return t;
                });
                try {
                    GuestOps[] buffers = {new GuestOps(), new GuestOps()};
                    List<Future<?>> running = List.of();
                    int current = 0;
                    boolean more = true;
                    while (more) {
                        GuestOps ops = buffers[current];
                        ops.clear();
                        more = in.next(batch);
                        if (more) {
                            guest.translate(batch, ops);
                            lastTs = batch.tsNs()[batch.size() - 1];
                            events += batch.size();
                        } else {
                            guest.finish(lastTs, ops);
                        }
                        await(running);
                        running = submit(pool, models, threads, ops);
                        current ^= 1;
                        report(progress, events);
                    }
                    await(running);
                } finally {
                    pool.shutdownNow();
                }
            }
            int lastMinute = (int) (lastTs / MINUTE_NS);
            for (PolicyModel m : models) {
                m.finish(events == 0 ? -1 : lastMinute);
            }
            return new ReplayResult(config, paging, pagingSource, models, anomalies, events == 0 ? 0 : lastMinute + 1,
                    events, System.nanoTime() - start, in.metadata());
        }
    }

    private static void report(LongConsumer progress, long events) {
        if (progress != null) {
            progress.accept(events);
        }
    }

    private static List<Future<?>> submit(ExecutorService pool, List<PolicyModel> models, int threads, GuestOps ops) {
        List<Future<?>> futures = new ArrayList<>(threads);
        for (int t = 0; t < threads; t++) {
            int group = t;
            futures.add(pool.submit(() -> {
                for (int i = group; i < models.size(); i += threads) {
                    models.get(i).apply(ops);
                }
            }));
        }
        return futures;
    }

    private static void await(List<Future<?>> futures) {
        for (Future<?> f : futures) {
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
}
