package org.iosup.trace.perf;

import it.unimi.dsi.fastutil.ints.Int2LongOpenHashMap;
import it.unimi.dsi.fastutil.ints.Int2ObjectOpenHashMap;
import it.unimi.dsi.fastutil.ints.IntOpenHashSet;
import it.unimi.dsi.fastutil.longs.Long2LongOpenHashMap;
import it.unimi.dsi.fastutil.longs.Long2ObjectOpenHashMap;
import it.unimi.dsi.fastutil.longs.LongArrayList;
import org.iosup.trace.Column;
import org.iosup.trace.EventKind;
import org.iosup.trace.EventSchema;
import org.iosup.trace.TraceFormatException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What each tracepoint sample becomes, whichever dialect it was read from: page allocations whose
 * call chain names a page-table allocator become PT_ALLOC of the level it gives, frees of live
 * page-table pages PT_FREE, xen's page and pin tracepoints PT_ALLOC, PT_FREE, PT_PIN and PT_UNPIN,
 * forks, execs and exits process events; the page tables a forking task allocates are given to its
 * child. Checks the sample's numbers against the events schema, and sends the events into the
 * reorder window.
 */
final class TracepointTranslator {
    // The ranges of the events schema that numbers are checked against.
    private static final long PID_MAX = EventSchema.get().field(Column.PID).max();
    private static final long CPU_MAX = EventSchema.get().field(Column.CPU).max();
    private static final long FRAME_MAX = EventSchema.get().field(Column.FRAME).max();
    private static final long COUNT_MAX = EventSchema.get().field(Column.COUNT).max();
    private static final long WINDOW_NS = PerfImport.WINDOW_NS;

    private static final byte[] PFN = PerfLine.ascii("pfn=");
    private static final byte[] ORDER = PerfLine.ascii("order=");
    private static final byte[] PID = PerfLine.ascii("pid=");
    private static final byte[] CHILD_PID = PerfLine.ascii("child_pid=");
    private static final byte[] CHILD_COMM = PerfLine.ascii("child_comm=");
    private static final byte[] CHILD_PID_STOP = PerfLine.ascii(" child_pid=");
    private static final byte[] GROUP_DEAD = PerfLine.ascii("group_dead=");
    private static final byte[] GFP = PerfLine.ascii("gfp_flags=");
    private static final byte[] PT_GFP = PerfLine.ascii("GFP_KERNEL_ACCOUNT|__GFP_ZERO|__GFP_COMP");
    private static final byte[] IOVA = PerfLine.ascii("iova=");
    private static final byte[] SIZE = PerfLine.ascii("size=");
    private static final byte[] MM = PerfLine.ascii("mm");
    private static final byte[] XPFN = PerfLine.ascii("pfn");
    private static final byte[] LEVEL = PerfLine.ascii("level");
    private static final long NO_POINTER = Long.MIN_VALUE;
    /** What {@link PerfLine#hex64} gives for a pointer of more than 64 bits. */
    private static final long BIG_POINTER = Long.MIN_VALUE + 1;

    /** Added to an allocator's level when it allocates the kernel's own page tables (vmalloc, init_mm). */
    private static final int KERNEL = 16;
    /** The pid of the kernel's own page tables (init_mm), which no process exit ends. */
    private static final int KERNEL_PID = 0;

    /** Page-table allocators in call chains, and the level they allocate (0: the PGD; KERNEL + level: init_mm's). */
    private static final Map<String, Integer> ALLOCATORS = Map.ofEntries(
            Map.entry("pte_alloc_one", 1), Map.entry("pte_alloc_one_kernel", KERNEL + 1), Map.entry("__pte_alloc", 1),
            Map.entry("__pte_alloc_kernel", KERNEL + 1), Map.entry("__pmd_alloc", 2), Map.entry("pmd_alloc_one", 2),
            Map.entry("preallocate_pmds", 2), Map.entry("__pud_alloc", 3), Map.entry("pud_alloc_one", 3),
            Map.entry("__p4d_alloc", 4), Map.entry("p4d_alloc_one", 4), Map.entry("pgd_alloc", 0), Map.entry("_pgd_alloc", 0));
    private static final int FORKING = 1;
    private static final int EXECING = 2;
    private static final Map<String, Integer> CONTEXTS = Map.of("dup_mmap", FORKING, "copy_page_range", FORKING,
            "dup_mm", FORKING, "copy_process", FORKING, "alloc_bprm", EXECING, "bprm_execve", EXECING,
            "do_execveat_common.isra.0", EXECING, "do_execveat_common", EXECING);
    private static final SymbolTable ALLOCATOR_TABLE = new SymbolTable(ALLOCATORS);
    private static final SymbolTable CONTEXT_TABLE = new SymbolTable(CONTEXTS);

