package org.iosup.trace.perf;

import it.unimi.dsi.fastutil.ints.Int2ObjectAVLTreeMap;

/**
 * The line grammar of {@code trace-cmd report}: an event line, {@code COMM-PID [CPU] [FLAGS]
 * SECS.FRAC: EVENT: PAYLOAD}; the {@code => symbol (address)} lines of the {@code kernel_stack}
 * event that follows an event on the same CPU (other CPUs' events may come between); its header
 * lines, and its LOST lines.
 */
final class TraceCmdReader {
    private static final byte[] KERNEL_STACK = PerfLine.ascii("kernel_stack");
    private static final byte[] CPUS = PerfLine.ascii("cpus=");
    private static final byte[] CPU_EMPTY = PerfLine.ascii("CPU ");
    private static final byte[] VERSION = PerfLine.ascii("version");

    private final PerfLine line;
    private final TracepointTranslator translator;
    private final BadLines bad;
    private final ImportReport report;
    private final int[] range = new int[2];
    /** Allocations waiting for their kernel_stack, by CPU. */
    private final Int2ObjectAVLTreeMap<TracepointTranslator.Alloc> pendingByCpu = new Int2ObjectAVLTreeMap<>();
    /** Whether the lines being read are a kernel_stack's, and the allocation they belong to (or null). */
    private boolean inStack;
    private TracepointTranslator.Alloc stackOf;

    TraceCmdReader(PerfLine line, TracepointTranslator translator, BadLines bad, ImportReport report) {
        this.line = line;
        this.translator = translator;
        this.bad = bad;
        this.report = report;
    }

    /** Reads line {@code no}, the one in the shared {@link PerfLine}. */
    void onLine(long no) {
        if (line.isBlank()) {
            return;
        }
        if (line.stackSymbol(range)) {
            if (!inStack) {
                bad.malformed(no, "a stack line without a kernel_stack event before it");
            } else if (stackOf != null) {
                translator.frame(stackOf, range[0], range[1]);
            }
            return;
        }
        if (line.parseTraceCmdSample()) {
            endStack();
            report.samples++;
            boolean stack = line.eventIs(KERNEL_STACK);
            try {
                translator.header(no);
            } catch (BadLines.Skip skipped) {
                // Counted; the stack lines of a kernel_stack event are skipped with it.
                inStack = stack;
                return;
            }
            if (stack) {
                // The stack of the last event on this CPU, if that was an allocation by the same task.
                inStack = true;
                TracepointTranslator.Alloc a = pendingByCpu.get(translator.sampleCpu);
                if (a != null && a.tid == translator.sampleTid) {
                    stackOf = a;
                }
                return;
            }
            TracepointTranslator.Alloc waiting = pendingByCpu.remove(translator.sampleCpu);
            if (waiting != null) {
                translator.finish(waiting);
            }
            try {
                TracepointTranslator.Alloc a = translator.sample(no, null);
                if (a != null) {
                    pendingByCpu.put(a.cpu, a);
                }
            } catch (BadLines.Skip skipped) {
                // Counted.
            }
            return;
        }
        if (line.startsWith(CPUS) || line.startsWith(CPU_EMPTY) || line.startsWith(VERSION)) {
            return;
        }
        if (line.containsLost()) {
            // "CPU:1 [LOST 123 EVENTS]": the ring buffer overflowed.
            report.lostRecords++;
            return;
        }
        bad.malformed(no, "not a trace-cmd report event, stack or header line");
    }

    /** The input ends: the stack being read, and the allocations still waiting for theirs, are complete. */
    void end() {
        endStack();
        for (TracepointTranslator.Alloc a : pendingByCpu.values()) {
            translator.finish(a);
        }
        pendingByCpu.clear();
    }

    /** The kernel_stack being read ends; its allocation is complete. */
    private void endStack() {
        if (stackOf != null) {
            pendingByCpu.remove(stackOf.cpu);
            translator.finish(stackOf);
            stackOf = null;
        }
        inStack = false;
    }
}
