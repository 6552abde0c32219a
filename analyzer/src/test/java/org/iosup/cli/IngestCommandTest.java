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

    @Test
    void exportToAClosedStandardOutputIsAnError() throws IOException {
        // Issue 13: 'export x.parquet -o - >&-' wrote nothing and exited 0 (PrintWriter keeps its errors).
        Path parquet = dir.resolve("s.parquet");
        assertThat(CliRun.run(new IngestCommand(), SAMPLE.toString(), "-o", parquet.toString(), "-q").exitCode).isZero();
        java.io.Writer closed = new java.io.Writer() {
            @Override
            public void write(char[] cbuf, int off, int len) throws IOException {
                throw new IOException("Bad file descriptor");
            }

            @Override
            public void flush() throws IOException {
                throw new IOException("Bad file descriptor");
            }

            @Override
            public void close() {
            }
        };
        CliRun r = CliRun.run(new java.io.PrintWriter(closed), new ExportCommand(), parquet.toString(), "-o", "-");
        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err).isEqualTo("export: error: standard output: cannot write the CSV (is it closed, or did its "
                + "reader stop?); what was written is incomplete\n");
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

    /** Ingests {@code text} (as bytes) and returns the rows, failing with the run's output when it does not exit 0. */
    private EventBatch ingest(byte[] text, String... options) throws IOException {
        Path in = dir.resolve("in.csv");
        Files.write(in, text);
        Path out = dir.resolve("out.parquet");
        String[] args = Stream.concat(Stream.of(in.toString(), "-o", out.toString(), "-q"), Stream.of(options))
                .toArray(String[]::new);
        CliRun r = CliRun.run(new IngestCommand(), args);
        assertThat(r.exitCode).as(r.toString()).isZero();
        EventBatch b = Traces.readAll(out);
        Files.delete(out);
        return b;
    }

    private EventBatch ingest(String text, String... options) throws IOException {
        return ingest(text.getBytes(StandardCharsets.UTF_8), options);
    }

    /** Ingests {@code text}, expecting exit code 2 with one line on standard error that starts with the input's name. */
    private String refused(byte[] text, String... options) throws IOException {
        Path in = dir.resolve("in.csv");
        Files.write(in, text);
        String[] args = Stream.concat(Stream.of(in.toString(), "-o", dir.resolve("out.parquet").toString()),
                Stream.of(options)).toArray(String[]::new);
        CliRun r = CliRun.run(new IngestCommand(), args);
        assertThat(r.exitCode).as(r.toString()).isEqualTo(2);
        assertThat(r.err.strip().lines()).as(r.err).hasSize(1);
        assertNothingWritten();
        return r.err.strip();
    }

    private String refused(String text, String... options) throws IOException {
        return refused(text.getBytes(StandardCharsets.UTF_8), options);
    }

    /** A CSV text of {@code n} PROC_EXIT rows (ts_ns = row index) after {@code first}, with {@code eol} line ends. */
    private static String rows(String first, int n, String eol) {
        StringBuilder s = new StringBuilder("ts_ns,kind,pid,comm").append(eol).append(first);
        for (int i = 0; i < n; i++) {
            s.append(i).append(",PROC_EXIT,").append(i % 1000).append(",sh").append(eol);
        }
        return s.toString();
    }

    @Test
    void crOnlyLineEndsLoseNoRow() throws IOException {
        // Issue 13: this text gave 0 rows.
        EventBatch b = ingest("ts_ns,kind,pid\r0,PROC_CREATE,1\r5,PROC_EXIT,1\r");
        assertThat(b.size()).isEqualTo(2);
        assertThat(b.tsNs()[1]).isEqualTo(5);
        assertThat(b.pid()[1]).isEqualTo(1);
        // A header ending in CR followed by rows ending in LF dropped the first row.
        b = ingest("ts_ns,kind,pid\r0,PROC_CREATE,1\n5,PROC_EXIT,1\n");
        assertThat(b.size()).isEqualTo(2);
        assertThat(EventKind.ofCode(b.kind()[0])).isEqualTo(EventKind.PROC_CREATE);
        // CRLF, and every ending mixed, with metadata lines in CR.
        b = ingest("# iosup.paging=pae\r# iosup.source=hand\rts_ns,kind,pid\r\n0,PROC_CREATE,1\r\n1,PROC_EXEC,1\r"
                + "2,PROC_EXIT,1\n\r\n\r3,PROC_CREATE,2");
        assertThat(b.size()).isEqualTo(4);
        assertThat(b.tsNs()[3]).isEqualTo(3);
    }

    @Test
    void crOnlyLineEndsAcrossTheParallelChunks() throws IOException {
        // 20,000 rows: several chunks of 8,192 records, each ending in CR; and then a CR-LF at every other cut.
        for (String eol : List.of("\r", "\r\n", "\n")) {
            EventBatch b = ingest(rows("", 20_000, eol));
            assertThat(b.size()).as(eol.replace("\r", "CR").replace("\n", "LF")).isEqualTo(20_000);
            assertThat(b.tsNs()[19_999]).isEqualTo(19_999);
            assertThat(b.pid()[8_192]).isEqualTo(192);
        }
    }

    @Test
    void aQuoteInsideAnUnquotedFieldIsACharacterAndTheRowsAfterItAllArrive() throws IOException {
        // Issue 13: the parallel chunker took the quote for an opening one and failed with
        // ArrayIndexOutOfBoundsException 16384 after 16,384 more rows; DuckDB reads the file.
        EventBatch b = ingest(rows("0,PROC_CREATE,7,ab\"c\n", 20_000, "\n"));
        assertThat(b.size()).isEqualTo(20_001);
        assertThat(b.comm()[0]).isEqualTo("ab\"c");
        assertThat(b.tsNs()[20_000]).isEqualTo(19_999);
        // Quoted fields with doubled quotes, commas and line breaks inside, and "#" inside fields.
        b = ingest("ts_ns,kind,pid,comm\n0,PROC_CREATE,1,\"say \"\"hi\"\", then\r\n# go\"\n1,PROC_EXIT,\"1\",# x\n");
        assertThat(b.size()).isEqualTo(2);
        assertThat(b.comm()[0]).isEqualTo("say \"hi\", then\r\n# go");
        assertThat(b.comm()[1]).isEqualTo("# x");
    }

    @Test
    void aQuoteInACommentLineBeforeTheHeaderIsPartOfTheComment() throws IOException {
        // Issue 13: this valid file was "empty".
        EventBatch b = ingest("# a \"note\n# iosup.source=the \"lab\" box\nts_ns,kind,pid\n0,PROC_CREATE,1\n");
        assertThat(b.size()).isEqualTo(1);
        Path in = dir.resolve("in.csv");
        CliRun r = CliRun.run(new IngestCommand(), in.toString(), "-o", dir.resolve("m.parquet").toString(), "-q");
        assertThat(r.exitCode).isZero();
        // The quote did not merge the next line into the value.
        assertThat(CliRun.run(new InspectCommand(), dir.resolve("m.parquet").toString()).out)
                .contains("iosup.source=the \"lab\" box\n");
    }

    @Test
    void aByteOrderMarkIsSkippedAndBytesThatAreNotUtf8AreAnErrorAtTheirLine() throws IOException {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] text = "ts_ns,kind,pid,comm\n0,PROC_CREATE,1,caf\u00e9\n".getBytes(StandardCharsets.UTF_8);
        byte[] withBom = new byte[bom.length + text.length];
        System.arraycopy(bom, 0, withBom, 0, 3);
        System.arraycopy(text, 0, withBom, 3, text.length);
        assertThat(ingest(withBom).comm()[0]).isEqualTo("caf\u00e9");
        // Latin-1 text: the é is byte 0xE9, which InputStreamReader would have turned into U+FFFD without a word.
        byte[] latin1 = "ts_ns,kind,pid,comm\n0,PROC_CREATE,1,sh\n1,PROC_CREATE,2,caf\u00e9\n2,PROC_EXIT,2,\n"
                .getBytes(StandardCharsets.ISO_8859_1);
        assertThat(refused(latin1)).endsWith("in.csv line 3: not UTF-8 text: byte 0xe9 cannot start or continue a UTF-8 "
                + "character (iosup reads CSV as UTF-8)");
        // An error in an earlier row comes first.
        byte[] both = "ts_ns,kind,pid,comm\n0,PROC_CREATE,x,sh\n1,PROC_CREATE,2,caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(refused(both)).contains("in.csv line 2: column 'pid' value 'x': not an integer");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            plus sign           | +5
            leading space       | ` 5`
            trailing space      | `5 `
            Arabic-Indic five   | \u0665
            Devanagari five     | \u096b
            fullwidth five      | \uff15
            hexadecimal         | 0x5
            a fraction          | 5.0
            """)
    void numbersAreAsciiDigitsOnly(String what, String value) throws IOException {
        String v = value;
        String err = refused("ts_ns,kind,pid\n0,PROC_CREATE," + v + "\n");
        assertThat(err).isEqualTo("ingest: error: " + dir.resolve("in.csv") + " line 2: column 'pid' value '" + v
                + "': not an integer (ASCII digits 0-9 only: no sign, spaces or other digits)");
        // The same in the timestamp.
        assertThat(refused("ts_ns,kind,pid\n" + v + ",PROC_CREATE,1\n")).contains("line 2: column 'ts_ns' value '" + v + "'");
    }

    @Test
    void aHugeValueIsCutInTheErrorLine() throws IOException {
        String digits = "7".repeat(10_000_000);
        String err = refused("ts_ns,kind,pid\n0,PROC_CREATE," + digits + "\n");
        assertThat(err).endsWith("in.csv line 2: column 'pid' value '" + "7".repeat(org.iosup.trace.TraceFormatException.SHOWN)
                + "... (10,000,000 characters)': out of range 0..2147483647");
        // A value with a line break in it stays on one line.
        err = refused("ts_ns,kind,pid,comm\n0,PROC_CREATE,1,\"" + "a\nb".repeat(30) + "\"\n");
        assertThat(err).contains("column 'comm' value 'a\\nba\\nb").contains("... (90 characters)': longer than 64 characters");
        // The longest record read is 16 Mi characters: a quote never closed cannot fill the memory.
        Path in = dir.resolve("in.csv");
        try (var w = Files.newBufferedWriter(in)) {
            w.write("ts_ns,kind,pid,comm\n0,PROC_CREATE,1,sh\n1,PROC_CREATE,2,\"sh\n");
            for (int i = 0; i < 1_800_000; i++) {
                w.write("2,PROC_EXIT,2,\n");
            }
        }
        CliRun r = CliRun.run(new IngestCommand(), in.toString(), "-o", dir.resolve("out.parquet").toString());
        assertThat(r.exitCode).as(r.toString()).isEqualTo(2);
        assertThat(r.err).isEqualTo("ingest: error: " + in + " line 3: a record longer than 16,777,216 characters "
                + "(the quoted field opened at line 3 is not closed)\n");
        assertNothingWritten();
    }

    @Test
    void aMalformedHeaderIsNamedByItsLine() throws IOException {
        // Found by the fuzz test: the header's parser was closed before its line was read, which gave "line 0".
        assertThat(refused("# note\nts_ns,kind,\"\"pid\n0,PROC_CREATE,1\n")).isEqualTo("ingest: error: " + dir.resolve("in.csv")
                + " line 2: malformed CSV header: a character after a quoted field's closing quote (a quote in a field is"
                + " doubled, and the field quoted: \"a \"\"b\"\"\")");
        assertThat(refused("ts_ns,kind,\"pid\n0,PROC_CREATE,1\n")).contains(" line 1: malformed CSV header: a quoted field "
                + "opens here and the text ends before its closing quote");
    }

    @Test
    void metadataKeysGivenTwiceAreAnErrorNamingBothLines() throws IOException {
        // Issue 13: the last one was kept without a word.
        String err = refused("# iosup.paging=pae\n# note\n# iosup.paging=x86-64\nts_ns,kind,pid\n0,PROC_CREATE,1\n");
        assertThat(err).isEqualTo("ingest: error: " + dir.resolve("in.csv") + " line 3: metadata 'iosup.paging' given twice: "
                + "line 1 says 'pae', line 3 says 'x86-64'");
        assertThat(refused("ts_ns,kind,pid\n0,PROC_CREATE,1\n", "--meta", "lab.x=1", "--meta", "lab.x=2"))
                .isEqualTo("ingest: error: --meta lab.x given twice ('1' and '2')");
    }

    @Test
    void metadataIsCheckedWhereItEntersTheTrace() throws IOException {
        // Issue 13: ingest stored iosup.paging=bogus, which replay refused later.
        assertThat(refused("# iosup.paging=bogus\nts_ns,kind,pid\n0,PROC_CREATE,1\n")).isEqualTo("ingest: error: "
                + dir.resolve("in.csv") + " line 1: metadata 'iosup.paging' value 'bogus': not valid (valid: pae, x86-64)");
        assertThat(refused("ts_ns,kind,pid\n0,PROC_CREATE,1\n", "--meta", "iosup.paging=bogus")).isEqualTo(
                "ingest: error: --meta iosup.paging: metadata 'iosup.paging' value 'bogus': not valid (valid: pae, x86-64)");
        assertThat(refused("# iosup.pagign=pae\nts_ns,kind,pid\n0,PROC_CREATE,1\n"))
                .contains("line 1: metadata key 'iosup.pagign': not an iosup key (known: iosup.schema, ");
        assertThat(refused("# iosup.schema.version=2\nts_ns,kind,pid\n0,PROC_CREATE,1\n"))
                .contains("line 1: metadata 'iosup.schema.version' value '2': not valid (valid: 1)");
        assertThat(refused("ts_ns,kind,pid\n0,PROC_CREATE,1\n", "--meta", "lab.note=two\nlines"))
                .contains("--meta lab.note: metadata 'lab.note' value 'two\\nlines': holds a control character");
        assertThat(refused("ts_ns,kind,pid\n0,PROC_CREATE,1\n", "--meta", "novalue"))
                .isEqualTo("ingest: error: --meta novalue: expected KEY=VALUE");
        // Keys of one's own, and comments that merely hold an '=', pass.
        ingest("# lab.kernel = 6.18\n# see x = y, or not\nts_ns,kind,pid\n0,PROC_CREATE,1\n", "--meta", "lab.run=3");
    }

    @Test
    void missingOutputOptionIsAUsageError() {
        CliRun r = CliRun.run(new IngestCommand(), SAMPLE.toString());
        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err).contains("Missing required option: '--output=OUT.parquet'");
    }
}
