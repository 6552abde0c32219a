package org.iosup.model.pool;

import it.unimi.dsi.fastutil.longs.LongArrayList;

/**
 * IOSUP's page-table caches: one pool per level of freed page-table pages that stay typed and
 * pinned, taken last-in first-out by the next allocation of that level (as Linux's quicklists were).
 * After each page put back, the policy's trim rule ({@link PoolPolicy#excess}) says how many pages
 * to give back to the page allocator, and its cap how many a level keeps at most.
 */
public final class PageTablePools {
    private final PoolPolicy policy;
    private final LongArrayList[] pools = new LongArrayList[5];

    public PageTablePools(PoolPolicy policy) {
        this.policy = policy;
        for (int l = 1; l <= 4; l++) {
            pools[l] = new LongArrayList();
        }
    }

    /** An independent copy of the pooled pages (in their order), under {@code policy}. */
    public PageTablePools copy(PoolPolicy policy) {
        PageTablePools c = new PageTablePools(policy);
        for (int l = 1; l <= 4; l++) {
            c.pools[l].addAll(pools[l]);
        }
        return c;
    }

    /** Whether a page of this level may be pooled under {@code other} (its cap), with these pools. */
    public boolean acceptsUnder(PoolPolicy other, int level) {
        return pools[level].size() < other.cap();
    }

    /** {@link #excess} under {@code other}'s trim rule, were a page of the level put back now. */
    public int excessAfterPutUnder(PoolPolicy other, int level, long inUse) {
        return (int) Math.max(0, other.excess(pools[level].size() + 1L, inUse));
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
        return acceptsUnder(policy, level);
    }

    public void put(int level, long frame) {
        pools[level].add(frame);
    }

    /**
     * How many pages of a level to give back now, with {@code inUse} page-table pages of that level
     * in use, under the shrink rule or quicklist trimming (0 when neither applies).
     */
    public int excess(int level, long inUse) {
        return (int) Math.max(0, policy.excess(pools[level].size(), inUse));
    }

    /** Removes the oldest pooled page of a level (for giving pages back). */
    public long takeOldest(int level) {
        return pools[level].removeLong(0);
    }
}
