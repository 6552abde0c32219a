package org.iosup.bench;

import org.iosup.trace.EventBatch;
import org.iosup.trace.EventKind;
import org.iosup.trace.Granularity;
import org.iosup.trace.PageType;
import org.iosup.trace.TraceSource;

import java.util.Map;
import java.util.SplittableRandom;

/**
 * A seeded stream of schema-valid events with a plausible mix (DMA and page-table events
 * dominate, processes come and go) and every column in use, for benchmarks of the store. Not a
 * workload model: the synthesizer is that.
 */
public final class RandomTrace implements TraceSource {
    private static final String[] COMMS = {"bash", "firefox", "Web Content", "sh", "ls", "gcc", "cc1", "make"};
    private final long events;
    private final int meanGapNs;
    private final SplittableRandom random;
    private long emitted;
    private long ts;

    /**
     * @param events    rows to produce
     * @param seed      random seed
     * @param meanGapNs mean time between rows (gaps are uniform in [0, 2 * mean))
     */
    public RandomTrace(long events, long seed, int meanGapNs) {
        this.events = events;
        this.meanGapNs = meanGapNs;
        this.random = new SplittableRandom(seed);
    }

    @Override
    public boolean next(EventBatch b) {
        b.clear();
        while (!b.isFull() && emitted < events) {
            ts += random.nextInt(2 * meanGapNs);
            int r = random.nextInt(100);
            int i;
            if (r < 40) {
                i = b.add(ts, EventKind.DMA);
                b.setDevice(i, 0x0100 + random.nextInt(2)).setAddr(i, (long) random.nextInt(1 << 20) << 12)
                        .setBytes(i, 64 + random.nextInt(1500)).setWrite(i, random.nextBoolean());
            } else if (r < 60) {
                i = b.add(ts, EventKind.PT_ALLOC);
                b.setPid(i, 100 + random.nextInt(5000)).setFrame(i, 0x10000 + random.nextInt(1 << 18))
                        .setLevel(i, 1 + random.nextInt(3));
            } else if (r < 78) {
                i = b.add(ts, EventKind.PT_FREE);
                b.setPid(i, 100 + random.nextInt(5000)).setFrame(i, 0x10000 + random.nextInt(1 << 18));
            } else if (r < 88) {
                i = b.add(ts, EventKind.MMU_UPDATE);
                b.setCount(i, 1 + random.nextInt(64));
            } else if (r < 92) {
                i = b.add(ts, EventKind.TYPE_CHANGE);
                b.setFrame(i, 0x10000 + random.nextInt(1 << 18)).setTypes(i, PageType.WRITABLE, PageType.L1);
            } else if (r < 95) {
                i = b.add(ts, EventKind.IOTLB_FLUSH);
                b.setGranularity(i, Granularity.PAGE).setFrame(i, 0x10000 + random.nextInt(1 << 18)).setCount(i, 1);
            } else if (r < 97) {
                i = b.add(ts, EventKind.PROC_CREATE);
                b.setPid(i, 100 + random.nextInt(5000)).setPpid(i, 1).setComm(i, COMMS[random.nextInt(COMMS.length)]);
            } else {
                i = b.add(ts, EventKind.PROC_EXIT);
                b.setPid(i, 100 + random.nextInt(5000));
            }
            b.setCpu(i, random.nextInt(4));
            emitted++;
        }
        return !b.isEmpty();
    }

    @Override
    public Map<String, String> metadata() {
        return Map.of("iosup.source", "random benchmark trace");
    }

    @Override
    public String name() {
        return "random(" + events + ")";
    }

    @Override
    public void close() {
    }
}
