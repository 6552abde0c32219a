package org.iosup.replayer.bench;

import it.unimi.dsi.fastutil.longs.LongArrayList;
import org.iosup.model.guest.Paging;
import org.iosup.trace.EventBatch;
import org.iosup.trace.EventKind;
import org.iosup.trace.TraceSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A seeded, valid guest workload as a stream, for benchmarks and property tests: processes fork
 * (a contiguous build of their page tables and an MMU_UPDATE), grow and shrink their page tables,
 * exec and exit, while a NIC does DMA; frames come from a last-in first-out free list, so they
 * recur as in a real kernel. The population is stationary (about {@link #PROCESSES} processes of
 * a few dozen page-table pages each), so live state does not drift with the trace's length. Not a
 * calibrated workload model (the synthesizer is that): its mix is set by {@code dmaPermille}.
 */
public final class ChurnTrace implements TraceSource {
    private static final class Proc {
        final int pid;
        final LongArrayList frames = new LongArrayList();
        final LongArrayList levels = new LongArrayList();

        Proc(int pid) {
            this.pid = pid;
        }
    }

    /** Processes alive at a time, about. */
    static final int PROCESSES = 200;
    /** Page-table pages per process, about, beyond its build. */
    static final int GROWTH = 24;

    private final long events;
    private final Paging paging;
    private final long meanGapNs;
    private final int dmaPermille;
    private final SplittableRandom r;
    private final LongArrayList free = new LongArrayList();
    private final List<Proc> live = new ArrayList<>();
    private long nextFrame = 10_000;
    private int nextPid = 100;
    private long emitted;
    private long ts;

    /**
     * @param events     about how many events to produce (a step may add a few more)
     * @param seed       random seed
     * @param paging     the guest's paging mode (levels of the page tables)
     * @param spanNs     trace time the events spread over
     * @param dmaPermille share of steps that are a DMA, per mille (the rest is process and page-table churn;
     *                    such a step writes several events: a fork writes a dozen)
     */
    public ChurnTrace(long events, long seed, Paging paging, long spanNs, int dmaPermille) {
        this.events = events;
        this.paging = paging;
        this.meanGapNs = Math.max(1, spanNs / Math.max(1, events));
        this.dmaPermille = dmaPermille;
        this.r = new SplittableRandom(seed);
    }

    @Override
    public boolean next(EventBatch b) {
        b.clear();
        while (emitted < events && b.size() < b.capacity() - 64) {
            int before = b.size();
            step(b);
            emitted += b.size() - before;
        }
        return !b.isEmpty();
    }

    private void step(EventBatch b) {
        ts += r.nextLong(2 * meanGapNs);
        int what = r.nextInt(1000);
        if (what < dmaPermille && !live.isEmpty()) {
            int i = b.add(ts, EventKind.DMA);
            b.setDevice(i, 256).setAddr(i, (1L << 32) + (long) r.nextInt(4096) * 4096 + r.nextInt(2048))
                    .setBytes(i, 64 + r.nextInt(1460)).setWrite(i, r.nextBoolean());
            return;
        }
        what = r.nextInt(100);
        // Creations and exits balance around PROCESSES; growth and frees around GROWTH pages each.
        int createPercent = live.size() < PROCESSES ? 20 : 10;
        if (live.size() < 3 || what < createPercent) {
            Proc p = new Proc(nextPid++);
            b.setPid(b.add(ts, EventKind.PROC_CREATE), p.pid);
            build(b, p);
            live.add(p);
        } else if (what < 30) {
            Proc p = live.remove(r.nextInt(live.size()));
            b.setPid(b.add(ts, EventKind.PROC_EXIT), p.pid);
            freeAll(b, p);
        } else if (what < 36) {
            Proc p = live.get(r.nextInt(live.size()));
            b.setPid(b.add(ts, EventKind.PROC_EXEC), p.pid);
            freeAll(b, p);
            build(b, p);
        } else if (what < 68) {
            Proc p = live.get(r.nextInt(live.size()));
            if (p.frames.size() < GROWTH + 12) {
                allocate(b, p, 1);
            }
        } else {
            Proc p = live.get(r.nextInt(live.size()));
            int k = p.frames.size() - 1;
            if (k > 0 && p.levels.getLong(k) == 1) {
                int i = b.add(ts, EventKind.PT_FREE);
                b.setPid(i, p.pid).setFrame(i, p.frames.getLong(k)).setLevel(i, 1);
                free.add(p.frames.removeLong(k));
                p.levels.removeLong(k);
            }
        }
    }

    private void freeAll(EventBatch b, Proc p) {
        for (int k = 0; k < p.frames.size(); k++) {
            int i = b.add(ts, EventKind.PT_FREE);
            b.setPid(i, p.pid).setFrame(i, p.frames.getLong(k)).setLevel(i, (int) p.levels.getLong(k));
            free.add(p.frames.getLong(k));
        }
        p.frames.clear();
        p.levels.clear();
    }

    private void build(EventBatch b, Proc p) {
        allocate(b, p, paging.levels());
        for (int k = 0; k < (paging == Paging.PAE ? 4 : 2); k++) {
            allocate(b, p, paging.levels() - 1);
        }
        for (int k = 0, n = 1 + r.nextInt(5); k < n; k++) {
            allocate(b, p, 1);
        }
        int i = b.add(ts, EventKind.MMU_UPDATE);
        b.setPid(i, p.pid).setCount(i, 8 + r.nextInt(40));
    }

    private void allocate(EventBatch b, Proc p, int level) {
        long f = free.isEmpty() ? nextFrame++ : free.removeLong(free.size() - 1);
        int i = b.add(ts, EventKind.PT_ALLOC);
        b.setPid(i, p.pid).setFrame(i, f).setLevel(i, level);
        p.frames.add(f);
        p.levels.add(level);
    }

    @Override
    public Map<String, String> metadata() {
        return Map.of(Paging.META_KEY, paging.label(), "iosup.source", "churn benchmark workload");
    }

    @Override
    public String name() {
        return "churn(" + events + ")";
    }

    @Override
    public void close() {
    }
}
