package org.iosup.model.guest;

import org.iosup.io.UserException;
import org.iosup.trace.TraceMetadata;

/**
 * The guest's paging mode: how many page-table levels its address spaces have. Under 32-bit PAE
 * (the paper's dom0) the PGD is the L3 table, with PMD (L2) and PTE (L1) pages below it; x86-64
 * has four levels (L4 PGD, L3 PUD, L2 PMD, L1 PTE). docs/model.md §5.
 */
public enum Paging {
    PAE("pae", 3), X86_64("x86-64", 4);

    /** Trace metadata key naming the paging mode (its values checked where metadata enters: TraceMetadata). */
    public static final String META_KEY = TraceMetadata.PAGING;

    private final String label;
    private final int levels;

    Paging(String label, int levels) {
        this.label = label;
        this.levels = levels;
    }

    public String label() {
        return label;
    }

    /** Highest page-table level. */
    public int levels() {
        return levels;
    }

    public static Paging parse(String s, String where) {
        for (Paging p : values()) {
            if (p.label.equalsIgnoreCase(s)) {
                return p;
            }
        }
        throw new UserException(where + ": unknown paging mode '" + s + "' (valid: pae, x86-64)");
    }
}
