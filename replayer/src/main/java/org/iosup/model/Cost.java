package org.iosup.model;

import java.util.Locale;

/**
 * Every parameter of the CPU cost model, by the name {@code --cost NAME=VALUE}, cost profiles and
 * manifests use, with its default and where the default comes from (docs/model.md §7 explains each
 * and where it is charged). Times are in ns; {@link #MULTICALL_BATCH} and
 * {@link #PRESENT_ENTRIES_PER_L1} are counts. A default marked "assumption" has no published
 * measurement behind it; the shipped profile {@code paper-i5-3470} replaces two of them by a fit
 * ({@code iosup calibrate}).
 */
public enum Cost {
    // Inside the page-table allocation and free functions (pgd_alloc, pmd_alloc_one, pte_alloc_one, *_free).
    BUDDY_ALLOC(200, "ns", "the page allocator's order-0 fast path (per-CPU list), without zeroing: assumption, "
            + "a few hundred cycles"),
    ZERO_PAGE(400, "ns", "clear_page of 4 KiB for __GFP_ZERO: 4,096 bytes at about 10 GB/s of stores"),
    BUDDY_FREE(150, "ns", "an order-0 free to the per-CPU list: assumption"),
    POOL_ALLOC(60, "ns", "IOSUP: a list pop; a pooled table is already empty, so it is not cleared: assumption"),
    POOL_FREE(40, "ns", "IOSUP: a list push: assumption"),
    TABLE_CTOR(100, "ns", "per table, work every policy pays in the allocation functions (pgtable_page_ctor's lock "
            + "and statistics, the paravirt alloc hook of an unpinned mm, accounting): assumption; fitted in "
            + "paper-i5-3470"),
    TABLE_DTOR(50, "ns", "per table, work every policy pays in the free functions (pgtable_page_dtor, accounting): "
            + "assumption; fitted in paper-i5-3470"),
    PGD_CTOR(400, "ns", "per mm, pgd_alloc's own work: pgd_ctor under pgd_lock, and for a Xen PAE guest "
            + "(SHARED_KERNEL_PMD 0) the copy of the kernel's PMD, 4 KiB: assumption"),
    PGD_DTOR(50, "ns", "per mm, pgd_dtor: the pgd_list removal under pgd_lock: assumption"),
    // The Xen PV hooks: pin and unpin (xen_pgd_pin/unpin, xen_alloc_ptpage, xen_release_ptpage).
    HYPERCALL(1_000, "ns", "one hypercall round trip (a multicall flush, mmuext_op): assumption, the order of a "
            + "few thousand cycles"),
    MULTICALL_ENTRY(150, "ns", "one operation inside a multicall (update_va_mapping of one page read-only or "
            + "writable, with its TLB flush): assumption"),
    MULTICALL_BATCH(32, "entries", "operations per multicall: Linux MC_BATCH (arch/x86/xen/multicalls.h)"),
    VALIDATE_ENTRY(4, "ns", "Xen validating or de-validating one entry of a table whose type changes "
            + "(alloc_l1_table et al.); 512 entries a table, 4 for a PAE L3: assumption"),
    IOMMU_OP(200, "ns", "Xen updating one I/O page-table entry with its cache flush: assumption"),
    INVALIDATION(470, "ns", "one synchronous IOTLB invalidation: 1,500 cycles at the paper's 3.2 GHz "
            + "(one to two thousand cycles, docs/model.md §7)"),
    FLUSH_CALL(100, "ns", "a flush_iotlb_qi call that returns early, and the write-buffer flush: assumption"),
    IOTLB_MISS(0, "ns", "the fixed part of an IOTLB miss besides the table entries it reads (device time, not "
            + "CPU): assumption 0, the reads dominate"),
    WALK_READ(100, "ns", "one I/O page-table entry read by a walk, from memory: about a DRAM access (device "
            + "time): assumption; a 4-level walk with cold paging-structure caches is 400 ns, the few hundred ns "
            + "of a miss in docs/model.md §4"),
    // Page-table updates through Xen, and teardown.
    MMU_UPDATE_ENTRY(100, "ns", "Xen applying one mmu_update entry of a pinned table (mod_l1_entry: check and "
            + "reference the new mapping): assumption"),
    PRESENT_ENTRIES_PER_L1(64, "entries", "present PTEs a PTE page holds when it is torn down: assumption"),
    ZAP_ENTRY(20, "ns", "clearing one present PTE at teardown with plain writes (zap_pte_range: rmap, reference, "
            + "TLB gather): assumption"),
    // Process work outside the page tables, the same under every policy.
    FORK_BASE(45_000, "ns", "a fork's work besides its page tables (task, files, VMAs, the parent's COW faults): "
            + "assumption for a small process on a 3.2 GHz machine"),
    EXEC_BASE(150_000, "ns", "an exec's work besides its page tables (loading the binary, the loader): assumption"),
    EXIT_BASE(15_000, "ns", "an exit's work besides its page tables (files, signals, reaping): assumption");

    private static final Cost[] VALUES = values();
    private final long defaultValue;
    private final String unit;
    private final String source;

    Cost(long defaultValue, String unit, String source) {
        this.defaultValue = defaultValue;
        this.unit = unit;
        this.source = source;
    }

    /** The name in options, profiles and manifests: {@code buddy_alloc_ns}, {@code multicall_batch}. */
    public String key() {
        String base = name().toLowerCase(Locale.ROOT);
        return unit.equals("ns") ? base + "_ns" : base;
    }

    public long defaultValue() {
        return defaultValue;
    }

    /** {@code ns} or {@code entries}. */
    public String unit() {
        return unit;
    }

    /** Where the default comes from. */
    public String source() {
        return source;
    }

    public static int count() {
        return VALUES.length;
    }

    public static Cost ofOrdinal(int i) {
        return VALUES[i];
    }

    /** The cost named {@code key}, or null. */
    public static Cost byKey(String key) {
        for (Cost c : VALUES) {
            if (c.key().equals(key)) {
                return c;
            }
        }
        return null;
    }
}
