package org.iosup.trace;

import it.unimi.dsi.fastutil.ints.Int2LongRBTreeMap;
import it.unimi.dsi.fastutil.ints.IntOpenHashSet;
import it.unimi.dsi.fastutil.longs.LongOpenHashSet;

/**
 * What a trace holds at a glance: rows, time span, rows per kind and per domain, and how many
 * distinct pids and frames it names. Fed batch by batch; memory grows with distinct pids and
 * frames only.
 */
public final class TraceStats {
    private long rows;
    private long firstTs = -1;
    private long lastTs = -1;
    private final long[] perKind = new long[EventKind.count()];
    private final Int2LongRBTreeMap perDomain = new Int2LongRBTreeMap();
    private final IntOpenHashSet pids = new IntOpenHashSet();
    private final LongOpenHashSet frames = new LongOpenHashSet();

    /** The columns {@link #add} looks at. */
    public static java.util.Set<Column> columns() {
        return java.util.EnumSet.of(Column.TS_NS, Column.KIND, Column.DOMAIN, Column.PID, Column.FRAME);
    }

    public void add(EventBatch b) {
        int n = b.size();
        if (n == 0) {
            return;
        }
        if (firstTs < 0) {
            firstTs = b.tsNs()[0];
        }
        lastTs = b.tsNs()[n - 1];
        rows += n;
        byte[] kind = b.kind();
        int[] present = b.present();
        int[] pid = b.pid();
        long[] frame = b.frame();
        for (int i = 0; i < n; i++) {
            perKind[kind[i]]++;
            int p = present[i];
            perDomain.addTo(b.domainOr0(i), 1);
            if ((p & Column.PID.bit()) != 0) {
                pids.add(pid[i]);
            }
            if ((p & Column.FRAME.bit()) != 0) {
                frames.add(frame[i]);
            }
        }
    }

    public long rows() {
        return rows;
    }

    /** First ts_ns, or -1 when there are no rows. */
    public long firstTs() {
        return firstTs;
    }

    /** Last ts_ns, or -1 when there are no rows. */
    public long lastTs() {
        return lastTs;
    }

    public long count(EventKind k) {
        return perKind[k.ordinal()];
    }

    /** Rows per domain id, in domain order. */
    public Int2LongRBTreeMap perDomain() {
        return perDomain;
    }

    public int distinctPids() {
        return pids.size();
    }

    public int distinctFrames() {
        return frames.size();
    }
}
