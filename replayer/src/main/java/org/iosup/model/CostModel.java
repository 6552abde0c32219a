package org.iosup.model;

import org.iosup.io.UserException;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The CPU cost model in effect: a value for every {@link Cost}, from a named profile
 * ({@link CostProfile}) with any {@code --cost} overrides. Immutable.
 */
public final class CostModel {
    /** Entries in a page table (4 KiB of 8-byte entries, both PAE and x86-64). */
    public static final int ENTRIES_PER_TABLE = 512;
    /** Entries of a PAE L3, the root of a 32-bit PAE guest (4 of 8 bytes). */
    public static final int ENTRIES_PAE_L3 = 4;

    /** Every cost at its default of {@link Cost} (the built-in profile {@code defaults}). */
    public static final CostModel DEFAULT = defaults();

    private final long[] values;

    private CostModel(long[] values) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] < 0) {
                throw new UserException("cost " + Cost.ofOrdinal(i).key() + " must not be negative, got " + values[i]);
            }
        }
        if (values[Cost.MULTICALL_BATCH.ordinal()] < 1) {
            throw new UserException("cost multicall_batch must be at least 1, got " + values[Cost.MULTICALL_BATCH.ordinal()]);
        }
        this.values = values;
    }

    private static CostModel defaults() {
        long[] v = new long[Cost.count()];
        for (int i = 0; i < v.length; i++) {
            v[i] = Cost.ofOrdinal(i).defaultValue();
        }
        return new CostModel(v);
    }

    /** Costs from a map of keys to values; keys not given keep their default; an unknown key is an error. */
    public static CostModel of(Map<String, Long> byKey) {
        CostModel m = DEFAULT;
        for (var e : byKey.entrySet()) {
            Cost c = Cost.byKey(e.getKey());
            if (c == null) {
                throw new UserException("unknown cost '" + e.getKey() + "' (valid: " + String.join(", ", DEFAULT.asMap().keySet()) + ")");
            }
            m = m.with(c, e.getValue());
        }
        return m;
    }

    public long get(Cost c) {
        return values[c.ordinal()];
    }

    /** These costs with {@code c} set to {@code value}. */
    public CostModel with(Cost c, long value) {
        long[] v = values.clone();
        v[c.ordinal()] = value;
        return new CostModel(v);
    }

    /** The values by ordinal of {@link Cost} (a copy). */
    public long[] values() {
        return values.clone();
    }

    public long flushCallNs() {
        return get(Cost.FLUSH_CALL);
    }

    public long invalidationNs() {
        return get(Cost.INVALIDATION);
    }

    public long iotlbMissNs() {
        return get(Cost.IOTLB_MISS);
    }

    public long walkReadNs() {
        return get(Cost.WALK_READ);
    }

    /** Device time of {@code misses} IOTLB misses whose walks read {@code reads} entries. */
    public long translationNs(long misses, long reads) {
        return misses * get(Cost.IOTLB_MISS) + reads * get(Cost.WALK_READ);
    }

    /** Every cost by key, in the order of {@link Cost}, for the manifest. */
    public Map<String, Long> asMap() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (Cost c : Cost.values()) {
            m.put(c.key(), values[c.ordinal()]);
        }
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CostModel c && Arrays.equals(values, c.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }
}
