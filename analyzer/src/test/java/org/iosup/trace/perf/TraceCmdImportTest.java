package org.iosup.trace.perf;

import org.iosup.io.Inputs;
import org.iosup.io.UserException;
import org.iosup.testing.TraceCmdText;
import org.iosup.trace.Column;
import org.iosup.trace.EventBatch;
import org.iosup.trace.EventKind;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code trace-cmd report} text: {@code COMM-PID [CPU] SECS.USECS: EVENT: PAYLOAD} lines, each
 * event's stack as a {@code kernel_stack} event after it on the same CPU with {@code => symbol
 * (address)} lines, other CPUs' events possibly in between.
 */
class TraceCmdImportTest {
    private ImportReport report;

    private List<String> run(String text, boolean strict) {
        List<String> rows = new ArrayList<>();
        PerfImport imp = new PerfImport("tc", strict, false, XenLevels.P4D, true, b -> {
            for (int i = 0; i < b.size(); i++) {
                rows.add(row(b, i));
            }
        });
        imp.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
        report = imp.report();
        return rows;
    }

    private static String row(EventBatch b, int i) {
        StringBuilder s = new StringBuilder(EventKind.ofCode(b.kind()[i]).name()).append(" t=").append(b.tsNs()[i]);
        if (b.has(i, Column.PID)) {
            s.append(" pid=").append(b.pid()[i]);
        }
        if (b.has(i, Column.PPID)) {
            s.append(" ppid=").append(b.ppid()[i]);
        }
        if (b.has(i, Column.COMM)) {
            s.append(" comm=").append(b.comm()[i]);
        }
        if (b.has(i, Column.FRAME)) {
            s.append(" frame=").append(Long.toHexString(b.frame()[i]));
        }
        if (b.has(i, Column.LEVEL)) {
            s.append(" L").append(b.level()[i]);
        }
        return s.toString();
    }

    private static final String EXCERPT = String.join("\n",
            "version = 7",
            "CPU 3 is empty",
            "cpus=4",
            "            bash-4100  [001]  1200.000010: sched_process_fork:   comm=bash pid=4100 child_comm=bash child_pid=4101",
            "            bash-4100  [001]  1200.000011: kernel_stack:         <stack trace >",
            "=> __traceiter_sched_process_fork (ffffffff81399cf1)",
            "=> kernel_clone (ffffffff813567e6)",
            "            bash-4101  [002] d..2.  1200.000100: mm_page_alloc:        page=0xffffea0006694280 pfn=0x19a50a order=0 "
                    + "migratetype=0 gfp_flags=GFP_KERNEL_ACCOUNT|__GFP_ZERO|__GFP_COMP",
            // another CPU's event comes between the allocation and its stack
            "     Web Content-777   [000]  1200.000101: mm_page_alloc:        page=0xffffea0000000040 pfn=0x1 order=0 "
                    + "migratetype=0 gfp_flags=GFP_KERNEL",
            "            bash-4101  [002] d..2.  1200.000102: kernel_stack:         <stack trace >",
            "=> __alloc_frozen_pages_noprof (ffffffff8161f42b)",
            "=> alloc_pages_noprof (ffffffff81658c5c)",
            "=> pgd_alloc (ffffffff8134d1b2)",
            "=> mm_init (ffffffff81352d0f)",
            "     Web Content-777   [000]  1200.000103: kernel_stack:         <stack trace >",
            "=> __alloc_frozen_pages_noprof (ffffffff8161f42b)",
            "=> folio_alloc_mpol_noprof (ffffffff81658a11)",
            "            bash-4101  [002]  1200.000200: mm_page_alloc:        page=0xffffea00066942c0 pfn=0x19a50b order=0 "
                    + "migratetype=0 gfp_flags=GFP_KERNEL_ACCOUNT|__GFP_ZERO|__GFP_COMP",
            "            bash-4101  [002]  1200.000201: kernel_stack:         <stack trace >",
            "=> __alloc_frozen_pages_noprof (ffffffff8161f42b)",
            "=> pte_alloc_one (ffffffff81340359)",
            "=> __pte_alloc (ffffffff815e08f6)",
            "=> do_anonymous_page (ffffffff815e9c6d)",
            // an allocation whose stack never came (lost): another allocation
            "          <idle>-0     [003]  1200.000300: mm_page_alloc:        page=0xffffea0000000080 pfn=0x2 order=0 "
                    + "migratetype=0 gfp_flags=GFP_ATOMIC",
            "          <idle>-0     [003]  1200.000301: sched_process_exit:   comm=swapper pid=0 prio=120",
            "CPU:2 [LOST 17 EVENTS]",
            "            bash-4101  [002]  1200.000400: sched_process_exec:   filename=/bin/ls pid=4101 old_pid=4101",
            "      rcu_preempt-16   [000]  1200.000500: mm_page_free:         page=0xffffea00066942c0 pfn=0x19a50b order=0",
            "      rcu_preempt-16   [000]  1200.000501: kernel_stack:         <stack trace >",
            "=> free_unref_page (ffffffff8161ba94)",
            "=> rcu_do_batch (ffffffff81423a11)",
            "              ls-4101  [002]  1200.000600: sched_process_exit:   comm=ls pid=4101 prio=120",
            "");

