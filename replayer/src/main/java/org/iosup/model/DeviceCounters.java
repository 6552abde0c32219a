package org.iosup.model;

import org.iosup.analysis.MinuteSeries;

import java.util.Locale;
import java.util.Map;

/**
 * One policy's DMA figures per device (PCI requester id) and minute: what the throughput model
 * (replay's {@code DmaThroughput}) needs to tell what translation cost each device. Devices are few; the
 * last one used is kept at hand, since DMA comes in runs of one device.
 */
public final class DeviceCounters {
    /** The counters kept per device and minute. */
    public enum Col implements MinuteSeries.Column {
        /** DMA accesses (trace rows). */
        DMAS,
        /** Bytes moved. */
        BYTES,
        /** IOTLB lookups (pages touched). */
        LOOKUPS,
        /** IOTLB misses of mapped frames. */
        MISSES,
        /** I/O page-table entries read by the misses' walks. */
        WALK_READS;

        @Override
        public boolean isGauge() {
            return false;
        }

        public String column() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The devices seen, in order of first use, and their series (a few: a linear search beats a map). */
    private int[] ids = new int[4];
    @SuppressWarnings({"unchecked", "rawtypes"})
    private MinuteSeries<Col>[] series = new MinuteSeries[4];
    private int n;
    private int lastDevice = Integer.MIN_VALUE;
    private long[] last;
    private int lastMinute = -1;
    private int minute;

    /** An independent copy: the same devices and minutes so far, each going on alone from here. */
    public DeviceCounters copy() {
        DeviceCounters c = new DeviceCounters();
        c.ids = ids.clone();
        c.series = series.clone();
        for (int i = 0; i < n; i++) {
            c.series[i] = series[i].copy();
        }
        c.n = n;
        c.minute = minute;
        return c;
    }

    /** The current minute (set as the policy's replay advances). */
    public void at(int minute) {
        this.minute = minute;
    }

    /** The current minute's counters of {@code device}, indexed by {@link Col#ordinal()}. */
    public long[] of(int device) {
        if (device == lastDevice && minute == lastMinute) {
            return last;
        }
        MinuteSeries<Col> s = seriesOf(device);
        s.advanceTo(minute);
        lastDevice = device;
        lastMinute = minute;
        last = s.current();
        return last;
    }

    private MinuteSeries<Col> seriesOf(int device) {
        for (int i = 0; i < n; i++) {
            if (ids[i] == device) {
                return series[i];
            }
        }
        if (n == ids.length) {
            ids = java.util.Arrays.copyOf(ids, 2 * n);
            series = java.util.Arrays.copyOf(series, 2 * n);
        }
        ids[n] = device;
        series[n] = new MinuteSeries<>(Col.class);
        return series[n++];
    }

    /** Closes every minute up to {@code lastMinute}. */
    public void finish(int lastMinute) {
        for (int i = 0; i < n; i++) {
            series[i].finish(lastMinute);
        }
        last = null;
        lastDevice = Integer.MIN_VALUE;
    }

    /** Each device's finished series, by requester id, in ascending order. */
    public Map<Integer, MinuteSeries<Col>> devices() {
        Map<Integer, MinuteSeries<Col>> sorted = new java.util.TreeMap<>();
        for (int i = 0; i < n; i++) {
            sorted.put(ids[i], series[i]);
        }
        return sorted;
    }
}
