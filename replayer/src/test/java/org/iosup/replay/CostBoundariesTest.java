package org.iosup.replay;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.iosup.cli.IngestCommand;
import org.iosup.replayer.cli.ReplayCommand;
import org.iosup.testing.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where the CPU of a fork and an exit lands, operation by operation, under the documented default
 * costs (docs/model.md §7): each expected figure below is written out from the rules, not read off
 * the code, so a change of where a cost is charged fails here.
 */
class CostBoundariesTest {
    // The defaults of the `defaults` profile (model/Cost.java, docs/model.md §7).
    static final long BUDDY_ALLOC = 200, ZERO = 400, BUDDY_FREE = 150, POOL_ALLOC = 60, POOL_FREE = 40, CTOR = 100,
            DTOR = 50, PGD_CTOR = 400, PGD_DTOR = 50, HYPERCALL = 1000, MC_ENTRY = 150, VALIDATE = 4, IOMMU_OP = 200,
            FLUSH_CALL = 100, MMU_ENTRY = 100, PRESENT = 64, ZAP = 20, FORK = 45_000, EXIT = 15_000;

    @TempDir
    Path dir;

    /**
     * Two PAE processes one after the other, each built by fork with a PGD (L3), the 4 PMDs PAE
     * preallocates (L2) and {@code l1} PTE pages, one mmu_update batch of 10 entries, then exit.
     * The second reuses the first one's frames.
     */
    private Path forkExitTwice(int l1) throws IOException {
        StringBuilder csv = new StringBuilder("# iosup.paging=pae\nts_ns,kind,pid,frame,level,count\n");
        for (int p = 0; p < 2; p++) {
            long t = p * 1_000_000L;
            int pid = 100 + p;
            csv.append(t).append(",PROC_CREATE,").append(pid).append(",,,\n");
            csv.append(t + 1).append(",PT_ALLOC,").append(pid).append(",1000,3,\n");
            for (int k = 0; k < 4; k++) {
                csv.append(t + 2 + k).append(",PT_ALLOC,").append(pid).append(',').append(1001 + k).append(",2,\n");
            }
            for (int k = 0; k < l1; k++) {
                csv.append(t + 10 + k).append(",PT_ALLOC,").append(pid).append(',').append(2000 + k).append(",1,\n");
            }
            csv.append(t + 100).append(",MMU_UPDATE,").append(pid).append(",,,10\n");
            csv.append(t + 500_000).append(",PROC_EXIT,").append(pid).append(",,,\n");
            for (int k = l1 - 1; k >= 0; k--) {
                csv.append(t + 500_001 + (l1 - 1 - k)).append(",PT_FREE,").append(pid).append(',').append(2000 + k).append(",1,\n");
            }
            for (int k = 0; k < 4; k++) {
                csv.append(t + 500_100 + k).append(",PT_FREE,").append(pid).append(',').append(1001 + k).append(",2,\n");
            }
            csv.append(t + 500_200).append(",PT_FREE,").append(pid).append(",1000,3,\n");
        }
        Path in = dir.resolve("fork-exit-" + l1 + ".csv");
        Files.writeString(in, csv);
        Path out = dir.resolve("fork-exit-" + l1 + ".parquet");
        CliRun r = CliRun.run(new IngestCommand(), in.toString(), "-o", out.toString(), "-q");
        assertThat(r.exitCode).as(r.toString()).isZero();
        return out;
    }

    private Map<String, CSVRecord> replay(Path trace, String name, String... more) throws IOException {
        Path out = dir.resolve(name);
        List<String> args = new java.util.ArrayList<>(List.of(trace.toString(), "--profile", "xen-4.2.1",
                "--policy", "disabled", "--policy", "pre-enabled", "--costs", "defaults", "-o", out.toString(), "-q"));
        args.addAll(List.of(more));
        CliRun r = CliRun.run(new ReplayCommand(), args.toArray(String[]::new));
        assertThat(r.exitCode).as(r.toString()).isZero();
        Map<String, CSVRecord> byPolicy = new LinkedHashMap<>();
        try (Reader in = Files.newBufferedReader(out.resolve("summary.csv"))) {
            for (CSVRecord rec : CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(in)) {
                byPolicy.put(rec.get("policy"), rec);
            }
        }
        return byPolicy;
    }

    private static long ns(CSVRecord r, String column) {
        return Long.parseLong(r.get(column));
    }

