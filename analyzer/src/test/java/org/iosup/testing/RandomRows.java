package org.iosup.testing;

import org.iosup.trace.Column;
import org.iosup.trace.EventBatch;
import org.iosup.trace.EventKind;
import org.iosup.trace.EventSchema;
import org.iosup.trace.Granularity;
import org.iosup.trace.PageType;

import java.util.Random;

/**
 * Schema-valid rows with every column randomly present or absent and values across each column's
 * whole range (extremes included), for round-trip tests of the stores.
 */
public final class RandomRows {
    private static final String[] COMMS = {"bash", "Web Content", "a,b \"quoted\"", "ünïcode", "x"};

    private RandomRows() {
    }

    /** Appends {@code n} random rows to {@code b} with non-decreasing timestamps from {@code ts}. */
    public static long fill(EventBatch b, int n, Random r, long ts) {
        EventSchema schema = EventSchema.get();
        for (int k = 0; k < n; k++) {
            ts += r.nextInt(4) == 0 ? 0 : r.nextInt(1_000_000);
            EventKind kind = EventKind.values()[r.nextInt(EventKind.count())];
            int i = b.add(ts, kind);
            int required = schema.requiredMask(kind.code());
            for (Column c : Column.values()) {
                if (c == Column.TS_NS || c == Column.KIND) {
                    continue;
                }
                if ((required & c.bit()) != 0 || r.nextInt(3) == 0) {
                    set(b, i, c, r);
                }
            }
        }
        return ts;
    }

    private static void set(EventBatch b, int i, Column c, Random r) {
        var f = EventSchema.get().field(c);
        switch (c) {
            case CPU -> b.setCpu(i, (int) pick(r, f.min(), f.max()));
            case DOMAIN -> b.setDomain(i, (int) pick(r, f.min(), f.max()));
            case PID -> b.setPid(i, (int) pick(r, f.min(), f.max()));
            case PPID -> b.setPpid(i, (int) pick(r, f.min(), f.max()));
            case COMM -> b.setComm(i, COMMS[r.nextInt(COMMS.length)]);
            case FRAME -> b.setFrame(i, pick(r, f.min(), f.max()));
            case LEVEL -> b.setLevel(i, (int) pick(r, f.min(), f.max()));
            case FROM_TYPE, TO_TYPE -> {
                PageType from = PageType.values()[r.nextInt(PageType.values().length)];
                PageType to = PageType.values()[r.nextInt(PageType.values().length)];
                b.setTypes(i, from, to);
            }
            case COUNT -> b.setCount(i, (int) pick(r, f.min(), f.max()));
            case GRANULARITY -> b.setGranularity(i, Granularity.values()[r.nextInt(3)]);
            case DEVICE -> b.setDevice(i, (int) pick(r, f.min(), f.max()));
            case ADDR -> b.setAddr(i, pick(r, f.min(), f.max()));
            case BYTES -> b.setBytes(i, (int) pick(r, f.min(), f.max()));
            case WRITE -> b.setWrite(i, r.nextBoolean());
            default -> throw new IllegalArgumentException(c.name());
        }
    }

    private static long pick(Random r, long min, long max) {
        return switch (r.nextInt(5)) {
            case 0 -> min;
            case 1 -> max;
            case 2 -> Math.min(max, min + r.nextInt(10));
            default -> min + (long) (r.nextDouble() * (double) (max - min));
        };
    }

    /** Asserts that two batches hold the same rows, value by value, with a message naming the first difference. */
    /**
     * {@code n} NIC DMA rows whose timestamps have random gaps (about 20 random bits a delta, which
     * no codec compresses) and whose addresses cycle through a ring of 512 buffers (which compress).
     */
    public static EventBatch dmaWithRandomGaps(int n, long seed) {
        EventBatch rows = new EventBatch(n);
        Random r = new Random(seed);
        long ts = 0;
        for (int k = 0; k < n; k++) {
            ts += r.nextInt(1 << 20);
            int i = rows.add(ts, org.iosup.trace.EventKind.DMA);
            rows.setDevice(i, 256).setAddr(i, (1L << 31) + 2048L * (k % 512)).setBytes(i, 1514);
        }
        return rows;
    }

    public static void assertSameRows(EventBatch expected, EventBatch actual) {
        if (expected.size() != actual.size()) {
            throw new AssertionError("rows: expected " + expected.size() + " but got " + actual.size());
        }
        for (int i = 0; i < expected.size(); i++) {
            if (expected.present()[i] != actual.present()[i]) {
                throw new AssertionError("row " + i + ": present columns differ: expected "
                        + Integer.toBinaryString(expected.present()[i]) + " got " + Integer.toBinaryString(actual.present()[i]));
            }
            for (Column c : Column.values()) {
                if (expected.has(i, c) && !valueOf(expected, i, c).equals(valueOf(actual, i, c))) {
                    throw new AssertionError("row " + i + " column " + c.columnName() + ": expected "
                            + valueOf(expected, i, c) + " got " + valueOf(actual, i, c));
                }
            }
        }
    }

    /** The value of a present cell as an object, for comparisons and messages. */
    public static Object valueOf(EventBatch b, int i, Column c) {
        Object a = b.array(c);
        if (a instanceof long[] x) {
            return x[i];
        }
        if (a instanceof int[] x) {
            return x[i];
        }
        if (a instanceof byte[] x) {
            return x[i];
        }
        if (a instanceof boolean[] x) {
            return x[i];
        }
        return ((String[]) a)[i];
    }
}
