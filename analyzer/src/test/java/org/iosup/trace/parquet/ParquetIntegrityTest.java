package org.iosup.trace.parquet;

import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.CompressionCodec;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.KeyValue;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.Util;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.iosup.io.UserException;
import org.iosup.testing.ForeignParquet;
import org.iosup.testing.RandomRows;
import org.iosup.testing.Traces;
import org.iosup.trace.Column;
import org.iosup.trace.EventBatch;
import org.iosup.trace.EventKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Bit rot, damaged frames and footers, and files of other writers: each class of damage found by
 * fuzzing (issue 13) has a named test here. A read either gives the values written or fails with
 * one line naming the file, the row group, the column and the page.
 */
class ParquetIntegrityTest {
    @TempDir
    Path dir;

    /** 43 rows whose timestamps are all 10000 (the issue's example: read back as 52 after one flipped bit). */
    private static EventBatch constantTimestamps() {
        EventBatch b = new EventBatch(43);
        for (int i = 0; i < 43; i++) {
            b.setPid(b.add(10_000, EventKind.PROC_EXIT), 100 + i);
        }
        return b;
    }

    private Path write(String name, EventBatch rows, CompressionCodecName codec) {
        Path file = dir.resolve(name);
        try (ParquetTraceWriter w = ParquetTraceWriter.create(file, codec, Map.of("iosup.paging", "pae"))) {
            w.write(rows);
            w.commit();
        }
        return file;
    }

    private static EventBatch read(Path file, TraceReadOptions options) {
        try (ParquetTraceReader r = ParquetTraceReader.open(file, EnumSet.allOf(Column.class), options)) {
            return org.iosup.testing.Traces.readAll(r, EventBatch.DEFAULT_CAPACITY);
        }
    }

