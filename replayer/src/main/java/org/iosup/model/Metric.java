package org.iosup.model;

import org.iosup.analysis.MinuteSeries;

/**
 * What the replay measures, per policy and minute: the columns of {@code minutes.csv} after
 * {@code minute} and {@code policy}, in order. Counters sum the events of a minute; gauges hold
 * the value at the end of the minute. Names, order and meaning are defined in
 * {@code schemas/replay-minutes.schema.json}, which is checked against this enum.
 */
public enum Metric implements MinuteSeries.Column {
    FLUSH_CALLS, FLUSH_ISSUED, UNMAPS, MAPS, TYPE_CHANGES, PT_ALLOCS, PT_FREES,
    POOL_PAGES_L1(true), POOL_PAGES_L2(true), POOL_PAGES_L3(true), POOL_PAGES_L4(true),
    IOTLB_LOOKUPS, IOTLB_MISSES, CPU_NS_ALLOC, CPU_NS_FREE, VIOLATIONS,
    FLUSH_CALLS_PAGE, FLUSH_CALLS_DOMAIN, FLUSH_CALLS_GLOBAL,
    FLUSH_ISSUED_PAGE, FLUSH_ISSUED_DOMAIN, FLUSH_ISSUED_GLOBAL,
    INVALIDATION_NS, TLB_FLUSHES, TYPE_REFUSALS,
    POOL_PAGES(true), POOL_HITS, POOL_RELEASES, PT_PAGES_IN_USE(true),
    IOTLB_STALE_HITS, IOTLB_MISS_NS, DMA_ACCESSES, DMA_BYTES, DMA_FAULTS,
    CPU_NS_ALLOC_L1, CPU_NS_ALLOC_L2, CPU_NS_ALLOC_L3, CPU_NS_ALLOC_L4,
    CPU_NS_FREE_L1, CPU_NS_FREE_L2, CPU_NS_FREE_L3, CPU_NS_FREE_L4,
    PROC_CREATES, PROC_EXECS, PROC_EXITS, MMU_UPDATE_ENTRIES,
    RECORDED_TYPE_CHANGES, RECORDED_MAPS, RECORDED_UNMAPS, RECORDED_FLUSHES,
    CPU_NS_PIN, CPU_NS_UNPIN, CPU_NS_TEARDOWN, CPU_NS_MMU_UPDATE, CPU_NS_PROCESS, CPU_NS_TOTAL, MMU_UPDATES,
    IOTLB_WALK_READS;

    /** The CPU columns whose sum is {@link #CPU_NS_TOTAL}: where the time is spent, each once. */
    public static final java.util.List<Metric> CPU_PARTS = java.util.List.of(CPU_NS_ALLOC, CPU_NS_FREE, CPU_NS_PIN,
            CPU_NS_UNPIN, CPU_NS_TEARDOWN, CPU_NS_MMU_UPDATE, CPU_NS_PROCESS);

    private static final Metric[] VALUES = values();
    private final boolean gauge;

    Metric() {
        this(false);
    }

    Metric(boolean gauge) {
        this.gauge = gauge;
    }

    @Override
    public boolean isGauge() {
        return gauge;
    }

    public static int count() {
        return VALUES.length;
    }

    public static Metric ofOrdinal(int i) {
        return VALUES[i];
    }

    /** The pool gauge of a level 1..4. */
    public static Metric poolPages(int level) {
        return VALUES[POOL_PAGES_L1.ordinal() + level - 1];
    }

    /** Allocation-path CPU time of a level 1..4. */
    public static Metric cpuAlloc(int level) {
        return VALUES[CPU_NS_ALLOC_L1.ordinal() + level - 1];
    }

    /** Free-path CPU time of a level 1..4. */
    public static Metric cpuFree(int level) {
        return VALUES[CPU_NS_FREE_L1.ordinal() + level - 1];
    }
}
