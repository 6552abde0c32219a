package org.iosup.trace.perf;

import it.unimi.dsi.fastutil.longs.Long2LongOpenHashMap;
import it.unimi.dsi.fastutil.longs.Long2ObjectOpenHashMap;
import it.unimi.dsi.fastutil.longs.LongArrayList;
import org.iosup.io.UserException;
import org.iosup.trace.Column;
import org.iosup.trace.EventBatch;
import org.iosup.trace.EventKind;
import org.iosup.trace.EventSchema;
import org.iosup.trace.TraceFormatException;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Turns the text of {@code perf script} (its default layout, or {@code -F
 * comm,pid,tid,cpu,time,event,trace,ip,sym}) into trace events, streaming:
 *
 * <ul>
 *   <li>{@code sched:sched_process_fork/exec/exit} → PROC_CREATE (child pid, parent, child comm),
 *   PROC_EXEC, PROC_EXIT;</li>
 *   <li>{@code kmem:mm_page_alloc} whose kernel call chain holds a page-table allocator
 *   ({@code pte_alloc_one} → 1, {@code __pmd_alloc} / {@code preallocate_pmds} → 2,
 *   {@code __pud_alloc} → 3, {@code __p4d_alloc} and {@code pgd_alloc} → 4, or 3 under PAE; the
 *   innermost wins) → PT_ALLOC of each of its 2^order pages, with the allocating task's pid;</li>
 *   <li>{@code kmem:mm_page_free} / {@code mm_page_free_batched} of a live page-table pfn →
 *   PT_FREE with that page's level and allocating pid (frees come late, from RCU callbacks in
 *   other tasks: the freeing task's pid is ignored);</li>
 *   <li>{@code xen:xen_mmu_alloc_ptpage / release_ptpage / pgd_pin / pgd_unpin} (a PV guest) →
 *   PT_ALLOC, PT_FREE, PT_PIN, PT_UNPIN, the raw {@code enum pt_level} translated for the kernel's
 *   numbering (see {@link XenLevels});</li>
 *   <li>{@code iommu:map / unmap} → IOMMU_MAP / IOMMU_UNMAP (Linux's own IOMMU API).</li>
 * </ul>
 *
 * A pfn allocated again while it is a live page-table page (its free was not recorded) gets an
 * implicit PT_FREE first, and is counted. Events leave through a reorder window of
 * {@link #WINDOW_NS}, so they come out in time order even if perf's output is slightly out of
 * order; {@code ts_ns} counts from the first event written. An event that arrives more than the
 * window after a later one (its place is already written) is written at the earliest time still
 * open, and counted with its line and how far it moved ({@code events_late_beyond_window}).
 *
 * <p>Every number read is checked against the events schema (pids, CPUs, times, frames, counts)
 * and against what the kernel can print (page orders up to {@link #MAX_ORDER}); a line with a
 * number out of range is counted with its line number ({@code out_of_range_lines}), or under
 * {@code strict} stops the import, as a malformed line does. The {@code #} lines of
 * {@code perf script --header} before the first sample are skipped and counted.
 */
public final class PerfImport {
    /** How far back in time an event may arrive and still be put in order. */
    public static final long WINDOW_NS = 1_000_000_000L;
    private static final int FIRST_LINES = 5;
    /** Distinct names of unknown tracepoints counted one by one; the others share {@link #OTHER_NAMES}. */
    static final int UNKNOWN_NAMES = 100;
    static final String OTHER_NAMES = "(other names)";
    /** The largest page order a kernel allocates or frees (MAX_PAGE_ORDER on x86). */
    static final int MAX_ORDER = 10;
    // The ranges of the events schema that numbers are checked against.
    private static final long PID_MAX = EventSchema.get().field(Column.PID).max();
    private static final long CPU_MAX = EventSchema.get().field(Column.CPU).max();
    private static final long TS_MAX = EventSchema.get().field(Column.TS_NS).max();
    private static final long FRAME_MAX = EventSchema.get().field(Column.FRAME).max();
    private static final long COUNT_MAX = EventSchema.get().field(Column.COUNT).max();

    private static final byte[] FORK = PerfLine.ascii("sched:sched_process_fork");
    private static final byte[] EXEC = PerfLine.ascii("sched:sched_process_exec");
    private static final byte[] EXIT = PerfLine.ascii("sched:sched_process_exit");
    private static final byte[] ALLOC = PerfLine.ascii("kmem:mm_page_alloc");
    private static final byte[] FREE = PerfLine.ascii("kmem:mm_page_free");
    private static final byte[] FREE_BATCHED = PerfLine.ascii("kmem:mm_page_free_batched");
    private static final byte[] XEN_ALLOC = PerfLine.ascii("xen:xen_mmu_alloc_ptpage");
    private static final byte[] XEN_RELEASE = PerfLine.ascii("xen:xen_mmu_release_ptpage");
    private static final byte[] XEN_PIN = PerfLine.ascii("xen:xen_mmu_pgd_pin");
    private static final byte[] XEN_UNPIN = PerfLine.ascii("xen:xen_mmu_pgd_unpin");
    private static final byte[] IOMMU_MAP = PerfLine.ascii("iommu:map");
    private static final byte[] IOMMU_UNMAP = PerfLine.ascii("iommu:unmap");
    /** The tracepoints the importer knows, in the order of {@link #KNOWN}; {@code T_*} index them. */
    static final String[] TRACEPOINTS = {"kmem:mm_page_alloc", "kmem:mm_page_free", "kmem:mm_page_free_batched",
        "sched:sched_process_fork", "sched:sched_process_exec", "sched:sched_process_exit", "xen:xen_mmu_alloc_ptpage",
        "xen:xen_mmu_release_ptpage", "xen:xen_mmu_pgd_pin", "xen:xen_mmu_pgd_unpin", "iommu:map", "iommu:unmap"};
    private static final byte[][] KNOWN = {ALLOC, FREE, FREE_BATCHED, FORK, EXEC, EXIT, XEN_ALLOC, XEN_RELEASE, XEN_PIN,
        XEN_UNPIN, IOMMU_MAP, IOMMU_UNMAP};
    /** The same without their system (trace-cmd prints {@code mm_page_alloc}, not {@code kmem:mm_page_alloc}). */
    private static final byte[][] KNOWN_SHORT = Arrays.stream(TRACEPOINTS)
            .map(n -> PerfLine.ascii(n.substring(n.indexOf(':') + 1))).toArray(byte[][]::new);
    private static final byte[] KERNEL_STACK = PerfLine.ascii("kernel_stack");
    private static final byte[] CPUS = PerfLine.ascii("cpus=");
    private static final byte[] CPU_EMPTY = PerfLine.ascii("CPU ");
    private static final byte[] VERSION = PerfLine.ascii("version");
    private static final int T_ALLOC = 0;
    private static final int T_FREE = 1;
    private static final int T_FREE_BATCHED = 2;
    private static final int T_FORK = 3;
    private static final int T_EXEC = 4;
    private static final int T_EXIT = 5;
    private static final int T_XEN_ALLOC = 6;
    private static final int T_XEN_RELEASE = 7;
    private static final int T_XEN_PIN = 8;
    private static final int T_XEN_UNPIN = 9;
    private static final int T_IOMMU_MAP = 10;
    private static final int T_IOMMU_UNMAP = 11;
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

    /** Ends the handling of a sample found out of range, once counted (one instance, no stack trace). */
    private static final class Skip extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Skip() {
            super(null, null, false, false);
        }
    }

    private static final Skip SKIP = new Skip();

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

    /** A page allocation whose kernel call chain is being read. */
    private static final class Alloc {
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

    /** An event waiting in the reorder window; a fork's page tables get their child's pid while they wait. */
    private static final class Ev implements Comparable<Ev> {
        final long ts;
        final long seq;
        final byte kind;
        int pid;
        final int ppid;
        final String comm;
        final long frame;
        final int level;
        final int count;
        final int cpu;
        /** Whether it has left the reorder window (then its pid can no longer change). */
        boolean written;
        /** For a page waiting for its fork: whether it was freed (or allocated again) before the fork. */
        boolean released;

        Ev(long ts, long seq, byte kind, int pid, int ppid, String comm, long frame, int level, int count, int cpu) {
            this.ts = ts;
            this.seq = seq;
            this.kind = kind;
            this.pid = pid;
            this.ppid = ppid;
            this.comm = comm;
            this.frame = frame;
            this.level = level;
            this.count = count;
            this.cpu = cpu;
        }

        @Override
        public int compareTo(Ev o) {
            int c = Long.compare(ts, o.ts);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private final String source;
    private final boolean strict;
    private final boolean pae;
    private final XenLevels xenLevels;
    private final Consumer<EventBatch> sink;
    private final EventBatch batch = new EventBatch();
    private final PriorityQueue<Ev> window = new PriorityQueue<>();
    /** Live page-table pages: pfn → (pid << 8 | level). */
    private final Long2LongOpenHashMap live = new Long2LongOpenHashMap();
    /** Xen mm pointer → its pages (for pins, which name the mm, not a frame). */
    private final Long2ObjectOpenHashMap<LongArrayList> mmPages = new Long2ObjectOpenHashMap<>();
    /** Xen: each live page's mm, to take it off the mm's list when it is freed. */
    private final Long2LongOpenHashMap pageMm = new Long2LongOpenHashMap();
    /** Pages in {@link #forking} lists, to mark them released if they are freed before their fork. */
    private final Long2ObjectOpenHashMap<Ev> awaitingFork = new Long2ObjectOpenHashMap<>();
    /** Pids with an address space in the output (created, exec'd or allocating page tables), until their exit. */
    private final it.unimi.dsi.fastutil.ints.IntOpenHashSet known = new it.unimi.dsi.fastutil.ints.IntOpenHashSet();

    private final ImportReport report;
    private final PerfLine line = new PerfLine();
    private final int[] range = new int[2];
    private long seq;
    private long base = -1;
    private long lastWritten;
    private long maxSeen = Long.MIN_VALUE;
    /** The earliest time an event can be written at (the first event's less the window): ts_ns counts from after it. */
    private long origin = Long.MIN_VALUE;
    /** The time and line of the sample whose events are being emitted (for late events). */
    private long recordedTime;
    private long recordedLine;
    /** The checked numbers of the sample header being handled. */
    private int samplePid;
    private int sampleTid;
    private int sampleCpu;
    /** Whether a sample was seen (perf script --header lines come before the first). */
    private boolean sampleSeen;
    /** Whether the input is the text of {@code trace-cmd report} rather than {@code perf script}. */
    private final boolean traceCmd;
    // perf script: the sample being read (its call chain follows it).
    private boolean inSample;
    /** perf script: the sample's allocation while its chain is read, or null. */
    private Alloc alloc;
    private final Alloc perfAlloc = new Alloc();
    // trace-cmd report: a kernel_stack event follows its event on the same CPU, other CPUs' events may come between.
    /** Allocations waiting for their kernel_stack, by CPU. */
    private final it.unimi.dsi.fastutil.ints.Int2ObjectAVLTreeMap<Alloc> pendingByCpu =
            new it.unimi.dsi.fastutil.ints.Int2ObjectAVLTreeMap<>();
    /** Whether the lines being read are a kernel_stack's, and the allocation they belong to (or null). */
    private boolean inStack;
    private Alloc stackOf;
    /** Page tables allocated by a forking task (tid) for its child, waiting for the fork event. */
    private final it.unimi.dsi.fastutil.ints.Int2ObjectOpenHashMap<java.util.List<Ev>> forking =
            new it.unimi.dsi.fastutil.ints.Int2ObjectOpenHashMap<>();
    /** When each exec'ing pid allocated its new mm's first page table. */
    private final it.unimi.dsi.fastutil.ints.Int2LongOpenHashMap execStart = new it.unimi.dsi.fastutil.ints.Int2LongOpenHashMap();
    private static final int FORKING = 1;
    private static final int EXECING = 2;
    private static final Map<String, Integer> CONTEXTS = Map.of("dup_mmap", FORKING, "copy_page_range", FORKING,
            "dup_mm", FORKING, "copy_process", FORKING, "alloc_bprm", EXECING, "bprm_execve", EXECING,
            "do_execveat_common.isra.0", EXECING, "do_execveat_common", EXECING);
    private static final SymbolTable ALLOCATOR_TABLE = new SymbolTable(ALLOCATORS);
    private static final SymbolTable CONTEXT_TABLE = new SymbolTable(CONTEXTS);

    /**
     * @param source    the input's name, for messages and the report
     * @param strict    whether the first malformed line is fatal
     * @param pae       whether the kernel uses PAE paging (its PGD is level 3)
     * @param xenLevels how the kernel numbers {@code enum pt_level} in the xen tracepoints
     * @param sink      receives batches of events in time order
     */
    public PerfImport(String source, boolean strict, boolean pae, XenLevels xenLevels, Consumer<EventBatch> sink) {
        this(source, strict, pae, xenLevels, false, sink);
    }

    /**
     * As above; with {@code traceCmd} the input is the text of {@code trace-cmd report} of the same
     * tracepoints recorded with stack traces ({@code trace-cmd record -T}).
     */
    public PerfImport(String source, boolean strict, boolean pae, XenLevels xenLevels, boolean traceCmd,
                      Consumer<EventBatch> sink) {
        this.traceCmd = traceCmd;
        this.source = source;
        this.strict = strict;
        this.pae = pae;
        this.xenLevels = xenLevels;
        this.sink = sink;
        this.report = new ImportReport(source);
        live.defaultReturnValue(-1);
    }

    public ImportReport report() {
        return report;
    }

    /** Reads everything from {@code in} and flushes every event. */
    public void read(InputStream in) {
        byte[] buf = new byte[1 << 20];
        int filled = 0;
        long lineNo = 0;
        try {
            while (true) {
                int n = in.read(buf, filled, buf.length - filled);
                if (n < 0) {
                    break;
                }
                filled += n;
                report.bytes += n;
                int from = 0;
                for (int i = newline(buf, 0, filled); i >= 0; i = newline(buf, from, filled)) {
                    line.set(buf, from, i);
                    onLine(++lineNo);
                    from = i + 1;
                }
                System.arraycopy(buf, from, buf, 0, filled - from);
                filled -= from;
                if (filled == buf.length) {
                    buf = Arrays.copyOf(buf, buf.length * 2);
                }
            }
        } catch (IOException e) {
            throw new UserException(source + ": cannot read (" + e.getMessage() + ")", e);
        }
        if (filled > 0) {
            line.set(buf, 0, filled);
            onLine(++lineNo);
        }
        endSample();
        endStack();
        for (Alloc a : pendingByCpu.values()) {
            finish(a);
        }
        pendingByCpu.clear();
        report.lines = lineNo;
        flush(Long.MAX_VALUE);
        if (!batch.isEmpty()) {
            sink.accept(batch);
            batch.clear();
        }
        report.pagesLiveAtEnd = live.size();
    }

    /**
     * The next '\n' in {@code buf[from, to)}, or -1. A method of its own, called once a line, so the JIT
     * compiles it early (a scan inside {@link #read}, called once, would wait for on-stack replacement).
     */
    private static int newline(byte[] buf, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private void onLine(long no) {
        if (traceCmd) {
            onTraceCmdLine(no);
            return;
        }
        if (line.isBlank()) {
            endSample();
            return;
        }
        // perf prints a tab before each frame's address; a line without one that reads as a frame may also be a
        // sample whose process name looks like an address (" C1 CompilerThre 24310/24324 [000] ..."): a sample wins.
        if (inSample && line.chainSymbol(range) && (line.tabbed() || !line.parseSample())) {
            if (alloc != null) {
                frame(alloc);
            }
            return;
        }
        if (line.parseSample()) {
            endSample();
            report.samples++;
            sampleSeen = true;
            inSample = true;
            try {
                headerInRange(no);
                sample(no);
            } catch (Skip skipped) {
                // Counted; its call chain is skipped with it.
            }
            return;
        }
        if (!sampleSeen && isHeaderLine()) {
            report.headerLines++;
            return;
        }
        if (containsLost()) {
            report.lostRecords++;
            return;
        }
        malformed(no, "not a perf script sample or call-chain line");
    }

    /** One frame of an allocation's call chain, innermost first: the allocator gives the level, a later frame the context. */
    private void frame(Alloc a) {
        a.frames++;
        if (a.context != 0) {
            return;
        }
        if (a.level == 0) {
            int level = ALLOCATOR_TABLE.get(line.buf, range[0], range[1], -1);
            if (level >= KERNEL) {
                a.kernel = true;
                level -= KERNEL;
            }
            if (level >= 0) {
                a.level = level == 0 ? (pae ? 3 : 4) : level;
                report.fiveLevel |= level == 4 && !pae && isP4d(range);
            }
        } else {
            a.context = CONTEXT_TABLE.get(line.buf, range[0], range[1], 0);
        }
    }

    /**
     * A line of {@code trace-cmd report}: {@code COMM-PID [CPU] [FLAGS] SECS.FRAC: EVENT: PAYLOAD}, a
     * {@code => symbol (address)} line of the {@code kernel_stack} event after it, or a header line.
     */
    private void onTraceCmdLine(long no) {
        if (line.isBlank()) {
            return;
        }
        if (line.stackSymbol(range)) {
            if (!inStack) {
                malformed(no, "a stack line without a kernel_stack event before it");
            } else if (stackOf != null) {
                frame(stackOf);
            }
            return;
        }
        if (line.parseTraceCmdSample()) {
            endStack();
            report.samples++;
            boolean stack = line.eventIs(KERNEL_STACK);
            try {
                headerInRange(no);
            } catch (Skip skipped) {
                // Counted; the stack lines of a kernel_stack event are skipped with it.
                inStack = stack;
                return;
            }
            if (stack) {
                // The stack of the last event on this CPU, if that was an allocation by the same task.
                inStack = true;
                Alloc a = pendingByCpu.get(sampleCpu);
                if (a != null && a.tid == sampleTid) {
                    stackOf = a;
                }
                return;
            }
            Alloc waiting = pendingByCpu.remove(sampleCpu);
            if (waiting != null) {
                finish(waiting);
            }
            try {
                sample(no);
            } catch (Skip skipped) {
                // Counted.
            }
            return;
        }
        if (line.startsWith(CPUS) || line.startsWith(CPU_EMPTY) || line.startsWith(VERSION)) {
            return;
        }
        if (containsLost()) {
            // "CPU:1 [LOST 123 EVENTS]": the ring buffer overflowed.
            report.lostRecords++;
            return;
        }
        malformed(no, "not a trace-cmd report event, stack or header line");
    }

    /** trace-cmd: the kernel_stack being read ends; its allocation is complete. */
    private void endStack() {
        if (stackOf != null) {
            pendingByCpu.remove(stackOf.cpu);
            finish(stackOf);
            stackOf = null;
        }
        inStack = false;
    }

    private boolean isP4d(int[] r) {
        return r[1] - r[0] >= 5 && line.buf[r[0] + 2] == 'p' && line.buf[r[0] + 3] == '4' && line.buf[r[0] + 4] == 'd';
    }

    private boolean containsLost() {
        for (int i = line.start; i + 4 <= line.end; i++) {
            if (line.buf[i] == 'L' && line.buf[i + 1] == 'O' && line.buf[i + 2] == 'S' && line.buf[i + 3] == 'T') {
                return true;
            }
        }
        return false;
    }

    private void malformed(long no, String why) {
        if (strict) {
            throw new UserException(source + " line " + no + ": malformed: " + why + " (--strict)");
        }
        report.malformed++;
        if (report.malformedLines.size() < FIRST_LINES) {
            report.malformedLines.add(no);
        }
    }

    /** A number of line {@code no} out of range: an error under --strict, else counted; the sample is skipped. */
    private Skip outOfRange(long no, String what, String written, String range) {
        String why = what + " '" + TraceFormatException.shown(written) + "' out of range " + range;
        if (strict) {
            throw new UserException(source + " line " + no + ": " + why + " (--strict)");
        }
        report.outOfRange++;
        if (report.outOfRangeLines.size() < FIRST_LINES) {
            report.outOfRangeLines.add(no);
        }
        return SKIP;
    }

    /**
     * Checks the numbers of the sample header against the schema (pid and tid, CPU, and a time that ts_ns can
     * hold) and keeps them for the sample; throws {@link #SKIP} when one is out of range (after counting it).
     */
    private void headerInRange(long no) {
        if (line.pid > PID_MAX || line.tid > PID_MAX) {
            throw outOfRange(no, traceCmd ? "pid" : "pid/tid", line.text(line.idStart, line.idEnd), "0.." + PID_MAX);
        }
        if (line.cpu > CPU_MAX) {
            throw outOfRange(no, "cpu", line.text(line.cpuStart, line.cpuEnd), "0.." + CPU_MAX);
        }
        long t = line.timeNs;
        if (t < 0) {
            throw outOfRange(no, "time", line.text(line.timeStart, line.timeEnd), "(seconds up to 9223372035)");
        }
        if (origin != Long.MIN_VALUE && t - origin > TS_MAX) {
            throw outOfRange(no, "time", line.text(line.timeStart, line.timeEnd), "(more than "
                    + TS_MAX / 86_400_000_000_000L + " days after the first event, the schema's longest trace)");
        }
        samplePid = (int) line.pid;
        sampleTid = (int) line.tid;
        sampleCpu = (int) line.cpu;
    }

    /**
     * The number after {@code key} in the payload, checked to lie in [0, max]; -1 when the key is missing (the
     * caller reports that). {@link #SKIP} when out of range.
     */
    private long number(long no, byte[] key, boolean hex, long max) {
        int at = line.find(key);
        long v = line.number(at, hex);
        if (v == PerfLine.TOO_BIG || v > max) {
            throw outOfRange(no, new String(key, 0, key.length - 1, java.nio.charset.StandardCharsets.US_ASCII),
                    line.word(at), "0.." + max);
        }
        return v;
    }

    /** A page range of 2^order pages from pfn: the order a kernel's, the last page a frame the schema holds. */
    private void pagesInRange(long no, long pfn, long order) {
        if (order > MAX_ORDER) {
            throw outOfRange(no, "order", Long.toString(order), "0.." + MAX_ORDER);
        }
        if (pfn > FRAME_MAX - ((1L << order) - 1)) {
            throw outOfRange(no, "pfn", line.word(line.find(PFN)), "0.." + (FRAME_MAX - ((1L << order) - 1))
                    + " (for order " + order + ")");
        }
    }

    /** A line of the header that {@code perf script --header} prints before the samples: it starts with '#'. */
    private boolean isHeaderLine() {
        int i = line.start;
        while (i < line.end && line.buf[i] == ' ') {
            i++;
        }
        return i < line.end && line.buf[i] == '#';
    }

    private void sample(long no) {
        inSample = true;
        long t = line.timeNs;
        recordedTime = t;
        recordedLine = no;
        int tp = known();
        if (tp == T_ALLOC) {
            long pfn = number(no, PFN, true, FRAME_MAX);
            long order = number(no, ORDER, false, Long.MAX_VALUE);
            if (pfn < 0 || order < 0) {
                malformed(no, "kmem:mm_page_alloc without pfn= or order=");
                return;
            }
            pagesInRange(no, pfn, order);
            report.byTracepoint[tp]++;
            Alloc a = traceCmd ? new Alloc() : perfAlloc;
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
            if (traceCmd) {
                pendingByCpu.put(a.cpu, a);
            } else {
                alloc = a;
            }
            return;
        }
        if (tp == T_FREE || tp == T_FREE_BATCHED) {
            long pfn = number(no, PFN, true, FRAME_MAX);
            long order = tp == T_FREE ? number(no, ORDER, false, Long.MAX_VALUE) : 0;
            if (pfn < 0 || order < 0) {
                malformed(no, line.event() + " without pfn= or order=");
                return;
            }
            pagesInRange(no, pfn, order);
            report.byTracepoint[tp]++;
            for (long p = pfn; p < pfn + (1L << order); p++) {
                freed(t, p, sampleCpu);
            }
            return;
        }
        if (tp == T_FORK) {
            int child = (int) number(no, CHILD_PID, false, PID_MAX);
            int parentTask = (int) number(no, PID, false, PID_MAX);
            // The parent process: perf's header gives the forking task's process id; trace-cmd only the task's.
            int parent = traceCmd ? parentTask : samplePid;
            int cc = line.find(CHILD_COMM);
            if (child < 0 || parentTask < 0 || cc < 0) {
                malformed(no, "sched:sched_process_fork without pid=, child_comm= or child_pid=");
                return;
            }
            report.byTracepoint[tp]++;
            // The child's page tables were allocated by the parent's task before this event: they are the child's,
            // and the child was created just before the first of them.
            // Pages already freed (a failed fork) or already written stay as they are.
            java.util.List<Ev> pages = forking.remove(sampleTid);
            long at = t;
            if (pages != null) {
                for (Ev e : pages) {
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
            emit(notBeforeWindow(at, t), EventKind.PROC_CREATE, child, parent,
                    line.text(cc, CHILD_PID_STOP), -1, 0, -1, sampleCpu);
            return;
        }
        if (tp == T_EXEC || tp == T_EXIT) {
            int pid = (int) number(no, PID, false, PID_MAX);
            if (pid < 0) {
                malformed(no, line.event() + " without pid=");
                return;
            }
            report.byTracepoint[tp]++;
            if (tp == T_EXEC) {
                long at = t;
                long start = execStart.containsKey(pid) ? execStart.remove(pid) : Long.MIN_VALUE;
                if (start >= t - WINDOW_NS) {
                    // perf reports an exec at its end; its new mm's page tables came before: the exec starts there.
                    at = notBeforeWindow(start - 1, t);
                }
                known.add(pid);
                emit(at, EventKind.PROC_EXEC, pid, -1, line.comm(), -1, 0, -1, sampleCpu);
            } else {
                exit(pid, t);
            }
            return;
        }
        if (tp == T_XEN_ALLOC || tp == T_XEN_RELEASE) {
            xenPage(no, t, tp);
            return;
        }
        if (tp == T_XEN_PIN || tp == T_XEN_UNPIN) {
            xenPin(no, t, tp);
            return;
        }
        if (tp == T_IOMMU_MAP || tp == T_IOMMU_UNMAP) {
            long iova = hexAfter(IOVA);
            if (iova == BIG_POINTER) {
                throw outOfRange(no, "iova", line.word(line.find(IOVA)), "(64 bits)");
            }
            long size = number(no, SIZE, false, COUNT_MAX << 12);
            if (iova == NO_POINTER || size < 0) {
                malformed(no, line.event() + " without iova= or size=");
                return;
            }
            long pages = Math.max(1, ((iova & 0xfff) + size + 0xfff) >>> 12);
            if (pages > COUNT_MAX) {
                throw outOfRange(no, "size", line.word(line.find(SIZE)), "(at most " + COUNT_MAX + " pages)");
            }
            report.byTracepoint[tp]++;
            emit(t, tp == T_IOMMU_MAP ? EventKind.IOMMU_MAP : EventKind.IOMMU_UNMAP, samplePid, -1, null, iova >>> 12, 0,
                    (int) pages, sampleCpu);
            return;
        }
        unknown(line.event());
    }

    /**
     * Counts a sample of a tracepoint the importer does not use, by name: a name over 64 characters cut (as error
     * messages cut values), and past {@link #UNKNOWN_NAMES} names the others counted together, so that a damaged
     * input cannot make the report unbounded.
     */
    private void unknown(String event) {
        String name = event.length() > 64 ? TraceFormatException.shown(event) : event;
        if (report.unknown.size() >= UNKNOWN_NAMES && !report.unknown.containsKey(name)) {
            name = OTHER_NAMES;
        }
        report.unknown.merge(name, 1L, Long::sum);
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
            emit(t, EventKind.PROC_EXIT, pid, -1, null, -1, 0, -1, sampleCpu);
        } else {
            report.exitsWithoutAddressSpace++;
        }
    }

    /** xen_mmu_alloc_ptpage: "mm %p  pfn %lx  level %d  %spinned"; release_ptpage: "pfn %lx  level %d  %spinned". */
    private void xenPage(long no, long t, int tp) {
        boolean alloc = tp == T_XEN_ALLOC;
        long mm = alloc ? pointer(no, MM) : 0;
        long pfn = word(XPFN, true);
        if (pfn == PerfLine.TOO_BIG || pfn > FRAME_MAX) {
            throw outOfRange(no, "pfn", line.word(valueAfter(XPFN)), "0.." + FRAME_MAX);
        }
        long raw = word(LEVEL, false);
        int level = raw < 0 || raw > 16 ? -1 : xenLevels.level((int) raw, pae);
        if (pfn < 0 || level < 1 || mm == NO_POINTER) {
            malformed(no, line.event() + " without mm, pfn or a known level");
            return;
        }
        report.byTracepoint[tp]++;
        if (alloc) {
            allocate(t, samplePid, pfn, level, sampleCpu);
            mmPages.computeIfAbsent(mm, k -> new LongArrayList()).add(pfn);
            pageMm.put(pfn, mm);
        } else {
            freed(t, pfn, sampleCpu);
        }
    }

    /** xen_mmu_pgd_pin/unpin: "mm %p  pgd %p": the mm is pinned as a whole; the event names one of its pages. */
    private void xenPin(long no, long t, int tp) {
        boolean pin = tp == T_XEN_PIN;
        long mm = pointer(no, MM);
        if (mm == NO_POINTER) {
            malformed(no, line.event() + " without mm");
            return;
        }
        report.byTracepoint[tp]++;
        LongArrayList pages = mmPages.get(mm);
        if (pages == null) {
            report.pinsWithoutPages++;
            return;
        }
        long p = pages.getLong(0);
        long v = live.get(p);
        emit(t, pin ? EventKind.PT_PIN : EventKind.PT_UNPIN, (int) (v >>> 8), 0, null, p, (int) (v & 0xff), -1, sampleCpu);
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
            throw outOfRange(no, new String(name, java.nio.charset.StandardCharsets.US_ASCII), line.word(at), "(64 bits)");
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

    /** The index of the sample's tracepoint in {@link #TRACEPOINTS}, or -1. */
    private int known() {
        byte[][] names = traceCmd ? KNOWN_SHORT : KNOWN;
        for (int k = 0; k < names.length; k++) {
            if (line.eventIs(names[k])) {
                return k;
            }
        }
        return -1;
    }

    /** perf script: the sample ends (a blank line or the next sample). */
    private void endSample() {
        if (alloc != null) {
            finish(alloc);
            alloc = null;
        }
        inSample = false;
    }

    /** An allocation whose call chain has been read: page tables, or something else. */
    private void finish(Alloc a) {
        recordedTime = a.time;
        recordedLine = a.line;
        if (a.frames == 0) {
            report.allocationsWithoutStack++;
        }
        if (a.level > 0) {
            if (a.context == EXECING && !a.kernel && !execStart.containsKey(a.pid)) {
                execStart.put(a.pid, a.time);
            }
            for (long p = a.pfn; p < a.pfn + (1L << a.order); p++) {
                Ev e = allocate(a.time, a.kernel ? KERNEL_PID : a.pid, p, a.level, a.cpu);
                if (a.context == FORKING && !a.kernel) {
                    forking.computeIfAbsent(a.tid, k -> new java.util.ArrayList<>()).add(e);
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

    /** {@code t}, or the earliest time the reorder window can still place once an event at {@code now} is in, if later. */
    private long notBeforeWindow(long t, long now) {
        return Math.max(t, Math.max(maxSeen, now) - WINDOW_NS);
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
        Ev waiting = awaitingFork.remove(pfn);
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
        emit(t, EventKind.PT_FREE, (int) (v >>> 8), 0, null, pfn, (int) (v & 0xff), -1, cpu);
        return (int) (v & 0xff);
    }

    private Ev allocate(long t, int pid, long pfn, int level, int cpu) {
        reallocated(t, pfn, cpu);
        live.put(pfn, (long) pid << 8 | level);
        if (pid != KERNEL_PID) {
            known.add(pid);
        }
        report.allocsByLevel[level]++;
        return emit(t, EventKind.PT_ALLOC, pid, 0, null, pfn, level, -1, cpu);
    }

    /**
     * An event into the reorder window at {@code t} (the sample's time, or earlier for a fork or exec moved back to its
     * page tables). An event whose sample is more than the window older than the latest seen cannot be put in its
     * place, which is written already: it is written at the window's start instead, and counted as late.
     */
    private Ev emit(long t, EventKind kind, int pid, int ppid, String comm, long frame, int level, int count, int cpu) {
        if (maxSeen == Long.MIN_VALUE) {
            origin = t - WINDOW_NS;
        } else {
            long start = maxSeen - WINDOW_NS;
            if (recordedTime < start) {
                late(start - recordedTime);
            }
            t = Math.max(t, start);
        }
        Ev ev = new Ev(t, seq++, kind.code(), pid, ppid, comm, frame, level, count, cpu);
        window.add(ev);
        if (t > maxSeen) {
            maxSeen = t;
        }
        if (window.peek().ts < maxSeen - WINDOW_NS) {
            flush(maxSeen - WINDOW_NS);
        }
        return ev;
    }

    private void late(long shift) {
        report.late++;
        report.lateMaxShiftNs = Math.max(report.lateMaxShiftNs, shift);
        java.util.List<Long> lines = report.lateLines;
        if (lines.size() < FIRST_LINES && (lines.isEmpty() || lines.get(lines.size() - 1) != recordedLine)) {
            lines.add(recordedLine);
        }
    }

    private void flush(long upTo) {
        while (!window.isEmpty() && window.peek().ts <= upTo) {
            Ev e = window.poll();
            e.written = true;
            if (base < 0) {
                base = e.ts;
                report.baseTimeNs = base;
            }
            long ts = e.ts - base;
            if (ts < lastWritten || ts > TS_MAX) {
                // The window places events in order and times were checked against the first: a bug.
                throw new IllegalStateException("event at " + ts + " ns written after one at " + lastWritten + " ns");
            }
            lastWritten = ts;
            EventKind k = EventKind.ofCode(e.kind);
            int i = batch.add(ts, k);
            if (e.cpu >= 0) {
                batch.setCpu(i, e.cpu);
            }
            if (e.pid >= 0) {
                batch.setPid(i, e.pid);
            }
            switch (k) {
                case PROC_CREATE -> batch.setPpid(i, e.ppid).setComm(i, truncate(e.comm));
                case PROC_EXEC -> batch.setComm(i, truncate(e.comm));
                case PT_ALLOC, PT_FREE, PT_PIN, PT_UNPIN -> batch.setFrame(i, e.frame).setLevel(i, e.level);
                case IOMMU_MAP, IOMMU_UNMAP -> batch.setFrame(i, e.frame).setCount(i, e.count);
                default -> { }
            }
            report.written.merge(k.name(), 1L, Long::sum);
            if (batch.isFull()) {
                sink.accept(batch);
                batch.clear();
            }
        }
    }

    private static String truncate(String comm) {
        return comm.length() <= 64 ? comm : comm.substring(0, 64);
    }

    /** What the import saw: written to stderr and to the {@code .import.json} sidecar. */
    public static final class ImportReport {
        final String input;
        long bytes;
        long lines;
        long samples;
        final long[] byTracepoint = new long[TRACEPOINTS.length];
        final Map<String, Long> written = new LinkedHashMap<>();
        final long[] allocsByLevel = new long[5];
        final long[] freesByLevel = new long[5];
        long pagesLiveAtEnd;
        long reallocationsWithoutFree;
        long otherAllocations;
        long otherFrees;
        long ptGfpMatches;
        long otherGfpLooksPt;
        long pinsWithoutPages;
        long allocationsWithoutStack;
        long exitsWithoutAddressSpace;
        long forkPagesReassigned;
        final Map<String, Long> unknown = new TreeMap<>();
        long malformed;
        final java.util.List<Long> malformedLines = new java.util.ArrayList<>();
        long outOfRange;
        final java.util.List<Long> outOfRangeLines = new java.util.ArrayList<>();
        long headerLines;
        long lostRecords;
        long late;
        final java.util.List<Long> lateLines = new java.util.ArrayList<>();
        long lateMaxShiftNs;
        long baseTimeNs;
        boolean fiveLevel;

        ImportReport(String input) {
            this.input = input;
        }

        public long allocs(int level) {
            return allocsByLevel[level];
        }

        public long frees(int level) {
            return freesByLevel[level];
        }

        public long malformed() {
            return malformed;
        }

        public boolean fiveLevel() {
            return fiveLevel;
        }

        public long samples() {
            return samples;
        }

        public long lines() {
            return lines;
        }

        public long bytes() {
            return bytes;
        }

        /** The report as an ordered map (the keys of schemas/import-report.schema.json). */
        public Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("input", input);
            m.put("bytes", bytes);
            m.put("lines", lines);
            m.put("samples", samples);
            Map<String, Long> tracepoints = new TreeMap<>();
            for (int k = 0; k < TRACEPOINTS.length; k++) {
                if (byTracepoint[k] > 0) {
                    tracepoints.put(TRACEPOINTS[k], byTracepoint[k]);
                }
            }
            m.put("events_by_tracepoint", tracepoints);
            m.put("events_written", written);
            m.put("pt_allocs_by_level", levels(allocsByLevel));
            m.put("pt_frees_by_level", levels(freesByLevel));
            m.put("pages_live_at_end", pagesLiveAtEnd);
            m.put("reallocations_without_free", reallocationsWithoutFree);
            m.put("other_allocations_skipped", otherAllocations);
            m.put("other_frees_skipped", otherFrees);
            m.put("pt_allocations_with_pt_gfp_flags", ptGfpMatches);
            m.put("other_allocations_with_pt_gfp_flags", otherGfpLooksPt);
            m.put("pins_without_pages", pinsWithoutPages);
            m.put("allocations_without_call_chain", allocationsWithoutStack);
            m.put("exits_without_address_space", exitsWithoutAddressSpace);
            m.put("fork_pages_given_to_the_child", forkPagesReassigned);
            m.put("unknown_events", unknown);
            Map<String, Object> bad = new LinkedHashMap<>();
            bad.put("count", malformed);
            bad.put("first_lines", malformedLines);
            m.put("malformed_lines", bad);
            Map<String, Object> range = new LinkedHashMap<>();
            range.put("count", outOfRange);
            range.put("first_lines", outOfRangeLines);
            m.put("out_of_range_lines", range);
            m.put("header_lines", headerLines);
            m.put("lost_records", lostRecords);
            m.put("events_late_beyond_window", late);
            m.put("late_events_first_lines", lateLines);
            m.put("late_events_max_shift_ns", lateMaxShiftNs);
            m.put("first_event_time_ns", baseTimeNs);
            m.put("five_level_paging", fiveLevel);
            return m;
        }

        private static Map<String, Long> levels(long[] v) {
            Map<String, Long> m = new LinkedHashMap<>();
            for (int l = 1; l <= 4; l++) {
                m.put(Integer.toString(l), v[l]);
            }
            return m;
        }
    }
}
