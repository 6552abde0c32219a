package org.iosup.model.pool;

import it.unimi.dsi.fastutil.longs.LongArrayList;

/**
 * IOSUP's page-table caches: one pool per level of freed page-table pages that stay typed and
 * pinned, taken last-in first-out by the next allocation of that level (as Linux's quicklists were).
 * Decides, after each page put back, how many pages to give back to the page allocator under the
 * policy's rules: a cap per level, the paper's shrink rule (in-pool/in-use and in-pool + in-use
 * both over their limits: give back in-pool − in-use), or quicklist trimming
 * ({@code mm/quicklist.c}: keep max(free pages / fraction / cpus, min), at most {@code batch} per trim).
 */
public final class PageTablePools {
    private final PolicySpec spec;
    private final LongArrayList[] pools = new LongArrayList[5];

    public PageTablePools(PolicySpec spec) {
        this.spec = spec;
        for (int l = 1; l <= 4; l++) {
            pools[l] = new LongArrayList();
        }
    }

    public int size(int level) {
        return pools[level].size();
    }

    public int total() {
        return pools[1].size() + pools[2].size() + pools[3].size() + pools[4].size();
    }

    public boolean isEmpty(int level) {
        return pools[level].isEmpty();
    }

    /** Takes the most recently pooled page of a level (the pool must not be empty). */
    public long take(int level) {
        LongArrayList p = pools[level];
        return p.removeLong(p.size() - 1);
    }

    /** Whether a page of this level may be pooled (the cap allows it). */
    public boolean accepts(int level) {
        return pools[level].size() < spec.cap();
    }

    public void put(int level, long frame) {
        pools[level].add(frame);
    }

    /**
     * How many pages of a level to give back now, with {@code inUse} page-table pages of that level
     * in use, under the shrink rule or quicklist trimming (0 when neither applies).
     */
    public int excess(int level, long inUse) {
        long inPool = pools[level].size();
        long give = 0;
        if (spec.shrink()) {
            boolean ratioOver = inUse == 0 ? inPool > 0 : (double) inPool / inUse > spec.shrinkRatio();
            if (ratioOver && inPool + inUse > spec.shrinkTotal()) {
                give = Math.max(give, inPool - inUse);
            }
        }
        if (spec.quicklist() && inPool > spec.qlMin()) {
            long keep = Math.max(spec.qlFreePages() / spec.qlFraction() / spec.qlCpus(), spec.qlMin());
            give = Math.max(give, Math.min(inPool - keep, spec.qlBatch()));
        }
        return (int) Math.max(0, give);
    }

    /** Removes the oldest pooled page of a level (for giving pages back). */
    public long takeOldest(int level) {
        return pools[level].removeLong(0);
    }
}
