package org.iosup.analysis;

/**
 * What {@code analyze} counts per minute from the trace itself: the columns of its
 * {@code minutes.csv} after {@code minute}, in order, as defined in
 * {@code schemas/analyze-minutes.schema.json} (checked against this enum).
 */
public enum RecordedMetric implements MinuteSeries.Column {
    PROC_CREATES, PROC_EXECS, PROC_EXITS,
    PT_ALLOCS, PT_ALLOCS_L1, PT_ALLOCS_L2, PT_ALLOCS_L3, PT_ALLOCS_L4,
    PT_FREES, PT_FREES_L1, PT_FREES_L2, PT_FREES_L3, PT_FREES_L4,
    PT_PINS, PT_UNPINS,
    TYPE_CHANGES, TYPE_CHANGES_TO_PT, TYPE_CHANGES_FROM_PT, TYPE_CHANGES_OTHER,
    MMU_UPDATES, MMU_UPDATE_ENTRIES, IOMMU_MAPS, IOMMU_UNMAPS,
    IOTLB_FLUSHES, IOTLB_FLUSHES_GLOBAL, IOTLB_FLUSHES_DOMAIN, IOTLB_FLUSHES_PAGE,
    DMA_ACCESSES, DMA_BYTES, DMA_WRITE_BYTES,
    PT_PAGES_LIVE(true), PROCESSES_LIVE(true);

    private static final RecordedMetric[] VALUES = values();
    private final boolean gauge;

    RecordedMetric() {
        this(false);
    }

    RecordedMetric(boolean gauge) {
        this.gauge = gauge;
    }

    @Override
    public boolean isGauge() {
        return gauge;
    }

    static RecordedMetric allocs(int level) {
        return VALUES[PT_ALLOCS_L1.ordinal() + level - 1];
    }

    static RecordedMetric frees(int level) {
        return VALUES[PT_FREES_L1.ordinal() + level - 1];
    }
}
