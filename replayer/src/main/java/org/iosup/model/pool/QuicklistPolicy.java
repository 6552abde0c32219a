package org.iosup.model.pool;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code quicklist[@TIME]}: pools trimmed as Linux's quicklists were ({@code mm/quicklist.c}, docs/model.md
 * §6): after each free, a pool above {@code min} pages gives back at most {@code batch}, keeping
 * max(free pages / fraction / cpus, min).
 *
 * @param min       pages kept at least (ia64 {@code check_pgt_cache}: 25)
 * @param batch     pages freed per trim at most (ia64: 16)
 * @param fraction  {@code FRACTION_OF_NODE_MEM} (mm/quicklist.c: 16)
 * @param freePages free pages of the node (an assumption: 262,144 = 1 GiB)
 * @param cpus      CPUs of the node (the paper's i5-3470: 4)
 */
public record QuicklistPolicy(long enableAtNs, long cap, ShrinkRule shrink, long min, long batch, long fraction,
                              long freePages, long cpus) implements PoolPolicy {
    /** The options only quicklist takes. */
    static final List<String> OPTIONS = List.of("min", "batch", "fraction", "free-pages", "cpus");

    static QuicklistPolicy parse(long enableAtNs, long cap, ShrinkRule shrink, PolicyFamilies.Options o) {
        return new QuicklistPolicy(enableAtNs, cap, shrink, o.takeLong("min", 25, 0), o.takeLong("batch", 16, 1),
                o.takeLong("fraction", 16, 1), o.takeLong("free-pages", 262_144, 0), o.takeLong("cpus", 4, 1));
    }

    @Override
    public String family() {
        return "quicklist";
    }

    @Override
    public long excess(long inPool, long inUse) {
        long give = shrink.excess(inPool, inUse);
        if (inPool > min) {
            long keep = Math.max(freePages / fraction / cpus, min);
            give = Math.max(give, Math.min(inPool - keep, batch));
        }
        return Math.max(0, give);
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("quicklist_min", min);
        m.put("quicklist_batch", batch);
        m.put("quicklist_fraction", fraction);
        m.put("quicklist_free_pages", freePages);
        m.put("quicklist_cpus", cpus);
        return m;
    }
}
