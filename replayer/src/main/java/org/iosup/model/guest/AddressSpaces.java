package org.iosup.model.guest;

import it.unimi.dsi.fastutil.ints.Int2ObjectOpenHashMap;
import it.unimi.dsi.fastutil.longs.Long2IntLinkedOpenHashMap;
import it.unimi.dsi.fastutil.longs.Long2ObjectOpenHashMap;
import org.iosup.analysis.MinuteSeries;
import org.iosup.model.Anomalies;
import org.iosup.model.DeviceCounters;
import org.iosup.model.Metric;
import org.iosup.trace.Column;
import org.iosup.trace.EventBatch;
import org.iosup.trace.EventKind;

/**
 * The Linux Xen PV guest's address spaces, followed from trace events and turned into
 * {@link GuestOps} (docs/model.md §5; Linux {@code arch/x86/xen/mmu.c} of 3.2, read for this project):
 *
 * <ul>
 *   <li>fork and exec build a new mm unpinned ({@code PROC_CREATE} / {@code PROC_EXEC}, then its
 *   {@code PT_ALLOC}s), then pin it as a whole ({@code xen_dup_mmap} / {@code xen_activate_mm} →
 *   {@code xen_pgd_pin}): every page-table page goes writable → L<i>x</i> at once. The build ends
 *   at the first event that is neither a PT_ALLOC nor a PT_FREE of that pid;</li>
 *   <li>a page-table page allocated into a pinned mm is pinned on allocation
 *   ({@code xen_alloc_ptpage} with {@code pinned} set);</li>
 *   <li>exit ({@code xen_exit_mmap} → {@code xen_pgd_unpin}) unpins the whole mm and makes every
 *   page writable again; the pages are freed by the PT_FREEs that follow. An exec builds and pins
 *   the new mm first and unpins the old one whole at its first PT_FREE (Linux: {@code exec_mmap}
 *   activates the new mm, then {@code mmput} of the old one runs {@code exit_mmap});</li>
 *   <li>a page freed while its mm is pinned ({@code xen_release_ptpage}, e.g. after munmap) is
 *   unpinned and made writable then (the policy does that at FREE);</li>
 *   <li>traces recorded on a PV guest carry {@code PT_PIN} / {@code PT_UNPIN} of a root
 *   ({@code xen_mmu_pgd_pin/unpin}): from the first such event the model follows them instead of
 *   deriving pins, pinning or unpinning the whole mm that owns the root;</li>
 *   <li>a page-table page without a pid belongs to the kernel's own mm, always pinned; a pid first
 *   seen in a PT_ALLOC or PROC_EXEC is a process that existed before the trace, already pinned.</li>
 * </ul>
 *
 * This part is the same for every policy; what a pin, unpin or free costs, and whether a pool keeps
 * the page, is the policy's. So are the counts that no policy changes (processes, DMA accesses,
 * bytes and page lookups, mmu_update entries, recorded hypervisor events): they are kept here, in
 * {@link #counts()}. Events the model cannot accept are reported to {@link Anomalies} and skipped.
 */
public final class AddressSpaces {
    private static final int KERNEL_PID = -1;
    private static final long MINUTE_NS = 60_000_000_000L;

    /** One address space: its pages (trace frame → level, in allocation order) and whether it is pinned. */
    private static final class Mm {
        final int pid;
        final Long2IntLinkedOpenHashMap pages = new Long2IntLinkedOpenHashMap();
        boolean pinned;
        /** An exec replaced it: it is unpinned whole at its first free (its mmput). */
        boolean replaced;

        Mm(int pid, boolean pinned) {
            this.pid = pid;
            this.pinned = pinned;
        }
    }

    private final Paging paging;
    private final Anomalies anomalies;
    private final Int2ObjectOpenHashMap<Mm> live = new Int2ObjectOpenHashMap<>();
    private final Long2ObjectOpenHashMap<Mm> owner = new Long2ObjectOpenHashMap<>();
    private final MinuteSeries<Metric> counts = new MinuteSeries<>(Metric.class);
    private final DeviceCounters devices = new DeviceCounters();
    private long minuteEnd = MINUTE_NS;
    private Mm building;
    private boolean explicitPins;
    private long row;
    /** Rows of the batches before the current one. */
    private long rowBase;
    /** DMA counts of the current minute not yet added to {@link #counts}. */
    private long dmaAccesses;
    private long dmaBytes;
    private long dmaPages;

