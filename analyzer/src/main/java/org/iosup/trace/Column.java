package org.iosup.trace;

/**
 * The columns of the event schema, in schema order. The ordinal is the bit used in
 * {@link EventBatch#present()} masks; names, order and types come from
 * {@code schemas/events.schema.json} and are checked against it when the schema loads.
 */
public enum Column {
    TS_NS, KIND, CPU, DOMAIN, PID, PPID, COMM, FRAME, LEVEL, FROM_TYPE, TO_TYPE, COUNT,
    GRANULARITY, DEVICE, ADDR, BYTES, WRITE;

    private static final Column[] VALUES = values();
    private static final java.util.Map<String, Column> BY_NAME = new java.util.HashMap<>();

    static {
        for (Column c : VALUES) {
            BY_NAME.put(c.columnName(), c);
        }
    }

    /** The column name as written in CSV headers and Parquet files. */
    public String columnName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The bit of this column in a presence mask. */
    public int bit() {
        return 1 << ordinal();
    }

    public static Column ofOrdinal(int ordinal) {
        return VALUES[ordinal];
    }

    public static int count() {
        return VALUES.length;
    }

    /** Mask of every column. */
    public static int allMask() {
        return (1 << VALUES.length) - 1;
    }

    /** The column of this name, or null. */
    public static Column byName(String name) {
        return BY_NAME.get(name);
    }
}