    /** A page allocation whose kernel call chain is being read. */
    static final class Alloc {
        /** The line of its sample. */
        long line;
        int pid;
        int tid;
        int cpu;
        long time;
        long pfn;
        int order;
        boolean gfpLooksPt;
        /** The level its chain's innermost page-table allocator gives, 0 until found. */
        int level;
        /** What the chain says it is part of (after the allocator): 0 nothing known, FORKING or EXECING. */
        int context;
        /** Frames of its chain seen. */
        int frames;
        /** Whether it is a page of the kernel's own page tables (whoever's task allocated it). */
        boolean kernel;
    }

    private final PerfLine line;
    private final boolean pae;
    private final XenLevels xenLevels;
    /** Whether the samples are {@code trace-cmd report}'s (their names without system, their pid the task's). */
    private final boolean traceCmd;
    private final BadLines bad;
    private final ReorderWindow window;
    private final ImportReport report;
    /** Live page-table pages: pfn → (pid << 8 | level). */
    private final Long2LongOpenHashMap live = new Long2LongOpenHashMap();
    /** Xen mm pointer → its pages (for pins, which name the mm, not a frame). */
    private final Long2ObjectOpenHashMap<LongArrayList> mmPages = new Long2ObjectOpenHashMap<>();
    /** Xen: each live page's mm, to take it off the mm's list when it is freed. */
    private final Long2LongOpenHashMap pageMm = new Long2LongOpenHashMap();
    /** Pages in {@link #forking} lists, to mark them released if they are freed before their fork. */
    private final Long2ObjectOpenHashMap<ReorderWindow.Ev> awaitingFork = new Long2ObjectOpenHashMap<>();
    /** Pids with an address space in the output (created, exec'd or allocating page tables), until their exit. */
    private final IntOpenHashSet known = new IntOpenHashSet();
    /** Page tables allocated by a forking task (tid) for its child, waiting for the fork event. */
    private final Int2ObjectOpenHashMap<List<ReorderWindow.Ev>> forking = new Int2ObjectOpenHashMap<>();
    /** When each exec'ing pid allocated its new mm's first page table. */
    private final Int2LongOpenHashMap execStart = new Int2LongOpenHashMap();
    /** The checked numbers of the sample header being handled. */
    int samplePid;
    int sampleTid;
    int sampleCpu;

    TracepointTranslator(PerfLine line, boolean pae, XenLevels xenLevels, boolean traceCmd, BadLines bad,
                         ReorderWindow window, ImportReport report) {
        this.line = line;
        this.pae = pae;
        this.xenLevels = xenLevels;
        this.traceCmd = traceCmd;
        this.bad = bad;
        this.window = window;
        this.report = report;
        live.defaultReturnValue(-1);
    }

    /** The number of page-table pages still live. */
    int livePages() {
        return live.size();
    }

    /**
     * Checks the numbers of the sample header against the schema (pid and tid, CPU, and a time that ts_ns can
     * hold) and keeps them for the sample; throws {@link BadLines.Skip} when one is out of range (after counting it).
     */
    void header(long no) {
        if (line.pid > PID_MAX || line.tid > PID_MAX) {
            throw bad.outOfRange(no, traceCmd ? "pid" : "pid/tid", line.text(line.idStart, line.idEnd),
                    "0.." + PID_MAX);
        }
        if (line.cpu > CPU_MAX) {
            throw bad.outOfRange(no, "cpu", line.text(line.cpuStart, line.cpuEnd), "0.." + CPU_MAX);
        }
        long t = line.timeNs;
        if (t < 0) {
            throw bad.outOfRange(no, "time", line.text(line.timeStart, line.timeEnd), "(seconds up to 9223372035)");
        }
        if (!window.holds(t)) {
            throw bad.outOfRange(no, "time", line.text(line.timeStart, line.timeEnd), "(more than "
                    + ReorderWindow.TS_MAX / 86_400_000_000_000L
                    + " days after the first event, the schema's longest trace)");
        }
        samplePid = (int) line.pid;
        sampleTid = (int) line.tid;
        sampleCpu = (int) line.cpu;
    }

