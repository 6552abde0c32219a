package org.iosup.trace;

/**
 * Row-level rules of the event schema that a single value cannot show: every row has the
 * fields its kind requires, level is consistent with the kind, and {@code ts_ns} never decreases.
 * Value ranges and enum names are checked where values are parsed or decoded.
 */
public final class RowValidator {
    private final EventSchema schema = EventSchema.get();
    private final int loadedMask;
    private final boolean checkOrder;
    /** Per kind code, the required fields among those loaded. */
    private final int[] requiredLoaded;
    private long lastTs = Long.MIN_VALUE;

    /** A broken rule: the column (or null) with its value, and the problem. */
    public record Violation(String column, String value, String problem) {
        public TraceFormatException at(String where) {
            return new TraceFormatException(where, column, value, problem);
        }
    }

    /**
     * @param loadedMask the columns actually loaded into the batches checked (requirements on
     *                   columns not loaded are not checked)
     */
    public RowValidator(int loadedMask) {
        this(loadedMask, true);
    }

    /** As {@link #RowValidator(int)}; without {@code checkOrder}, decreasing timestamps pass (for reports that count them). */
    public RowValidator(int loadedMask, boolean checkOrder) {
        this.loadedMask = loadedMask;
        this.checkOrder = checkOrder;
        this.requiredLoaded = new int[EventKind.values().length];
        for (int k = 0; k < requiredLoaded.length; k++) {
            requiredLoaded[k] = schema.requiredMask(k) & loadedMask;
        }
    }

    /**
     * Whether rows [0, n) of a batch are all valid, in two tight passes (order, then required
     * fields) instead of {@link #check} row by row; when they are, the order check moves past them.
     * When not, nothing moves: {@link #check} row by row then finds and names the first bad one.
     * The timestamps must already be known to lie in the schema's range (decoders check every value
     * before rows are validated), so their differences cannot wrap.
     */
    public boolean allValid(EventBatch b, int n) {
        if (n == 0) {
            return true;
        }
        long[] ts = b.tsNs();
        boolean ordered = checkOrder && (loadedMask & Column.TS_NS.bit()) != 0;
        if (ordered) {
            long or = ts[0] < lastTs ? -1 : 0;
            for (int i = 1; i < n; i++) {
                or |= ts[i] - ts[i - 1];
            }
            if (or < 0) {
                return false;
            }
        }
        if ((loadedMask & Column.KIND.bit()) != 0) {
            byte[] kind = b.kind();
            int[] present = b.present();
            int[] required = requiredLoaded;
            int missing = 0;
            for (int i = 0; i < n; i++) {
                missing |= required[kind[i]] & ~present[i];
            }
            if (missing != 0) {
                return false;
            }
        }
        if (ordered) {
            lastTs = ts[n - 1];
        }
        return true;
    }

    /** Checks row {@code i}; returns null when it is valid. */
    public Violation check(EventBatch b, int i) {
        long ts = b.tsNs()[i];
        if (checkOrder && (loadedMask & Column.TS_NS.bit()) != 0) {
            if (ts < lastTs) {
                return new Violation("ts_ns", Long.toString(ts),
                        "timestamps must not decrease (previous row has " + lastTs + ")");
            }
            lastTs = ts;
        }
        if ((loadedMask & Column.KIND.bit()) != 0) {
            int need = schema.requiredMask(b.kind()[i]) & loadedMask;
            int missing = need & ~b.present()[i];
            if (missing != 0) {
                Column c = Column.ofOrdinal(Integer.numberOfTrailingZeros(missing));
                return new Violation(c.columnName(), null, "required for kind "
                        + EventKind.ofCode(b.kind()[i]) + " but empty");
            }
        }
        return null;
    }
}
