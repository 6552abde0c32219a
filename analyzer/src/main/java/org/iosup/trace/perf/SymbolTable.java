package org.iosup.trace.perf;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * A fixed map from names to small ints, looked up by a byte range of a line without making a
 * String (the importer looks up every kernel symbol of the allocation call chains).
 */
final class SymbolTable {
    private final byte[][] keys;
    private final int[] values;
    private final int mask;

    SymbolTable(Map<String, Integer> entries) {
        int size = Integer.highestOneBit(Math.max(4, entries.size() * 4 - 1)) << 1;
        keys = new byte[size][];
        values = new int[size];
        mask = size - 1;
        for (Map.Entry<String, Integer> e : entries.entrySet()) {
            byte[] k = e.getKey().getBytes(StandardCharsets.US_ASCII);
            int i = hash(k, 0, k.length) & mask;
            while (keys[i] != null) {
                i = (i + 1) & mask;
            }
            keys[i] = k;
            values[i] = e.getValue();
        }
    }

    /** The value of the name in {@code buf[from, to)}, or {@code missing}. */
    int get(byte[] buf, int from, int to, int missing) {
        int i = hash(buf, from, to) & mask;
        for (byte[] k = keys[i]; k != null; k = keys[i = (i + 1) & mask]) {
            if (k.length == to - from && Arrays.equals(k, 0, k.length, buf, from, to)) {
                return values[i];
            }
        }
        return missing;
    }

    private static int hash(byte[] b, int from, int to) {
        int h = to - from;
        for (int i = from; i < to; i++) {
            h = 31 * h + b[i];
        }
        return h ^ (h >>> 16);
    }
}
