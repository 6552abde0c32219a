package org.iosup.synth;

import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.longs.LongArrayList;
import org.iosup.model.guest.Paging;
import org.iosup.trace.EventBatch;
import org.iosup.trace.EventKind;
import org.iosup.trace.TraceSource;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * A synthesized trace of the paper's settings, produced as a stream in time order (see
 * docs/synthesizer.md). Processes are born, exec, grow and shrink their page tables and exit
 * (docs/model.md §5's footprints), with the page-table frames from a {@link FrameAllocator}; a NIC and a
 * disk do DMA at their rates. Events follow the replay's contract: a fork's or exec's page-table
 * build directly follows its PROC_CREATE / PROC_EXEC, every free frees a live frame with its
 * level, and every process is created before anything else of it happens.
 *
 * <ul>
 *   <li>busy: iterations of {@code iterationMin} minutes; each starts a browser (created, exec'd,
 *   growing to {@code browserMb} of memory) and children arriving evenly at the creation rate,
 *   with lifetimes from a truncated Pareto distribution (P(L > t) ∝ t^k, cut at the iteration's
 *   end); everything exits when the iteration ends.</li>
 *   <li>idle: a boot burst whose churn decays as e^(-t / decay), and daemons that stay.</li>
 *   <li>boot-busy: idle until {@code busyAfterMin}, then busy.</li>
 * </ul>
 *
 * Memory holds the live processes and their pages only, never the trace.
 */
public final class SyntheticTrace implements TraceSource {
    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;
    private static final long MIN = 60 * S;
    /** First page-table frame: 1 GiB into machine memory. */
    static final long PT_FRAMES = 0x40000;
    /** NIC ring buffers: 2 GiB in, 2 KiB each (two per page). */
    static final long NIC_FRAMES = 0x80000;
    /** netperf: the socket's send buffer, 2.25 GiB in. */
    static final long SNDBUF_FRAMES = 0x90000;
    /** netperf: the packets' header buffers (skb heads), 2.125 GiB in: 512-byte buffers in turn. */
    static final long HEADER_FRAMES = 0x88000;
    /** netperf: header buffers in turn (256 of 512 bytes: 32 pages), an assumption for the skb heads' slab. */
    static final int HEADER_BUFFERS = 256;
    /** netperf: bytes of headers per frame (Ethernet 14, IP 20, TCP 20 + timestamps 12). */
    static final int HEADER_BYTES = 66;
    /** Disk buffers: 3 GiB in. */
    static final long DISK_FRAMES = 0xC0000;
    /** Pages the disk cycles its requests through. */
    static final int DISK_PAGES = 4096;
    /** PCI requester ids: the NIC at 01:00.0, the disk controller at 00:1f.2. */
    public static final int NIC = 0x0100;
    public static final int DISK = 0x00fa;
    /** Entries an MMU_UPDATE writes per level-1 page of a build (an assumption). */
    static final int ENTRIES_PER_PTE_PAGE = 128;
    /**
     * fork-exit: the PTE pages fork copies for the child. copy_page_range (mm/memory.c, Linux 3.x)
     * skips VMAs without anonymous pages (their PTEs are faulted in later), so a small C program's
     * child gets the PTE pages of its data and heap, of the libraries' data, and of its stack: one
     * 2 MiB region each.
     */
    public static final int FORK_CHILD_L1_PAGES = 3;
    /**
     * fork-exit: the parent's writable private PTEs that fork write-protects for copy-on-write
     * (copy_one_pte's ptep_set_wrprotect), each an mmu_update entry of the parent's pinned tables,
     * batched in one multicall in lazy MMU mode: an assumption for a small C program with its libc
     * (data, bss, heap, stack: some 32 pages).
     */
    public static final int FORK_COW_ENTRIES = 32;
    /** fork-exit: the child's life, from fork to exit: it calls exit at once. */
    static final long FORK_CHILD_LIFE_NS = 100_000;

    private static final String[] CHILD_COMMS = {"plugin-containe", "Web Content", "sh", "xdg-open", "dbus-send"};
    private static final String[] EXEC_COMMS = {"lsb_release", "gconftool-2", "uname", "grep", "sed"};
    private static final String[] BOOT_COMMS = {"udevd", "sh", "run-parts", "modprobe", "ifup", "cron", "getty", "sshd"};

    /**
     * After an exec, the PTE pages beyond the stack's are faulted in over the first part of the new
     * program's life: over a fifth of what is left of it, at most this long (an assumption: the
     * dynamic loader and the program's start touch their text, data and libraries first).
     */
    static final long FAULT_SPAN_NS = 50 * MS;

    private enum Due { EXEC, GROW, SHRINK, FAULT, EXIT }

    /** Something a process does later; {@code proc} {@link #DAEMON} with no {@code what} is a daemon's birth. */
    private record Pending(long ts, long seq, Proc proc, Due what) implements Comparable<Pending> {
        @Override
        public int compareTo(Pending o) {
            int c = Long.compare(ts, o.ts);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private static final class Proc {
        final int pid;
        final int cpu;
        final LongArrayList frames = new LongArrayList();
        final IntArrayList levels = new IntArrayList();
        boolean exited;
        /** When its exit is due (Long.MAX_VALUE: lives to the end). */
        long exitAt = Long.MAX_VALUE;

        Proc(int pid, int cpu) {
            this.pid = pid;
            this.cpu = cpu;
        }
    }

    private static final Proc DAEMON = new Proc(-1, 0);

    private final SynthParams p;
    private final Paging paging;
    private final long endNs;
    private final SplittableRandom procRandom;
    private final SplittableRandom dmaRandom;
    private final FrameAllocator frames;
    private final PriorityQueue<Pending> queue = new PriorityQueue<>();
    private long seq;
    private int nextPid = 2;
    // Arrivals of new processes.
    private long nextArrival;
    private int iteration = -1;
    private long iterationEnd;
    private long arrivalGap;
    private int idleArrivals;
    private int idleArrivalsMade;
    private boolean idleArrivalNext;
    // Devices.
    private final long nicGap;
    private final long diskGap;
    private long nextNic;
    private long nextDisk;
    private int rxIndex;
    private int txIndex;
    private Proc session;
    /** netperf: TCP_STREAM's pattern on the NIC (sends from the send buffer, ACKs received). */
    private final boolean netperf;
    private long sndOffset;
    private int headerIndex;
    private long packets;
    private long created;
    private long exited;

    public SyntheticTrace(SynthParams params) {
        this.p = params.validate();
        this.paging = p.paging();
        this.endNs = (long) (p.minutes() * MIN);
        SplittableRandom root = new SplittableRandom(p.seed());
        this.procRandom = root.split();
        this.dmaRandom = root.split();
        this.frames = new FrameAllocator(p.cpus(), PT_FRAMES);
        double packetsPerS = p.nicGbps() * 1e9 / (p.packetBytes() * 8.0);
        this.nicGap = packetsPerS > 0 ? Math.max(1, Math.round(S / packetsPerS)) : Long.MAX_VALUE;
        double requestsPerS = p.diskMbps() * 1e6 / (p.diskRequestKb() * 1024.0);
        this.diskGap = requestsPerS > 0 ? Math.max(1, Math.round(S / requestsPerS)) : Long.MAX_VALUE;
        this.nextNic = nicGap == Long.MAX_VALUE ? Long.MAX_VALUE : jitter(dmaRandom, nicGap);
        this.nextDisk = diskGap == Long.MAX_VALUE ? Long.MAX_VALUE : jitter(dmaRandom, diskGap);
        this.nextArrival = 0;
        this.netperf = p.preset().equals("netperf");
        if (forkExit()) {
            arrivalGap = Math.max(1, (long) (MIN / p.creationsPerMin()));
            nextArrival = arrivalGap;
        } else if (p.preset().equals("idle") || p.preset().equals("boot-busy")) {
            idleArrivals = Math.max(0, p.bootProcesses() - p.daemons());
        }
    }

    /** A gap of mean {@code mean}: uniform in [mean / 2, 3 mean / 2), so rates are kept without a log. */
    private static long jitter(SplittableRandom r, long mean) {
        return mean / 2 + (long) (r.nextDouble() * mean);
    }

    private boolean forkExit() {
        return p.preset().equals("fork-exit");
    }

    /** Whether the busy setting's processes run: busy, boot-busy after its idle start, or netperf --busy-churn. */
    private boolean busyProcesses() {
        return p.preset().equals("busy") || p.preset().equals("boot-busy")
                || (p.preset().equals("netperf") && p.busyChurn());
    }

    private long busyStart() {
        return p.preset().equals("boot-busy") ? (long) (p.busyAfterMin() * MIN) : 0;
    }

    @Override
    public boolean next(EventBatch b) {
        b.clear();
        if (session == null) {
            start(b);
        }
        while (b.size() < b.capacity() - 512) {
            long tProc = queue.isEmpty() ? Long.MAX_VALUE : queue.peek().ts();
            long tArr = nextArrivalTime();
            long t = Math.min(Math.min(nextNic, nextDisk), Math.min(tProc, tArr));
            if (t >= endNs) {
                break;
            }
            if (t == nextNic && netperf) {
                netperfNic(b, Math.min(Math.min(nextDisk, tProc), Math.min(tArr, endNs)));
            } else if (t == nextNic) {
                nic(b, Math.min(Math.min(nextDisk, tProc), Math.min(tArr, endNs)));
            } else if (t == nextDisk) {
                disk(b);
            } else if (t == tArr) {
                arrive(b, t);
            } else {
                due(b, queue.poll());
            }
        }
        return !b.isEmpty();
    }

    /** t = 0: init and the session that is the parent of everything else. */
    private void start(EventBatch b) {
        Proc init = new Proc(1, 0);
        fork(b, 0, init, 0, "init");
        session = new Proc(nextPid++, 0);
        fork(b, 0, session, 1, forkExit() ? "lat_proc" : "bash");
        if (p.preset().equals("idle") || p.preset().equals("boot-busy")) {
            // The daemons of the boot burst, in its first 30 seconds, live to the end.
            for (int d = 0; d < p.daemons(); d++) {
                queue.add(new Pending(30 * S * d / Math.max(1, p.daemons()), seq++, DAEMON, null));
            }
        }
    }

    /** When the next process arrives (the idle churn's, or the busy loop's), or MAX_VALUE. */
    private long nextArrivalTime() {
        idleArrivalNext = false;
        if (forkExit()) {
            return nextArrival;
        }
        boolean busyPart = busyProcesses();
        if (idleArrivalsMade < idleArrivals) {
            // Idle churn of rate r(t) ∝ e^(-t/decay): arrival n where the rate's integral reaches n.
            double tau = p.decayMin() * MIN;
            double x = (idleArrivalsMade + 0.5) / (idleArrivals + 1.0);
            long t = (long) (-tau * Math.log(1 - x));
            if (!busyPart || t < busyStart()) {
                idleArrivalNext = true;
                return t;
            }
            idleArrivalsMade = idleArrivals;
        }
        return busyPart ? Math.max(nextArrival, busyStart()) : Long.MAX_VALUE;
    }

    private void arrive(EventBatch b, long t) {
        if (forkExit()) {
            forkChild(b, t);
            nextArrival = t + arrivalGap;
            return;
        }
        if (idleArrivalNext) {
            idleArrivalsMade++;
            child(b, t, session, t + 60 * S, BOOT_COMMS);
            return;
        }
        long iterNs = (long) (p.iterationMin() * MIN);
        int it = (int) ((t - busyStart()) / iterNs);
        if (it != iteration) {
            // A new iteration: start the browser; children then arrive evenly until its end.
            iteration = it;
            iterationEnd = busyStart() + (it + 1) * iterNs;
            double childrenPerMin = Math.max(p.creationsPerMin() - 1 / p.iterationMin(), 1e-9);
            arrivalGap = Math.max(1, (long) (MIN / childrenPerMin));
            browser(b, t);
        } else {
            child(b, t, session, iterationEnd - MS, CHILD_COMMS);
        }
        long gap = jitter(procRandom, arrivalGap);
        double rampNs = p.rampMin() * MIN;
        if (rampNs > 0 && t - busyStart() < rampNs) {
            // The cold start: the rate at t is (t / ramp) of the full rate, at least 2% of it.
            gap = (long) (gap / Math.max(0.02, (t - busyStart()) / rampNs));
        }
        nextArrival = Math.min(t + gap, iterationEnd);
    }

    private void browser(EventBatch b, long t) {
        Proc br = new Proc(nextPid++, procRandom.nextInt(p.cpus()));
        fork(b, t, br, session.pid, "firefox");
        queue.add(new Pending(t + 5 * MS, seq++, br, Due.EXEC));
        // Growth: one PTE page per 2 MB of the browser's memory, spread over the iteration.
        int grow = (int) Math.ceil(p.browserMb() / 2);
        long span = iterationEnd - MS - t;
        for (int g = 1; g <= grow; g++) {
            queue.add(new Pending(t + 10 * MS + span * g / (grow + 1), seq++, br, Due.GROW));
        }
        queue.add(new Pending(iterationEnd - MS, seq++, br, Due.EXIT));
        br.exitAt = iterationEnd - MS;
    }

    private void child(EventBatch b, long t, Proc parent, long latestEnd, String[] comms) {
        Proc c = new Proc(nextPid++, procRandom.nextInt(p.cpus()));
        fork(b, t, c, parent.pid, comms[procRandom.nextInt(comms.length)]);
        long life = lifetime(Math.max(1, latestEnd - t));
        long end = t + life;
        if (procRandom.nextDouble() < p.execShare() && life > 2 * MS) {
            queue.add(new Pending(t + MS + procRandom.nextLong(Math.min(4 * MS, life / 2)), seq++, c, Due.EXEC));
        }
        int grows = procRandom.nextInt(4);
        for (int g = 0; g < grows; g++) {
            queue.add(new Pending(t + 3 * MS + (long) (procRandom.nextDouble() * Math.max(1, life - 4 * MS)), seq++, c, Due.GROW));
        }
        if (procRandom.nextInt(10) < 3) {
            queue.add(new Pending(t + 3 * MS + (long) (procRandom.nextDouble() * Math.max(1, life - 4 * MS)), seq++, c, Due.SHRINK));
        }
        queue.add(new Pending(end, seq++, c, Due.EXIT));
        c.exitAt = end;
    }

    /**
     * lmbench's lat_proc fork: the parent forks (the child's PGD, its PMDs and the PTE pages of its
     * anonymous memory; the parent's private pages write-protected through Xen), the child exits
     * at once and the parent reaps it.
     */
    private void forkChild(EventBatch b, long t) {
        Proc c = new Proc(nextPid++, session.cpu);
        int i = b.add(t, EventKind.PROC_CREATE);
        b.setPid(i, c.pid).setPpid(i, session.pid).setComm(i, "lat_proc").setCpu(i, c.cpu);
        created++;
        alloc(b, t, c, paging.levels());
        if (paging == Paging.PAE) {
            for (int k = 0; k < 4; k++) {
                alloc(b, t, c, 2);
            }
        } else {
            alloc(b, t, c, 3);
            alloc(b, t, c, 2);
        }
        for (int k = 0; k < FORK_CHILD_L1_PAGES; k++) {
            alloc(b, t, c, 1);
        }
        i = b.add(t, EventKind.MMU_UPDATE);
        b.setPid(i, session.pid).setCount(i, FORK_COW_ENTRIES).setCpu(i, c.cpu);
        queue.add(new Pending(t + FORK_CHILD_LIFE_NS, seq++, c, Due.EXIT));
    }

    /** A lifetime from the truncated Pareto distribution P(L > t) ∝ t^k on [min, max]. */
    long lifetime(long maxNs) {
        double min = p.minLifetimeS() * S;
        double max = maxNs;
        if (max <= min) {
            return (long) (procRandom.nextDouble() * max);
        }
        double a = -p.lifetimeExponent();
        double u = procRandom.nextDouble();
        // Inverse of the truncated Pareto CDF F(t) = (1 - (min/t)^a) / (1 - (min/max)^a).
        double tail = 1 - u * (1 - Math.pow(min / max, a));
        return (long) Math.min(max, min / Math.pow(tail, 1 / a));
    }

    private void due(EventBatch b, Pending d) {
        Proc c = d.proc();
        long t = d.ts();
        if (c == DAEMON) {
            fork(b, t, new Proc(nextPid++, procRandom.nextInt(p.cpus())), 1, BOOT_COMMS[procRandom.nextInt(BOOT_COMMS.length)]);
            return;
        }
        if (c.exited) {
            return;
        }
        switch (d.what()) {
            case EXEC -> exec(b, t, c);
            case GROW -> grow(b, t, c);
            case FAULT -> fault(b, t, c);
            case SHRINK -> shrink(b, t, c);
            case EXIT -> exit(b, t, c);
        }
    }

    private void fork(EventBatch b, long t, Proc c, int ppid, String comm) {
        int i = b.add(t, EventKind.PROC_CREATE);
        b.setPid(i, c.pid).setPpid(i, ppid).setComm(i, comm).setCpu(i, c.cpu);
        created++;
        build(b, t, c);
    }

    /**
     * An exec in Linux's order: the new mm is built (bprm_mm_init) and switched to (exec_mmap →
     * activate_mm, where a PV guest pins it), and only then is the old one dropped (mmput →
     * exit_mmap, freeing its page tables).
     */
    private void exec(EventBatch b, long t, Proc c) {
        int i = b.add(t, EventKind.PROC_EXEC);
        b.setPid(i, c.pid).setComm(i, EXEC_COMMS[procRandom.nextInt(EXEC_COMMS.length)]).setCpu(i, c.cpu);
        LongArrayList oldFrames = new LongArrayList(c.frames);
        IntArrayList oldLevels = new IntArrayList(c.levels);
        c.frames.clear();
        c.levels.clear();
        int lazy = build(b, t, c, true);
        if (lazy > 0) {
            long span = Math.min(FAULT_SPAN_NS, Math.max(1, (c.exitAt == Long.MAX_VALUE ? FAULT_SPAN_NS * 5
                    : c.exitAt - t) / 5));
            for (int k = 1; k <= lazy; k++) {
                queue.add(new Pending(t + span * k / (lazy + 1), seq++, c, Due.FAULT));
            }
        }
        for (int k = oldFrames.size() - 1; k >= 0; k--) {
            int j = b.add(t, EventKind.PT_FREE);
            b.setPid(j, c.pid).setFrame(j, oldFrames.getLong(k)).setLevel(j, oldLevels.getInt(k)).setCpu(j, c.cpu);
            frames.free(c.cpu, oldFrames.getLong(k));
        }
    }

    /** A new address space by fork: docs/model.md §5's page-table footprint, then one MMU_UPDATE batch. */
    private void build(EventBatch b, long t, Proc c) {
        build(b, t, c, false);
    }

    /**
     * A new address space: docs/model.md §5's page-table footprint, then one MMU_UPDATE batch. Fork
     * copies every PTE page at once (dup_mmap → copy_page_range). An exec ({@code lazy}) builds only
     * what exists when the new mm is activated and pinned: the upper levels and the stack's PTE page
     * (setup_arg_pages); the other PTE pages come later, one fault each.
     *
     * @return the PTE pages left to faults (0 for a fork)
     */
    private int build(EventBatch b, long t, Proc c, boolean lazy) {
        int ptes;
        if (paging == Paging.PAE) {
            alloc(b, t, c, 3);
            for (int k = 0; k < 4; k++) {
                alloc(b, t, c, 2);
            }
            ptes = 3 + procRandom.nextInt(4);
        } else {
            alloc(b, t, c, 4);
            alloc(b, t, c, 4);
            alloc(b, t, c, 3);
            alloc(b, t, c, 3);
            for (int k = 0, n = 2 + procRandom.nextInt(3); k < n; k++) {
                alloc(b, t, c, 2);
            }
            ptes = 4 + procRandom.nextInt(5);
        }
        int now = lazy ? 1 : ptes;
        for (int k = 0; k < now; k++) {
            alloc(b, t, c, 1);
        }
        int i = b.add(t, EventKind.MMU_UPDATE);
        b.setPid(i, c.pid).setCount(i, now * ENTRIES_PER_PTE_PAGE).setCpu(i, c.cpu);
        return ptes - now;
    }

    /** A page fault that needs a new PTE page: allocated (and pinned, the mm being pinned), then filled. */
    private void fault(EventBatch b, long t, Proc c) {
        alloc(b, t, c, 1);
        int i = b.add(t, EventKind.MMU_UPDATE);
        b.setPid(i, c.pid).setCount(i, ENTRIES_PER_PTE_PAGE).setCpu(i, c.cpu);
    }

    private void grow(EventBatch b, long t, Proc c) {
        alloc(b, t, c, 1);
        if (paging == Paging.X86_64 && procRandom.nextInt(16) == 0) {
            alloc(b, t, c, 2);
        }
        int i = b.add(t, EventKind.MMU_UPDATE);
        b.setPid(i, c.pid).setCount(i, 16).setCpu(i, c.cpu);
    }

    private void shrink(EventBatch b, long t, Proc c) {
        for (int k = c.frames.size() - 1; k >= 0; k--) {
            if (c.levels.getInt(k) == 1) {
                freeOne(b, t, c, k);
                return;
            }
        }
    }

    private void exit(EventBatch b, long t, Proc c) {
        int i = b.add(t, EventKind.PROC_EXIT);
        b.setPid(i, c.pid).setCpu(i, c.cpu);
        c.exited = true;
        exited++;
        freeAll(b, t, c);
    }

    private void alloc(EventBatch b, long t, Proc c, int level) {
        long f = frames.allocate(c.cpu);
        int i = b.add(t, EventKind.PT_ALLOC);
        b.setPid(i, c.pid).setFrame(i, f).setLevel(i, level).setCpu(i, c.cpu);
        c.frames.add(f);
        c.levels.add(level);
    }

    private void freeAll(EventBatch b, long t, Proc c) {
        for (int k = c.frames.size() - 1; k >= 0; k--) {
            freeOne(b, t, c, k);
        }
    }

    private void freeOne(EventBatch b, long t, Proc c, int k) {
        long f = c.frames.getLong(k);
        int level = c.levels.getInt(k);
        int i = b.add(t, EventKind.PT_FREE);
        b.setPid(i, c.pid).setFrame(i, f).setLevel(i, level).setCpu(i, c.cpu);
        frames.free(c.cpu, f);
        c.frames.removeLong(k);
        c.levels.removeInt(k);
    }

    /** NIC packets until {@code until} (the next other event) or the batch is nearly full, in a tight loop. */
    private void nic(EventBatch b, long until) {
        long t = nextNic;
        int i = b.size();
        int limit = b.capacity() - 512;
        long[] ts = b.tsNs();
        byte[] kind = b.kind();
        int[] present = b.present();
        int[] device = b.device();
        long[] addr = b.addr();
        int[] bytes = b.bytes();
        boolean[] write = b.write();
        int mask = org.iosup.trace.Column.TS_NS.bit() | org.iosup.trace.Column.KIND.bit()
                | org.iosup.trace.Column.DEVICE.bit() | org.iosup.trace.Column.ADDR.bit()
                | org.iosup.trace.Column.BYTES.bit() | org.iosup.trace.Column.WRITE.bit();
        byte dma = EventKind.DMA.code();
        int ring = p.ringEntries();
        int length = Math.min(p.packetBytes(), 2048);
        double rxShare = p.rxShare();
        long base = NIC_FRAMES << 12;
        SplittableRandom r = dmaRandom;
        long gap = nicGap;
        int rx0 = rxIndex;
        int tx0 = txIndex;
        do {
            // Received or sent at random: selects without branches (they would mispredict half the time).
            boolean rx = r.nextDouble() < rxShare;
            int idx = rx ? rx0 : ring + tx0;
            int rxNext = rx0 + 1 == ring ? 0 : rx0 + 1;
            int txNext = tx0 + 1 == ring ? 0 : tx0 + 1;
            rx0 = rx ? rxNext : rx0;
            tx0 = rx ? tx0 : txNext;
            ts[i] = t;
            kind[i] = dma;
            present[i] = mask;
            device[i] = NIC;
            addr[i] = base + idx * 2048L;
            bytes[i] = length;
            write[i] = rx;
            i++;
            t += gap / 2 + (long) (r.nextDouble() * gap);
        } while (t < until && i < limit);
        rxIndex = rx0;
        txIndex = tx0;
        b.setSize(i);
        nextNic = t;
    }

    /**
     * netperf TCP_STREAM's DMA until {@code until} or a nearly full batch: each frame the NIC sends
     * is two reads, its headers from an skb head and its payload (up to packetBytes - 66 bytes) from
     * the send buffer's pages in turn (the socket appends messageKb-KiB sends and frees what is
     * acknowledged); one ACK of 66 bytes is received for every two frames (delayed ACK) into the
     * receive ring, whose buffers are recycled.
     */
    private void netperfNic(EventBatch b, long until) {
        long t = nextNic;
        int limit = b.capacity() - 512;
        long sndbuf = p.sndbufKb() * 1024L;
        int payload = p.packetBytes() - HEADER_BYTES;
        long sndBase = SNDBUF_FRAMES << 12;
        long headerBase = HEADER_FRAMES << 12;
        long rxBase = NIC_FRAMES << 12;
        int ring = p.ringEntries();
        do {
            int i = b.add(t, EventKind.DMA);
            b.setDevice(i, NIC).setAddr(i, headerBase + headerIndex * 512L).setBytes(i, HEADER_BYTES).setWrite(i, false);
            headerIndex = headerIndex + 1 == HEADER_BUFFERS ? 0 : headerIndex + 1;
            // The payload never wraps inside one read: a frame ends where the buffer does.
            int len = (int) Math.min(payload, sndbuf - sndOffset);
            i = b.add(t, EventKind.DMA);
            b.setDevice(i, NIC).setAddr(i, sndBase + sndOffset).setBytes(i, len).setWrite(i, false);
            sndOffset = sndOffset + len == sndbuf ? 0 : sndOffset + len;
            if ((++packets & 1) == 0) {
                i = b.add(t, EventKind.DMA);
                b.setDevice(i, NIC).setAddr(i, rxBase + rxIndex * 2048L).setBytes(i, HEADER_BYTES).setWrite(i, true);
                rxIndex = rxIndex + 1 == ring ? 0 : rxIndex + 1;
            }
            t += nicGap / 2 + (long) (dmaRandom.nextDouble() * nicGap);
        } while (t < until && b.size() < limit);
        nextNic = t;
    }

    private void disk(EventBatch b) {
        long t = nextDisk;
        int pages = p.diskRequestKb() / 4;
        long page = dmaRandom.nextInt(Math.max(1, DISK_PAGES / pages)) * (long) pages;
        boolean read = dmaRandom.nextInt(10) < 8; // a read from disk: the device writes memory
        int i = b.add(t, EventKind.DMA);
        b.setDevice(i, DISK).setAddr(i, (DISK_FRAMES + page) << 12).setBytes(i, p.diskRequestKb() * 1024).setWrite(i, read);
        nextDisk = t + jitter(dmaRandom, diskGap);
    }

    /** Synthesizes {@code p} into a Parquet trace (ZSTD) at {@code file}. @return the rows written */
    public static long writeParquet(SynthParams p, java.nio.file.Path file) {
        try (SyntheticTrace src = new SyntheticTrace(p);
             org.iosup.trace.parquet.ParquetTraceWriter w = org.iosup.trace.parquet.ParquetTraceWriter.create(file,
                     org.apache.parquet.hadoop.metadata.CompressionCodecName.ZSTD, src.metadata())) {
            org.iosup.trace.BatchPipe.copy(src, w::write);
            w.commit();
            return w.rows();
        }
    }

    /** Processes created so far. */
    public long created() {
        return created;
    }

    /** Processes exited so far. */
    public long exited() {
        return exited;
    }

    @Override
    public Map<String, String> metadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(Paging.META_KEY, paging.label());
        m.put("iosup.source", "synth");
        for (SynthParams.Described d : p.describe()) {
            m.put("iosup.synth." + d.name(), d.value());
        }
        return m;
    }

    @Override
    public String name() {
        return "synth(" + p.preset() + ")";
    }

    @Override
    public void close() {
    }
}
