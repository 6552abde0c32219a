package org.iosup.model.pool;

/**
 * The paper's shrink rule: when both in-pool / in-use and in-pool + in-use pages of a level exceed
 * their limits, in-pool − in-use pages go back to the page allocator. The paper tuned its limits by
 * trial and does not give them.
 *
 * @param on    whether the rule applies
 * @param ratio limit of in-pool / in-use
 * @param total limit of in-pool + in-use, pages per level
 */
public record ShrinkRule(boolean on, double ratio, long total) {
    /** Default limit of in-pool / in-use (an assumption: keep no more pooled than in use). */
    public static final double DEFAULT_RATIO = 1.0;
    /**
     * Default limit of in-pool + in-use pages per level, chosen by trial on the demo's busy trace
     * (seed 1, xen-4.2.1): 150 gives the dynamic pool a peak of 208 pages, near the paper's 210
     * (Figure 8), where 256 never fired. So Figure 8's pool size is fitted, not predicted
     * (docs/paper.md).
     */
    public static final long DEFAULT_TOTAL = 150;
    /** The rule off. */
    public static final ShrinkRule OFF = new ShrinkRule(false, DEFAULT_RATIO, DEFAULT_TOTAL);

    /** Pages to give back under the rule. */
    public long excess(long inPool, long inUse) {
        if (!on) {
            return 0;
        }
        boolean ratioOver = inUse == 0 ? inPool > 0 : (double) inPool / inUse > ratio;
        return ratioOver && inPool + inUse > total ? Math.max(0, inPool - inUse) : 0;
    }
}
