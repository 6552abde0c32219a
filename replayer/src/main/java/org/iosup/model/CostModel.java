package org.iosup.model;

import org.iosup.io.UserException;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time charged per operation, in nanoseconds. The paper reports only totals, so these are
 * stated assumptions (the README's table repeats them with the reasoning); every one is a
 * {@code --cost-*} option.
 *
 * @param buddyAllocNs     page allocator: an order-0 page with {@code __GFP_ZERO} (fast path plus
 *                         clearing 4 KiB), as page tables are allocated: ~600 ns
 * @param buddyFreeNs      page allocator free of an order-0 page: ~150 ns
 * @param poolAllocNs      take a page from an IOSUP pool (a list pop; pooled page tables are empty,
 *                         so no clearing): ~60 ns
 * @param poolFreeNs       put a page in a pool: ~40 ns
 * @param hypercallNs      one PV hypercall round trip for a pin, unpin or mode change
 *                         ({@code mmuext_op}, {@code update_va_mapping}): ~1,000 ns
 * @param validateEntryNs  Xen validating (or de-validating) one page-table entry when a type
 *                         changes; a table has 512 entries ({@code alloc_l1_table} et al.): ~4 ns
 * @param iommuOpNs        one I/O page-table update by Xen (map or unmap a 4 KiB entry, with the
 *                         cache flush of the entry): ~200 ns
 * @param invalidationNs   one synchronous IOTLB invalidation: queue the descriptor and a wait
 *                         descriptor, spin until done; docs/model.md §7: one to two thousand
 *                         cycles, 1,500 cycles at the paper's 3.2 GHz: ~470 ns
 * @param flushCallNs      a {@code flush_iotlb_qi} call that returns early (non-present entry) and
 *                         the write-buffer flush that follows: ~100 ns
 * @param iotlbMissNs      one IOTLB miss: a walk of the I/O page table; docs/model.md §7: a few hundred
 *                         ns: ~300 ns
 */
public record CostModel(long buddyAllocNs, long buddyFreeNs, long poolAllocNs, long poolFreeNs, long hypercallNs,
                        long validateEntryNs, long iommuOpNs, long invalidationNs, long flushCallNs,
                        long iotlbMissNs) {

    /** Entries in a page table (4 KiB of 8-byte entries, both PAE and x86-64). */
    public static final int ENTRIES_PER_TABLE = 512;

    public static final CostModel DEFAULT = new CostModel(600, 150, 60, 40, 1_000, 4, 200, 470, 100, 300);

    public CostModel {
        for (long v : new long[] {buddyAllocNs, buddyFreeNs, poolAllocNs, poolFreeNs, hypercallNs, validateEntryNs,
            iommuOpNs, invalidationNs, flushCallNs, iotlbMissNs}) {
            if (v < 0) {
                throw new UserException("costs must not be negative, got " + v);
            }
        }
    }

    /** Validating or de-validating a whole table. */
    public long tableValidationNs() {
        return validateEntryNs * ENTRIES_PER_TABLE;
    }

    /** Every cost by name, for the manifest. */
    public Map<String, Long> asMap() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("buddy_alloc_ns", buddyAllocNs);
        m.put("buddy_free_ns", buddyFreeNs);
        m.put("pool_alloc_ns", poolAllocNs);
        m.put("pool_free_ns", poolFreeNs);
        m.put("hypercall_ns", hypercallNs);
        m.put("validate_entry_ns", validateEntryNs);
        m.put("iommu_op_ns", iommuOpNs);
        m.put("invalidation_ns", invalidationNs);
        m.put("flush_call_ns", flushCallNs);
        m.put("iotlb_miss_ns", iotlbMissNs);
        return m;
    }
}
