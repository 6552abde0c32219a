package org.iosup.cli;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.iosup.testing.CliRun;
import org.iosup.testing.Traces;
import org.iosup.trace.Column;
import org.iosup.trace.EventBatch;
import org.iosup.trace.EventKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

class IngestCommandTest {
    private static final Path SAMPLE = Path.of("..", "traces", "sample.csv");

    @TempDir
    Path dir;

    private Path csv(String text) throws IOException {
        Path p = dir.resolve("in.csv");
        Files.writeString(p, text);
        return p;
    }

    private void assertNothingWritten() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).allMatch(n -> n.equals("in.csv"));
        }
    }

    @Test
    void ingestsTheSampleWithItsMetadata() {
        Path out = dir.resolve("sample.parquet");
        CliRun r = CliRun.run(new IngestCommand(), SAMPLE.toString(), "-o", out.toString());
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.err).contains("43 rows -> ");
        EventBatch b = Traces.readAll(out);
        assertThat(b.size()).isEqualTo(43);
        assertThat(EventKind.ofCode(b.kind()[0])).isEqualTo(EventKind.PROC_CREATE);
        assertThat(b.comm()[0]).isEqualTo("bash");
        CliRun inspect = CliRun.run(new InspectCommand(), out.toString());
        assertThat(inspect.out).contains("iosup.paging=pae");
    }

    @Test
    void columnsInAnyOrderAndGzipInputWork() throws IOException {
        Path gz = dir.resolve("t.csv.gz");
        try (OutputStream os = new GZIPOutputStream(Files.newOutputStream(gz))) {
            os.write("kind,level,frame,ts_ns,pid\nPT_ALLOC,3,1000,5,100\nPT_FREE,,1000,9,\n".getBytes(StandardCharsets.UTF_8));
        }
        Path out = dir.resolve("t.parquet");
        CliRun r = CliRun.run(new IngestCommand(), gz.toString(), "-o", out.toString(), "--codec", "snappy",
                "--meta", "iosup.paging=x86-64");
        assertThat(r.exitCode).as(r.toString()).isZero();
        EventBatch b = Traces.readAll(out);
        assertThat(b.size()).isEqualTo(2);
        assertThat(b.tsNs()[0]).isEqualTo(5);
        assertThat(b.level()[0]).isEqualTo(3);
        assertThat(b.frame()[1]).isEqualTo(1000);
        assertThat(b.has(1, Column.PID)).isFalse();
        assertThat(CliRun.run(new InspectCommand(), out.toString()).out).contains("SNAPPY").contains("iosup.paging=x86-64");
    }

    @Test
    void ingestThenExportGivesBackTheSameValuesRowByRow() throws IOException {
        Path parquet = dir.resolve("s.parquet");
        Path back = dir.resolve("s.csv");
        assertThat(CliRun.run(new IngestCommand(), SAMPLE.toString(), "-o", parquet.toString()).exitCode).isZero();
        CliRun r = CliRun.run(new ExportCommand(), parquet.toString(), "-o", back.toString());
        assertThat(r.exitCode).as(r.toString()).isZero();
        List<Map<String, String>> original = rows(Files.newBufferedReader(SAMPLE));
        List<Map<String, String>> exported = rows(Files.newBufferedReader(back));
        assertThat(exported).isEqualTo(original);
        assertThat(Files.readString(back)).startsWith("# iosup.paging=pae\n");

        CliRun stdout = CliRun.run(new ExportCommand(), parquet.toString(), "-o", "-");
        assertThat(rows(new StringReader(stdout.out))).isEqualTo(original);
    }

    /** CSV rows as maps from column to non-empty value (column order and empty cells do not matter). */
    private static List<Map<String, String>> rows(Reader in) throws IOException {
        try (var parser = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true)
                .setCommentMarker('#').get().parse(in)) {
            return parser.getRecords().stream().map(IngestCommandTest::nonEmpty).toList();
        }
    }

    private static Map<String, String> nonEmpty(CSVRecord r) {
        Map<String, String> m = new HashMap<>();
        r.toMap().forEach((k, v) -> {
            if (!v.isEmpty()) {
                m.put(k, v);
            }
        });
        return m;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown column        | ts_ns,kind,flavour\\n1,DMA,x\\n                       | line 1: column 'flavour': unknown column (known: ts_ns, kind,
            missing ts_ns         | kind,pid\\nPROC_EXIT,1\\n                            | line 1: column 'ts_ns': missing from the header; the events schema requires it
            repeated column       | ts_ns,kind,pid,pid\\n1,PROC_EXIT,1,1\\n              | line 1: column 'pid': column named twice in the header
            unknown kind          | ts_ns,kind,pid\\n1,PROC_EXIT,1\\n2,PROC_EXPLODE,1\\n | line 3: column 'kind' value 'PROC_EXPLODE': not a known kind (valid: PROC_CREATE, PROC_EXEC,
            non-numeric number    | ts_ns,kind,pid\\n1,PROC_EXIT,12x\\n                  | line 2: column 'pid' value '12x': not an integer
            level 7               | ts_ns,kind,frame,level\\n1,PT_ALLOC,10,7\\n          | line 2: column 'level' value '7': out of range 1..4
            decreasing timestamp  | ts_ns,kind,pid\\n5,PROC_EXIT,1\\n4,PROC_EXIT,2\\n    | line 3: column 'ts_ns' value '4': timestamps must not decrease (previous row has 5)
            missing required      | ts_ns,kind,frame,level\\n1,PT_ALLOC,10,\\n           | line 2: column 'level': required for kind PT_ALLOC but empty
            empty ts_ns           | ts_ns,kind,pid\\n,PROC_EXIT,1\\n                     | line 2: column 'ts_ns': required but empty
            negative timestamp    | ts_ns,kind,pid\\n-1,PROC_EXIT,1\\n                   | line 2: column 'ts_ns' value '-1': out of range 0..31622400000000000
            timestamp past a year | ts_ns,kind,pid\\n31622400000000001,PROC_EXIT,1\\n    | line 2: column 'ts_ns' value '31622400000000001': out of range 0..31622400000000000
            int32 overflow        | ts_ns,kind,pid\\n1,PROC_EXIT,4294967296\\n           | line 2: column 'pid' value '4294967296': out of range 0..2147483647
            bad boolean           | ts_ns,kind,device,addr,bytes,write\\n1,DMA,1,0,8,yes\\n | line 2: column 'write' value 'yes': not a boolean (true, false, 1 or 0)
            short row             | ts_ns,kind,pid\\n1,PROC_EXIT\\n                      | line 2: expected 3 fields as in the header, found 2
            comment shifts lines  | # iosup.paging=pae\\nts_ns,kind,pid\\n1,PROC_EXIT,x\\n | line 3: column 'pid' value 'x': not an integer
            """)
    void badRowsStopWithExitCode2ANamedLocationAndNoOutput(String name, String text, String message) throws IOException {
        Path in = csv(text.strip().replace("\\n", "\n"));
        Path out = dir.resolve("out.parquet");
        CliRun r = CliRun.run(new IngestCommand(), in.toString(), "-o", out.toString());
        assertThat(r.exitCode).as(r.toString()).isEqualTo(2);
        assertThat(r.err).startsWith("ingest: error: " + in + " " + message.strip());
        assertThat(r.err.strip().lines()).hasSize(1);
        assertNothingWritten();
    }

    @Test
    void anEmptyFileIsAnError() throws IOException {
        Path in = csv("");
        CliRun r = CliRun.run(new IngestCommand(), in.toString(), "-o", dir.resolve("o.parquet").toString());
        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err).startsWith("ingest: error: " + in + ": empty file: the first line must be a header");
        assertNothingWritten();
    }

    @Test
    void anOutputInAMissingFolderIsAnError() throws IOException {
        Path in = csv("ts_ns,kind,pid\n1,PROC_EXIT,1\n");
        Path out = dir.resolve("no/such/folder/o.parquet");
        CliRun r = CliRun.run(new IngestCommand(), in.toString(), "-o", out.toString());
        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err).isEqualTo("ingest: error: output folder does not exist: " + out.getParent()
                + " (for " + out + ")\n");
        assertNothingWritten();
    }

    @Test
    void aMissingInputAndAnUnknownCodecAreErrors() {
        CliRun r = CliRun.run(new IngestCommand(), dir.resolve("nope.csv").toString(), "-o", dir.resolve("o.parquet").toString());
        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err).isEqualTo("ingest: error: " + dir.resolve("nope.csv") + ": no such file\n");
        CliRun c = CliRun.run(new IngestCommand(), SAMPLE.toString(), "-o", dir.resolve("o.parquet").toString(), "--codec", "brotli9");
        assertThat(c.exitCode).isEqualTo(2);
        assertThat(c.err).contains("unknown codec 'brotli9' (valid: zstd, snappy, gzip, lz4_raw, uncompressed)");
    }

    @Test
    void missingOutputOptionIsAUsageError() {
        CliRun r = CliRun.run(new IngestCommand(), SAMPLE.toString());
        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err).contains("Missing required option: '--output=OUT.parquet'");
    }
}
