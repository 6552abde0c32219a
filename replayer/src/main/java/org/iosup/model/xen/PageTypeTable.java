package org.iosup.model.xen;

import it.unimi.dsi.fastutil.longs.Long2LongOpenHashMap;
import org.iosup.trace.PageType;

/**
 * Xen's page-type state of every machine frame of a domain: a type, a type reference count, and
 * the flags {@code pinned}, {@code validated}, whether the frame is mapped in the domain's I/O page
 * table, and whether the guest model holds it as a page-table page (assigned or pooled).
 *
 * <p>The rules follow Xen's x86 {@code mm.c}, {@code __get_page_type()} / {@code __put_page_type()}
 * (read at RELEASE-4.2.1 and RELEASE-4.14.0): a type changes only when the count goes from 0 to 1
 * with a different type; asking for another type while the count is above 0 is refused; a drop to 0
 * keeps the type (a page-table type loses only {@code validated}). Each change is reported to a
 * {@link TypeChangeListener}, which applies the IOMMU rule.
 *
 * <p>A frame never seen is in the default state: type {@code WRITABLE} with one reference (the
 * guest kernel's direct map of all its lowmem pages is writable), mapped in the IOMMU. Only frames
 * that differ from it are stored, one packed {@code long} each, so memory follows live page-table
 * frames, not the trace.
 */
public final class PageTypeTable {
    private static final int TYPE_BITS = 4;
    private static final long TYPE_MASK = (1L << TYPE_BITS) - 1;
    private static final int COUNT_SHIFT = TYPE_BITS;
    private static final long COUNT_MASK = (1L << 24) - 1;
    private static final long MAPPED = 1L << 28;
    private static final long VALIDATED = 1L << 29;
    private static final long PINNED = 1L << 30;
    private static final long IN_USE = 1L << 31;
    /** A writable frame with one reference, mapped: what every frame starts as. */
    static final long DEFAULT = PageType.WRITABLE.code() | (1L << COUNT_SHIFT) | MAPPED;

    private final Long2LongOpenHashMap states = new Long2LongOpenHashMap();
    private final TypeChangeListener listener;
    private long typeChanges;
    private long refused;

    /** The outcome of a request for a type reference. */
    public enum Result {
        /** The count rose; the type was already the one asked for. */
        SAME_TYPE,
        /** The count went 0 to 1 with another type: the type changed. */
        CHANGED,
        /** The frame has references of another type: Xen refuses (the guest's request fails). */
        REFUSED
    }

    public PageTypeTable(TypeChangeListener listener) {
        this.listener = listener;
        states.defaultReturnValue(DEFAULT);
    }

    /** An independent copy of every frame's state and the counts, reporting to {@code listener}. */
    public PageTypeTable copy(TypeChangeListener listener) {
        PageTypeTable c = new PageTypeTable(listener);
        c.states.putAll(states);
        c.typeChanges = typeChanges;
        c.refused = refused;
        return c;
    }

    private long state(long frame) {
        return states.get(frame);
    }

    private void store(long frame, long s) {
        if (s == DEFAULT) {
            states.remove(frame);
        } else {
            states.put(frame, s);
        }
    }

    /** A frame's whole state in one look-up, to read with {@link #pinnedAs}. */
    public long stateOf(long frame) {
        return state(frame);
    }

    /** Whether a state from {@link #stateOf} is pinned with type {@code type}: a page-table page kept as such. */
    public static boolean pinnedAs(long state, PageType type) {
        return (state & PINNED) != 0 && (state & TYPE_MASK) == type.code();
    }

    /** Whether a state from {@link #stateOf} is pinned. */
    public static boolean pinned(long state) {
        return (state & PINNED) != 0;
    }

    public PageType type(long frame) {
        return PageType.ofCode((int) (state(frame) & TYPE_MASK));
    }

    public int count(long frame) {
        return (int) (state(frame) >>> COUNT_SHIFT & COUNT_MASK);
    }

    public boolean isPinned(long frame) {
        return (state(frame) & PINNED) != 0;
    }

    public boolean isValidated(long frame) {
        return (state(frame) & VALIDATED) != 0;
    }

    public boolean isMapped(long frame) {
        return (state(frame) & MAPPED) != 0;
    }

    public boolean isInUse(long frame) {
        return (state(frame) & IN_USE) != 0;
    }

    /**
     * Takes a reference of {@code type} on {@code frame} ({@code get_page_type}). A page-table type
     * taken here is validated (Xen validates the table's entries on the 0-to-1 change).
     */
    public Result get(long frame, PageType type) {
        long s = state(frame);
        PageType current = PageType.ofCode((int) (s & TYPE_MASK));
        long count = s >>> COUNT_SHIFT & COUNT_MASK;
        if (current == type) {
            s = withCount(s, count + 1);
            if (type.isPageTable()) {
                s |= VALIDATED;
            }
            store(frame, s);
            return Result.SAME_TYPE;
        }
        if (count > 0) {
            refused++;
            return Result.REFUSED;
        }
        s = (s & ~TYPE_MASK & ~VALIDATED) | type.code();
        s = withCount(s, 1);
        if (type.isPageTable()) {
            s |= VALIDATED;
        }
        store(frame, s);
        typeChanges++;
        listener.typeChanged(frame, current, type);
        return Result.CHANGED;
    }

    /**
     * Drops a type reference ({@code put_page_type}). At 0 the type is kept; a page-table type
     * loses {@code validated}.
     *
     * @return false if the frame had no reference to drop
     */
    public boolean put(long frame) {
        long s = state(frame);
        long count = s >>> COUNT_SHIFT & COUNT_MASK;
        if (count == 0) {
            return false;
        }
        s = withCount(s, count - 1);
        if (count == 1 && PageType.ofCode((int) (s & TYPE_MASK)).isPageTable()) {
            s &= ~VALIDATED;
        }
        store(frame, s);
        return true;
    }

    private static long withCount(long s, long count) {
        return (s & ~(COUNT_MASK << COUNT_SHIFT)) | (count << COUNT_SHIFT);
    }

    public void setPinned(long frame, boolean pinned) {
        setFlag(frame, PINNED, pinned);
    }

    public void setMapped(long frame, boolean mapped) {
        setFlag(frame, MAPPED, mapped);
    }

    public void setInUse(long frame, boolean inUse) {
        setFlag(frame, IN_USE, inUse);
    }

    private void setFlag(long frame, long flag, boolean on) {
        long s = state(frame);
        store(frame, on ? s | flag : s & ~flag);
    }

    /** Type changes so far. */
    public long typeChanges() {
        return typeChanges;
    }

    /** Type requests refused so far. */
    public long refused() {
        return refused;
    }

    /** Frames not in the default state (live page tables and the like). */
    public int trackedFrames() {
        return states.size();
    }

    /** Whether a frame of a page-table (or segment descriptor) type with references is mapped in the IOMMU. */
    public boolean isProtectionViolated(long frame) {
        long s = state(frame);
        PageType t = PageType.ofCode((int) (s & TYPE_MASK));
        long count = s >>> COUNT_SHIFT & COUNT_MASK;
        return (t.isPageTable() || t == PageType.SEG_DESC) && count > 0 && (s & MAPPED) != 0;
    }
}
