package org.iosup.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.iosup.testing.CliRun;
import org.iosup.trace.parquet.ParquetTraceReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code iosup import perf} on the committed recording (traces/README.md) and on broken input. */
class ImportCommandTest {
    private static final Path TRACES = Path.of("..", "traces");
    private static final Path SCRIPT = TRACES.resolve("perf-sample.script.gz");

    @TempDir
    Path dir;

    private static JsonNode json(Path p) throws IOException {
        return new ObjectMapper().readTree(p.toFile());
    }

    private String export(Path parquet) throws IOException {
        Path csv = dir.resolve(parquet.getFileName() + ".csv");
        CliRun r = CliRun.run(new ExportCommand(), parquet.toString(), "-o", csv.toString(), "-q");
        assertThat(r.exitCode).as(r.toString()).isZero();
        return Files.readString(csv);
    }

    private List<String> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void theCommittedRecordingGivesTheCountsItsReadmeStates() throws IOException {
        Path out = dir.resolve("perf-sample.parquet");
        CliRun r = CliRun.run(new ImportCommand(), "perf", SCRIPT.toString(), "-o", out.toString(),
                "--meta", "iosup.record.kernel=6.18.44-fc-v595", "--meta", "iosup.record.perf=perf version 6.1.187");
        assertThat(r.exitCode).as(r.toString()).isZero();
        // Issue 12: a table for people, not Java maps.
        assertThat(r.err).startsWith("iosup import: " + SCRIPT + " -> " + out + "\n"
                        + "  read:     1,386,086 lines, 281,795 samples, 81.4 MB in ")
                .containsPattern("\n    kmem:mm_page_alloc +96,704\n")
                .containsPattern("\n  page-table pages +level 1 +2 +3 +4 +total\n"
                        + "    allocated +1,475 +861 +517 +205 +3,058\n"
                        + "    freed \\(a free recorded\\) +1,169 +689 +404 +204 +2,466\n"
                        + "    live at the end +145\n")
                .containsPattern("\n    reallocated without a free: PT_FREE added +447\n")
                .containsPattern("\n    malformed lines \\(skipped\\) +0\n")
                .endsWith("\n  report:   " + dir.resolve("perf-sample.import.json") + "\n")
                .doesNotContain("{").doesNotContain("[");
        // Counts right-aligned in one column.
        assertThat(r.err.lines().filter(l -> l.startsWith("    ") && l.matches(".*\\d$")))
                .hasSizeGreaterThan(20).allSatisfy(l -> assertThat(l).hasSize(72));
        JsonNode m = json(dir.resolve("perf-sample.import.json"));
        // The figures of traces/README.md.
        assertThat(m.get("lines").asLong()).isEqualTo(1_386_086);
        assertThat(m.get("samples").asLong()).isEqualTo(281_795);
        assertThat(m.get("events").asLong()).isEqualTo(6_464);
        JsonNode written = m.get("events_written");
        assertThat(written.get("PROC_CREATE").asLong()).isEqualTo(165);
        assertThat(written.get("PROC_EXEC").asLong()).isEqualTo(164);
        assertThat(written.get("PROC_EXIT").asLong()).isEqualTo(164);
        assertThat(written.get("PT_ALLOC").asLong()).isEqualTo(3_058);
        assertThat(written.get("PT_FREE").asLong()).isEqualTo(2_913);
        long[] allocs = {1475, 861, 517, 205};
        long[] frees = {1169, 689, 404, 204};
        for (int level = 1; level <= 4; level++) {
            assertThat(m.get("pt_allocs_by_level").get(Integer.toString(level)).asLong()).isEqualTo(allocs[level - 1]);
            assertThat(m.get("pt_frees_by_level").get(Integer.toString(level)).asLong()).isEqualTo(frees[level - 1]);
        }
        assertThat(m.get("pages_live_at_end").asLong()).isEqualTo(145);
        assertThat(m.get("reallocations_without_free").asLong()).isEqualTo(447);
        assertThat(m.get("fork_pages_given_to_the_child").asLong()).isEqualTo(490);
        assertThat(m.get("pt_allocations_with_pt_gfp_flags").asLong()).isEqualTo(3_058);
        assertThat(m.get("other_allocations_with_pt_gfp_flags").asLong()).isZero();
        assertThat(m.get("malformed_lines").get("count").asLong()).isZero();
        assertThat(m.get("lost_records").asLong()).isZero();
        assertThat(m.get("events_late_beyond_window").asLong()).isZero();
        // Every PT_FREE is a matched free or an implicit one before a reallocation; every allocation is freed or live.
        long matched = 0;
        for (int level = 1; level <= 4; level++) {
            matched += m.get("pt_frees_by_level").get(Integer.toString(level)).asLong();
        }
        assertThat(matched + m.get("reallocations_without_free").asLong()).isEqualTo(written.get("PT_FREE").asLong());
        assertThat(written.get("PT_FREE").asLong() + m.get("pages_live_at_end").asLong())
                .isEqualTo(written.get("PT_ALLOC").asLong());

        // The committed Parquet form is this import, row for row, with the same metadata.
        assertThat(export(out)).isEqualTo(export(TRACES.resolve("perf-sample.parquet")));
        try (ParquetTraceReader fresh = ParquetTraceReader.open(out);
             ParquetTraceReader committed = ParquetTraceReader.open(TRACES.resolve("perf-sample.parquet"))) {
            Map<String, String> meta = fresh.metadata();
            assertThat(meta).containsEntry("iosup.paging", "x86-64").containsEntry("iosup.source", "perf")
                    .containsEntry("iosup.record.kernel", "6.18.44-fc-v595");
            assertThat(committed.metadata()).containsEntry("iosup.paging", "x86-64")
                    .containsEntry("iosup.record.kernel", "6.18.44-fc-v595");
        }
    }