    /**
     * The sample of line {@code no}, its header checked: its events, or, for a page allocation, the allocation
     * (in {@code spare}, or a new one if null) for the caller to {@link #finish} once its call chain is read.
     * Null if it is no allocation; {@link BadLines.Skip} when a number is out of range.
     */
    Alloc sample(long no, Alloc spare) {
        long t = line.timeNs;
        window.recorded(t, no);
        Tracepoint tp = Tracepoint.of(line, traceCmd);
        if (tp == null) {
            unknown(line.event());
            return null;
        }
        switch (tp) {
            case ALLOC -> {
                return alloc(no, t, spare);
            }
            case FREE, FREE_BATCHED -> {
                long pfn = number(no, PFN, true, FRAME_MAX);
                long order = tp == Tracepoint.FREE ? number(no, ORDER, false, Long.MAX_VALUE) : 0;
                if (pfn < 0 || order < 0) {
                    bad.malformed(no, line.event() + " without pfn= or order=");
                    return null;
                }
                pagesInRange(no, pfn, order);
                report.byTracepoint[tp.ordinal()]++;
                for (long p = pfn; p < pfn + (1L << order); p++) {
                    freed(t, p, sampleCpu);
                }
            }
            case FORK -> fork(no, t);
            case EXEC, EXIT -> {
                int pid = (int) number(no, PID, false, PID_MAX);
                if (pid < 0) {
                    bad.malformed(no, line.event() + " without pid=");
                    return null;
                }
                report.byTracepoint[tp.ordinal()]++;
                if (tp == Tracepoint.EXEC) {
                    exec(pid, t);
                } else {
                    exit(pid, t);
                }
            }
            case XEN_ALLOC, XEN_RELEASE -> xenPage(no, t, tp);
            case XEN_PIN, XEN_UNPIN -> xenPin(no, t, tp);
            case IOMMU_MAP, IOMMU_UNMAP -> iommu(no, t, tp);
        }
        return null;
    }

    /** kmem:mm_page_alloc: the allocation, whose call chain follows. */
    private Alloc alloc(long no, long t, Alloc spare) {
        long pfn = number(no, PFN, true, FRAME_MAX);
        long order = number(no, ORDER, false, Long.MAX_VALUE);
        if (pfn < 0 || order < 0) {
            bad.malformed(no, "kmem:mm_page_alloc without pfn= or order=");
            return null;
        }
        pagesInRange(no, pfn, order);
        report.byTracepoint[Tracepoint.ALLOC.ordinal()]++;
        Alloc a = spare != null ? spare : new Alloc();
        a.line = no;
        a.pid = samplePid;
        a.tid = sampleTid;
        a.cpu = sampleCpu;
        a.time = t;
        a.pfn = pfn;
        a.order = (int) order;
        int g = line.find(GFP);
        a.gfpLooksPt = g >= 0 && line.equals(g, Math.min(line.end, g + PT_GFP.length), PT_GFP)
                && (g + PT_GFP.length == line.end || line.buf[g + PT_GFP.length] == ' '
                    || line.buf[g + PT_GFP.length] == '\r');
        a.level = 0;
        a.context = 0;
        a.frames = 0;
        a.kernel = false;
        return a;
    }

    /** One frame of an allocation's call chain, innermost first: the allocator gives the level, a later frame the context. */
    void frame(Alloc a, int symbolStart, int symbolEnd) {
        a.frames++;
        if (a.context != 0) {
            return;
        }
        if (a.level == 0) {
            int level = ALLOCATOR_TABLE.get(line.buf, symbolStart, symbolEnd, -1);
            if (level >= KERNEL) {
                a.kernel = true;
                level -= KERNEL;
            }
            if (level >= 0) {
                a.level = level == 0 ? (pae ? 3 : 4) : level;
                report.fiveLevel |= level == 4 && !pae && isP4d(symbolStart, symbolEnd);
            }
        } else {
            a.context = CONTEXT_TABLE.get(line.buf, symbolStart, symbolEnd, 0);
        }
    }

