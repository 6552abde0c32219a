package org.iosup.trace;

import java.util.Arrays;

/**
 * A columnar batch of event rows: one primitive array per column and a presence bit mask per
 * row (bit {@link Column#bit()} set when the row has a value in that column). Readers fill a
 * batch, writers drain one, and every engine loops over its arrays; no object is made per event.
 *
 * <p>A batch is a reusable buffer, not a value: {@link #clear()} empties it. Arrays are exposed
 * for speed; only the first {@link #size()} entries are meaningful, and a column not loaded by a
 * reader has its presence bit clear in every row.
 */
public final class EventBatch {
    /** Rows per batch when a caller has no reason to choose. */
    public static final int DEFAULT_CAPACITY = 1 << 14;

    private final int capacity;
    private int size;
    private final int[] present;
    private final long[] tsNs;
    private final byte[] kind;
    private final int[] cpu;
    private final int[] domain;
    private final int[] pid;
    private final int[] ppid;
    private final String[] comm;
    private final long[] frame;
    private final int[] level;
    private final byte[] fromType;
    private final byte[] toType;
    private final int[] count;
    private final byte[] granularity;
    private final int[] device;
    private final long[] addr;
    private final int[] bytes;
    private final boolean[] write;
    private final Object[] byColumn;

    public EventBatch(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
        present = new int[capacity];
        tsNs = new long[capacity];
        kind = new byte[capacity];
        cpu = new int[capacity];
        domain = new int[capacity];
        pid = new int[capacity];
        ppid = new int[capacity];
        comm = new String[capacity];
        frame = new long[capacity];
        level = new int[capacity];
        fromType = new byte[capacity];
        toType = new byte[capacity];
        count = new int[capacity];
        granularity = new byte[capacity];
        device = new int[capacity];
        addr = new long[capacity];
        bytes = new int[capacity];
        write = new boolean[capacity];
        byColumn = new Object[] {tsNs, kind, cpu, domain, pid, ppid, comm, frame, level, fromType,
            toType, count, granularity, device, addr, bytes, write};
    }

    public EventBatch() {
        this(DEFAULT_CAPACITY);
    }

    public int capacity() {
        return capacity;
    }

    public int size() {
        return size;
    }

