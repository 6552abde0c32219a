package org.iosup.trace;

/**
 * Granularity of a VT-d IOTLB invalidation ({@code DMA_TLB_GLOBAL_FLUSH}, {@code _DSI_},
 * {@code _PSI_} in Xen's {@code xen/drivers/passthrough/vtd/iommu.h}). Names and order are
 * checked against {@code schemas/events.schema.json}.
 */
public enum Granularity {
    GLOBAL, DOMAIN, PAGE;

    private static final Granularity[] VALUES = values();

    public static Granularity ofCode(int code) {
        return VALUES[code];
    }

    public byte code() {
        return (byte) ordinal();
    }
}
