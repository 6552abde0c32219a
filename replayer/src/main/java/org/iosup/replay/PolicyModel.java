package org.iosup.replay;

import org.iosup.analysis.MinuteSeries;

import it.unimi.dsi.fastutil.longs.Long2LongOpenHashMap;
import org.iosup.model.CostModel;
import org.iosup.model.guest.GuestOps;
import org.iosup.model.pool.PageTablePools;
import org.iosup.model.vtd.InvalidationUnit;
import org.iosup.model.vtd.IommuConfig;
import org.iosup.model.vtd.Iotlb;
import org.iosup.model.vtd.SharedIotlb;
import org.iosup.model.xen.HypervisorProfile;
import org.iosup.model.xen.PageTypeTable;
import org.iosup.model.xen.TypeChangeListener;
import org.iosup.trace.EventBatch;
import org.iosup.trace.PageType;

/**
 * One policy's whole model: the hypervisor's page types, the IOMMU (I/O page table, invalidation
 * unit, IOTLB), the guest's page-table pages and pools, and its metrics per minute. It replays
 * the guest operations of {@link GuestOps}, which are the same for every policy.
 *
 * <p>Pin and unpin follow Linux's PV MMU and Xen's rules: a page to become a page table is made
 * read-only (its writable reference dropped) and pinned (a reference of type L<i>x</i>, so a
 * 0-to-1 change from writable: the IOMMU unmaps it and flushes); an unpinned page is made writable
 * again (a 0-to-1 change back: the IOMMU maps it and flushes a non-present entry). A replay frame
 * maps each trace frame to the model frame that serves it: a pooled page, or the trace's own frame
 * from the page allocator (a fresh frame beyond the trace's when that one is held by the model).
 */
public final class PolicyModel implements TypeChangeListener, InvalidationUnit.Owner {
    /** First frame number of the frames the model makes up when a trace frame is taken. */
    static final long SYNTHETIC_FRAMES = 1L << 40;
    private static final long MINUTE_NS = 60_000_000_000L;
    private static final int STALE = Metric.IOTLB_STALE_HITS.ordinal();
    private static final int MISSES = Metric.IOTLB_MISSES.ordinal();
    private static final int MISS_NS = Metric.IOTLB_MISS_NS.ordinal();
    private static final int FAULTS = Metric.DMA_FAULTS.ordinal();

    private final PolicySpec spec;
    private final HypervisorProfile profile;
    private final CostModel costs;
    private final PageTypeTable types = new PageTypeTable(this);
    private SharedIotlb iotlb;
    private final InvalidationUnit flusher;
    private final PageTablePools pools;
    private final MinuteSeries<Metric> m = new MinuteSeries<>(Metric.class);
    private final Long2LongOpenHashMap modelFrame = new Long2LongOpenHashMap();
    private final long[] inUse = new long[5];
    /** This policy's unmapped frames, to answer most DMA lookups without the page-type table. */
    private final UnmappedFilter unmapped = new UnmappedFilter();
    /** The unmapped frames of all policies of the replay, or null: kept up to date for {@link Lockstep}. */
    private UnmappedFilter union;
    private final long missNs;
    private long nextSynthetic = SYNTHETIC_FRAMES;
    private long fromAllocator;
    private long toAllocator;
    private int domain;
    private long pendingNs;
    private long minuteEnd = MINUTE_NS;

    public PolicyModel(PolicySpec spec, HypervisorProfile profile, IommuConfig iommu, CostModel costs) {
        this.spec = spec;
        this.profile = profile;
        this.costs = costs;
        this.missNs = costs.iotlbMissNs();
        this.iotlb = SharedIotlb.of(new Iotlb(iommu.iotlbEntries(), iommu.iotlbWays()));
        this.flusher = new InvalidationUnit(profile, iommu, costs, this);
        this.pools = new PageTablePools(spec);
        modelFrame.defaultReturnValue(-1);
    }

    public PolicySpec spec() {
        return spec;
    }

    public MinuteSeries<Metric> series() {
        return m;
    }

    /** Replays a batch of operations. */
    public void apply(GuestOps ops) {
        for (int i = 0, n = ops.size(); i < n; i++) {
            applyOne(ops, i);
        }
    }

    /** Replays operation {@code i} of a batch. */
    public void applyOne(GuestOps ops, int i) {
        advance(ops.ts()[i]);
        domain = ops.domain()[i];
        long f = ops.frame()[i];
        int level = ops.level()[i];
        switch (ops.op()[i]) {
            case GuestOps.ALLOC -> alloc(ops.ts()[i], f, level);
            case GuestOps.PIN -> pin(f, level);
            case GuestOps.UNPIN -> unpin(ops.ts()[i], f, level);
            case GuestOps.FREE -> free(ops.ts()[i], f, level);
            case GuestOps.DMA -> dma(ops.batch(), ops.aux()[i], ops.bytes()[i]);
            default -> throw new IllegalStateException("unknown operation " + ops.op()[i]);
        }
    }