    @Test
    void stacksFollowTheirEventOnTheSameCpuWithOthersBetween() {
        List<String> rows = run(EXCERPT, true);
        assertThat(rows).containsExactly(
                "PROC_CREATE t=0 pid=4101 ppid=4100 comm=bash",
                "PT_ALLOC t=90000 pid=4101 frame=19a50a L4",
                "PT_ALLOC t=190000 pid=4101 frame=19a50b L1",
                "PROC_EXEC t=390000 pid=4101 comm=bash",
                "PT_FREE t=490000 pid=4101 frame=19a50b L1",
                "PROC_EXIT t=590000 pid=4101");
        Map<String, Object> m = report.asMap();
        assertThat(m.get("events_by_tracepoint")).isEqualTo(Map.of("kmem:mm_page_alloc", 4L, "kmem:mm_page_free", 1L,
                "sched:sched_process_fork", 1L, "sched:sched_process_exec", 1L, "sched:sched_process_exit", 2L));
        assertThat(m.get("other_allocations_skipped")).isEqualTo(2L);
        assertThat(m.get("allocations_without_call_chain")).isEqualTo(1L);
        assertThat(m.get("pt_allocations_with_pt_gfp_flags")).isEqualTo(2L);
        assertThat(m.get("pages_live_at_end")).isEqualTo(1L);
        assertThat(m.get("lost_records")).isEqualTo(1L);
        // swapper (pid 0) ran before the recording: its exit has no address space to end
        assertThat(m.get("exits_without_address_space")).isEqualTo(1L);
        assertThat(report.malformed()).isZero();
    }

    @Test
    void numbersOutOfTheSchemasRangeAreCountedOrUnderStrictAnError() {
        String fork = "            bash-4100  [001]  1200.000010: sched_process_fork:   comm=bash pid=4100 child_comm=bash child_pid=4101\n";
        String exit = "              sh-4101  [001]  1200.000600: sched_process_exit:   comm=sh pid=4101 prio=120\n";
        // Issue 13: the pid of COMM-PID was read modulo 2^32, the CPU too.
        String bigPid = "            bash-4294967396  [001]  1200.000100: sched_process_exit:   comm=bash pid=4100 prio=120\n";
        String bigCpu = "            bash-4101  [4294967297]  1200.000200: mm_page_alloc:  page=0x1 pfn=0x19a50b order=0 gfp_flags=GFP_KERNEL\n"
                + "            bash-4101  [4294967297]  1200.000201: kernel_stack:         <stack trace >\n"
                + "=> __alloc_frozen_pages_noprof (ffffffff8161f42b)\n"
                + "=> pte_alloc_one (ffffffff81340359)\n";
        List<String> rows = run(fork + bigPid + bigCpu + exit, false);
        assertThat(rows).containsExactly("PROC_CREATE t=0 pid=4101 ppid=4100 comm=bash", "PROC_EXIT t=590000 pid=4101");
        assertThat(report.asMap().get("out_of_range_lines")).isEqualTo(Map.of("count", 3L, "first_lines", List.of(2L, 3L, 4L)));
        assertThat(report.malformed()).isZero();
        assertThatThrownBy(() -> run(fork + bigPid + exit, true)).isInstanceOf(UserException.class)
                .hasMessage("tc line 2: pid '4294967396' out of range 0..2147483647 (--strict)");
        assertThatThrownBy(() -> run(fork + bigCpu + exit, true)).isInstanceOf(UserException.class)
                .hasMessage("tc line 2: cpu '4294967297' out of range 0..65535 (--strict)");
    }

    @Test
    void strayStackLinesAndGarbageAreMalformed() {
        String text = "=> pte_alloc_one (ffffffff81340359)\n"
                + "            bash-4100  [001]  1200.000010: sched_process_fork:   comm=bash pid=4100 child_comm=bash child_pid=4102\n"
                + "            bash-4100  [00\n";
        assertThat(run(text, false)).hasSize(1);
        assertThat(report.asMap().get("malformed_lines")).isEqualTo(Map.of("count", 2L, "first_lines", List.of(1L, 3L)));
        assertThatThrownBy(() -> run(text, true)).isInstanceOf(UserException.class)
                .hasMessage("tc line 1: malformed: a stack line without a kernel_stack event before it (--strict)");
    }

    /**
     * The committed perf recording rewritten in trace-cmd's layout (nanosecond timestamps, as
     * {@code report -t}; a kernel_stack record 1 ns after each event with a chain, on its CPU; all
     * records sorted by time across CPUs, as trace-cmd merges its per-CPU buffers) imports to the
     * same page tables and processes.
     */
    @Test
    void theCommittedRecordingInTraceCmdLayoutGivesThePerfImportsCounts() throws IOException {
        String text;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                Inputs.open("../traces/perf-sample.script.gz"), StandardCharsets.UTF_8))) {
            text = TraceCmdText.fromPerf(in);
        }
        run(text, true);
        Map<String, Object> m = report.asMap();
        assertThat(m.get("events_by_tracepoint")).isEqualTo(Map.of("kmem:mm_page_alloc", 96_704L, "kmem:mm_page_free",
                94_273L, "kmem:mm_page_free_batched", 90_325L, "sched:sched_process_exec", 164L,
                "sched:sched_process_exit", 164L, "sched:sched_process_fork", 165L));
        assertThat(m.get("pt_allocs_by_level")).isEqualTo(Map.of("1", 1_475L, "2", 861L, "3", 517L, "4", 205L));
        assertThat(m.get("pt_frees_by_level")).isEqualTo(Map.of("1", 1_169L, "2", 689L, "3", 404L, "4", 204L));
        assertThat(m.get("pages_live_at_end")).isEqualTo(145L);
        assertThat(m.get("reallocations_without_free")).isEqualTo(447L);
        assertThat(m.get("events_written")).isEqualTo(Map.of("PROC_CREATE", 165L, "PROC_EXEC", 164L, "PT_ALLOC", 3_058L,
                "PT_FREE", 2_913L, "PROC_EXIT", 164L));
        assertThat(m.get("allocations_without_call_chain")).isEqualTo(0L);
    }
}
