package org.iosup.cli;

import org.apache.commons.csv.CSVRecord;
import org.iosup.testing.CliRun;
import org.iosup.trace.EventBatch;
import org.iosup.trace.EventKind;
import org.iosup.trace.Granularity;
import org.iosup.trace.PageType;
import org.iosup.trace.parquet.ParquetTraceWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.iosup.testing.Csv.header;
import static org.iosup.testing.Csv.read;

class AnalyzeCommandTest {
    private static final long S = 1_000_000_000L;

    @TempDir
    Path dir;

    @Test
    void countsWhatTheTraceRecordedPerMinute() throws IOException {
        Path trace = dir.resolve("t.parquet");
        EventBatch b = new EventBatch();
        b.setPid(b.add(0, EventKind.PROC_CREATE), 10);
        int i = b.add(1, EventKind.PT_ALLOC);
        b.setPid(i, 10).setFrame(i, 500).setLevel(i, 3);
        i = b.add(2, EventKind.PT_ALLOC);
        b.setPid(i, 10).setFrame(i, 501).setLevel(i, 1);
        i = b.add(3, EventKind.TYPE_CHANGE);
        b.setFrame(i, 501).setTypes(i, PageType.WRITABLE, PageType.L1);
        i = b.add(4, EventKind.IOMMU_UNMAP);
        b.setFrame(i, 501);
        i = b.add(5, EventKind.IOTLB_FLUSH);
        b.setGranularity(i, Granularity.PAGE).setFrame(i, 501);
        i = b.add(6, EventKind.MMU_UPDATE);
        b.setCount(i, 12);
        i = b.add(10 * S, EventKind.DMA);
        b.setDevice(i, 256).setAddr(i, 8192).setBytes(i, 1500).setWrite(i, true);
        i = b.add(11 * S, EventKind.DMA);
        b.setDevice(i, 250).setAddr(i, 4096).setBytes(i, 4096);
        i = b.add(61 * S, EventKind.DMA);
        b.setDevice(i, 256).setAddr(i, 8192).setBytes(i, 500);
        b.setPid(b.add(70 * S, EventKind.PROC_EXIT), 10);
        i = b.add(71 * S, EventKind.PT_FREE);
        b.setFrame(i, 500);
        i = b.add(71 * S, EventKind.PT_FREE);
        b.setFrame(i, 501).setLevel(i, 1);
        try (ParquetTraceWriter w = ParquetTraceWriter.create(trace)) {
            w.write(b);
            w.commit();
        }
        Path out = dir.resolve("a");
        CliRun r = CliRun.run(new AnalyzeCommand(), trace.toString(), "-o", out.toString());
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(header(out.resolve("minutes.csv"))).isEqualTo(org.iosup.report.AnalysisReport.MINUTES.fieldNames());
        assertThat(header(out.resolve("devices.csv"))).isEqualTo(org.iosup.report.AnalysisReport.DEVICES.fieldNames());
        assertThat(header(out.resolve("validation.csv"))).isEqualTo(org.iosup.report.AnalysisReport.VALIDATION.fieldNames());
        List<CSVRecord> m = read(out.resolve("minutes.csv"));
        assertThat(m).hasSize(2);
        CSVRecord m0 = m.get(0);
        assertThat(m0.get("proc_creates")).isEqualTo("1");
        assertThat(m0.get("pt_allocs")).isEqualTo("2");
        assertThat(m0.get("pt_allocs_l3")).isEqualTo("1");
        assertThat(m0.get("pt_allocs_l1")).isEqualTo("1");
        assertThat(m0.get("type_changes_to_pt")).isEqualTo("1");
        assertThat(m0.get("iommu_unmaps")).isEqualTo("1");
        assertThat(m0.get("iotlb_flushes_page")).isEqualTo("1");
        assertThat(m0.get("mmu_update_entries")).isEqualTo("12");
        assertThat(m0.get("dma_accesses")).isEqualTo("2");
        assertThat(m0.get("dma_bytes")).isEqualTo("5596");
        assertThat(m0.get("dma_write_bytes")).isEqualTo("1500");
        assertThat(m0.get("pt_pages_live")).isEqualTo("2");
        assertThat(m0.get("processes_live")).isEqualTo("1");
        CSVRecord m1 = m.get(1);
        assertThat(m1.get("proc_exits")).isEqualTo("1");
        assertThat(m1.get("pt_frees")).isEqualTo("2");
        assertThat(m1.get("pt_frees_l3")).isEqualTo("1"); // level taken from the allocation
        assertThat(m1.get("pt_pages_live")).isEqualTo("0");
        List<CSVRecord> d = read(out.resolve("devices.csv"));
        assertThat(d).extracting(x -> x.get("minute") + " " + x.get("bdf") + " " + x.get("dma_bytes"))
                .containsExactly("0 00:1f.2 4096", "0 01:00.0 1500", "1 01:00.0 500");
        assertThat(read(out.resolve("validation.csv"))).allMatch(x -> x.get("count").equals("0"));
    }

