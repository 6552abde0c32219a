package org.iosup.trace;

/**
 * What an event row records. The names, order and required fields are defined in
 * {@code schemas/events.schema.json}; {@link org.iosup.trace.EventSchema} checks at load time
 * that this enum matches it. The ordinal is the compact code stored in {@link EventBatch}.
 */
public enum EventKind {
    PROC_CREATE, PROC_EXEC, PROC_EXIT,
    PT_ALLOC, PT_FREE, PT_PIN, PT_UNPIN,
    TYPE_CHANGE, MMU_UPDATE,
    IOMMU_MAP, IOMMU_UNMAP, IOTLB_FLUSH,
    DMA;

    private static final EventKind[] VALUES = values();

    /** The kind whose {@link #code()} is {@code code}. */
    public static EventKind ofCode(int code) {
        return VALUES[code];
    }

    /** The compact code stored in batches (the ordinal). */
    public byte code() {
        return (byte) ordinal();
    }

    /** Number of kinds, for arrays indexed by code. */
    public static int count() {
        return VALUES.length;
    }
}