    @Test
    void theSidecarHoldsExactlyTheKeysOfItsSchema() throws IOException {
        Path out = dir.resolve("t.parquet");
        Path in = dir.resolve("t.txt");
        Files.writeString(in, "sh 1/1 [000] 1.000000: sched:sched_process_fork: comm=sh pid=1 child_comm=sh child_pid=2\n");
        assertThat(CliRun.run(new ImportCommand(), "perf", in.toString(), "-o", out.toString(), "-q").exitCode).isZero();
        JsonNode schema = json(Path.of("..", "schemas", "import-report.schema.json"));
        List<String> required = new ArrayList<>();
        schema.get("required").forEach(n -> required.add(n.asText()));
        List<String> properties = new ArrayList<>();
        schema.get("properties").fieldNames().forEachRemaining(properties::add);
        List<String> keys = new ArrayList<>();
        json(dir.resolve("t.import.json")).fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactlyElementsOf(properties).containsExactlyInAnyOrderElementsOf(required);
        // And every key is documented for people.
        String doc = Files.readString(Path.of("..", "schemas", "README.md"));
        assertThat(keys).allSatisfy(k -> assertThat(doc).contains("`" + k + "`"));
    }

    @Test
    void gzipAndStandardInputNamesAndAnEmptyInput() throws IOException {
        Path gz = dir.resolve("t.txt.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
            o.write(("sh 1/1 [000] 1.000000: sched:sched_process_fork: comm=sh pid=1 child_comm=sh child_pid=2\n"
                    + "sh 2/2 [000] 1.000001: sched:sched_process_exit: comm=sh pid=2 prio=120\n").getBytes(StandardCharsets.UTF_8));
        }
        Path out = dir.resolve("g.parquet");
        CliRun r = CliRun.run(new ImportCommand(), "perf", gz.toString(), "-o", out.toString());
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(export(out)).contains("PROC_EXIT");
        // An empty input is an error, as one of blank lines is (issue 13: it gave an empty trace, exit code 0).
        Path empty = dir.resolve("empty.txt");
        Files.writeString(empty, "");
        Path out2 = dir.resolve("e.parquet");
        r = CliRun.run(new ImportCommand(), "perf", empty.toString(), "-o", out2.toString(), "-q");
        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err).isEqualTo("import perf: error: " + empty + ": empty (0 bytes): no perf script text to import (nothing written)\n");
        Files.writeString(empty, "\n\n  \n");
        r = CliRun.run(new ImportCommand(), "trace-cmd", empty.toString(), "-o", out2.toString(), "-q");
        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err).contains(empty + ": no trace-cmd report event in 3 lines");
        assertThat(files()).containsExactly("empty.txt", "g.import.json", "g.parquet", "g.parquet.csv", "t.txt.gz");
    }

    @Test
    void traceCmdReportTextWithItsSourceInTheMetadata() throws IOException {
        Path in = dir.resolve("report.txt");
        Files.writeString(in, "cpus=2\n"
                + "            bash-4101  [001]  1200.000200: mm_page_alloc:        page=0xffffea00066942c0 pfn=0x19a50b "
                + "order=0 migratetype=0 gfp_flags=GFP_KERNEL_ACCOUNT|__GFP_ZERO|__GFP_COMP\n"
                + "            bash-4101  [001]  1200.000201: kernel_stack:         <stack trace >\n"
                + "=> __alloc_frozen_pages_noprof (ffffffff8161f42b)\n"
                + "=> __pmd_alloc (ffffffff815e562e)\n");
        Path out = dir.resolve("tc.parquet");
        CliRun r = CliRun.run(new ImportCommand(), "trace-cmd", in.toString(), "-o", out.toString());
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.err).containsPattern("\n    allocated +0 +1 +0 +0 +1\n");
        assertThat(export(out)).contains("PT_ALLOC");
        try (ParquetTraceReader t = ParquetTraceReader.open(out)) {
            assertThat(t.metadata()).containsEntry("iosup.source", "trace-cmd");
        }
        // perf's importer does not take trace-cmd's layout for its own: every line is malformed.
        r = CliRun.run(new ImportCommand(), "perf", in.toString(), "-o", out.toString(), "--strict");
        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err).contains("report.txt line 1: malformed");
    }

    @Test
    void strictStopsAtTheFirstMalformedLineWithItsNumberAndWritesNothing() throws IOException {
        Path in = dir.resolve("bad.txt");
        Files.writeString(in, "sh 1/1 [000] 1.000000: sched:sched_process_fork: comm=sh pid=1 child_comm=sh child_pid=2\n"
                + "sh 1/1 [000] 1.000001: sched:sched_process_exec: filename=/bin/ls pid=2 old_pid=2\n"
                + "sh 2/2 [00\n");
        Path out = dir.resolve("bad.parquet");
        CliRun r = CliRun.run(new ImportCommand(), "perf", in.toString(), "-o", out.toString(), "--strict");
        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err).contains("bad.txt line 3: malformed").doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(files()).containsExactly("bad.txt");
        // Without --strict the line is counted and skipped.
        r = CliRun.run(new ImportCommand(), "perf", in.toString(), "-o", out.toString());
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(json(dir.resolve("bad.import.json")).get("malformed_lines").get("first_lines").get(0).asLong())
                .isEqualTo(3);
    }

    @Test
    void aNumberOutOfRangeIsCountedAndReportedOrUnderStrictStopsTheImport() throws IOException {
        Path in = dir.resolve("big.txt");
        Files.writeString(in, "sh 1/1 [000] 1.000000: sched:sched_process_fork: comm=sh pid=1 child_comm=sh child_pid=2\n"
                + "sh 4294967396/4294967396 [000] 1.000001: sched:sched_process_exit: comm=sh pid=4294967396 prio=120\n"
                + "sh 2/2 [000] 1.000002: sched:sched_process_exit: comm=sh pid=2 prio=120\n");
        Path out = dir.resolve("big.parquet");
        CliRun r = CliRun.run(new ImportCommand(), "perf", in.toString(), "-o", out.toString(), "--strict");
        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err).isEqualTo("import perf: error: " + in
                + " line 2: pid/tid '4294967396/4294967396' out of range 0..2147483647 (--strict)\n");
        assertThat(files()).containsExactly("big.txt");
        r = CliRun.run(new ImportCommand(), "perf", in.toString(), "-o", out.toString());
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.err).containsPattern("\n    numbers out of range \\(line skipped\\) +1   2\n");
        JsonNode range = json(dir.resolve("big.import.json")).get("out_of_range_lines");
        assertThat(range.get("count").asLong()).isEqualTo(1);
        assertThat(range.get("first_lines").get(0).asLong()).isEqualTo(2);
        assertThat(export(out)).doesNotContain("4294967396").doesNotContain(",100,");
    }

    @Test
    void metadataOptionsAreChecked() throws IOException {
        Path in = dir.resolve("t.txt");
        Files.writeString(in, "sh 1/1 [000] 1.000000: sched:sched_process_fork: comm=sh pid=1 child_comm=sh child_pid=2\n");
        Path out = dir.resolve("t.parquet");
        CliRun r = CliRun.run(new ImportCommand(), "perf", in.toString(), "-o", out.toString(), "--meta", "iosup.paging=pae");
        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err).isEqualTo("import perf: error: --meta iosup.paging: set by the import itself (use --paging)\n");
        r = CliRun.run(new ImportCommand(), "trace-cmd", in.toString(), "-o", out.toString(), "--meta", "iosup.kernel=6.18");
        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err).contains("--meta iosup.kernel: metadata key 'iosup.kernel': not an iosup key");
        assertThat(files()).containsExactly("t.txt");
    }

    @Test
    void badOptionsAndMissingFilesAreUserErrors() throws IOException {
        Path out = dir.resolve("x.parquet");
        CliRun r = CliRun.run(new ImportCommand(), "perf", dir.resolve("missing.txt").toString(), "-o", out.toString());
        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err).contains("missing.txt").doesNotContain("\tat ");
        Path in = dir.resolve("ok.txt");
        Files.writeString(in, "");
        r = CliRun.run(new ImportCommand(), "perf", in.toString(), "-o", out.toString(), "--paging", "3-level");
        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err).contains("--paging 3-level: unknown");
        r = CliRun.run(new ImportCommand(), "perf", in.toString(), "-o", out.toString(), "--xen-levels", "five");
        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err).contains("--xen-levels five: unknown");
        r = CliRun.run(new ImportCommand(), "perf", in.toString(), "-o", "-");
        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err).contains("-o -: the trace is Parquet and goes to a file");
        // A CSV trace is named as such, with the command that reads it; nothing written.
        Path csv = dir.resolve("trace.csv");
        Files.writeString(csv, "ts_ns,kind,pid\n0,PROC_CREATE,1\n5,PROC_EXIT,1\n");
        r = CliRun.run(new ImportCommand(), "perf", csv.toString(), "-o", out.toString());
        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err).contains("trace.csv: is CSV text in iosup's event schema, not the output of perf: store it with"
                + " 'iosup ingest " + csv + " -o " + dir.resolve("trace.parquet") + "'");
        // Other text that is not perf script: no sample in it, an error, nothing written.
        Path notes = dir.resolve("notes.txt");
        Files.writeString(notes, "shopping list\nmilk\neggs\n");
        r = CliRun.run(new ImportCommand(), "perf", notes.toString(), "-o", out.toString());
        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err).contains("notes.txt: no perf script sample in 3 lines: is it the text of 'perf script'?");
        assertThat(files()).containsExactly("notes.txt", "ok.txt", "trace.csv");
    }
}