    /** Moves the minute series to the minute of {@code t}. */
    void advance(long t) {
        if (t >= minuteEnd) {
            int minute = (int) (t / MINUTE_NS);
            m.advanceTo(minute);
            minuteEnd = (minute + 1) * MINUTE_NS;
        }
    }

    private void alloc(long t, long tf, int level) {
        m.inc(Metric.PT_ALLOCS);
        long mf;
        long ns;
        if (spec.poolsOnAt(t) && !pools.isEmpty(level)) {
            mf = pools.take(level);
            ns = costs.poolAllocNs();
            m.inc(Metric.POOL_HITS);
            poolGauges(level);
        } else {
            mf = types.isInUse(tf) ? nextSynthetic++ : tf;
            types.setInUse(mf, true);
            fromAllocator++;
            ns = costs.buddyAllocNs();
        }
        modelFrame.put(tf, mf);
        inUse[level]++;
        m.set(Metric.PT_PAGES_IN_USE, liveTotal());
        charge(Metric.cpuAlloc(level), Metric.CPU_NS_ALLOC, ns);
    }

    private void pin(long tf, int level) {
        long mf = served(tf);
        PageType table = PageType.ofLevel(level);
        pendingNs = 0;
        if (types.type(mf) == table && types.isPinned(mf)) {
            return; // a pooled page: still typed and pinned
        }
        // Make it read-only (drop the direct map's writable reference), then pin it as a table.
        types.put(mf);
        PageTypeTable.Result r = types.get(mf, table);
        if (r == PageTypeTable.Result.REFUSED) {
            types.get(mf, PageType.WRITABLE);
            m.inc(Metric.TYPE_REFUSALS);
            return;
        }
        types.setPinned(mf, true);
        long ns = costs.hypercallNs() + pendingNs;
        if (r == PageTypeTable.Result.CHANGED) {
            ns += costs.tableValidationNs();
        }
        if (types.isProtectionViolated(mf)) {
            m.inc(Metric.VIOLATIONS);
        }
        charge(Metric.cpuAlloc(level), Metric.CPU_NS_ALLOC, ns);
    }

    private void unpin(long t, long tf, int level) {
        if (spec.poolsOnAt(t)) {
            return; // the pool-aware kernel keeps an exiting mm's pages pinned, for its pools
        }
        long mf = served(tf);
        if (types.isPinned(mf)) {
            charge(Metric.cpuFree(level), Metric.CPU_NS_FREE, release(mf));
        }
    }

    /** Unpins a page and makes it writable again; returns the CPU time. */
    private long release(long mf) {
        pendingNs = 0;
        types.setPinned(mf, false);
        types.put(mf);
        types.get(mf, PageType.WRITABLE);
        return costs.hypercallNs() + costs.tableValidationNs() + pendingNs;
    }

    private void free(long t, long tf, int level) {
        long mf = modelFrame.remove(tf);
        if (mf < 0) {
            throw new IllegalStateException("free of trace frame " + tf + " that the model does not hold");
        }
        m.inc(Metric.PT_FREES);
        inUse[level]--;
        m.set(Metric.PT_PAGES_IN_USE, liveTotal());
        long ns;
        if (spec.poolsOnAt(t) && types.isPinned(mf) && types.type(mf) == PageType.ofLevel(level)) {
            if (pools.accepts(level)) {
                pools.put(level, mf);
                ns = costs.poolFreeNs();
                int excess = pools.excess(level, inUse[level]);
                for (int k = 0; k < excess; k++) {
                    ns += giveBack(pools.takeOldest(level));
                }
                poolGauges(level);
            } else {
                ns = giveBack(mf);
            }
        } else {
            ns = types.isPinned(mf) ? release(mf) : 0;
            ns += toAllocator(mf);
        }
        charge(Metric.cpuFree(level), Metric.CPU_NS_FREE, ns);
    }

    /** A pooled (pinned) page goes back to the page allocator. */
    private long giveBack(long mf) {
        m.inc(Metric.POOL_RELEASES);
        return release(mf) + toAllocator(mf);
    }

    private long toAllocator(long mf) {
        types.setInUse(mf, false);
        toAllocator++;
        return costs.buddyFreeNs();
    }

    private long served(long tf) {
        long mf = modelFrame.get(tf);
        if (mf < 0) {
            throw new IllegalStateException("trace frame " + tf + " is not a page-table page of the model");
        }
        return mf;
    }

