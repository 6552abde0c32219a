package org.iosup.trace.perf;

import org.iosup.io.UserException;

import java.util.Locale;

/**
 * How a kernel numbers the raw {@code enum pt_level} in the {@code xen:xen_mmu_*} tracepoints
 * ({@code arch/x86/xen/mmu.h}): before the P4D level was added (3.x: PT_PGD = 0, PT_PUD = 1,
 * PT_PMD = 2, PT_PTE = 3) or after it (about 4.12 on: PT_PGD = 0, PT_P4D = 1, PT_PUD = 2,
 * PT_PMD = 3, PT_PTE = 4). Translated to the schema's levels (1 = PTE ... 4 = PGD; the PGD is 3
 * under PAE).
 */
public enum XenLevels {
    /** Kernels before the P4D level (3.x). */
    LEGACY,
    /** Kernels with the P4D level (about 4.12 and later). */
    P4D;

    public static XenLevels parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "legacy" -> LEGACY;
            case "p4d" -> P4D;
            default -> throw new UserException("--xen-levels " + s + ": unknown (valid: legacy, p4d)");
        };
    }

    /** The schema level of a raw level; -1 when the raw level is out of range. */
    int level(int raw, boolean pae) {
        int pte = this == LEGACY ? 3 : 4;
        if (raw < 0 || raw > pte) {
            return -1;
        }
        if (raw == 0) {
            return pae ? 3 : 4;
        }
        return Math.min(4, pte - raw + 1);
    }
}