    @Test
    void theHealthReportFindsEachSeededFault() throws IOException {
        // Written as CSV and ingested: rows 1..11 (the header is line 1, so row n is line n + 1).
        Path csv = dir.resolve("broken.csv");
        Files.writeString(csv, String.join("\n",
                "ts_ns,kind,pid,frame,level",
                "0,PROC_CREATE,1,,",             // row 1
                "1,PT_ALLOC,1,100,2",            // row 2: never freed
                "2,PT_ALLOC,1,100,2",            // row 3: allocation of a live frame
                "3,PROC_EXIT,9,,",               // row 4: exit without creation
                "4,PT_FREE,,555,",               // row 5: free without allocation
                "5,PT_ALLOC,1,200,1",            // row 6
                "6,PT_FREE,,200,2",              // row 7: level mismatch
                "100000000000,PROC_CREATE,2,,",  // row 8: 100 s after row 7: a gap
                "100000000001,PT_ALLOC,2,300,1", // row 9: never freed
                "")) ;
        Path trace = dir.resolve("broken.parquet");
        assertThat(CliRun.run(new IngestCommand(), csv.toString(), "-o", trace.toString(), "-q").exitCode).isZero();
        Path out = dir.resolve("v");
        CliRun r = CliRun.run(new AnalyzeCommand(), trace.toString(), "-o", out.toString());
        assertThat(r.exitCode).as(r.toString()).isZero();
        List<CSVRecord> v = read(out.resolve("validation.csv"));
        assertThat(v).extracting(x -> x.get("check") + "=" + x.get("count") + ":" + x.get("first_rows")).containsExactly(
                "rows_out_of_time_order=0:",
                "exits_without_creation=1:4",
                "frees_without_allocation=1:5",
                "allocations_of_live_frames=1:3",
                "level_mismatches=1:7",
                "pages_live_at_end=2:3 9",
                "processes_live_at_end=2:1 8",
                "gaps_longer_than_a_minute=1:8");
        assertThat(r.out).contains("frees_without_allocation").contains("5");
    }

    @Test
    void oneRowInOneMinuteIsSaidInTheSingular() throws IOException {
        Path csv = dir.resolve("one.csv");
        Files.writeString(csv, "ts_ns,kind,pid\n0,PROC_CREATE,1\n");
        Path trace = dir.resolve("one.parquet");
        CliRun ingest = CliRun.run(new IngestCommand(), csv.toString(), "-o", trace.toString());
        assertThat(ingest.err).startsWith("iosup ingest: 1 row -> ");
        CliRun r = CliRun.run(new AnalyzeCommand(), trace.toString(), "-o", dir.resolve("a1").toString());
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.out).startsWith("1 row, 1 minute -> ");
    }

    @Test
    void rowsOutOfOrderAreCountedNotFatal() throws IOException {
        // A Parquet file written by another tool may hold rows out of order; analyze reports them.
        Path trace = dir.resolve("disorder.parquet");
        EventBatch b = new EventBatch();
        b.setPid(b.add(50, EventKind.PROC_CREATE), 1);
        b.setPid(b.add(40, EventKind.PROC_EXIT), 1);
        b.setPid(b.add(60, EventKind.PROC_CREATE), 2);
        b.setPid(b.add(55, EventKind.PROC_EXIT), 2);
        // iosup's own writer refuses rows out of order; parquet-java's example writer stands for the other tool.
        org.iosup.testing.ForeignParquet.write(trace, b, org.iosup.testing.ForeignParquet.Options.DEFAULT);
        Path out = dir.resolve("o");
        assertThat(CliRun.run(new AnalyzeCommand(), trace.toString(), "-o", out.toString(), "-q").exitCode).isZero();
        assertThat(read(out.resolve("validation.csv")).get(0).get("count")).isEqualTo("2");
        assertThat(read(out.resolve("validation.csv")).get(0).get("first_rows")).isEqualTo("2 4");
    }
}
