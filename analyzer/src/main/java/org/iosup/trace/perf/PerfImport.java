package org.iosup.trace.perf;

import org.iosup.io.UserException;
import org.iosup.trace.EventBatch;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
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
 *
 * <p>This class reads the input into lines and hands them to the reader of its dialect
 * ({@code PerfScriptReader}, {@code TraceCmdReader}); the {@code TracepointTranslator} turns their
 * samples into events, the {@code ReorderWindow} puts them in order, and {@link ImportReport}
 * counts what was seen.
 */
public final class PerfImport {
    /** How far back in time an event may arrive and still be put in order. */
    public static final long WINDOW_NS = 1_000_000_000L;
    /** Distinct names of unknown tracepoints counted one by one; the others share {@link #OTHER_NAMES}. */
    static final int UNKNOWN_NAMES = 100;
    static final String OTHER_NAMES = "(other names)";
    /** The largest page order a kernel allocates or frees (MAX_PAGE_ORDER on x86). */
    static final int MAX_ORDER = 10;

    private final String source;
    private final ImportReport report;
    private final PerfLine line = new PerfLine();
    private final ReorderWindow window;
    private final TracepointTranslator translator;
    /** The reader of the input's dialect: one of the two, the other null. */
    private final PerfScriptReader perfScript;
    private final TraceCmdReader traceCmd;

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
        this.source = source;
        this.report = new ImportReport(source);
        BadLines bad = new BadLines(source, strict, report);
        this.window = new ReorderWindow(sink, report);
        this.translator = new TracepointTranslator(line, pae, xenLevels, traceCmd, bad, window, report);
        this.perfScript = traceCmd ? null : new PerfScriptReader(line, translator, bad, report);
        this.traceCmd = traceCmd ? new TraceCmdReader(line, translator, bad, report) : null;
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
        if (traceCmd != null) {
            traceCmd.end();
        } else {
            perfScript.end();
        }
        report.lines = lineNo;
        window.close();
        report.pagesLiveAtEnd = translator.livePages();
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
        if (traceCmd != null) {
            traceCmd.onLine(no);
        } else {
            perfScript.onLine(no);
        }
    }
}