    public boolean isFull() {
        return size == capacity;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** Sets the number of valid rows (used by readers after filling the arrays). */
    public void setSize(int size) {
        if (size < 0 || size > capacity) {
            throw new IllegalArgumentException("size " + size + " outside 0.." + capacity);
        }
        this.size = size;
    }

    /** Empties the batch. Presence masks of the old rows are cleared; values are left as garbage. */
    public void clear() {
        int any = 0;
        for (int i = 0; i < size; i++) {
            any |= present[i];
            present[i] = 0;
        }
        if ((any & Column.COMM.bit()) != 0) {
            Arrays.fill(comm, 0, size, null); // let the strings go
        }
        size = 0;
    }

    /**
     * Appends a row with only ts_ns and kind set, and returns its index; the caller sets the
     * other columns with the {@code set*} methods.
     */
    public int add(long ts, EventKind k) {
        int i = size++;
        tsNs[i] = ts;
        kind[i] = k.code();
        present[i] = Column.TS_NS.bit() | Column.KIND.bit();
        return i;
    }

    /** Whether row {@code i} has a value in column {@code c}. */
    public boolean has(int i, Column c) {
        return (present[i] & c.bit()) != 0;
    }

    /** Marks column {@code c} of row {@code i} as present. */
    public void mark(int i, Column c) {
        present[i] |= c.bit();
    }

    /** The backing array of a column: long[], int[], byte[] (enum codes), boolean[] or String[]. */
    public Object array(Column c) {
        return byColumn[c.ordinal()];
    }

    public int[] present() {
        return present;
    }

    public long[] tsNs() {
        return tsNs;
    }

    public byte[] kind() {
        return kind;
    }

    public int[] cpu() {
        return cpu;
    }

    public int[] domain() {
        return domain;
    }

    public int[] pid() {
        return pid;
    }

    public int[] ppid() {
        return ppid;
    }

    public String[] comm() {
        return comm;
    }

    public long[] frame() {
        return frame;
    }

    public int[] level() {
        return level;
    }

    public byte[] fromType() {
        return fromType;
    }

    public byte[] toType() {
        return toType;
    }

    public int[] count() {
        return count;
    }

    public byte[] granularity() {
        return granularity;
    }

    public int[] device() {
        return device;
    }

    public long[] addr() {
        return addr;
    }

    public int[] bytes() {
        return bytes;
    }

    public boolean[] write() {
        return write;
    }

    /** Whether any row of the batch has a value in column {@code c} (one pass over the presence masks). */
    public boolean anyPresent(Column c) {
        int any = 0;
        for (int i = 0; i < size; i++) {
            any |= present[i];
        }
        return (any & c.bit()) != 0;
    }

    /** The domain of row {@code i}, 0 when absent (the schema's default). */
    public int domainOr0(int i) {
        return (present[i] & Column.DOMAIN.bit()) != 0 ? domain[i] : 0;
    }

    // Fluent setters for building rows by hand (synthesizer, importers, tests).

    public EventBatch setCpu(int i, int v) {
        cpu[i] = v;
        present[i] |= Column.CPU.bit();
        return this;
    }

    public EventBatch setDomain(int i, int v) {
        domain[i] = v;
        present[i] |= Column.DOMAIN.bit();
        return this;
    }

    public EventBatch setPid(int i, int v) {
        pid[i] = v;
        present[i] |= Column.PID.bit();
        return this;
    }

    public EventBatch setPpid(int i, int v) {
        ppid[i] = v;
        present[i] |= Column.PPID.bit();
        return this;
    }

    public EventBatch setComm(int i, String v) {
        comm[i] = v;
        present[i] |= Column.COMM.bit();
        return this;
    }

    public EventBatch setFrame(int i, long v) {
        frame[i] = v;
        present[i] |= Column.FRAME.bit();
        return this;
    }

    public EventBatch setLevel(int i, int v) {
        level[i] = v;
        present[i] |= Column.LEVEL.bit();
        return this;
    }

    public EventBatch setTypes(int i, PageType from, PageType to) {
        fromType[i] = from.code();
        toType[i] = to.code();
        present[i] |= Column.FROM_TYPE.bit() | Column.TO_TYPE.bit();
        return this;
    }

    public EventBatch setCount(int i, int v) {
        count[i] = v;
        present[i] |= Column.COUNT.bit();
        return this;
    }

    public EventBatch setGranularity(int i, Granularity g) {
        granularity[i] = g.code();
        present[i] |= Column.GRANULARITY.bit();
        return this;
    }

    public EventBatch setDevice(int i, int v) {
        device[i] = v;
        present[i] |= Column.DEVICE.bit();
        return this;
    }

    public EventBatch setAddr(int i, long v) {
        addr[i] = v;
        present[i] |= Column.ADDR.bit();
        return this;
    }

    public EventBatch setBytes(int i, int v) {
        bytes[i] = v;
        present[i] |= Column.BYTES.bit();
        return this;
    }

    public EventBatch setWrite(int i, boolean v) {
        write[i] = v;
        present[i] |= Column.WRITE.bit();
        return this;
    }

    /** Replaces the contents of this batch with those of {@code from} (which must fit). */
    public void copyFrom(EventBatch from) {
        if (from.size > capacity) {
            throw new IllegalArgumentException(from.size + " rows do not fit in " + capacity);
        }
        clear();
        int n = from.size;
        System.arraycopy(from.present, 0, present, 0, n);
        for (int c = 0; c < byColumn.length; c++) {
            System.arraycopy(from.byColumn[c], 0, byColumn[c], 0, n);
        }
        size = n;
    }

    /** Copies row {@code i} of {@code from} to the end of this batch. */
    public void copyRow(EventBatch from, int i) {
        int j = size++;
        present[j] = from.present[i];
        for (int c = 0; c < byColumn.length; c++) {
            System.arraycopy(from.byColumn[c], i, byColumn[c], j, 1);
        }
    }
}
