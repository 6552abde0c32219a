package org.iosup.model.vtd;

/**
 * An IOTLB that several policies may share while their IOTLBs are in the same state, copied on
 * write: a policy about to change it differently from the others (an invalidation that drops an
 * entry, or a DMA only some of them may do) takes a copy of its own first. Sharing is exact; it
 * saves simulating the same cache once per policy, which is most of a replay's work (DMA is most
 * of a trace, and page-table frames are seldom in the IOTLB, so invalidations seldom drop anything).
 */
public final class SharedIotlb {
    private Iotlb tlb;
    private int sharers;

    private SharedIotlb(Iotlb tlb) {
        this.tlb = tlb;
        this.sharers = 1;
    }

    public static SharedIotlb of(Iotlb tlb) {
        return new SharedIotlb(tlb);
    }

    /** The cache, for reading (and for writes that every sharer makes alike). */
    public Iotlb tlb() {
        return tlb;
    }

    /** Another policy starts sharing this cache. */
    public SharedIotlb share() {
        sharers++;
        return this;
    }

    public boolean isShared() {
        return sharers > 1;
    }

    /** Gives a sharer its own copy: returns the holder the sharer should use from now on. */
    public SharedIotlb detach() {
        if (sharers == 1) {
            return this;
        }
        sharers--;
        return new SharedIotlb(tlb.copy());
    }
}
