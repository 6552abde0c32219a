package org.iosup.trace.perf;

/**
 * The tracepoints the importer turns into events, each with its name as {@code perf script} prints
 * it (with its system, the name the report counts it by) and as {@code trace-cmd report} does
 * (without: {@code mm_page_alloc}, not {@code kmem:mm_page_alloc}).
 */
enum Tracepoint {
    ALLOC("kmem:mm_page_alloc"),
    FREE("kmem:mm_page_free"),
    FREE_BATCHED("kmem:mm_page_free_batched"),
    FORK("sched:sched_process_fork"),
    EXEC("sched:sched_process_exec"),
    EXIT("sched:sched_process_exit"),
    XEN_ALLOC("xen:xen_mmu_alloc_ptpage"),
    XEN_RELEASE("xen:xen_mmu_release_ptpage"),
    XEN_PIN("xen:xen_mmu_pgd_pin"),
    XEN_UNPIN("xen:xen_mmu_pgd_unpin"),
    IOMMU_MAP("iommu:map"),
    IOMMU_UNMAP("iommu:unmap");

    private static final Tracepoint[] ALL = values();

    /** The name with its system ({@code kmem:mm_page_alloc}). */
    final String fullName;
    private final byte[] perfName;
    private final byte[] traceCmdName;

    Tracepoint(String fullName) {
        this.fullName = fullName;
        perfName = PerfLine.ascii(fullName);
        traceCmdName = PerfLine.ascii(fullName.substring(fullName.indexOf(':') + 1));
    }

    /** The tracepoint of the sample in {@code line} as the dialect names it, or null if it is none of these. */
    static Tracepoint of(PerfLine line, boolean traceCmd) {
        for (Tracepoint tp : ALL) {
            if (line.eventIs(traceCmd ? tp.traceCmdName : tp.perfName)) {
                return tp;
            }
        }
        return null;
    }
}