    public AddressSpaces(Paging paging, Anomalies anomalies) {
        this.paging = paging;
        this.anomalies = anomalies;
    }

    /** The columns this reads. */
    public static java.util.Set<Column> columns() {
        return java.util.EnumSet.of(Column.TS_NS, Column.KIND, Column.DOMAIN, Column.PID, Column.FRAME,
                Column.LEVEL, Column.COUNT, Column.ADDR, Column.BYTES, Column.DEVICE);
    }

    /**
     * Turns the rows of {@code b} into operations appended to {@code out}. Runs of DMA rows (most of
     * a trace) take a short loop of their own; every other row goes to {@link #event}, kept apart so
     * that the JIT compiles the hot loop small and soon.
     */
    public void translate(EventBatch b, GuestOps out) {
        long[] ts = b.tsNs();
        byte[] kind = b.kind();
        long[] addr = b.addr();
        int[] bytes = b.bytes();
        int dmaKind = EventKind.DMA.ordinal();
        int[] present = b.present();
        int[] device = b.device();
        int deviceBit = Column.DEVICE.bit();
        int n = b.size();
        int i = 0;
        while (i < n) {
            if (ts[i] >= minuteEnd) {
                nextMinute(ts[i]);
            }
            if (kind[i] == dmaKind && building == null) {
                // A run of DMA rows of one device in one minute, outside an address-space build.
                int from = i;
                int dv = (present[i] & deviceBit) != 0 ? device[i] : -1;
                long pages = 0;
                long sum = 0;
                do {
                    pages += pages(addr[i], bytes[i]);
                    sum += bytes[i];
                    i++;
                } while (i < n && kind[i] == dmaKind && ts[i] < minuteEnd
                        && ((present[i] & deviceBit) != 0 ? device[i] : -1) == dv);
                dmaAccesses += i - from;
                dmaBytes += sum;
                dmaPages += pages;
                countDevice(dv, i - from, sum, pages);
                out.dma(ts[i - 1], from, i, dv);
            } else {
                row = rowBase + i + 1;
                event(b, i, out);
                i++;
            }
        }
        rowBase += n;
        row = rowBase;
        flushDma();
    }

    private void nextMinute(long t) {
        flushDma();
        int minute = (int) (t / MINUTE_NS);
        counts.advanceTo(minute);
        devices.at(minute);
        minuteEnd = (minute + 1) * MINUTE_NS;
    }

    /** Row {@code i}: anything but a DMA outside a build. */
    private void event(EventBatch b, int i, GuestOps out) {
        int[] present = b.present();
        long[] frame = b.frame();
        int[] level = b.level();
        int k = b.kind()[i];
        long t = b.tsNs()[i];
        boolean hasPid = (present[i] & Column.PID.bit()) != 0;
        int p = hasPid ? b.pid()[i] : KERNEL_PID;
        if (building != null && !(hasPid && p == building.pid && (k == EventKind.PT_ALLOC.ordinal()
                || (k == EventKind.PT_FREE.ordinal() && buildsOn(frame[i]))))) {
            endBuild(t, out);
        }
        switch (EventKind.ofCode(k)) {
            case DMA -> {
                int dv = (present[i] & Column.DEVICE.bit()) != 0 ? b.device()[i] : -1;
                long pages = pages(b.addr()[i], b.bytes()[i]);
                out.dma(t, i, i + 1, dv);
                dmaPages += pages;
                dmaAccesses++;
                dmaBytes += b.bytes()[i];
                countDevice(dv, 1, b.bytes()[i], pages);
            }
            case PT_ALLOC -> alloc(t, b.domainOr0(i), p, hasPid, frame[i], level[i], out);
            case PT_FREE -> free(t, b.domainOr0(i), frame[i],
                    (present[i] & Column.LEVEL.bit()) != 0 ? level[i] : 0, out);
            case PROC_CREATE -> create(t, p, out);
            case PROC_EXEC -> exec(t, b.domainOr0(i), p, out);
            case PROC_EXIT -> exit(t, b.domainOr0(i), p, out);
            case PT_PIN -> pinRoot(t, b.domainOr0(i), frame[i], true, out);
            case PT_UNPIN -> pinRoot(t, b.domainOr0(i), frame[i], false, out);
            case MMU_UPDATE -> {
                counts.inc(Metric.MMU_UPDATES);
                counts.add(Metric.MMU_UPDATE_ENTRIES, b.count()[i]);
            }
            case TYPE_CHANGE -> counts.inc(Metric.RECORDED_TYPE_CHANGES);
            case IOMMU_MAP -> counts.inc(Metric.RECORDED_MAPS);
            case IOMMU_UNMAP -> counts.inc(Metric.RECORDED_UNMAPS);
            case IOTLB_FLUSH -> counts.inc(Metric.RECORDED_FLUSHES);
        }
    }