    /**
     * IOTLB lookups of the pages of DMA rows {@code [from, to)} of a batch. A hit needs no I/O
     * page-table walk, but is stale if the frame was unmapped without an invalidation; a miss walks
     * the table (a fault if the frame is not mapped).
     */
    void dma(EventBatch b, int from, int to) {
        long[] addr = b.addr();
        int[] bytes = b.bytes();
        for (int r = from; r < to; r++) {
            int d = b.domainOr0(r);
            long last = (addr[r] + Math.max(1, bytes[r]) - 1) >>> 12;
            for (long f = addr[r] >>> 12; f <= last; f++) {
                dmaPage(d, f);
            }
        }
    }

    /** One IOTLB lookup of a DMA page. */
    void dmaPage(int d, long f) {
        long[] c = m.current();
        Iotlb tlb = ownIotlb();
        if (tlb.lookup(d, f)) {
            if (!isMapped(f)) {
                c[STALE]++;
            }
        } else if (isMapped(f)) {
            c[MISSES]++;
            c[MISS_NS] += missNs;
        } else {
            tlb.drop(d, f);
            c[FAULTS]++;
        }
    }

    /** Counts IOTLB misses of mapped frames (walks), for lookups done on a shared IOTLB. */
    void countMisses(long n) {
        if (n > 0) {
            long[] c = m.current();
            c[MISSES] += n;
            c[MISS_NS] += n * missNs;
        }
    }

    @Override
    public Iotlb iotlb() {
        return iotlb.tlb();
    }

    @Override
    public Iotlb ownIotlb() {
        if (iotlb.isShared()) {
            iotlb = iotlb.detach();
        }
        return iotlb.tlb();
    }

    /** Starts sharing {@code other}'s IOTLB (both must be in the same state: at the start). */
    void shareIotlbWith(PolicyModel other) {
        iotlb = other.iotlb.share();
    }

    /** The IOTLB holder, to group policies that share one. */
    SharedIotlb sharedIotlb() {
        return iotlb;
    }

    /** Whether a frame is mapped in the IOMMU: the filter's bit set answers most lookups without the table. */
    boolean isMapped(long f) {
        return !unmapped.maybeFrame(f) || types.isMapped(f);
    }

    /** Also records this policy's unmapped frames in {@code all} (shared by the policies of a replay). */
    void reportUnmappedTo(UnmappedFilter all) {
        this.union = all;
    }

    private void filterAdd(long frame) {
        unmapped.add(frame);
        if (union != null) {
            union.add(frame);
        }
    }

    private void filterRemove(long frame) {
        unmapped.remove(frame);
        if (union != null) {
            union.remove(frame);
        }
    }

    /** The IOMMU hook of Xen's type change: old writable → unmap, new writable → map read+write. */
    @Override
    public void typeChanged(long frame, PageType from, PageType to) {
        m.inc(Metric.TYPE_CHANGES);
        m.inc(Metric.TLB_FLUSHES);
        if (from == PageType.WRITABLE && to != PageType.WRITABLE) {
            if (types.isMapped(frame)) {
                types.setMapped(frame, false);
                filterAdd(frame);
                m.inc(Metric.UNMAPS);
                pendingNs += costs.iommuOpNs();
                pendingNs += flusher.flush(domain, frame, 1, profile.unmapFlushNotPresent(), m);
            }
        } else if (to == PageType.WRITABLE && from != PageType.WRITABLE) {
            boolean wasMapped = types.isMapped(frame);
            types.setMapped(frame, true);
            if (!wasMapped) {
                filterRemove(frame);
            }
            m.inc(Metric.MAPS);
            pendingNs += costs.iommuOpNs();
            if (!wasMapped) {
                pendingNs += flusher.flush(domain, frame, 1, true, m);
            }
        }
    }

    private void charge(Metric perLevel, Metric total, long ns) {
        m.add(perLevel, ns);
        m.add(total, ns);
    }

    private void poolGauges(int level) {
        m.set(Metric.poolPages(level), pools.size(level));
        m.set(Metric.POOL_PAGES, pools.total());
    }

    private long liveTotal() {
        return inUse[1] + inUse[2] + inUse[3] + inUse[4];
    }

    /** Ends the replay with {@code lastMinute} as the last minute (-1 for an empty trace). */
    public void finish(int lastMinute) {
        m.finish(lastMinute);
    }

    /** Page-table pages live in the model. */
    public long pagesInUse() {
        return liveTotal();
    }

    public long pagesInPools() {
        return pools.total();
    }

    /** Pages obtained from the page allocator so far. */
    public long fromAllocator() {
        return fromAllocator;
    }

    /** Pages given back to the page allocator so far. */
    public long toAllocator() {
        return toAllocator;
    }

    /** Frames whose state differs from the default (memory use follows this). */
    public int trackedFrames() {
        return types.trackedFrames();
    }
}