    /** Where, in the file, the bytes of the first data page of a column (after its header) start. */
    private static long pageDataOffset(Path file, Column column) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        ColumnChunkMetaData chunk;
        try (ParquetTraceReader r = ParquetTraceReader.open(file, new TraceReadOptions(false))) {
            chunk = r.footer().getBlocks().get(0).getColumns().stream()
                    .filter(c -> c.getPath().toDotString().equals(column.columnName())).findFirst().orElseThrow();
        }
        int at = (int) chunk.getStartingPos();
        int[] consumed = new int[1];
        PageHeader h = Thrift.pageHeader(bytes, at, bytes.length, consumed);
        if (h.getType() == org.apache.parquet.format.PageType.DICTIONARY_PAGE) {
            at += consumed[0] + h.getCompressed_page_size();
            Thrift.pageHeader(bytes, at, bytes.length, consumed);
        }
        return at + consumed[0];
    }

    private Path flipped(Path file, long byteAt, int bit) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        bytes[(int) byteAt] ^= (byte) (1 << bit);
        Path out = dir.resolve("flipped-" + file.getFileName());
        Files.write(out, bytes);
        return out;
    }

    /** The same file with its footer rewritten (the data untouched, iosup's footer CRC now stale). */
    private Path withFooter(Path file, Consumer<FileMetaData> change) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int length = ByteBuffer.wrap(bytes, bytes.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        int start = bytes.length - 8 - length;
        FileMetaData m = Util.readFileMetaData(new java.io.ByteArrayInputStream(bytes, start, length));
        change.accept(m);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(bytes, 0, start);
        ByteArrayOutputStream footer = new ByteArrayOutputStream();
        Util.writeFileMetaData(m, footer);
        footer.writeTo(out);
        out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(footer.size()).array());
        out.write("PAR1".getBytes(StandardCharsets.US_ASCII));
        Path changed = dir.resolve("footer-" + file.getFileName());
        Files.write(changed, out.toByteArray());
        return changed;
    }

    @Test
    void aFlippedBitInAPageIsAChecksumMismatchNamingTheRowGroupColumnAndPage() throws Exception {
        for (CompressionCodecName codec : List.of(CompressionCodecName.UNCOMPRESSED, CompressionCodecName.ZSTD)) {
            Path file = write("ts-" + codec + ".parquet", constantTimestamps(), codec);
            // The first value of the DELTA_BINARY_PACKED page (after 2 + 1 + 1 header bytes): before
            // page checksums, every timestamp then read as another number, with exit code 0.
            Path bad = flipped(file, pageDataOffset(file, Column.TS_NS) + 5, 3);
            assertThatThrownBy(() -> read(bad, TraceReadOptions.DEFAULT)).isInstanceOf(UserException.class)
                    .hasMessageMatching(java.util.regex.Pattern.quote(bad.toString())
                            + ": row group 1, column 'ts_ns', page 1: checksum mismatch \\(page CRC-32 [0-9a-f]{8}, "
                            + "computed [0-9a-f]{8}\\): the file is corrupt \\(--no-verify reads it anyway\\)");
            if (codec == CompressionCodecName.UNCOMPRESSED) {
                // Without verification the damage reads through: that is what --no-verify is for.
                EventBatch got = read(bad, new TraceReadOptions(false));
                assertThat(got.size()).isEqualTo(43);
                assertThat(got.tsNs()[0]).isNotEqualTo(10_000L);
            }
        }
    }

    @Test
    void iosupWritesAChecksumInEveryPageHeader() throws Exception {
        EventBatch rows = new EventBatch(3000);
        RandomRows.fill(rows, 3000, new Random(4), 0);
        Path file = write("all.parquet", rows, CompressionCodecName.ZSTD);
        byte[] bytes = Files.readAllBytes(file);
        int pages = 0;
        try (ParquetTraceReader r = ParquetTraceReader.open(file)) {
            assertThat(r.writtenByIosup()).isTrue();
            assertThat(r.metadata()).doesNotContainKey(ParquetFile.FOOTER_CRC_KEY);
            for (ColumnChunkMetaData c : r.footer().getBlocks().get(0).getColumns()) {
                int at = (int) c.getStartingPos();
                int end = (int) (at + c.getTotalSize());
                int[] consumed = new int[1];
                while (at < end) {
                    PageHeader h = Thrift.pageHeader(bytes, at, end, consumed);
                    assertThat(h.isSetCrc()).as(c.getPath() + " page at " + at).isTrue();
                    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                    crc.update(bytes, at + consumed[0], h.getCompressed_page_size());
                    assertThat((int) crc.getValue()).isEqualTo(h.getCrc());
                    at += consumed[0] + h.getCompressed_page_size();
                    pages++;
                }
            }
        }
        assertThat(pages).isGreaterThan(17);
    }

    @Test
    void aRowGroupRowCountThatDisagreesWithThePagesIsAnError() throws Exception {
        Path file = write("rows.parquet", constantTimestamps(), CompressionCodecName.UNCOMPRESSED);
        for (long rows : new long[] {11, 0}) {
            Path bad = withFooter(file, m -> {
                m.getRow_groups().get(0).setNum_rows(rows);
                m.setNum_rows(rows);
            });
            // iosup's footer checksum finds it first...
            assertThatThrownBy(() -> read(bad, TraceReadOptions.DEFAULT)).isInstanceOf(UserException.class)
                    .hasMessageStartingWith(bad + ": footer checksum mismatch (iosup.footer.crc32 is ");
            // ...and without it the pages' row counts do (before: 11 rows, or none, read with exit 0).
            assertThatThrownBy(() -> read(bad, new TraceReadOptions(false))).isInstanceOf(UserException.class)
                    .hasMessage(bad + ": row group 1, column 'ts_ns', page 1: the pages hold more rows than the "
                            + "row group's " + rows + " (the footer or a page header is corrupt)");
        }
        // A row group's count that disagrees with the file's.
        Path bad = withFooter(file, m -> m.getRow_groups().get(0).setNum_rows(42));
        assertThatThrownBy(() -> read(bad, new TraceReadOptions(false))).isInstanceOf(UserException.class)
                .hasMessage(bad + ": corrupt footer: its row groups hold 42 rows but it says the file has 43");
    }

    @Test
    void anyDamageToTheFooterOfAnIosupFileIsFoundByItsChecksum() throws Exception {
        Path file = write("footer.parquet", constantTimestamps(), CompressionCodecName.ZSTD);
        // The paging metadata's value, changed in place (same length): before, read as "pbe" with exit 0.
        byte[] bytes = Files.readAllBytes(file);
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int at = text.lastIndexOf("pae");
        Path bad = flipped(file, at + 1, 1);
        assertThatThrownBy(() -> read(bad, TraceReadOptions.DEFAULT)).isInstanceOf(UserException.class)
                .hasMessageMatching(java.util.regex.Pattern.quote(bad.toString()) + ": footer checksum mismatch "
                        + "\\(iosup.footer.crc32 is [0-9a-f]{8}, the footer's CRC-32 is [0-9a-f]{8}\\): the file is "
                        + "corrupt \\(--no-verify reads it anyway\\)");
        try (ParquetTraceReader r = ParquetTraceReader.open(bad, new TraceReadOptions(false))) {
            assertThat(r.metadata().get("iosup.paging")).isNotEqualTo("pae");
        }
        // Without iosup's checksum (another tool rewrote the footer) the file is read as any other:
        // every column decoded and checked.
        Path rewritten = withFooter(file, m -> m.getKey_value_metadata()
                .removeIf(kv -> kv.getKey().equals(ParquetFile.FOOTER_CRC_KEY)));
        try (ParquetTraceReader r = ParquetTraceReader.open(rewritten)) {
            assertThat(r.writtenByIosup()).isFalse();
        }
        RandomRows.assertSameRows(constantTimestamps(), read(rewritten, TraceReadOptions.DEFAULT));
    }

    @Test
    void pagesWrittenByParquetJavaWithChecksumsAreVerifiedToo() throws Exception {
        EventBatch rows = new EventBatch(2000);
        RandomRows.fill(rows, 2000, new Random(9), 0);
        for (boolean v2 : new boolean[] {false, true}) {
            Path file = dir.resolve("pj-" + v2 + ".parquet");
            ForeignParquet.write(file, rows, ForeignParquet.Options.DEFAULT.withV2(v2));
            RandomRows.assertSameRows(rows, read(file, TraceReadOptions.DEFAULT));
            Path bad = flipped(file, pageDataOffset(file, Column.FRAME) + 40, 2);
            assertThatThrownBy(() -> read(bad, TraceReadOptions.DEFAULT)).isInstanceOf(UserException.class)
                    .hasMessageStartingWith(bad + ": row group 1, column 'frame', page 1: checksum mismatch");
        }
    }

    @Test
    void framesThatAreNotParquetOrAreTruncatedHaveClearMessages() throws Exception {
        Path good = write("good.parquet", constantTimestamps(), CompressionCodecName.ZSTD);
        byte[] bytes = Files.readAllBytes(good);
        Path empty = dir.resolve("empty.parquet");
        Files.write(empty, new byte[0]);
        assertThatThrownBy(() -> read(empty, TraceReadOptions.DEFAULT))
                .hasMessage(empty + ": is empty; a Parquet trace is expected");
        Path magic = dir.resolve("magic.parquet");
        Files.write(magic, "PAR1".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> read(magic, TraceReadOptions.DEFAULT))
                .hasMessage(magic + ": truncated or corrupt: it does not end with the Parquet magic PAR1 (4 bytes)");
        // A footer length larger than the file (before: "footer is too large" or an internal error).
        byte[] longFooter = bytes.clone();
        ByteBuffer.wrap(longFooter, longFooter.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(1 << 30);
        Path big = dir.resolve("big.parquet");
        Files.write(big, longFooter);
        assertThatThrownBy(() -> read(big, TraceReadOptions.DEFAULT))
                .hasMessage(big + ": truncated: footer length 1073741824 exceeds file size " + bytes.length);
        Path folder = dir.resolve("folder.parquet");
        Files.createDirectory(folder);
        assertThatThrownBy(() -> read(folder, TraceReadOptions.DEFAULT)).hasMessage(folder + ": is a folder, not a file; a Parquet trace is expected");
        byte[] encrypted = bytes.clone();
        encrypted[encrypted.length - 1] = 'E';
        Path pare = dir.resolve("encrypted.parquet");
        Files.write(pare, encrypted);
        assertThatThrownBy(() -> read(pare, TraceReadOptions.DEFAULT))
                .hasMessage(pare + ": is an encrypted Parquet file, which iosup does not read");
        // A footer that is not Thrift: one line, no Java object names.
        byte[] garbage = bytes.clone();
        int length = ByteBuffer.wrap(bytes, bytes.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        java.util.Arrays.fill(garbage, bytes.length - 8 - length, bytes.length - 8, (byte) 0x7f);
        Path junk = dir.resolve("junk.parquet");
        Files.write(junk, garbage);
        assertThatThrownBy(() -> read(junk, new TraceReadOptions(false))).isInstanceOf(UserException.class)
                .hasMessageStartingWith(junk + ": corrupt footer: ").hasMessageNotContaining("@").hasMessageNotContaining("\n");
        // Every truncation of a file is one such line.
        for (int n = 0; n < bytes.length; n++) {
            Path cut = dir.resolve("cut.parquet");
            Files.write(cut, java.util.Arrays.copyOf(bytes, n));
            assertThatThrownBy(() -> read(cut, TraceReadOptions.DEFAULT)).as("cut at %d", n)
                    .isInstanceOf(UserException.class).hasMessageStartingWith(cut + ": ").hasMessageNotContaining("\n");
        }
    }

    /**
     * Damage that page checksums would catch, read without them: a page header, compressed data, a
     * dictionary's entry lengths. Before, NegativeArraySizeException, IndexOutOfBoundsException,
     * StringIndexOutOfBoundsException, ZstdException or ParquetDecodingException (exit 1); now the
     * values written or a located error.
     */
    @Test
    void damagedPagesReadWithoutVerificationAreLocatedErrorsNeverCrashes() throws Exception {
        EventBatch rows = new EventBatch(500);
        RandomRows.fill(rows, 500, new Random(2), 0);
        for (CompressionCodecName codec : List.of(CompressionCodecName.UNCOMPRESSED, CompressionCodecName.ZSTD)) {
            Path file = write("pages-" + codec + ".parquet", rows, codec);
            byte[] bytes = Files.readAllBytes(file);
            for (Column column : List.of(Column.KIND, Column.COMM, Column.ADDR, Column.WRITE)) {
                long data;
                long start;
                try (ParquetTraceReader r = ParquetTraceReader.open(file)) {
                    start = r.footer().getBlocks().get(0).getColumns().stream()
                            .filter(c -> c.getPath().toDotString().equals(column.columnName())).findFirst()
                            .orElseThrow().getStartingPos();
                }
                data = pageDataOffset(file, column);
                // Every bit of the chunk's first 48 bytes (dictionary page, headers) and of 32 data bytes.
                List<Long> bytesToFlip = new ArrayList<>();
                for (long b = start; b < Math.min(start + 48, bytes.length - 8); b++) {
                    bytesToFlip.add(b);
                }
                for (long b = data; b < Math.min(data + 32, bytes.length - 8); b++) {
                    bytesToFlip.add(b);
                }
                for (long b : bytesToFlip) {
                    for (int bit = 0; bit < 8; bit++) {
                        Path bad = flipped(file, b, bit);
                        try {
                            read(bad, new TraceReadOptions(false));
                        } catch (UserException e) {
                            assertThat(e.getMessage()).as("%s byte %d bit %d", codec, b, bit)
                                    .startsWith(bad.toString()).doesNotContain("\n");
                        }
                    }
                }
            }
        }
    }

    @Test
    void aCodecIosupDoesNotReadIsNamed() throws Exception {
        Path file = dir.resolve("lzo.parquet");
        ForeignParquet.write(file, constantTimestamps(), ForeignParquet.Options.DEFAULT.withChecksums(false));
        Path lzo = withFooter(file, m -> {
            for (RowGroup g : m.getRow_groups()) {
                for (ColumnChunk c : g.getColumns()) {
                    c.getMeta_data().setCodec(CompressionCodec.LZO);
                }
            }
        });
        assertThatThrownBy(() -> read(lzo, TraceReadOptions.DEFAULT)).isInstanceOf(UserException.class)
                .hasMessage(lzo + ": row group 1, column 'ts_ns': codec LZO is not supported (iosup reads "
                        + "UNCOMPRESSED, SNAPPY, GZIP, BROTLI, ZSTD, LZ4_RAW)");
    }

    @Test
    void aColumnOutsideTheSchemaOrTwiceIsRefused() throws Exception {
        Path file = dir.resolve("extra.parquet");
        ForeignParquet.write(file, constantTimestamps(), ForeignParquet.Options.DEFAULT);
        // The schema's elements: the root, then ts_ns, kind, cpu, domain, pid...
        Path renamed = withFooter(file, m -> {
            m.getSchema().get(3).setName("cpv");
            m.getRow_groups().get(0).getColumns().get(2).getMeta_data().setPath_in_schema(List.of("cpv"));
        });
        assertThatThrownBy(() -> read(renamed, TraceReadOptions.DEFAULT)).isInstanceOf(UserException.class)
                .hasMessageStartingWith(renamed + ": column 'cpv' is not in the events schema (its columns: ts_ns, kind,");
        // A name with a control character in it (found by fuzzing): still one line.
        Path newline = withFooter(file, m -> {
            m.getSchema().get(3).setName("c\npu");
            m.getRow_groups().get(0).getColumns().get(2).getMeta_data().setPath_in_schema(List.of("c\npu"));
        });
        assertThatThrownBy(() -> read(newline, TraceReadOptions.DEFAULT)).isInstanceOf(UserException.class)
                .hasMessageStartingWith(newline + ": column 'c\\npu' is not in the events schema");
        Path twice = withFooter(file, m -> {
            m.getSchema().get(4).setName("pid");
            m.getRow_groups().get(0).getColumns().get(3).getMeta_data().setPath_in_schema(List.of("pid"));
        });
        assertThatThrownBy(() -> read(twice, TraceReadOptions.DEFAULT)).isInstanceOf(UserException.class)
                .hasMessage(twice + ": column 'pid' appears twice");
        // A schema and column chunks that disagree: a corrupt footer.
        Path disagree = withFooter(file, m -> m.getSchema().get(3).setName("cpv"));
        assertThatThrownBy(() -> read(disagree, TraceReadOptions.DEFAULT)).isInstanceOf(UserException.class)
                .hasMessage(disagree + ": row group 1: corrupt footer: a column chunk of 'cpu', which is not a "
                        + "column of the file's schema");
        // The key-value metadata of another tool's file is kept as it is.
        Path kv = withFooter(file, m -> m.addToKey_value_metadata(new KeyValue("x").setValue("y")));
        try (ParquetTraceReader r = ParquetTraceReader.open(kv)) {
            assertThat(r.metadata()).containsEntry("x", "y");
        }
        assertThat(Traces.readAll(kv).size()).isEqualTo(43);
    }
}
