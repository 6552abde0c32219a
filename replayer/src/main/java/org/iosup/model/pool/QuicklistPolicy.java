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
    /** ia64 {@code check_pgt_cache()}: pages kept at least, and freed per trim at most. */
    static final long DEFAULT_MIN = 25;
    static final long DEFAULT_BATCH = 16;
    /** {@code mm/quicklist.c}'s {@code FRACTION_OF_NODE_MEM}. */
    static final long DEFAULT_FRACTION = 16;
    /** Free pages of the node: 1 GiB of 4 KiB pages (an assumption). */
    static final long DEFAULT_FREE_PAGES = 262_144;
    /** CPUs of the node (an assumption). */
    static final long DEFAULT_CPUS = 4;
    /** Help of the options only quicklist takes, one line each. */
    static final List<String> OPTION_HELP = List.of(
            "min=N            pages kept at least (default: " + DEFAULT_MIN + ")",
            "batch=N          pages freed per trim at most (default: " + DEFAULT_BATCH + ")",
            "fraction=N       keep up to 1/N of the node's free pages (default: " + DEFAULT_FRACTION + ")",
            "free-pages=N     free pages of the node (default: " + DEFAULT_FREE_PAGES + ": 1 GiB)",
            "cpus=N           CPUs of the node (default: " + DEFAULT_CPUS + ")");

    static QuicklistPolicy parse(long enableAtNs, long cap, ShrinkRule shrink, PolicyFamilies.Options o) {
        return new QuicklistPolicy(enableAtNs, cap, shrink, o.takeLong("min", DEFAULT_MIN, 0),
                o.takeLong("batch", DEFAULT_BATCH, 1), o.takeLong("fraction", DEFAULT_FRACTION, 1),
                o.takeLong("free-pages", DEFAULT_FREE_PAGES, 0), o.takeLong("cpus", DEFAULT_CPUS, 1));
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
