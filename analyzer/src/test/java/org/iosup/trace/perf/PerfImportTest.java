package org.iosup.trace.perf;

import org.iosup.io.UserException;
import org.iosup.trace.Column;
import org.iosup.trace.EventBatch;
import org.iosup.trace.EventKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Imports of excerpts cut from real perf script output (recorded on 6.18), and of hand-made edge cases. */
class PerfImportTest {
    private ImportReport report;

    private List<String> run(String text, boolean strict, boolean pae, XenLevels xen) {
        EventBatch all = new EventBatch(100_000);
        PerfImport imp = new PerfImport("test", strict, pae, xen, b -> {
            for (int i = 0; i < b.size(); i++) {
                all.copyRow(b, i);
            }
        });
        imp.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
        report = imp.report();
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            StringBuilder s = new StringBuilder(EventKind.ofCode(all.kind()[i]).name());
            if (all.has(i, Column.PID)) {
                s.append(" pid=").append(all.pid()[i]);
            }
            if (all.has(i, Column.PPID)) {
                s.append(" ppid=").append(all.ppid()[i]);
            }
            if (all.has(i, Column.COMM)) {
                s.append(" comm=").append(all.comm()[i]);
            }
            if (all.has(i, Column.FRAME)) {
                s.append(" frame=").append(Long.toHexString(all.frame()[i]));
            }
            if (all.has(i, Column.LEVEL)) {
                s.append(" L").append(all.level()[i]);
            }
            if (all.has(i, Column.COUNT)) {
                s.append(" count=").append(all.count()[i]);
            }
            if (i > 0) {
                assertThat(all.tsNs()[i]).as("time order at row " + i).isGreaterThanOrEqualTo(all.tsNs()[i - 1]);
            }
            rows.add(s.toString());
        }
        return rows;
    }

    private List<String> run(String text) {
        return run(text, false, false, XenLevels.P4D);
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = PerfImportTest.class.getResourceAsStream("/perf/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void eachLevelFromTheCallChainAndFreesMatchedByPfnWhoeverFreesThem() throws IOException {
        List<String> rows = run(resource("fork-exec-levels.txt"));
        assertThat(rows).containsExactly(
                // the parent is the forking thread's process (java 24310), not the thread (24316)
                "PROC_CREATE pid=24337 ppid=24310 comm=java",
                // perf reports the exec at its end: the importer moves it to where the new mm's page tables start.
                "PROC_EXEC pid=24337 comm=jspawnhelper",
                "PT_ALLOC pid=24337 frame=19a4ca L4",
                "PT_ALLOC pid=24337 frame=19a4a6 L3",
                "PT_ALLOC pid=24337 frame=19a48a L2",
                "PT_ALLOC pid=24337 frame=19bf09 L1",
                "PT_FREE pid=24337 frame=19a4ca L4",
                // freed from another task (ls, 24346): the page's own pid and level
                "PT_FREE pid=24337 frame=19bf09 L1",
                "PT_FREE pid=24337 frame=19a48a L2",
                "PT_FREE pid=24337 frame=19a4a6 L3",
                "PROC_EXIT pid=24337");
        assertThat(report.allocs(1) + report.allocs(2) + report.allocs(3) + report.allocs(4)).isEqualTo(4);
        Map<String, Object> m = report.asMap();
        assertThat(m.get("other_allocations_skipped")).isEqualTo(1L);
        assertThat(m.get("pages_live_at_end")).isEqualTo(0L);
        assertThat(report.malformed()).isZero();
    }

    @Test
    void theDefaultLayoutWithOffsetsAndModulesAndOutOfOrderSamples() throws IOException {
        List<String> rows = run(resource("default-layout.txt"));
        // The pmd sample was printed after the pte one but happened 5 us before it: it comes out first.
        // The free was printed after the fork but happened before it.
        assertThat(rows).containsExactly(
                "PT_ALLOC pid=23885 frame=19b008 L2",
                "PT_ALLOC pid=23885 frame=19b009 L1",
                // printed after the fork, but 5.6 ms before it
                "PT_FREE pid=23885 frame=19b009 L1",
                "PROC_CREATE pid=23887 ppid=23885 comm=sh");
    }

    private static String fork(String comm, String childComm, int child) {
        return String.format("%16s 100/100 [002]  10.%09d:  sched:sched_process_fork: comm=%s pid=100 child_comm=%s "
                + "child_pid=%d ffffffff81399cf1 __traceiter_sched_process_fork%n", comm, child, comm, childComm, child);
    }

    @Test
    void oddProcessNamesWithSpacesBracketsAndColons() {
        String text = fork("Web Content", "Web Content", 201) + fork("(sd-pam)", "(sd-pam)", 202)
                + fork("kworker/0:1H-events_highpri", "kworker/0:1H", 203) + fork("a: b [7] c", "x [1] y: z", 204)
                + "         firefox 100 [001]    11.000000001:  sched:sched_process_exec: filename=/usr/bin/firefox pid=205 old_pid=205\n";
        assertThat(run(text)).containsExactly(
                "PROC_CREATE pid=201 ppid=100 comm=Web Content",
                "PROC_CREATE pid=202 ppid=100 comm=(sd-pam)",
                "PROC_CREATE pid=203 ppid=100 comm=kworker/0:1H",
                "PROC_CREATE pid=204 ppid=100 comm=x [1] y: z",
                "PROC_EXEC pid=205 comm=firefox");
    }

    private static String alloc(int pid, String pfn, int order, String allocator, String time) {
        return "sh " + pid + "/" + pid + " [000]  " + time + ":        kmem:mm_page_alloc: page=" + pfn + " pfn=" + pfn
                + " order=" + order + " migratetype=0 gfp_flags=GFP_KERNEL_ACCOUNT|__GFP_ZERO|__GFP_COMP\n"
                + "\tffffffff8161f42b __alloc_frozen_pages_noprof\n"
                + "\tffffffff81340605 " + allocator + "\n"
                + "\tffffffff81353728 mm_init\n\n";
    }

    @Test
    void aSampleWhoseProcessNameLooksLikeAnAddressIsNotTakenForAFrame() {
        // Cut from the committed recording: JDK's "C1 CompilerThread" right after an allocation sample's chain.
        String text = "sh 24337/24337 [001]  5642.381475000:        kmem:mm_page_alloc: page=0x19bea5 pfn=0x19bea5 order=0 "
                + "migratetype=0 gfp_flags=GFP_KERNEL_ACCOUNT|__GFP_ZERO|__GFP_COMP\n"
                + "\tffffffff8161f42b __alloc_frozen_pages_noprof\n\tffffffff81340359 pte_alloc_one\n"
                + " C1 CompilerThre 24310/24324 [000]  5642.381475330:         kmem:mm_page_free: page=0x19bea5 pfn=0x19bea5 "
                + "order=0 ffffffff81616dc9 __free_frozen_pages\n";
        assertThat(run(text)).containsExactly("PT_ALLOC pid=24337 frame=19bea5 L1", "PT_FREE pid=24337 frame=19bea5 L1");
    }

    @Test
    void aReallocationWithoutAFreeGetsAnImplicitFreeAndAnOrderOnePgdTwoPages() {
        String text = alloc(7, "0x100", 0, "pte_alloc_one", "20.000000001") + alloc(8, "0x100", 0, "__pmd_alloc", "20.000000002")
                + alloc(9, "0x200", 1, "pgd_alloc", "20.000000003");
        assertThat(run(text)).containsExactly(
                "PT_ALLOC pid=7 frame=100 L1",
                "PT_FREE pid=7 frame=100 L1",
                "PT_ALLOC pid=8 frame=100 L2",
                "PT_ALLOC pid=9 frame=200 L4",
                "PT_ALLOC pid=9 frame=201 L4");
        assertThat(report.asMap().get("reallocations_without_free")).isEqualTo(1L);
        // Under PAE the PGD is level 3.
        assertThat(run(alloc(9, "0x200", 0, "pgd_alloc", "1.0"), false, true, XenLevels.P4D))
                .containsExactly("PT_ALLOC pid=9 frame=200 L3");
    }

    @Test
    void aForksPageTablesAllocatedByTheParentBecomeTheChilds() {
        String parentCopy = "bash 50/50 [000]  30.000000010:        kmem:mm_page_alloc: page=0x300 pfn=0x300 order=0 "
                + "migratetype=0 gfp_flags=GFP_KERNEL_ACCOUNT|__GFP_ZERO|__GFP_COMP\n"
                + "\tffffffff8161f42b __alloc_frozen_pages_noprof\n\tffffffff81340359 pte_alloc_one\n"
                + "\tffffffff815e08f6 __pte_alloc\n\tffffffff815e0000 copy_page_range\n\tffffffff81350000 dup_mmap\n"
                + "\tffffffff81350100 copy_process\n\n";
        String forkLine = "bash 50/50 [000]  30.000000500:  sched:sched_process_fork: comm=bash pid=50 child_comm=bash child_pid=51\n";
        String free = "ksoftirqd/0 14/14 [000]  30.100000000:  kmem:mm_page_free: page=0x300 pfn=0x300 order=0\n";
        assertThat(run(parentCopy + forkLine + free)).containsExactly(
                "PROC_CREATE pid=51 ppid=50 comm=bash",
                "PT_ALLOC pid=51 frame=300 L1",
                "PT_FREE pid=51 frame=300 L1");
        assertThat(report.asMap().get("fork_pages_given_to_the_child")).isEqualTo(1L);
    }

    @Test
    void truncatedLinesAreCountedWithTheirLineNumbersAndStrictStopsAtTheFirst() {
        String text = fork("sh", "sh", 300) + "perf 23940/23940 [00\n" + fork("sh", "sh", 301) + "garbage without a header\n";
        assertThat(run(text)).hasSize(2);
        assertThat(report.malformed()).isEqualTo(2);
        assertThat(report.asMap().get("malformed_lines")).isEqualTo(Map.of("count", 2L, "first_lines", List.of(2L, 4L)));
        assertThatThrownBy(() -> run(text, true, false, XenLevels.P4D)).isInstanceOf(UserException.class)
                .hasMessage("test line 2: malformed: not a perf script sample or call-chain line (--strict)");
        String noPfn = "sh 1/1 [000] 1.5: kmem:mm_page_alloc: page=0x5 order=0\n";
        run(noPfn);
        assertThat(report.asMap().get("malformed_lines")).isEqualTo(Map.of("count", 1L, "first_lines", List.of(1L)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            pid over 32 bits (read as 100)   | sh 4294967396/4294967396 [000] 10.100000: sched:sched_process_exit: comm=sh pid=2 prio=120 | pid/tid '4294967396/4294967396' out of range 0..2147483647
            a tid over 31 bits               | sh 2/2147483648 [000] 10.100000: sched:sched_process_exit: comm=sh pid=2 prio=120             | pid/tid '2/2147483648' out of range 0..2147483647
            cpu over 32 bits                 | sh 2/2 [5000000000] 10.100000: sched:sched_process_exit: comm=sh pid=2 prio=120             | cpu '5000000000' out of range 0..65535
            cpu over the schema's 65,535     | sh 2/2 [65536] 10.100000: sched:sched_process_exit: comm=sh pid=2 prio=120                  | cpu '65536' out of range 0..65535
            time past 2^63 ns                | sh 2/2 [000] 99999999999.000001: sched:sched_process_exit: comm=sh pid=2 prio=120          | time '99999999999.000001' out of range (seconds up to 9223372035)
            time a year after the first      | sh 2/2 [000] 31622412.000001: sched:sched_process_exit: comm=sh pid=2 prio=120            | time '31622412.000001' out of range (more than 366 days after the first event, the schema's longest trace)
            child pid over 31 bits           | sh 1/1 [000] 10.100000: sched:sched_process_fork: comm=sh pid=1 child_comm=sh child_pid=4294967295 | child_pid '4294967295' out of range 0..2147483647
            parent pid read as -1            | sh 1/1 [000] 10.100000: sched:sched_process_fork: comm=sh pid=4294967295 child_comm=sh child_pid=3 | pid '4294967295' out of range 0..2147483647
            exit pid over 64 bits            | sh 1/1 [000] 10.100000: sched:sched_process_exit: comm=sh pid=99999999999999999999 prio=120 | pid '99999999999999999999' out of range 0..2147483647
            pfn over 63 bits                 | sh 1/1 [000] 10.100000: kmem:mm_page_free: page=0x5 pfn=0xffffffffffffffffff order=0 | pfn '0xffffffffffffffffff' out of range 0..9223372036854775807
            order over the kernel's 10       | sh 1/1 [000] 10.100000: kmem:mm_page_free: page=0x5 pfn=0x5 order=11                  | order '11' out of range 0..10
            pages past the last frame        | sh 1/1 [000] 10.100000: kmem:mm_page_free: page=0x5 pfn=0x7ffffffffffffffe order=2    | pfn '0x7ffffffffffffffe' out of range 0..9223372036854775804 (for order 2)
            xen level over 32 bits           | sh 1/1 [000] 10.100000: xen:xen_mmu_release_ptpage: pfn 5 level 4294967297 pinned    | (nothing: a malformed line)
            iova over 64 bits                | sh 1/1 [000] 10.100000: iommu:map: iova=0x10000000000000000 paddr=0x0 size=4096        | iova '0x10000000000000000' out of range (64 bits)
            IOMMU size over 2^31 pages       | sh 1/1 [000] 10.100000: iommu:map: iova=0x0 paddr=0x0 size=9000000000000                | size '9000000000000' out of range 0..8796093018112
            """)
    void everyNumberIsCheckedAgainstTheSchemaAndTheLineSkippedWithItsNumber(String what, String bad, String message) {
        // Issue 13: pid 4294967396 was written as pid 100, cpu 5000000000 as 705032704, pid=4294967295 as ppid -1.
        String text = fork("sh", "sh", 2) + bad + "\n" + "sh 2/2 [000] 10.500000: sched:sched_process_exit: comm=sh pid=2 prio=120\n";
        List<String> rows = run(text);
        assertThat(rows).containsExactly("PROC_CREATE pid=2 ppid=100 comm=sh", "PROC_EXIT pid=2");
        Map<String, Object> m = report.asMap();
        if (message.startsWith("(nothing")) {
            assertThat(m.get("malformed_lines")).isEqualTo(Map.of("count", 1L, "first_lines", List.of(2L)));
            return;
        }
        assertThat(m.get("out_of_range_lines")).isEqualTo(Map.of("count", 1L, "first_lines", List.of(2L)));
        assertThat(m.get("malformed_lines")).isEqualTo(Map.of("count", 0L, "first_lines", List.of()));
        assertThatThrownBy(() -> run(text, true, false, XenLevels.P4D)).isInstanceOf(UserException.class)
                .hasMessage("test line 2: " + message + " (--strict)");
    }

    @Test
    void eventsLaterThanTheWindowAreCountedWithTheirLinesAndWhereTheyWent() {
        // Issue 13: four events at 100.2-100.5 s after one at 130 s were written at 129.000000001 s, and
        // events_late_beyond_window said 0.
        String text = fork("sh", "sh", 2).replace("10.000000002", "100.000000000")
                + "sh 1/1 [000] 130.000000: sched:sched_process_fork: comm=sh pid=1 child_comm=sh child_pid=3\n"
                + "sh 1/1 [000] 100.200000: sched:sched_process_fork: comm=sh pid=1 child_comm=sh child_pid=4\n"
                + "sh 4/4 [000] 100.300000: sched:sched_process_exec: filename=/bin/ls pid=4 old_pid=4\n"
                + "ls 4/4 [000] 100.400000: sched:sched_process_exit: comm=ls pid=4 prio=120\n"
                + "sh 2/2 [000] 100.500000: sched:sched_process_exit: comm=sh pid=2 prio=120\n";
        EventBatch all = new EventBatch(100);
        PerfImport imp = new PerfImport("test", false, false, XenLevels.P4D, b -> {
            for (int i = 0; i < b.size(); i++) {
                all.copyRow(b, i);
            }
        });
        imp.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
        assertThat(all.size()).isEqualTo(6);
        // ts_ns counts from 100 s: the late events are at 129 s, the window's start when they arrived, before the
        // event of 130 s.
        assertThat(all.tsNs()).startsWith(0L, 29_000_000_000L, 29_000_000_000L, 29_000_000_000L, 29_000_000_000L,
                30_000_000_000L);
        assertThat(all.pid()).startsWith(2, 4, 4, 4, 2, 3);
        Map<String, Object> m = imp.report().asMap();
        assertThat(m.get("events_late_beyond_window")).isEqualTo(4L);
        assertThat(m.get("late_events_first_lines")).isEqualTo(List.of(3L, 4L, 5L, 6L));
        assertThat(m.get("late_events_max_shift_ns")).isEqualTo(28_800_000_000L);
        // Within the window nothing is late.
        run(fork("sh", "sh", 2) + "sh 1/1 [000] 10.900000: sched:sched_process_fork: comm=sh pid=1 child_comm=sh child_pid=3\n"
                + "sh 1/1 [000] 10.000001: sched:sched_process_exit: comm=sh pid=2 prio=120\n");
        assertThat(report.asMap().get("events_late_beyond_window")).isEqualTo(0L);
    }

    @Test
    void theHeaderOfPerfScriptHeaderIsSkippedNotMalformed() {
        String header = """
                # ========
                # captured on    : Tue Dec  2 10:00:00 2026
                # header version : 1
                # data offset    : 440
                # hostname : box
                # os release : 6.18.44-fc-v595
                # perf version : 6.1.187
                # arch : x86_64
                # nrcpus online : 2
                # cpudesc : Intel(R) Xeon(R) CPU @ 2.20GHz
                # total memory : 24596816 kB
                # cmdline : /usr/bin/perf record -a -g -e sched:sched_process_fork -e kmem:mm_page_alloc
                # event : name = sched:sched_process_fork, , id = { 12, 13 }, type = 2 (PERF_TYPE_TRACEPOINT), size = 136
                # CPU_TOPOLOGY info available, use -I to display
                # pmu mappings: cpu = 4, breakpoint = 5, tracepoint = 2, software = 1
                # time of first sample : 10.000000
                # missing features: TRACING_DATA BRANCH_STACK GROUP_DESC AUXTRACE STAT CLOCKID
                # ========
                #
                """;
        assertThat(run(header + fork("sh", "sh", 2))).containsExactly("PROC_CREATE pid=2 ppid=100 comm=sh");
        assertThat(report.malformed()).isZero();
        assertThat(report.asMap().get("header_lines")).isEqualTo(19L);
        // After the first sample a '#' line is not perf's: malformed.
        run(fork("sh", "sh", 2) + "# ========\n");
        assertThat(report.malformed()).isEqualTo(1);
    }

    @Test
    void unknownTracepointsAreCountedAndSkipped() {
        String text = "sh 1/1 [000] 1.000000: irq:irq_handler_entry: irq=5 name=eth0\n"
                + "sh 1/1 [000] 1.000001: irq:irq_handler_entry: irq=5 name=eth0\n" + fork("sh", "sh", 2);
        assertThat(run(text)).containsExactly("PROC_CREATE pid=2 ppid=100 comm=sh");
        assertThat(report.asMap().get("unknown_events")).isEqualTo(Map.of("irq:irq_handler_entry", 2L));
    }

    @Test
    void unknownTracepointNamesAreCutAndBounded() {
        // Found by the fuzz test: a 65,536-character event name became a key of the report, which JSON readers
        // refuse (Jackson: names up to 50,000), and any number of names could be kept.
        StringBuilder text = new StringBuilder(fork("sh", "sh", 2));
        text.append("sh 1/1 [000] 10.100000: ").append("x".repeat(65_536)).append(": a=1\n");
        for (int i = 0; i < 150; i++) {
            text.append("sh 1/1 [000] 10.100001: irq:handler_").append(i).append(": irq=5\n");
        }
        run(text.toString());
        @SuppressWarnings("unchecked")
        Map<String, Long> unknown = (Map<String, Long>) report.asMap().get("unknown_events");
        assertThat(unknown).hasSize(PerfImport.UNKNOWN_NAMES + 1)
                .containsEntry("x".repeat(org.iosup.trace.TraceFormatException.SHOWN) + "... (65,536 characters)", 1L)
                .containsEntry(PerfImport.OTHER_NAMES, 51L);
        assertThat(unknown.keySet()).allSatisfy(k -> assertThat(k.length()).isLessThanOrEqualTo(100));
    }

    @Test
    void xenTracepointsOfAPvGuestInBothLevelNumberings() {
        String legacy = "bash 100/100 [000] 40.000000001: xen:xen_mmu_alloc_ptpage: mm 0xffff88003a1b2c00  pfn 1a2b3  level 3  pinned\n"
                + "bash 100/100 [000] 40.000000002: xen:xen_mmu_alloc_ptpage: mm 0xffff88003a1b2c00  pfn 1a2b4  level 2  unpinned\n"
                + "bash 100/100 [000] 40.000000003: xen:xen_mmu_pgd_pin: mm 0xffff88003a1b2c00  pgd 0xffff880012345000\n"
                + "bash 100/100 [000] 40.000000004: xen:xen_mmu_pgd_unpin: mm 0xffff88003a1b2c00  pgd 0xffff880012345000\n"
                + "rcu 9/9 [001] 40.000000005: xen:xen_mmu_release_ptpage: pfn 1a2b3  level 3  unpinned\n";
        assertThat(run(legacy, false, false, XenLevels.LEGACY)).containsExactly(
                "PT_ALLOC pid=100 frame=1a2b3 L1", "PT_ALLOC pid=100 frame=1a2b4 L2",
                "PT_PIN pid=100 frame=1a2b3 L1", "PT_UNPIN pid=100 frame=1a2b3 L1", "PT_FREE pid=100 frame=1a2b3 L1");
        String p4d = "bash 100/100 [000] 40.000000001: xen:xen_mmu_alloc_ptpage: mm 0xffff88003a1b2c00  pfn 1a2b3  level 4  pinned\n"
                + "bash 100/100 [000] 40.000000002: xen:xen_mmu_alloc_ptpage: mm 0xffff88003a1b2c00  pfn 1a2b5  level 2  pinned\n";
        assertThat(run(p4d, false, false, XenLevels.P4D)).containsExactly(
                "PT_ALLOC pid=100 frame=1a2b3 L1", "PT_ALLOC pid=100 frame=1a2b5 L3");
    }

    @Test
    void linuxIommuMapsAndUnmaps() {
        String text = "kworker/0:1 77/77 [000] 50.000000001: iommu:map: IOMMU: iova=0x0000000012340000 - 0x0000000012342000 "
                + "paddr=0x0000000045670000 size=8192\n"
                + "kworker/0:1 77/77 [000] 50.000000002: iommu:unmap: IOMMU: iova=0x0000000012340000 - 0x0000000012342000 "
                + "size=8192 unmapped_size=8192\n";
        assertThat(run(text)).containsExactly("IOMMU_MAP pid=77 frame=12340 count=2", "IOMMU_UNMAP pid=77 frame=12340 count=2");
    }

    @Test
    void lostRecordsAreCounted() {
        run("perf 1/1 [000] 1.0: PERF_RECORD_LOST lost=12\n" + fork("sh", "sh", 5));
        assertThat(report.asMap().get("lost_records")).isEqualTo(1L);
        assertThat(report.malformed()).isZero();
    }

    private static String alloc(long pfn, String... chain) {
        StringBuilder b = new StringBuilder(String.format("bash 60/60 [001]  20.%09d:  kmem:mm_page_alloc: page=0x%x pfn=0x%x "
                + "order=0 migratetype=0 gfp_flags=GFP_KERNEL_ACCOUNT|__GFP_ZERO|__GFP_COMP%n", pfn, pfn, pfn));
        for (String f : chain) {
            b.append("\tffffffff81000000 ").append(f).append("+0x10\n");
        }
        return b.append('\n').toString();
    }

    @Test
    void underPaeThePgdIsLevelThreeAndAP4dMeansFiveLevels() {
        String text = alloc(0x10, "__alloc_pages", "pgd_alloc", "mm_init") + alloc(0x11, "__alloc_pages", "__p4d_alloc", "handle_mm_fault")
                + alloc(0x12, "__alloc_pages", "__pud_alloc", "__p4d_alloc");
        assertThat(run(text, false, true, XenLevels.P4D)).containsExactly(
                "PT_ALLOC pid=60 frame=10 L3", "PT_ALLOC pid=60 frame=11 L4", "PT_ALLOC pid=60 frame=12 L3");
        assertThat(report.fiveLevel()).isFalse();
        assertThat(run(text)).containsExactly(
                "PT_ALLOC pid=60 frame=10 L4", "PT_ALLOC pid=60 frame=11 L4", "PT_ALLOC pid=60 frame=12 L3");
        // The innermost allocator names the level; __p4d_alloc shows 5-level paging.
        assertThat(report.fiveLevel()).isTrue();
        // A chain without an allocator is another allocation, even with page-table gfp flags.
        run(alloc(0x13, "__alloc_pages", "alloc_pages_mpol", "folio_alloc"));
        assertThat(report.asMap().get("other_allocations_with_pt_gfp_flags")).isEqualTo(1L);
        assertThat(report.asMap().get("other_allocations_skipped")).isEqualTo(1L);
    }

    /** A sample line: {@code COMM PID/TID [000] TIME: EVENT: PAYLOAD}, then call-chain frames, then a blank line. */
    private static String ev(int pid, int tid, String time, String event, String payload, String... chain) {
        StringBuilder b = new StringBuilder(String.format("%16s %d/%d [000]  %s:  %s: %s%n", "task", pid, tid, time, event,
                payload));
        for (String f : chain) {
            b.append("\tffffffff81000000 ").append(f).append("+0x10\n");
        }
        return b.append('\n').toString();
    }

    private static final String PT = "order=0 migratetype=0 gfp_flags=GFP_KERNEL_ACCOUNT|__GFP_ZERO|__GFP_COMP";

    @Test
    void aFailedForksPagesStayTheParentsAndAStaleExecIsNotMovedBack() {
        String text = ev(100, 100, "1.000000000", "kmem:mm_page_alloc", "page=0x10 pfn=0x10 " + PT,
                "__alloc_pages", "__pte_alloc", "copy_page_range", "dup_mmap")
                + ev(100, 100, "1.100000000", "kmem:mm_page_free", "page=0x10 pfn=0x10 order=0")
                + ev(100, 100, "1.200000000", "sched:sched_process_fork", "comm=sh pid=100 child_comm=sh child_pid=101")
                + ev(100, 100, "1.300000000", "kmem:mm_page_alloc", "page=0x10 pfn=0x10 order=0 migratetype=0 gfp_flags=GFP_KERNEL",
                "__alloc_pages", "folio_alloc")
                // an exec whose new mm was built and torn down (a failed exec), then a real one 2.5 s later
                + ev(101, 101, "1.400000000", "kmem:mm_page_alloc", "page=0x20 pfn=0x20 " + PT,
                "__alloc_pages", "pgd_alloc", "mm_init", "alloc_bprm")
                + ev(101, 101, "1.500000000", "kmem:mm_page_free", "page=0x20 pfn=0x20 order=0")
                + ev(101, 101, "4.000000000", "sched:sched_process_exec", "filename=/bin/ls pid=101 old_pid=101");
        assertThat(run(text)).containsExactly(
                "PT_ALLOC pid=100 frame=10 L1",
                "PT_FREE pid=100 frame=10 L1",
                "PROC_CREATE pid=101 ppid=100 comm=sh",
                "PT_ALLOC pid=101 frame=20 L4",
                "PT_FREE pid=101 frame=20 L4",
                "PROC_EXEC pid=101 comm=task");
        assertThat(report.asMap().get("fork_pages_given_to_the_child")).isEqualTo(0L);
        assertThat(report.asMap().get("reallocations_without_free")).isEqualTo(0L);
    }

    @Test
    void threadsExitAloneAndTheProcessWithItsLastThread() {
        String text = ev(500, 500, "1.0", "sched:sched_process_fork", "comm=app pid=500 child_comm=app child_pid=501")
                + ev(500, 500, "1.1", "kmem:mm_page_alloc", "page=0x30 pfn=0x30 " + PT, "__alloc_pages", "pte_alloc_one")
                // the leader leaves first: the address space lives on with thread 501
                + ev(500, 500, "1.2", "sched:sched_process_exit", "comm=app pid=500 prio=120 group_dead=false")
                + ev(500, 501, "1.3", "kmem:mm_page_alloc", "page=0x31 pfn=0x31 " + PT, "__alloc_pages", "pte_alloc_one")
                + ev(500, 501, "1.4", "sched:sched_process_exit", "comm=app pid=501 prio=120 group_dead=true")
                // a process that ran before the recording and allocated nothing in it
                + ev(7, 7, "1.5", "sched:sched_process_exit", "comm=old pid=7 prio=120 group_dead=true");
        assertThat(run(text)).containsExactly(
                "PROC_CREATE pid=501 ppid=500 comm=app",
                "PT_ALLOC pid=500 frame=30 L1",
                "PT_ALLOC pid=500 frame=31 L1",
                "PROC_EXIT pid=501",
                "PROC_EXIT pid=500");
        assertThat(report.asMap().get("exits_without_address_space")).isEqualTo(1L);
    }

    @Test
    void xenPinsNameAPageOfTheirOwnMmEvenWhenAFrameMovedToAnother() {
        String text = "a 200/200 [000] 1.000000001: xen:xen_mmu_alloc_ptpage: mm 0xffff888000001000  pfn 10  level 1  pinned\n"
                + "r 9/9 [000] 1.000000002: xen:xen_mmu_release_ptpage: pfn 10  level 1  pinned\n"
                + "b 300/300 [000] 1.000000003: xen:xen_mmu_alloc_ptpage: mm 0xffff888000002000  pfn 10  level 1  pinned\n"
                + "a 200/200 [000] 1.000000004: xen:xen_mmu_alloc_ptpage: mm 0xffff888000001000  pfn 20  level 1  pinned\n"
                + "a 200/200 [000] 1.000000005: xen:xen_mmu_pgd_pin: mm 0xffff888000001000  pgd 0xffff888000020000\n";
        assertThat(run(text)).last().isEqualTo("PT_PIN pid=200 frame=20 L4");
    }

    @Test
    void crlfLinesAndAnIovaWithItsTopBitSet() {
        String text = (ev(60, 60, "2.0", "kmem:mm_page_alloc", "page=0x40 pfn=0x40 " + PT, "__alloc_pages", "pte_alloc_one")
                + ev(77, 77, "2.1", "iommu:map", "IOMMU: iova=0xfffffffffffff000 - 0x0000000000000000 paddr=0x1000 size=4096"))
                .replace("\n", "\r\n");
        assertThat(run(text)).containsExactly("PT_ALLOC pid=60 frame=40 L1", "IOMMU_MAP pid=77 frame=fffffffffffff count=1");
        assertThat(report.asMap().get("pt_allocations_with_pt_gfp_flags")).isEqualTo(1L);
        assertThat(report.malformed()).isZero();
    }

    @Test
    void theKernelsOwnPageTablesBelongToNoProcess() {
        String text = ev(60, 60, "3.0", "sched:sched_process_fork", "comm=sh pid=60 child_comm=sh child_pid=61")
                + ev(61, 61, "3.1", "kmem:mm_page_alloc", "page=0x50 pfn=0x50 " + PT,
                "__alloc_pages", "pte_alloc_one_kernel", "__pte_alloc_kernel", "vmap_range_noflush", "copy_process")
                + ev(61, 61, "3.2", "sched:sched_process_exit", "comm=sh pid=61 prio=120 group_dead=true")
                + ev(0, 0, "3.3", "sched:sched_process_exit", "comm=swapper pid=0 prio=120 group_dead=true");
        assertThat(run(text)).containsExactly("PROC_CREATE pid=61 ppid=60 comm=sh", "PT_ALLOC pid=0 frame=50 L1",
                "PROC_EXIT pid=61");
        assertThat(report.asMap().get("fork_pages_given_to_the_child")).isEqualTo(0L);
        assertThat(report.asMap().get("exits_without_address_space")).isEqualTo(1L);
    }
}