    /** 4 KiB pages a DMA of {@code bytes} bytes at {@code addr} touches. */
    public static long pages(long addr, int bytes) {
        return ((addr + Math.max(1, bytes) - 1) >>> 12) - (addr >>> 12) + 1;
    }

    /** Counts a run of DMA rows of one device (the same for every policy). */
    private void countDevice(int device, long rows, long sum, long pages) {
        long[] d = devices.of(device);
        d[DeviceCounters.Col.DMAS.ordinal()] += rows;
        d[DeviceCounters.Col.BYTES.ordinal()] += sum;
        d[DeviceCounters.Col.LOOKUPS.ordinal()] += pages;
    }

    /** DMA per device and minute: accesses, bytes and lookups (the same for every policy). */
    public DeviceCounters devices() {
        return devices;
    }

    private void flushDma() {
        counts.add(Metric.DMA_ACCESSES, dmaAccesses);
        counts.add(Metric.DMA_BYTES, dmaBytes);
        counts.add(Metric.IOTLB_LOOKUPS, dmaPages);
        dmaAccesses = 0;
        dmaBytes = 0;
        dmaPages = 0;
    }

    /** Counts that are the same for every policy, per minute. */
    public MinuteSeries<Metric> counts() {
        return counts;
    }

    /**
     * Whether a PT_FREE of {@code tf} by the building pid leaves its build open: a page of the mm
     * being built (freed during the build), or, before the new mm has any page, a page of the mm an
     * exec replaces (a trace that frees the old mm first). A free of the old mm after the new one has
     * pages ends the build: Linux pins the new mm (exec_mmap → activate_mm) before it drops the old
     * one (mmput → exit_mmap).
     */
    private boolean buildsOn(long tf) {
        Mm mm = owner.get(tf);
        return mm == building || building.pages.isEmpty();
    }

    private void endBuild(long t, GuestOps out) {
        Mm mm = building;
        building = null;
        if (!explicitPins && !mm.pinned && live.get(mm.pid) == mm) {
            pinWhole(t, 0, mm, out);
        }
    }

    private void pinWhole(long t, int domain, Mm mm, GuestOps out) {
        mm.pinned = true;
        int k = 0;
        for (var e : mm.pages.long2IntEntrySet()) {
            out.page(GuestOps.PIN, t, domain, e.getLongKey(), e.getIntValue(), k++);
        }
    }

    private void unpinWhole(long t, int domain, Mm mm, GuestOps out) {
        mm.pinned = false;
        int k = 0;
        for (var e : mm.pages.long2IntEntrySet()) {
            out.page(GuestOps.UNPIN, t, domain, e.getLongKey(), e.getIntValue(), k++);
        }
    }

