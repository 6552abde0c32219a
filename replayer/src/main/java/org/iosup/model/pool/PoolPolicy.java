package org.iosup.model.pool;

import java.util.Map;

/**
 * A page-table pool policy: when the pools are on, how many pages a level's pool keeps at most,
 * and its trim rule (how many pages to give back to the page allocator after a page is pooled).
 * One implementation per family ({@link PolicyFamilies} lists them and parses their specs); each
 * owns its parameters and their defaults.
 */
public interface PoolPolicy {
    /** The family's name, as a spec begins: disabled, pre-enabled, dynamic, quicklist. */
    String family();

    /** The time the pools switch on, ns (0: from the start; {@link Long#MAX_VALUE}: never). */
    long enableAtNs();

    /** Whether the pools are on at time {@code ts}. */
    default boolean poolsOnAt(long ts) {
        return ts >= enableAtNs();
    }

    /** Pages a level's pool keeps at most ({@link Long#MAX_VALUE}: no cap). */
    long cap();

    /** The paper's shrink rule as this policy applies it ({@link ShrinkRule#OFF} when it does not). */
    ShrinkRule shrink();

    /**
     * How many pages of a level to give back now, with {@code inPool} pages in its pool and
     * {@code inUse} page tables of that level in use: the policy's trim rule (0: keep them all);
     * by default the shrink rule's.
     */
    default long excess(long inPool, long inUse) {
        return shrink().excess(inPool, inUse);
    }

    /** The family's own parameters in effect, for the manifest, beside the shared ones (none by default). */
    default Map<String, Object> parameters() {
        return Map.of();
    }
}
