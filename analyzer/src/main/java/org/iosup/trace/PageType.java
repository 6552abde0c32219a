package org.iosup.trace;

/**
 * A Xen page type (x86 {@code PGT_*} in {@code xen/include/asm-x86/mm.h}). A frame has exactly
 * one type at a time; only {@link #WRITABLE} frames are mapped in a PV domain's I/O page table.
 * Names and order are checked against {@code schemas/events.schema.json}.
 */
public enum PageType {
    NONE, WRITABLE, L1, L2, L3, L4, SEG_DESC, SHARED;

    private static final PageType[] VALUES = values();

    public static PageType ofCode(int code) {
        return VALUES[code];
    }

    public byte code() {
        return (byte) ordinal();
    }

    /** The page-table type of a level 1..4. */
    public static PageType ofLevel(int level) {
        return VALUES[L1.ordinal() + level - 1];
    }

    /** True for L1..L4. */
    public boolean isPageTable() {
        return this == L1 || this == L2 || this == L3 || this == L4;
    }
}
