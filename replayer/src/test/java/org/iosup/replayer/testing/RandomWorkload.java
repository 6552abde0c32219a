package org.iosup.replayer.testing;

import it.unimi.dsi.fastutil.longs.LongArrayList;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.iosup.model.guest.Paging;
import org.iosup.trace.EventBatch;
import org.iosup.trace.EventKind;
import org.iosup.trace.parquet.ParquetTraceWriter;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Random but valid guest workloads for property tests: processes fork (a contiguous build of their
 * page tables), grow and shrink, do DMA, exec and exit, interleaved over several minutes; frames
 * come from a last-in first-out free list so they recur, as in a real kernel.
 */
public final class RandomWorkload {
    private RandomWorkload() {
    }

    private static final class Proc {
        final int pid;
        final LongArrayList frames = new LongArrayList();
        final List<Integer> levels = new ArrayList<>();

        Proc(int pid) {
            this.pid = pid;
        }
    }

    /**
     * Writes a workload of about {@code steps} steps to {@code file}; returns the last ts_ns. With
     * {@code dmaToPageTables}, some DMA goes to frames that are (or were) page-table pages.
     */
    public static long write(Path file, long seed, int steps, Paging paging, long spanNs, boolean dmaToPageTables) {
        Random r = new Random(seed);
        LongArrayList free = new LongArrayList();
        long[] nextFrame = {10_000};
        List<Proc> live = new ArrayList<>();
        int nextPid = 100;
        long ts = 0;
        long step = Math.max(1, spanNs / Math.max(1, steps));
        try (ParquetTraceWriter w = ParquetTraceWriter.create(file, CompressionCodecName.ZSTD,
                Map.of(Paging.META_KEY, paging.label()))) {
            EventBatch b = new EventBatch(4096);
            for (int s = 0; s < steps; s++) {
                ts += r.nextInt((int) Math.min(Integer.MAX_VALUE, 2 * step));
                int what = r.nextInt(100);
                if (live.isEmpty() || what < 15) {
                    Proc p = new Proc(nextPid++);
                    b.setPid(b.add(ts, EventKind.PROC_CREATE), p.pid);
                    build(b, ts, p, paging, r, free, nextFrame);
                    live.add(p);
                } else if (what < 25) {
                    Proc p = live.remove(r.nextInt(live.size()));
                    b.setPid(b.add(ts, EventKind.PROC_EXIT), p.pid);
                    for (int k = 0; k < p.frames.size(); k++) {
                        int i = b.add(ts, EventKind.PT_FREE);
                        b.setPid(i, p.pid).setFrame(i, p.frames.getLong(k)).setLevel(i, p.levels.get(k));
                        free.add(p.frames.getLong(k));
                    }
                } else if (what < 30) {
                    Proc p = live.get(r.nextInt(live.size()));
                    b.setPid(b.add(ts, EventKind.PROC_EXEC), p.pid);
                    for (int k = 0; k < p.frames.size(); k++) {
                        int i = b.add(ts, EventKind.PT_FREE);
                        b.setPid(i, p.pid).setFrame(i, p.frames.getLong(k)).setLevel(i, p.levels.get(k));
                        free.add(p.frames.getLong(k));
                    }
                    p.frames.clear();
                    p.levels.clear();
                    build(b, ts, p, paging, r, free, nextFrame);
                } else if (what < 45) {
                    Proc p = live.get(r.nextInt(live.size()));
                    allocate(b, ts, p, 1 + r.nextInt(2), free, nextFrame);
                } else if (what < 55) {
                    Proc p = live.get(r.nextInt(live.size()));
                    int k = p.frames.size() - 1;
                    if (k > 0 && p.levels.get(k) <= 2) {
                        int i = b.add(ts, EventKind.PT_FREE);
                        b.setPid(i, p.pid).setFrame(i, p.frames.getLong(k)).setLevel(i, p.levels.get(k));
                        free.add(p.frames.removeLong(k));
                        p.levels.remove(k);
                    }
                } else {
                    int i = b.add(ts, EventKind.DMA);
                    long page = dmaToPageTables && r.nextInt(4) == 0 ? 10_000 + r.nextInt((int) (nextFrame[0] - 9_999))
                            : (1L << 20) + r.nextInt(512);
                    b.setDevice(i, 256).setAddr(i, page * 4096 + r.nextInt(4096))
                            .setBytes(i, 64 + r.nextInt(3000)).setWrite(i, r.nextBoolean());
                }
                if (b.size() > 3000) {
                    w.write(b);
                    b.clear();
                }
            }
            w.write(b);
            w.commit();
        }
        return ts;
    }

    private static void build(EventBatch b, long ts, Proc p, Paging paging, Random r, LongArrayList free, long[] next) {
        allocate(b, ts, p, paging.levels(), free, next);
        for (int k = 0; k < (paging == Paging.PAE ? 4 : 2); k++) {
            allocate(b, ts, p, paging.levels() - 1, free, next);
        }
        int ptes = 1 + r.nextInt(5);
        for (int k = 0; k < ptes; k++) {
            allocate(b, ts, p, 1, free, next);
        }
        b.setPid(b.add(ts, EventKind.MMU_UPDATE), p.pid);
        b.setCount(b.size() - 1, 8 + r.nextInt(40));
    }

    private static void allocate(EventBatch b, long ts, Proc p, int level, LongArrayList free, long[] next) {
        long f = free.isEmpty() ? next[0]++ : free.removeLong(free.size() - 1);
        int i = b.add(ts, EventKind.PT_ALLOC);
        b.setPid(i, p.pid).setFrame(i, f).setLevel(i, level);
        p.frames.add(f);
        p.levels.add(level);
    }
}
