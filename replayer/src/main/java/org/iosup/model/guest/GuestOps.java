package org.iosup.model.guest;

import java.util.Arrays;

/**
 * What the guest did, as a stream of model operations derived from trace events (by
 * {@link AddressSpaces}), the same for every policy. Columnar, reused from batch to batch.
 *
 * <ul>
 *   <li>{@link #ALLOC}: a page-table page of {@code level} is allocated for trace frame {@code frame};</li>
 *   <li>{@link #PIN}: the page is pinned as a page table of its level (its mm is pinned as a whole,
 *   or it is allocated into a pinned mm): writable → L{@code level};</li>
 *   <li>{@link #UNPIN}: the page is unpinned and made writable (its mm is unpinned at exit or exec,
 *   or an explicit unpin);</li>
 *   <li>{@link #FREE}: the page is freed;</li>
 *   <li>{@link #DMA}: a device accesses {@code bytes} bytes at I/O address {@code addr};</li>
 *   <li>{@link #COUNT}: a trace event counted as is: metric ordinal in {@code aux}, amount in {@code bytes}.</li>
 * </ul>
 */
public final class GuestOps {
    public static final byte ALLOC = 1;
    public static final byte PIN = 2;
    public static final byte UNPIN = 3;
    public static final byte FREE = 4;
    public static final byte DMA = 5;
    public static final byte COUNT = 6;

    private int size;
    private byte[] op = new byte[1 << 14];
    private long[] ts = new long[1 << 14];
    private long[] frame = new long[1 << 14];
    private byte[] level = new byte[1 << 14];
    private int[] domain = new int[1 << 14];
    private int[] aux = new int[1 << 14];
    private long[] addr = new long[1 << 14];
    private int[] bytes = new int[1 << 14];

    public void clear() {
        size = 0;
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
            addr = Arrays.copyOf(addr, n);
            bytes = Arrays.copyOf(bytes, n);
        }
        int i = size++;
        op[i] = kind;
        ts[i] = t;
        return i;
    }

    /** A page-table operation (ALLOC, PIN, UNPIN, FREE) on a trace frame of a domain. */
    public void page(byte kind, long t, int dom, long tf, int lvl) {
        int i = next(kind, t);
        domain[i] = dom;
        frame[i] = tf;
        level[i] = (byte) lvl;
    }

    public void dma(long t, int dom, int device, long address, int length) {
        int i = next(DMA, t);
        domain[i] = dom;
        aux[i] = device;
        addr[i] = address;
        bytes[i] = length;
    }

    public void count(long t, int metricOrdinal, int amount) {
        int i = next(COUNT, t);
        aux[i] = metricOrdinal;
        bytes[i] = amount;
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

    public long[] addr() {
        return addr;
    }

    public int[] bytes() {
        return bytes;
    }
}