    private boolean isP4d(int from, int to) {
        return to - from >= 5 && line.buf[from + 2] == 'p' && line.buf[from + 3] == '4' && line.buf[from + 4] == 'd';
    }

    /** An allocation whose call chain has been read: page tables, or something else. */
    void finish(Alloc a) {
        window.recorded(a.time, a.line);
        if (a.frames == 0) {
            report.allocationsWithoutStack++;
        }
        if (a.level > 0) {
            if (a.context == EXECING && !a.kernel && !execStart.containsKey(a.pid)) {
                execStart.put(a.pid, a.time);
            }
            for (long p = a.pfn; p < a.pfn + (1L << a.order); p++) {
                ReorderWindow.Ev e = allocate(a.time, a.kernel ? KERNEL_PID : a.pid, p, a.level, a.cpu);
                if (a.context == FORKING && !a.kernel) {
                    forking.computeIfAbsent(a.tid, k -> new ArrayList<>()).add(e);
                    awaitingFork.put(p, e);
                }
            }
            report.ptGfpMatches += a.gfpLooksPt ? 1 : 0;
        } else {
            report.otherAllocations++;
            report.otherGfpLooksPt += a.gfpLooksPt ? 1 : 0;
            for (long p = a.pfn; p < a.pfn + (1L << a.order); p++) {
                // A live page table allocated as something else was freed without a recorded free.
                reallocated(a.time, p, a.cpu);
            }
        }
    }

    /** sched_process_fork: the child's creation, and the page tables its parent's task allocated for it. */
    private void fork(long no, long t) {
        int child = (int) number(no, CHILD_PID, false, PID_MAX);
        int parentTask = (int) number(no, PID, false, PID_MAX);
        // The parent process: perf's header gives the forking task's process id; trace-cmd only the task's.
        int parent = traceCmd ? parentTask : samplePid;
        int cc = line.find(CHILD_COMM);
        if (child < 0 || parentTask < 0 || cc < 0) {
            bad.malformed(no, "sched:sched_process_fork without pid=, child_comm= or child_pid=");
            return;
        }
        report.byTracepoint[Tracepoint.FORK.ordinal()]++;
        // The child's page tables were allocated by the parent's task before this event: they are the child's,
        // and the child was created just before the first of them.
        // Pages already freed (a failed fork) or already written stay as they are.
        List<ReorderWindow.Ev> pages = forking.remove(sampleTid);
        long at = t;
        if (pages != null) {
            for (ReorderWindow.Ev e : pages) {
                awaitingFork.remove(e.frame, e);
                if (e.written || e.released) {
                    continue;
                }
                e.pid = child;
                live.put(e.frame, (long) child << 8 | e.level);
                at = Math.min(at, e.ts - 1);
                report.forkPagesReassigned++;
            }
        }
        known.add(child);
        window.emit(window.notBeforeWindow(at, t), EventKind.PROC_CREATE, child, parent,
                line.text(cc, CHILD_PID_STOP), -1, 0, -1, sampleCpu);
    }

    /** sched_process_exec of {@code pid}. */
    private void exec(int pid, long t) {
        long at = t;
        long start = execStart.containsKey(pid) ? execStart.remove(pid) : Long.MIN_VALUE;
        if (start >= t - WINDOW_NS) {
            // perf reports an exec at its end; its new mm's page tables came before: the exec starts there.
            at = window.notBeforeWindow(start - 1, t);
        }
        known.add(pid);
        window.emit(at, EventKind.PROC_EXEC, pid, -1, line.comm(), -1, 0, -1, sampleCpu);
    }

    /**
     * sched_process_exit of task {@code task}: the end of an address space. A thread that is not the
     * last of its process ends only its own (empty) one; perf's header names the process, so the
     * process's address space ends with its last thread (group_dead=true), even if the leader left
     * first. Exits of pids with no address space in the output (running before the recording, no
     * page tables seen) are skipped.
     */
    private void exit(int task, long t) {
        int g = line.find(GROUP_DEAD);
        boolean groupDead = g < 0 || (line.buf[g] != 'f' && line.buf[g] != '0');
        forking.remove(task);
        execStart.remove(task);
        int process = traceCmd ? task : samplePid;
        // A leader leaving before its threads (group_dead=false) ends nothing: its process ends with the last thread.
        if (task != process || groupDead) {
            exitOne(task, t);
        }
        if (task != process && groupDead) {
            exitOne(process, t);
        }
    }

