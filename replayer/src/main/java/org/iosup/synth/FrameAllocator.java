package org.iosup.synth;

import it.unimi.dsi.fastutil.longs.LongArrayList;

/**
 * Machine frames for page-table pages, handed out like Linux's page allocator does for order-0
 * pages: from the CPU's own free list first, last freed first out (the per-CPU page lists of
 * {@code mm/page_alloc.c}), spilling half a list to a shared last-in first-out list when a CPU's
 * list passes its high mark, and fresh frames only when both are empty. So the same frames recur,
 * as they do on a real system.
 */
final class FrameAllocator {
    /** High mark of a per-CPU list (Linux's pcp->high is of this order for small zones). */
    static final int HIGH = 64;

    private final LongArrayList[] perCpu;
    private final LongArrayList shared = new LongArrayList();
    private long next;

    FrameAllocator(int cpus, long firstFrame) {
        perCpu = new LongArrayList[cpus];
        for (int c = 0; c < cpus; c++) {
            perCpu[c] = new LongArrayList();
        }
        next = firstFrame;
    }

    long allocate(int cpu) {
        LongArrayList own = perCpu[cpu];
        if (!own.isEmpty()) {
            return own.removeLong(own.size() - 1);
        }
        if (!shared.isEmpty()) {
            return shared.removeLong(shared.size() - 1);
        }
        return next++;
    }

    void free(int cpu, long frame) {
        LongArrayList own = perCpu[cpu];
        own.add(frame);
        if (own.size() > HIGH) {
            // Give back the coldest half (the bottom of the list).
            int n = HIGH / 2;
            for (int i = 0; i < n; i++) {
                shared.add(own.getLong(i));
            }
            own.removeElements(0, n);
        }
    }

    /** Frames ever handed out fresh (the footprint). */
    long distinctFrames(long firstFrame) {
        return next - firstFrame;
    }
}
