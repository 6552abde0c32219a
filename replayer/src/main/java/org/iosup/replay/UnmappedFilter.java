package org.iosup.replay;

/**
 * A counting filter of the frames unmapped in the IOMMU: a counter per slot (frames hash onto
 * 2^{@value #BITS} slots) and a bit per slot set while its counter is not 0. A clear bit proves
 * every frame of the slot is mapped, so a DMA page is checked against the page-type table only
 * when its slot's bit is set; the bits (8 KB) stay in the L1 cache. Each policy keeps one, and
 * {@link Lockstep} one for all policies together, so that a DMA page is checked once for a group.
 */
final class UnmappedFilter {
    /** Bits of the slot index. */
    static final int BITS = 16;
    private final int[] counts = new int[1 << BITS];
    private final long[] bits = new long[(1 << BITS) / 64];
    /** The lowest and highest frame ever added (not narrowed by removals). */
    private long lowest = Long.MAX_VALUE;
    private long highest = Long.MIN_VALUE;

    UnmappedFilter() {
    }

    private UnmappedFilter(UnmappedFilter from) {
        System.arraycopy(from.counts, 0, counts, 0, counts.length);
        System.arraycopy(from.bits, 0, bits, 0, bits.length);
        lowest = from.lowest;
        highest = from.highest;
    }

    /** An independent copy. */
    UnmappedFilter copy() {
        return new UnmappedFilter(this);
    }

    /** Adds every frame {@code other} holds (as if each were {@link #add}ed here). */
    void addAll(UnmappedFilter other) {
        for (int i = 0; i < counts.length; i++) {
            if (other.counts[i] != 0) {
                counts[i] += other.counts[i];
                bits[i >>> 6] |= 1L << i;
            }
        }
        lowest = Math.min(lowest, other.lowest);
        highest = Math.max(highest, other.highest);
    }

    /** The slot of a frame: multiply-shift hashing. */
    private static int slot(long frame) {
        return (int) ((frame * 0x9E3779B97F4A7C15L) >>> (64 - BITS));
    }

    /**
     * Whether a frame may be unmapped (false: it is mapped). Frames outside the range of all frames
     * ever unmapped are answered without hashing: page-table pages and DMA buffers seldom share a
     * range of frames.
     */
    boolean maybeFrame(long frame) {
        if (frame < lowest || frame > highest) {
            return false;
        }
        int slot = slot(frame);
        return (bits[slot >>> 6] & (1L << slot)) != 0;
    }

    /** A frame became unmapped. */
    void add(long frame) {
        lowest = Math.min(lowest, frame);
        highest = Math.max(highest, frame);
        int slot = slot(frame);
        if (counts[slot]++ == 0) {
            bits[slot >>> 6] |= 1L << slot;
        }
    }

    /** A frame unmapped before became mapped again. */
    void remove(long frame) {
        int slot = slot(frame);
        if (--counts[slot] == 0) {
            bits[slot >>> 6] &= ~(1L << slot);
        }
    }
}