    private void exitOne(int pid, long t) {
        if (known.remove(pid)) {
            window.emit(t, EventKind.PROC_EXIT, pid, -1, null, -1, 0, -1, sampleCpu);
        } else {
            report.exitsWithoutAddressSpace++;
        }
    }

    /** xen_mmu_alloc_ptpage: "mm %p  pfn %lx  level %d  %spinned"; release_ptpage: "pfn %lx  level %d  %spinned". */
    private void xenPage(long no, long t, Tracepoint tp) {
        boolean alloc = tp == Tracepoint.XEN_ALLOC;
        long mm = alloc ? pointer(no, MM) : 0;
        long pfn = word(XPFN, true);
        if (pfn == PerfLine.TOO_BIG || pfn > FRAME_MAX) {
            throw bad.outOfRange(no, "pfn", line.word(valueAfter(XPFN)), "0.." + FRAME_MAX);
        }
        long raw = word(LEVEL, false);
        int level = raw < 0 || raw > 16 ? -1 : xenLevels.level((int) raw, pae);
        if (pfn < 0 || level < 1 || mm == NO_POINTER) {
            bad.malformed(no, line.event() + " without mm, pfn or a known level");
            return;
        }
        report.byTracepoint[tp.ordinal()]++;
        if (alloc) {
            allocate(t, samplePid, pfn, level, sampleCpu);
            mmPages.computeIfAbsent(mm, k -> new LongArrayList()).add(pfn);
            pageMm.put(pfn, mm);
        } else {
            freed(t, pfn, sampleCpu);
        }
    }

    /** xen_mmu_pgd_pin/unpin: "mm %p  pgd %p": the mm is pinned as a whole; the event names one of its pages. */
    private void xenPin(long no, long t, Tracepoint tp) {
        boolean pin = tp == Tracepoint.XEN_PIN;
        long mm = pointer(no, MM);
        if (mm == NO_POINTER) {
            bad.malformed(no, line.event() + " without mm");
            return;
        }
        report.byTracepoint[tp.ordinal()]++;
        LongArrayList pages = mmPages.get(mm);
        if (pages == null) {
            report.pinsWithoutPages++;
            return;
        }
        long p = pages.getLong(0);
        long v = live.get(p);
        window.emit(t, pin ? EventKind.PT_PIN : EventKind.PT_UNPIN, (int) (v >>> 8), 0, null, p, (int) (v & 0xff), -1,
                sampleCpu);
    }

    /** iommu:map / unmap: the pages from {@code iova=} over {@code size=} bytes. */
    private void iommu(long no, long t, Tracepoint tp) {
        long iova = hexAfter(IOVA);
        if (iova == BIG_POINTER) {
            throw bad.outOfRange(no, "iova", line.word(line.find(IOVA)), "(64 bits)");
        }
        long size = number(no, SIZE, false, COUNT_MAX << 12);
        if (iova == NO_POINTER || size < 0) {
            bad.malformed(no, line.event() + " without iova= or size=");
            return;
        }
        long pages = Math.max(1, ((iova & 0xfff) + size + 0xfff) >>> 12);
        if (pages > COUNT_MAX) {
            throw bad.outOfRange(no, "size", line.word(line.find(SIZE)), "(at most " + COUNT_MAX + " pages)");
        }
        report.byTracepoint[tp.ordinal()]++;
        window.emit(t, tp == Tracepoint.IOMMU_MAP ? EventKind.IOMMU_MAP : EventKind.IOMMU_UNMAP, samplePid, -1, null,
                iova >>> 12, 0, (int) pages, sampleCpu);
    }

    /**
     * Counts a sample of a tracepoint the importer does not use, by name: a name over 64 characters cut (as error
     * messages cut values), and past {@link PerfImport#UNKNOWN_NAMES} names the others counted together, so that a
     * damaged input cannot make the report unbounded.
     */
    private void unknown(String event) {
        String name = event.length() > 64 ? TraceFormatException.shown(event) : event;
        if (report.unknown.size() >= PerfImport.UNKNOWN_NAMES && !report.unknown.containsKey(name)) {
            name = PerfImport.OTHER_NAMES;
        }
        report.unknown.merge(name, 1L, Long::sum);
    }

