package org.iosup.replay;

import it.unimi.dsi.fastutil.longs.Long2LongOpenHashMap;
import org.iosup.analysis.MinuteSeries;
import org.iosup.model.Cost;
import org.iosup.model.CostModel;
import org.iosup.model.DeviceCounters;
import org.iosup.model.Metric;
import org.iosup.model.guest.GuestOps;
import org.iosup.model.guest.Paging;
import org.iosup.model.pool.PageTablePools;
import org.iosup.model.pool.PolicySpec;
import org.iosup.model.vtd.InvalidationUnit;
import org.iosup.model.vtd.IommuConfig;
import org.iosup.model.vtd.Iotlb;
import org.iosup.model.vtd.SharedIotlb;
import org.iosup.model.xen.HypervisorProfile;
import org.iosup.model.xen.PageTypeTable;
import org.iosup.model.xen.TypeChangeListener;
import org.iosup.trace.EventBatch;
import org.iosup.trace.PageType;

import java.util.ArrayList;
import java.util.List;

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
    private static final int WALK_READS = Metric.IOTLB_WALK_READS.ordinal();
    private static final int D_MISSES = DeviceCounters.Col.MISSES.ordinal();
    private static final int D_READS = DeviceCounters.Col.WALK_READS.ordinal();
    private static final int FAULTS = Metric.DMA_FAULTS.ordinal();

    private final PolicySpec spec;
    /**
     * When the pools switch on, read once from the policy ({@link Long#MAX_VALUE}: never; traces
     * end within 366 days): the check runs on every allocation, free and pin.
     */
    private final long poolsFrom;
    /**
     * The policies whose model this is, {@link #spec} first: policies stay on one model while every
     * operation so far did the same to each ({@link #split}). Their switch times bound
     * {@link #earliestFrom} and {@link #latestFrom}.
     */
    private final List<PolicySpec> members = new ArrayList<>();
    /** Each member's switch time, and a buffer of their outcomes ({@link #split}). */
    private long[] memberFrom = new long[0];
    private long[] outcomes = new long[0];
    private long earliestFrom;
    private long latestFrom;
    private final HypervisorProfile profile;
    private final IommuConfig iommuConfig;
    private final CostModel costs;
    private final PageTypeTable types;
    private SharedIotlb iotlb;
    private final long walkReadNs;
    /** IOTLB misses and walk reads per device and minute, for the throughput model. */
    private final DeviceCounters devices;
    private final InvalidationUnit flusher;
    private final PageTablePools pools;
    private final MinuteSeries<Metric> m;
    private final Long2LongOpenHashMap modelFrame;
    private final long[] inUse;
    /** This policy's unmapped frames, to answer most DMA lookups without the page-type table. */
    private final UnmappedFilter unmapped;
    /** The unmapped frames of all policies of the replay, or null: kept up to date for {@link Lockstep}. */
    private UnmappedFilter union;
    /** The index of this model's group in {@link Lockstep}'s current grouping (-1: in none yet). */
    int lockstepGroup = -1;
    /** Where {@link Lockstep} counts the models taking their own IOTLB, or null. */
    private long[] iotlbChanges;
    private final long missNs;
    private long nextSynthetic = SYNTHETIC_FRAMES;
    private long fromAllocator;
    private long toAllocator;
    private int domain;
    /** IOMMU work of the type changes of the current pin or unpin, to charge with it. */
    private long pendingIommuOps;
    private long pendingFlushCalls;
    private long pendingInvalidations;
    private long minuteEnd = MINUTE_NS;
    private int minute;
    private Paging paging = Paging.X86_64;
    /** The charges by cost, when a calibration asks for them (null otherwise). */
    private CostLedger ledger;

    public PolicyModel(PolicySpec spec, HypervisorProfile profile, IommuConfig iommu, CostModel costs) {
        this.spec = spec;
        this.poolsFrom = poolsFrom(spec);
        this.profile = profile;
        this.iommuConfig = iommu;
        this.costs = costs;
        this.missNs = costs.iotlbMissNs();
        this.walkReadNs = costs.walkReadNs();
        this.types = new PageTypeTable(this);
        this.iotlb = SharedIotlb.of(new Iotlb(iommu));
        this.flusher = new InvalidationUnit(profile, iommu, costs, this);
        this.pools = new PageTablePools(spec.policy());
        this.modelFrame = new Long2LongOpenHashMap();
        modelFrame.defaultReturnValue(-1);
        this.inUse = new long[5];
        this.unmapped = new UnmappedFilter();
        this.m = new MinuteSeries<>(Metric.class);
        this.devices = new DeviceCounters();
        setMembers(List.of(spec));
    }

    /**
     * A copy of {@code from}'s whole state for {@code specs}, which from here on go alone: the
     * first one's policy decides. The IOTLB is shared until one of the two writes to it.
     */
    private PolicyModel(PolicyModel from, List<PolicySpec> specs) {
        this.spec = specs.get(0);
        this.poolsFrom = poolsFrom(spec);
        this.profile = from.profile;
        this.iommuConfig = from.iommuConfig;
        this.costs = from.costs;
        this.missNs = from.missNs;
        this.walkReadNs = from.walkReadNs;
        this.types = from.types.copy(this);
        this.iotlb = from.iotlb.share();
        this.flusher = new InvalidationUnit(profile, iommuConfig, costs, this);
        this.pools = from.pools.copy(spec.policy());
        this.modelFrame = from.modelFrame.clone();
        this.inUse = from.inUse.clone();
        this.unmapped = from.unmapped.copy();
        this.union = from.union;
        this.iotlbChanges = from.iotlbChanges;
        if (union != null) {
            union.addAll(unmapped);
        }
        this.m = from.m.copy();
        this.devices = from.devices.copy();
        this.nextSynthetic = from.nextSynthetic;
        this.fromAllocator = from.fromAllocator;
        this.toAllocator = from.toAllocator;
        this.domain = from.domain;
        this.minuteEnd = from.minuteEnd;
        this.minute = from.minute;
        this.paging = from.paging;
        setMembers(specs);
    }

    private static long poolsFrom(PolicySpec spec) {
        return spec.pools() ? spec.enableAtNs() : Long.MAX_VALUE;
    }

    private void setMembers(List<PolicySpec> specs) {
        members.clear();
        members.addAll(specs);
        memberFrom = new long[specs.size()];
        outcomes = new long[specs.size()];
        earliestFrom = Long.MAX_VALUE;
        latestFrom = Long.MIN_VALUE;
        for (int k = 0; k < memberFrom.length; k++) {
            memberFrom[k] = poolsFrom(specs.get(k));
            earliestFrom = Math.min(earliestFrom, memberFrom[k]);
            latestFrom = Math.max(latestFrom, memberFrom[k]);
        }
    }

    /**
     * Makes this fresh model (nothing replayed yet) the model of {@code specs} too, which must have
     * the same profile, IOMMU and costs: they share it until an operation would treat them apart.
     */
    void alsoFor(List<PolicySpec> specs) {
        List<PolicySpec> all = new ArrayList<>(members);
        all.addAll(specs);
        setMembers(all);
    }

    /** The policies this model stands for, its own first. */
    List<PolicySpec> members() {
        return members;
    }

    /**
     * Before operation {@code i} (not a DMA) of a batch: if its members would not all do the same,
     * this model keeps the members that do what its own policy does, and the others get copies of
     * its state, one per distinct outcome (in the order of their first member), which are returned
     * (empty: nothing to split). Only the pools' switch time, cap and trim rule tell policies
     * apart; the rest of the state is the same for every member by construction.
     */
    List<PolicyModel> split(GuestOps ops, int i) {
        if (members.size() == 1) {
            return List.of();
        }
        long t = ops.ts()[i];
        int level = ops.level()[i];
        byte op = ops.op()[i];
        switch (op) {
            case GuestOps.ALLOC -> {
                if (t < earliestFrom || t >= latestFrom || pools.isEmpty(level)) {
                    return List.of(); // every member allocates from the page allocator, or every one from its pool
                }
            }
            case GuestOps.UNPIN -> {
                long mf = modelFrame.get(ops.frame()[i]);
                if (t < earliestFrom || t >= latestFrom || mf < 0 || !PageTypeTable.pinned(types.stateOf(mf))) {
                    return List.of(); // all keep the page pinned, or none, or there is nothing to unpin
                }
            }
            case GuestOps.FREE -> {
                if (t < earliestFrom || !poolable(ops.frame()[i], level)) {
                    return List.of(); // no member pools yet, or the page cannot be pooled: each frees it alike
                }
            }
            default -> {
                return List.of();
            }
        }
        long[] keys = outcomes;
        boolean alike = true;
        for (int k = 0; k < keys.length; k++) {
            keys[k] = outcome(members.get(k), memberFrom[k], op, t, level);
            alike &= keys[k] == keys[0];
        }
        if (alike) {
            return List.of();
        }
        java.util.Map<Long, List<PolicySpec>> byOutcome = new java.util.LinkedHashMap<>();
        for (int k = 0; k < keys.length; k++) {
            byOutcome.computeIfAbsent(keys[k], x -> new ArrayList<>()).add(members.get(k));
        }
        List<PolicyModel> copies = new ArrayList<>();
        List<PolicySpec> mine = null;
        for (List<PolicySpec> g : byOutcome.values()) {
            if (mine == null) {
                mine = g; // the first outcome is the one of members.get(0): this model's own policy
            } else {
                copies.add(new PolicyModel(this, g));
            }
        }
        setMembers(mine);
        return copies;
    }

    /** What {@code member}'s policy (switching on at {@code from}) would do at this operation, a page freed being poolable: equal numbers, the same. */
    private long outcome(PolicySpec member, long from, byte op, long t, int level) {
        boolean on = t >= from;
        if (op != GuestOps.FREE || !on) {
            return on ? 1 : 0; // an allocation from a non-empty pool, or an unpin left to the pools
        }
        if (!pools.acceptsUnder(member.policy(), level)) {
            return 1;
        }
        return 2 + pools.excessAfterPutUnder(member.policy(), level, inUse[level] - 1);
    }

    /** Whether trace frame {@code tf}'s page, freed, may go to a pool of {@code level}: still pinned, of its level. */
    private boolean poolable(long tf, int level) {
        long mf = modelFrame.get(tf);
        return mf >= 0 && PageTypeTable.pinnedAs(types.stateOf(mf), PageType.ofLevel(level));
    }

    /** Each member with a model of its own (the first keeps this one), for the results. */
    List<PolicyModel> separate() {
        List<PolicyModel> out = new ArrayList<>();
        out.add(this);
        for (int k = 1; k < members.size(); k++) {
            out.add(new PolicyModel(this, List.of(members.get(k))));
        }
        setMembers(List.of(spec));
        return out;
    }

    public PolicySpec spec() {
        return spec;
    }

    public MinuteSeries<Metric> series() {
        return m;
    }

    /** The guest's paging mode: how many entries its root table has (4 under PAE). Set before replaying. */
    public void setPaging(Paging paging) {
        this.paging = paging;
    }

    /** Keeps the charges by cost in {@code ledger} (for calibration). */
    public void keepLedger(CostLedger ledger) {
        this.ledger = ledger;
    }

    /** Replays a batch of operations. */
    public void apply(GuestOps ops) {
        for (int i = 0, n = ops.size(); i < n; i++) {
            applyOne(ops, i);
        }
    }

    /**
     * Replays operation {@code i} of a batch. DMA, nearly every operation of a real trace, takes the
     * short path; the page-table operations are a method of their own, so that this one stays small
     * enough for the JIT compiler to inline into {@link #apply}.
     */
    public void applyOne(GuestOps ops, int i) {
        advance(ops.ts()[i]);
        domain = ops.domain()[i];
        if (ops.op()[i] == GuestOps.DMA) {
            dma(ops.batch(), ops.aux()[i], ops.bytes()[i], ops.device(i));
        } else {
            pageOp(ops, i);
        }
    }

    private void pageOp(GuestOps ops, int i) {
        long f = ops.frame()[i];
        int level = ops.level()[i];
        switch (ops.op()[i]) {
            case GuestOps.ALLOC -> alloc(ops.ts()[i], f, level);
            case GuestOps.PIN -> pin(f, level, ops.aux()[i]);
            case GuestOps.UNPIN -> unpin(ops.ts()[i], f, level, ops.aux()[i]);
            case GuestOps.FREE -> free(ops.ts()[i], f, level);
            default -> throw new IllegalStateException("unknown operation " + ops.op()[i]);
        }
    }

    /** Moves the minute series to the minute of {@code t}. */
    void advance(long t) {
        if (t >= minuteEnd) {
            minute = (int) (t / MINUTE_NS);
            m.advanceTo(minute);
            devices.at(minute);
            minuteEnd = (minute + 1) * MINUTE_NS;
        }
    }

    /**
     * The allocation function of a level ({@code pgd_alloc}, {@code pmd_alloc_one},
     * {@code pte_alloc_one}): a page from the pool or the page allocator (zeroed), the table's
     * constructor, and for the root {@code pgd_alloc}'s own work. The pin, if the mm is pinned, is
     * the PV hook's ({@link #pin}).
     */
    private void alloc(long t, long tf, int level) {
        m.inc(Metric.PT_ALLOCS);
        long mf;
        Metric col = Metric.cpuAlloc(level);
        if (t >= poolsFrom && !pools.isEmpty(level)) {
            mf = pools.take(level);
            charge(col, Metric.CPU_NS_ALLOC, Cost.POOL_ALLOC, 1);
            m.inc(Metric.POOL_HITS);
            poolGauges(level);
        } else {
            mf = types.isInUse(tf) ? nextSynthetic++ : tf;
            types.setInUse(mf, true);
            fromAllocator++;
            charge(col, Metric.CPU_NS_ALLOC, Cost.BUDDY_ALLOC, 1);
            charge(col, Metric.CPU_NS_ALLOC, Cost.ZERO_PAGE, 1);
        }
        charge(col, Metric.CPU_NS_ALLOC, Cost.TABLE_CTOR, 1);
        if (level == paging.levels()) {
            charge(col, Metric.CPU_NS_ALLOC, Cost.PGD_CTOR, 1);
        }
        modelFrame.put(tf, mf);
        inUse[level]++;
        m.set(Metric.PT_PAGES_IN_USE, liveTotal());
    }

    /**
     * The PV hook that pins a page ({@code xen_pgd_pin} of a whole mm, {@code index} its place in
     * the walk, batched {@code multicall_batch} to a hypercall; or {@code xen_alloc_ptpage} of one
     * page, {@code index} -1): the page made read-only, Xen's validation of its entries if its type
     * changes, and the IOMMU unmap with its flush. A pooled page is still pinned: nothing to do.
     */
    private void pin(long tf, int level, int index) {
        long mf = served(tf);
        PageType table = PageType.ofLevel(level);
        if (PageTypeTable.pinnedAs(types.stateOf(mf), table)) {
            return; // a pooled page: still typed and pinned
        }
        clearPending();
        // Make it read-only (drop the direct map's writable reference), then pin it as a table.
        types.put(mf);
        PageTypeTable.Result r = types.get(mf, table);
        if (r == PageTypeTable.Result.REFUSED) {
            types.get(mf, PageType.WRITABLE);
            m.inc(Metric.TYPE_REFUSALS);
            return;
        }
        types.setPinned(mf, true);
        hook(Metric.CPU_NS_PIN, index, r == PageTypeTable.Result.CHANGED ? entries(level) : 0);
        if (types.isProtectionViolated(mf)) {
            m.inc(Metric.VIOLATIONS);
        }
    }

    /** The PV unpin hook of an mm ({@code xen_pgd_unpin} at exit or exec); with pools on the mm stays pinned. */
    private void unpin(long t, long tf, int level, int index) {
        if (t >= poolsFrom) {
            return; // the pool-aware kernel keeps an exiting mm's pages pinned, for its pools
        }
        long mf = served(tf);
        if (types.isPinned(mf)) {
            release(mf, level, index);
        }
    }

    /** Unpins a page and makes it writable again, charged to the unpin hooks. */
    private void release(long mf, int level, int index) {
        clearPending();
        types.setPinned(mf, false);
        types.put(mf);
        types.get(mf, PageType.WRITABLE);
        hook(Metric.CPU_NS_UNPIN, index, entries(level));
    }

    private void clearPending() {
        pendingIommuOps = 0;
        pendingFlushCalls = 0;
        pendingInvalidations = 0;
    }

    /**
     * Charges a pin or unpin hook to {@code col}: one multicall operation for the page, a hypercall
     * per batch (or one for a page alone), {@code validated} entries validated, and the IOMMU work
     * its type change caused.
     */
    private void hook(Metric col, int index, long validated) {
        charge(null, col, Cost.MULTICALL_ENTRY, 1);
        if (index < 0 || index % costs.get(Cost.MULTICALL_BATCH) == 0) {
            charge(null, col, Cost.HYPERCALL, 1);
        }
        charge(null, col, Cost.VALIDATE_ENTRY, validated);
        charge(null, col, Cost.IOMMU_OP, pendingIommuOps);
        charge(null, col, Cost.FLUSH_CALL, pendingFlushCalls);
        charge(null, col, Cost.INVALIDATION, pendingInvalidations);
    }

    /** Entries Xen validates in a table of {@code level}: 512, or 4 for the root of a PAE guest. */
    private long entries(int level) {
        return paging == Paging.PAE && level == 3 ? CostModel.ENTRIES_PAE_L3 : CostModel.ENTRIES_PER_TABLE;
    }

    /**
     * A page-table page is freed: the teardown of its entries first (for a PTE page; through Xen
     * when the page is still pinned), then the free function of its level (the destructor, the pool
     * or the page allocator); a page still pinned that goes to the page allocator is unpinned by the
     * PV hook ({@code xen_release_ptpage}).
     */
    private void free(long t, long tf, int level) {
        long mf = modelFrame.remove(tf);
        if (mf < 0) {
            throw new IllegalStateException("free of trace frame " + tf + " that the model does not hold");
        }
        m.inc(Metric.PT_FREES);
        inUse[level]--;
        m.set(Metric.PT_PAGES_IN_USE, liveTotal());
        long state = types.stateOf(mf);
        if (level == 1) {
            teardown(PageTypeTable.pinned(state));
        }
        Metric col = Metric.cpuFree(level);
        charge(col, Metric.CPU_NS_FREE, Cost.TABLE_DTOR, 1);
        if (level == paging.levels()) {
            charge(col, Metric.CPU_NS_FREE, Cost.PGD_DTOR, 1);
        }
        if (t >= poolsFrom && PageTypeTable.pinnedAs(state, PageType.ofLevel(level))) { // as poolable()
            if (pools.accepts(level)) {
                pools.put(level, mf);
                charge(col, Metric.CPU_NS_FREE, Cost.POOL_FREE, 1);
                int excess = pools.excess(level, inUse[level]);
                for (int k = 0; k < excess; k++) {
                    giveBack(pools.takeOldest(level), level);
                }
                poolGauges(level);
            } else {
                giveBack(mf, level);
            }
        } else {
            if (PageTypeTable.pinned(state)) {
                release(mf, level, -1);
            }
            toAllocator(mf, level);
        }
    }

    /**
     * Clearing a PTE page's present entries at teardown: plain writes when the page is no longer
     * pinned (Linux unpins an exiting mm first, {@code arch_exit_mmap}, for this); through Xen, one
     * mmu_update entry each, batched in multicalls, when it is still pinned (a page unmapped while
     * its mm lives, or an exiting mm a pool keeps pinned).
     */
    private void teardown(boolean pinned) {
        long entries = costs.get(Cost.PRESENT_ENTRIES_PER_L1);
        charge(null, Metric.CPU_NS_TEARDOWN, Cost.ZAP_ENTRY, entries);
        if (pinned) {
            long batch = costs.get(Cost.MULTICALL_BATCH);
            charge(null, Metric.CPU_NS_TEARDOWN, Cost.MMU_UPDATE_ENTRY, entries);
            charge(null, Metric.CPU_NS_TEARDOWN, Cost.HYPERCALL, (entries + batch - 1) / batch);
        }
    }

    /** A pooled (pinned) page goes back to the page allocator. */
    private void giveBack(long mf, int level) {
        m.inc(Metric.POOL_RELEASES);
        release(mf, level, -1);
        toAllocator(mf, level);
    }

    private void toAllocator(long mf, int level) {
        types.setInUse(mf, false);
        toAllocator++;
        charge(Metric.cpuFree(level), Metric.CPU_NS_FREE, Cost.BUDDY_FREE, 1);
    }

    private long served(long tf) {
        long mf = modelFrame.get(tf);
        if (mf < 0) {
            throw new IllegalStateException("trace frame " + tf + " is not a page-table page of the model");
        }
        return mf;
    }

    /**
     * IOTLB lookups of the pages of DMA rows {@code [from, to)} of a batch, all of {@code device}.
     * A hit needs no I/O page-table walk, but is stale if the frame was unmapped without an
     * invalidation; a miss walks the table (a fault if the frame is not mapped).
     */
    void dma(EventBatch b, int from, int to, int device) {
        long[] addr = b.addr();
        int[] bytes = b.bytes();
        long[] dev = devices.of(device);
        for (int r = from; r < to; r++) {
            int d = b.domainOr0(r);
            long last = (addr[r] + Math.max(1, bytes[r]) - 1) >>> 12;
            for (long f = addr[r] >>> 12; f <= last; f++) {
                dmaPage(d, f, dev);
            }
        }
    }

    /** The current minute's counters of {@code device}. */
    long[] deviceCounters(int device) {
        return devices.of(device);
    }

    /** One IOTLB lookup of a DMA page; {@code dev} is its device's counters. */
    void dmaPage(int d, long f, long[] dev) {
        long[] c = m.current();
        Iotlb tlb = ownIotlb();
        int reads = tlb.translate(d, f);
        if (reads == 0) {
            if (!isMapped(f)) {
                c[STALE]++;
            }
        } else if (isMapped(f)) {
            c[MISSES]++;
            c[WALK_READS] += reads;
            c[MISS_NS] += missNs + reads * walkReadNs;
            dev[D_MISSES]++;
            dev[D_READS] += reads;
        } else {
            tlb.dropTranslation(d, f);
            c[FAULTS]++;
        }
    }

    /** Counts IOTLB misses of mapped frames and their walks' reads by {@code device}, for lookups done on a shared IOTLB. */
    void countMisses(long n, long reads, int device) {
        if (n > 0) {
            long[] c = m.current();
            c[MISSES] += n;
            c[WALK_READS] += reads;
            c[MISS_NS] += n * missNs + reads * walkReadNs;
            long[] dev = devices.of(device);
            dev[D_MISSES] += n;
            dev[D_READS] += reads;
        }
    }

    /** The minute being replayed. */
    int minute() {
        return minute;
    }

    /** This policy's DMA figures per device. */
    public DeviceCounters devices() {
        return devices;
    }

    @Override
    public Iotlb iotlb() {
        return iotlb.tlb();
    }

    @Override
    public Iotlb ownIotlb() {
        if (iotlb.isShared()) {
            iotlb = iotlb.detach();
            if (iotlbChanges != null) {
                iotlbChanges[0]++;
            }
        }
        return iotlb.tlb();
    }

    /** Counts in {@code changes[0]} each time this model (or a copy of it) takes its own IOTLB, for {@link Lockstep}. */
    void countIotlbChangesIn(long[] changes) {
        this.iotlbChanges = changes;
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
                flushed(flusher.flush(domain, frame, 1, profile.unmapFlushNotPresent(), m));
            }
        } else if (to == PageType.WRITABLE && from != PageType.WRITABLE) {
            boolean wasMapped = types.isMapped(frame);
            types.setMapped(frame, true);
            if (!wasMapped) {
                filterRemove(frame);
            }
            m.inc(Metric.MAPS);
            if (wasMapped) {
                pendingIommuOps++;
            } else {
                flushed(flusher.flush(domain, frame, 1, true, m));
            }
        }
    }

    /** One I/O page-table update and its flush, {@code issued} of whose calls invalidated. */
    private void flushed(int issued) {
        pendingIommuOps++;
        pendingInvalidations += issued;
        pendingFlushCalls += flusher.units() - issued;
    }

    /** Charges {@code times} of {@code cost} to CPU column {@code column} (and to its level's column, if any). */
    private void charge(Metric perLevel, Metric column, Cost cost, long times) {
        if (times == 0) {
            return;
        }
        long ns = times * costs.get(cost);
        if (perLevel != null) {
            m.add(perLevel, ns);
        }
        m.add(column, ns);
        if (ledger != null) {
            ledger.add(minute, CostLedger.part(column), cost, times);
        }
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
        devices.finish(lastMinute);
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