    private void alloc(long t, int domain, int pid, boolean hasPid, long tf, int level, GuestOps out) {
        if (level > paging.levels()) {
            anomalies.report(Anomalies.Kind.LEVEL_OUT_OF_PAGING, row, "PT_ALLOC of frame " + tf + " at level " + level
                    + ", but " + paging.label() + " paging has " + paging.levels() + " levels");
            return;
        }
        if (owner.containsKey(tf)) {
            anomalies.report(Anomalies.Kind.SECOND_ALLOC_OF_LIVE_FRAME, row, "PT_ALLOC of frame " + tf
                    + ", already a live page-table page of pid " + owner.get(tf).pid);
            return;
        }
        Mm mm = live.get(pid);
        if (mm == null) {
            // The kernel's own page tables, or a process that existed before the trace began.
            mm = new Mm(pid, true);
            live.put(pid, mm);
        }
        mm.pages.put(tf, level);
        owner.put(tf, mm);
        out.page(GuestOps.ALLOC, t, domain, tf, level);
        if (mm.pinned) {
            out.page(GuestOps.PIN, t, domain, tf, level);
        }
    }

    private void free(long t, int domain, long tf, int level, GuestOps out) {
        Mm mm = owner.get(tf);
        if (mm == null) {
            anomalies.report(Anomalies.Kind.FREE_OF_UNKNOWN_FRAME, row, "PT_FREE of frame " + tf
                    + ", which is not a live page-table page");
            return;
        }
        if (mm.replaced && mm.pinned && !explicitPins) {
            // The first free of an mm an exec replaced: its mmput, whose exit_mmap unpins it whole first.
            unpinWhole(t, domain, mm, out);
        }
        owner.remove(tf);
        int allocated = mm.pages.remove(tf);
        if (level != 0 && level != allocated) {
            anomalies.report(Anomalies.Kind.LEVEL_MISMATCH, row, "PT_FREE of frame " + tf + " at level " + level
                    + ", allocated at level " + allocated);
        }
        out.page(GuestOps.FREE, t, domain, tf, allocated);
    }

    private void create(long t, int pid, GuestOps out) {
        if (live.containsKey(pid)) {
            anomalies.report(Anomalies.Kind.CREATE_OF_LIVE_PID, row, "PROC_CREATE of pid " + pid
                    + ", whose address space is still live (no PROC_EXIT)");
            return;
        }
        counts.inc(Metric.PROC_CREATES);
        Mm mm = new Mm(pid, false);
        live.put(pid, mm);
        building = mm;
    }

    /**
     * An exec: a new mm is built for the pid (bprm_mm_init), pinned when its build ends
     * (activate_mm); the old mm stays pinned until its pages are freed (mmput after exec_mmap),
     * whichever order the trace gives them in.
     */
    private void exec(long t, int domain, int pid, GuestOps out) {
        counts.inc(Metric.PROC_EXECS);
        Mm old = live.get(pid);
        if (old != null) {
            old.replaced = true;
        }
        Mm mm = new Mm(pid, false);
        live.put(pid, mm);
        building = mm;
    }

    private void exit(long t, int domain, int pid, GuestOps out) {
        Mm mm = live.remove(pid);
        if (mm == null) {
            anomalies.report(Anomalies.Kind.EXIT_OF_UNKNOWN_PID, row, "PROC_EXIT of pid " + pid
                    + ", which has no address space in the trace");
            return;
        }
        counts.inc(Metric.PROC_EXITS);
        if (mm.pinned && !explicitPins) {
            unpinWhole(t, domain, mm, out);
        }
    }

    private void pinRoot(long t, int domain, long tf, boolean pin, GuestOps out) {
        explicitPins = true;
        Mm mm = owner.get(tf);
        if (mm == null) {
            anomalies.report(Anomalies.Kind.PIN_OF_UNKNOWN_FRAME, row, (pin ? "PT_PIN" : "PT_UNPIN") + " of frame "
                    + tf + ", which is not a live page-table page");
            return;
        }
        if (pin && !mm.pinned) {
            pinWhole(t, domain, mm, out);
        } else if (!pin && mm.pinned) {
            unpinWhole(t, domain, mm, out);
        }
    }

    /** Ends a build still open when the trace ends (its mm is pinned at the last event's time). */
    public void finish(long t, GuestOps out) {
        if (building != null) {
            endBuild(t, out);
        }
    }

    /** Live page-table pages. */
    public int livePages() {
        return owner.size();
    }

    /** Rows seen. */
    public long rows() {
        return row;
    }
}
