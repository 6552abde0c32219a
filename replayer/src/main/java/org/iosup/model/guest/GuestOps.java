package org.iosup.model.guest;

import org.iosup.trace.EventBatch;

import java.util.Arrays;

/**
 * What the guest did, as a stream of model operations derived from trace events (by
 * {@link AddressSpaces}), the same for every policy. Columnar, reused from batch to batch.
 *
 * <ul>
 *   <li>{@link #ALLOC}: a page-table page of {@code level} is allocated for trace frame {@code frame};
 *   for page operations, {@code aux} is the page's place in a pin or unpin of a whole mm, or -1;</li>
 *   <li>{@link #PIN}: the page is pinned as a page table of its level (its mm is pinned as a whole,
 *   or it is allocated into a pinned mm): writable → L{@code level};</li>
 *   <li>{@link #UNPIN}: the page is unpinned and made writable (its mm is unpinned at exit or exec,
 *   or an explicit unpin);</li>
 *   <li>{@link #FREE}: the page is freed;</li>
 *   <li>{@link #DMA}: the DMA events in rows {@code [aux, bytes)} of {@link #batch()} (consecutive
 *   DMA rows share one op; each touches the 4 KiB pages from {@code addr >>> 12} to
 *   {@code (addr + bytes - 1) >>> 12}).</li>
 * </ul>
 * Counts that do not depend on the policy (DMA bytes, processes, recorded hypervisor events) are
 * kept by {@link AddressSpaces} once, not passed to every policy.
 */
public final class GuestOps {
    private static final long MINUTE_NS = 60_000_000_000L;
    public static final byte ALLOC = 1;
    public static final byte PIN = 2;
    public static final byte UNPIN = 3;
    public static final byte FREE = 4;
    public static final byte DMA = 5;

    private int size;
    private byte[] op = new byte[1 << 14];
    private long[] ts = new long[1 << 14];
    private long[] frame = new long[1 << 14];
    private byte[] level = new byte[1 << 14];
    private int[] domain = new int[1 << 14];
    private int[] aux = new int[1 << 14];
    private int[] bytes = new int[1 << 14];
    private EventBatch batch;

    /** Empties the operations; DMA operations will refer to rows of {@code source}. */
    public void clear(EventBatch source) {
        size = 0;
        batch = source;
    }

    /** The batch whose rows the DMA operations refer to. */
    public EventBatch batch() {
        return batch;
    }

    public int size() {
        return size;
    }

    private int next(byte kind, long t) {
        if (size == op.length) {
            int n = size * 2;
            op = Arrays.copyOf(op, n);
            ts = Arrays.copyOf(ts, n);
            frame = Arrays.copyOf(frame, n);
            level = Arrays.copyOf(level, n);
            domain = Arrays.copyOf(domain, n);
            aux = Arrays.copyOf(aux, n);
            bytes = Arrays.copyOf(bytes, n);
        }
        int i = size++;
        op[i] = kind;
        ts[i] = t;
        return i;
    }

    /** A page-table operation (ALLOC, PIN, UNPIN, FREE) on a trace frame of a domain, alone. */
    public void page(byte kind, long t, int dom, long tf, int lvl) {
        page(kind, t, dom, tf, lvl, -1);
    }

    /**
     * A page-table operation; {@code index} is the page's place in a pin or unpin of a whole mm
     * (0, 1, ...: the guest batches those in multicalls), or -1 for an operation on one page.
     */
    public void page(byte kind, long t, int dom, long tf, int lvl, int index) {
        int i = next(kind, t);
        domain[i] = dom;
        frame[i] = tf;
        level[i] = (byte) lvl;
        aux[i] = index;
    }

    /**
     * Adds DMA rows [from, to) of the batch, {@code t} the time of the last: to the previous
     * operation if it ends just before.
     */
    public void dma(long t, int from, int to, int device) {
        int last = size - 1;
        // Rows that follow on, of the same device and minute, extend the last operation (a run is
        // split at a minute's end, so that every policy counts its lookups in the minute of its rows).
        if (last >= 0 && op[last] == DMA && bytes[last] == from && frame[last] == device
                && ts[last] / MINUTE_NS == t / MINUTE_NS) {
            bytes[last] = to;
            ts[last] = t;
            return;
        }
        int i = next(DMA, t);
        aux[i] = from;
        bytes[i] = to;
        frame[i] = device;
    }

    /** The device (PCI requester id, -1 for none) of DMA operation {@code i}. */
    public int device(int i) {
        return (int) frame[i];
    }

    public byte[] op() {
        return op;
    }

    public long[] ts() {
        return ts;
    }

    public long[] frame() {
        return frame;
    }

    public byte[] level() {
        return level;
    }

    public int[] domain() {
        return domain;
    }

    public int[] aux() {
        return aux;
    }

    public int[] bytes() {
        return bytes;
    }
}