    /**
     * The number after {@code key} in the payload, checked to lie in [0, max]; -1 when the key is missing (the
     * caller reports that). {@link BadLines.Skip} when out of range.
     */
    private long number(long no, byte[] key, boolean hex, long max) {
        int at = line.find(key);
        long v = line.number(at, hex);
        if (v == PerfLine.TOO_BIG || v > max) {
            throw bad.outOfRange(no, new String(key, 0, key.length - 1, StandardCharsets.US_ASCII), line.word(at),
                    "0.." + max);
        }
        return v;
    }

    /** A page range of 2^order pages from pfn: the order a kernel's, the last page a frame the schema holds. */
    private void pagesInRange(long no, long pfn, long order) {
        if (order > PerfImport.MAX_ORDER) {
            throw bad.outOfRange(no, "order", Long.toString(order), "0.." + PerfImport.MAX_ORDER);
        }
        if (pfn > FRAME_MAX - ((1L << order) - 1)) {
            throw bad.outOfRange(no, "pfn", line.word(line.find(PFN)), "0.." + (FRAME_MAX - ((1L << order) - 1))
                    + " (for order " + order + ")");
        }
    }

    /** The value after a word of a "name value  name value" payload (xen tracepoints); -1 if none. */
    private long word(byte[] name, boolean hex) {
        int at = valueAfter(name);
        return at < 0 ? -1 : line.number(at, hex);
    }

    /** A kernel pointer after a word ({@code mm 0xffff8880...}): all 64 bits, {@link #NO_POINTER} if none. */
    private long pointer(long no, byte[] name) {
        int at = valueAfter(name);
        long p = line.hex64(at, NO_POINTER, BIG_POINTER);
        if (p == BIG_POINTER) {
            throw bad.outOfRange(no, new String(name, StandardCharsets.US_ASCII), line.word(at), "(64 bits)");
        }
        return p;
    }

    /**
     * The hexadecimal value after {@code key} (e.g. {@code iova=0x...}), all 64 bits; {@link #NO_POINTER} if none,
     * {@link #BIG_POINTER} if longer.
     */
    private long hexAfter(byte[] key) {
        return line.hex64(line.find(key), NO_POINTER, BIG_POINTER);
    }

    private int valueAfter(byte[] name) {
        int at = line.find(name);
        if (at < 0 || at >= line.end || line.buf[at] != ' ') {
            return -1;
        }
        while (at < line.end && line.buf[at] == ' ') {
            at++;
        }
        return at;
    }

    /** A recorded free of {@code pfn}: a PT_FREE if it is a live page table, else counted. */
    private void freed(long t, long pfn, int cpu) {
        int level = release(t, pfn, cpu);
        if (level > 0) {
            report.freesByLevel[level]++;
        } else {
            report.otherFrees++;
        }
    }

    /** An allocation of {@code pfn}: if it is still a live page table, its free was not recorded. */
    private void reallocated(long t, long pfn, int cpu) {
        if (release(t, pfn, cpu) > 0) {
            report.reallocationsWithoutFree++;
        }
    }

    /** Ends {@code pfn}'s life as a page table with a PT_FREE (its own pid and level); its level, or -1 if not live. */
    private int release(long t, long pfn, int cpu) {
        long v = live.remove(pfn);
        if (v < 0) {
            return -1;
        }
        ReorderWindow.Ev waiting = awaitingFork.remove(pfn);
        if (waiting != null) {
            waiting.released = true;
        }
        if (pageMm.containsKey(pfn)) {
            long mm = pageMm.remove(pfn);
            LongArrayList pages = mmPages.get(mm);
            pages.rem(pfn);
            if (pages.isEmpty()) {
                mmPages.remove(mm);
            }
        }
        window.emit(t, EventKind.PT_FREE, (int) (v >>> 8), 0, null, pfn, (int) (v & 0xff), -1, cpu);
        return (int) (v & 0xff);
    }

    private ReorderWindow.Ev allocate(long t, int pid, long pfn, int level, int cpu) {
        reallocated(t, pfn, cpu);
        live.put(pfn, (long) pid << 8 | level);
        if (pid != KERNEL_PID) {
            known.add(pid);
        }
        report.allocsByLevel[level]++;
        return window.emit(t, EventKind.PT_ALLOC, pid, 0, null, pfn, level, -1, cpu);
    }
}