    @Test
    void aForkAndAnExitChargeExactlyTheDocumentedOperations() throws IOException {
        Map<String, CSVRecord> s = replay(forkExitTwice(1), "one");
        int pages = 6;
        // Allocation functions: a zeroed page from the page allocator and the constructor each; pgd_ctor once.
        long allocFresh = pages * (BUDDY_ALLOC + ZERO + CTOR) + PGD_CTOR;
        // The PV pin of the whole mm at the end of fork (xen_dup_mmap): one multicall of 6 operations, one
        // hypercall; Xen validates 4 entries of the PAE L3 and 512 of every other table; each type change
        // unmaps the page from the IOMMU with a flush call (xen-4.2.1 issues none).
        long validated = (4 + 5 * 512) * VALIDATE;
        long pin = pages * MC_ENTRY + HYPERCALL + validated + pages * (IOMMU_OP + FLUSH_CALL);
        // Exit unpins the mm first (xen_exit_mmap): the same operations, mapping the pages back.
        long unpin = pin;
        // Teardown of the PTE page: unpinned, so its present entries are cleared with plain writes.
        long teardownUnpinned = PRESENT * ZAP;
        // Free functions: destructors, pgd_dtor once, the page allocator's free.
        long freeToAllocator = pages * (DTOR + BUDDY_FREE) + PGD_DTOR;
        long mmu = HYPERCALL + 10 * MMU_ENTRY;
        long process = FORK + EXIT;

        CSVRecord d = s.get("disabled");
        assertThat(ns(d, "cpu_ns_alloc")).isEqualTo(2 * allocFresh);
        assertThat(ns(d, "cpu_ns_pin")).isEqualTo(2 * pin);
        assertThat(ns(d, "cpu_ns_unpin")).isEqualTo(2 * unpin);
        assertThat(ns(d, "cpu_ns_teardown")).isEqualTo(2 * teardownUnpinned);
        assertThat(ns(d, "cpu_ns_free")).isEqualTo(2 * freeToAllocator);
        assertThat(ns(d, "cpu_ns_mmu_update")).isEqualTo(2 * mmu);
        assertThat(ns(d, "cpu_ns_process")).isEqualTo(2 * process);
        long totalDisabled = 2 * (allocFresh + pin + unpin + teardownUnpinned + freeToAllocator + mmu + process);
        assertThat(ns(d, "cpu_ns_total")).isEqualTo(totalDisabled);
        assertThat(Double.parseDouble(d.get("cpu_us_per_exit"))).isEqualTo(totalDisabled / 2 / 1e3);

        // With the pools: the first fork finds them empty and pins; the exiting mm stays pinned, so its PTE
        // page is cleared through Xen (one mmu_update entry each, 32 to a multicall), and its pages go to the
        // pools; the second fork takes them, already typed and pinned: no pin at all.
        CSVRecord p = s.get("pre-enabled");
        long allocPooled = pages * (POOL_ALLOC + CTOR) + PGD_CTOR;
        long teardownPinned = PRESENT * ZAP + PRESENT * MMU_ENTRY + (PRESENT / 32) * HYPERCALL;
        long freeToPool = pages * (DTOR + POOL_FREE) + PGD_DTOR;
        assertThat(ns(p, "cpu_ns_alloc")).isEqualTo(allocFresh + allocPooled);
        assertThat(ns(p, "cpu_ns_pin")).isEqualTo(pin);
        assertThat(ns(p, "cpu_ns_unpin")).isZero();
        assertThat(ns(p, "cpu_ns_teardown")).isEqualTo(2 * teardownPinned);
        assertThat(ns(p, "cpu_ns_free")).isEqualTo(2 * freeToPool);
        assertThat(ns(p, "cpu_ns_mmu_update")).isEqualTo(2 * mmu);
        assertThat(ns(p, "cpu_ns_process")).isEqualTo(2 * process);
        assertThat(ns(p, "cpu_ns_total")).isEqualTo(allocFresh + allocPooled + pin + 2 * teardownPinned + 2 * freeToPool
                + 2 * mmu + 2 * process);
    }

    @Test
    void theWholeMmPinIsBatchedInMulticallsOfMcBatchOperations() throws IOException {
        // 1 + 4 + 28 = 33 pages: two multicalls (32 + 1 operations), so two hypercalls.
        Map<String, CSVRecord> s = replay(forkExitTwice(28), "batched");
        int pages = 33;
        long pin = pages * MC_ENTRY + 2 * HYPERCALL + (4 + 32 * 512) * VALIDATE + pages * (IOMMU_OP + FLUSH_CALL);
        assertThat(ns(s.get("disabled"), "cpu_ns_pin")).isEqualTo(2 * pin);
        // A batch of 64 makes it one hypercall.
        Map<String, CSVRecord> one = replay(forkExitTwice(28), "batch64", "--cost", "multicall_batch=64");
        assertThat(ns(one.get("disabled"), "cpu_ns_pin")).isEqualTo(2 * (pin - HYPERCALL));
    }

    @Test
    void theAllocationAndFreeColumnsAreTheSumOfTheirLevels() throws IOException {
        Path out = dir.resolve("levels");
        CliRun r = CliRun.run(new ReplayCommand(), forkExitTwice(3).toString(), "--costs", "defaults", "-o", out.toString(), "-q");
        assertThat(r.exitCode).as(r.toString()).isZero();
        try (Reader in = Files.newBufferedReader(out.resolve("minutes.csv"))) {
            for (CSVRecord rec : CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(in)) {
                for (String path : List.of("alloc", "free")) {
                    long levels = 0;
                    for (int l = 1; l <= 4; l++) {
                        levels += Long.parseLong(rec.get("cpu_ns_" + path + "_l" + l));
                    }
                    assertThat(Long.parseLong(rec.get("cpu_ns_" + path))).isEqualTo(levels);
                }
                long parts = 0;
                for (String part : List.of("alloc", "free", "pin", "unpin", "teardown", "mmu_update", "process")) {
                    parts += Long.parseLong(rec.get("cpu_ns_" + part));
                }
                assertThat(Long.parseLong(rec.get("cpu_ns_total"))).isEqualTo(parts);
            }
        }
    }
}
