package org.iosup.trace.parquet;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.apache.parquet.bytes.ByteBufferInputStream;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DataPageV2;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.column.values.delta.DeltaBinaryPackingValuesReader;
import org.apache.parquet.column.values.delta.DeltaBinaryPackingValuesWriterForInteger;
import org.apache.parquet.column.values.delta.DeltaBinaryPackingValuesWriterForLong;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridDecoder;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridEncoder;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.iosup.testing.ForeignParquet;
import org.iosup.testing.RandomRows;
import org.iosup.trace.Column;
import org.iosup.trace.EventBatch;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * iosup's hand-written page codecs (DELTA_BINARY_PACKED, the RLE/bit-packed hybrid) against
 * parquet-java's own, value for value, both ways: what iosup encodes parquet-java decodes, and
 * what parquet-java encodes iosup decodes; over random values of every delta bit width 0 to 64,
 * with runs; then whole files (iosup's written, parquet-java's record reader reading them), and
 * the pages of apache/parquet-testing's files written by parquet-mr (test resources).
 */
// BytesInput.toByteArray is deprecated in parquet-java without a replacement at the page level (its
// own readers and writers call it); the pages' bytes are what this test compares.
@SuppressWarnings("deprecation")
class ParquetDifferentialTest {
    /** Values whose deltas take {@code width} bits (0: a constant run), with runs of equal deltas mixed in. */
    private static long[] values(long seed, int n, int width) {
        Random r = new Random(seed);
        long[] v = new long[n];
        long x = r.nextLong();
        for (int i = 0; i < n; i++) {
            v[i] = x;
            long delta;
            if (width == 0 || r.nextInt(8) == 0) {
                delta = 0;
            } else if (width == 64) {
                delta = r.nextLong();
            } else {
                delta = r.nextLong() & ((1L << width) - 1);
                if (r.nextBoolean()) {
                    delta = -delta;
                }
            }
            x += delta;
        }
        return v;
    }

    private static ByteBufferInputStream stream(byte[] bytes) {
        return ByteBufferInputStream.wrap(ByteBuffer.wrap(bytes));
    }

    @Property(tries = 130)
    void deltaLongsDecodeTheSameInBothLibraries(@ForAll long seed, @ForAll @IntRange(min = 1, max = 3000) int n,
                                                @ForAll @IntRange(min = 0, max = 64) int width) throws IOException {
        long[] v = values(seed, n, width);
        // iosup encodes, parquet-java decodes.
        DeltaCodec.Encoder enc = new DeltaCodec.Encoder(false);
        enc.addAll(v, 0, n);
        DeltaBinaryPackingValuesReader theirs = new DeltaBinaryPackingValuesReader();
        theirs.initFromPage(n, stream(enc.encode()));
        for (int i = 0; i < n; i++) {
            assertThat(theirs.readLong()).as("value %d of %d, width %d", i, n, width).isEqualTo(v[i]);
        }
        // parquet-java encodes, iosup decodes.
        DeltaBinaryPackingValuesWriterForLong w = new DeltaBinaryPackingValuesWriterForLong(128, 4, 64, 1 << 20,
                new HeapByteBufferAllocator());
        for (long x : v) {
            w.writeLong(x);
        }
        DeltaCodec.Decoder dec = new DeltaCodec.Decoder();
        dec.init(ByteBuffer.wrap(w.getBytes().toByteArray()), false);
        long[] back = new long[n];
        assertThat(dec.readDense(back, null, 0, n)).isEqualTo(-1);
        assertThat(back).containsExactly(v);
        assertThat(dec.endsExactly()).isTrue();
    }

    @Property(tries = 70)
    void deltaIntsDecodeTheSameInBothLibraries(@ForAll long seed, @ForAll @IntRange(min = 1, max = 3000) int n,
                                               @ForAll @IntRange(min = 0, max = 32) int width) throws IOException {
        long[] wide = values(seed, n, width);
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
            v[i] = (int) wide[i];
        }
        DeltaCodec.Encoder enc = new DeltaCodec.Encoder(true);
        enc.addAll(v, 0, n);
        DeltaBinaryPackingValuesReader theirs = new DeltaBinaryPackingValuesReader();
        theirs.initFromPage(n, stream(enc.encode()));
        for (int i = 0; i < n; i++) {
            assertThat(theirs.readInteger()).as("value %d of %d, width %d", i, n, width).isEqualTo(v[i]);
        }
        DeltaBinaryPackingValuesWriterForInteger w = new DeltaBinaryPackingValuesWriterForInteger(128, 4, 64, 1 << 20,
                new HeapByteBufferAllocator());
        for (int x : v) {
            w.writeInteger(x);
        }
        DeltaCodec.Decoder dec = new DeltaCodec.Decoder();
        dec.init(ByteBuffer.wrap(w.getBytes().toByteArray()), true);
        int[] back = new int[n];
        assertThat(dec.readDense(null, back, 0, n)).isEqualTo(-1);
        assertThat(back).containsExactly(v);
    }

    @Property(tries = 100)
    void hybridRunsDecodeTheSameInBothLibraries(@ForAll long seed, @ForAll @IntRange(min = 1, max = 3000) int n,
                                                @ForAll @IntRange(min = 1, max = 32) int width) throws IOException {
        Random r = new Random(seed);
        int[] v = new int[n];
        int i = 0;
        while (i < n) {
            // Runs of one value (RLE) between stretches of different ones (bit-packed).
            int value = r.nextInt() >>> (32 - width);
            int run = r.nextBoolean() ? 1 : 1 + r.nextInt(60);
            for (int k = 0; k < run && i < n; k++) {
                v[i++] = value;
            }
        }
        RunLengthBitPackingHybridDecoder theirs = new RunLengthBitPackingHybridDecoder(width,
                new ByteArrayInputStream(HybridCodec.encode(v, n, width)));
        for (int k = 0; k < n; k++) {
            assertThat(theirs.readInt()).as("value %d of %d, width %d", k, n, width).isEqualTo(v[k]);
        }
        RunLengthBitPackingHybridEncoder w = new RunLengthBitPackingHybridEncoder(width, 64, 1 << 20,
                new HeapByteBufferAllocator());
        for (int x : v) {
            w.writeInt(x);
        }
        int[] back = new int[n];
        assertThat(HybridCodec.decode(ByteBuffer.wrap(w.toBytes().toByteArray()), width, n, back)).isGreaterThanOrEqualTo(0);
        assertThat(back).containsExactly(v);
    }

    @Property(tries = 25)
    void traceFilesIosupWritesReadTheSameThroughParquetJava(@ForAll long seed,
                                                             @ForAll @IntRange(min = 0, max = 4000) int n,
                                                             @ForAll @IntRange(min = 0, max = 3) int codecIndex) throws IOException {
        CompressionCodecName codec = List.of(CompressionCodecName.UNCOMPRESSED, CompressionCodecName.SNAPPY,
                CompressionCodecName.ZSTD, CompressionCodecName.GZIP).get(codecIndex);
        EventBatch rows = new EventBatch(Math.max(1, n));
        RandomRows.fill(rows, n, new Random(seed), 0);
        Path file = Files.createTempFile("iosup-diff", ".parquet");
        Files.delete(file);
        try {
            try (ParquetTraceWriter w = ParquetTraceWriter.create(file, codec, Map.of("iosup.paging", "pae"),
                    1 + new Random(seed).nextInt(3000))) {
                w.write(rows);
                w.commit();
            }
            List<Group> groups = readWithParquetJava(file);
            assertThat(groups).hasSize(n);
            for (int i = 0; i < n; i++) {
                Group g = groups.get(i);
                for (Column c : Column.values()) {
                    int field = g.getType().getFieldIndex(ParquetEventSchema.message().getFieldName(c.ordinal()));
                    boolean present = g.getFieldRepetitionCount(field) > 0;
                    assertThat(present).as("row %d column %s present", i, c).isEqualTo(rows.has(i, c));
                    if (present) {
                        assertThat(g.getValueToString(field, 0)).as("row %d column %s", i, c)
                                .isEqualTo(String.valueOf(ForeignParquet.value(rows, i, c)));
                    }
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Every record of a file through parquet-java's own page decoding and record assembly. */
    private static List<Group> readWithParquetJava(Path file) throws IOException {
        List<Group> out = new ArrayList<>();
        try (ParquetFileReader r = ParquetFileReader.open(new LocalInputFile(file))) {
            MessageType schema = r.getFooter().getFileMetaData().getSchema();
            PageReadStore pages;
            while ((pages = r.readNextRowGroup()) != null) {
                RecordReader<Group> records = new ColumnIOFactory().getColumnIO(schema)
                        .getRecordReader(pages, new GroupRecordConverter(schema));
                for (long k = 0; k < pages.getRowCount(); k++) {
                    out.add(records.read());
                }
            }
        }
        return out;
    }

    private static Path resource(String name) {
        try (InputStream in = ParquetDifferentialTest.class.getResourceAsStream("/parquet-testing/" + name)) {
            assertThat(in).as(name).isNotNull();
            Path f = Files.createTempFile("parquet-testing", name);
            f.toFile().deleteOnExit();
            Files.write(f, in.readAllBytes());
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Decodes every DELTA_BINARY_PACKED INT64 and INT32 column of a parquet-testing file with
     * iosup's decoder (parquet-java only reads the file's layout and decompresses its pages) and
     * returns the values by column name; the number of columns decoded is checked by the caller.
     */
    private static Map<String, long[]> decodeWithIosup(Path file) throws IOException {
        Map<String, long[]> out = new java.util.LinkedHashMap<>();
        try (ParquetFileReader r = ParquetFileReader.open(new LocalInputFile(file))) {
            MessageType schema = r.getFooter().getFileMetaData().getSchema();
            PageReadStore pages;
            while ((pages = r.readNextRowGroup()) != null) {
                for (ColumnDescriptor d : schema.getColumns()) {
                    PrimitiveTypeName type = d.getPrimitiveType().getPrimitiveTypeName();
                    if (type != PrimitiveTypeName.INT64 && type != PrimitiveTypeName.INT32) {
                        continue;
                    }
                    int maxDef = d.getMaxDefinitionLevel();
                    assertThat(d.getMaxRepetitionLevel()).isZero();
                    PageReader reader = pages.getPageReader(d);
                    List<Long> values = new ArrayList<>();
                    DataPage page;
                    while ((page = reader.readPage()) != null) {
                        byte[] data;
                        Encoding encoding;
                        int n = page.getValueCount();
                        int from = 0;
                        if (page instanceof DataPageV1 v1) {
                            data = v1.getBytes().toByteArray();
                            encoding = v1.getValueEncoding();
                            if (maxDef > 0) {
                                // Definition levels first, behind their 4-byte length, decoded by iosup too:
                                // every value is there (these files have no nulls).
                                int len = ByteBuffer.wrap(data, 0, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
                                int[] levels = new int[n];
                                HybridCodec.decode(ByteBuffer.wrap(data, 4, len).slice(), HybridCodec.width(maxDef + 1), n, levels);
                                assertThat(levels).containsOnly(maxDef);
                                from = 4 + len;
                            }
                        } else {
                            DataPageV2 v2 = (DataPageV2) page;
                            data = v2.getData().toByteArray();
                            encoding = v2.getDataEncoding();
                        }
                        assertThat(encoding).isEqualTo(Encoding.DELTA_BINARY_PACKED);
                        DeltaCodec.Decoder dec = new DeltaCodec.Decoder();
                        boolean int32 = type == PrimitiveTypeName.INT32;
                        dec.init(ByteBuffer.wrap(data, from, data.length - from).slice(), int32);
                        long[] longs = new long[n];
                        int[] ints = new int[n];
                        assertThat(dec.readDense(int32 ? null : longs, int32 ? ints : null, 0, n)).isEqualTo(-1);
                        for (int k = 0; k < n; k++) {
                            values.add(int32 ? ints[k] : longs[k]);
                        }
                    }
                    out.merge(d.getPath()[0], values.stream().mapToLong(Long::longValue).toArray(), (a, b) -> {
                        long[] c = java.util.Arrays.copyOf(a, a.length + b.length);
                        System.arraycopy(b, 0, c, a.length, b.length);
                        return c;
                    });
                }
            }
        }
        return out;
    }

    private static List<CSVRecord> expected(String name) throws IOException {
        try (InputStream in = ParquetDifferentialTest.class.getResourceAsStream("/parquet-testing/" + name)) {
            return CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get()
                    .parse(new InputStreamReader(in, StandardCharsets.UTF_8)).getRecords();
        }
    }

    @Test
    void parquetMrDeltaPagesOfEveryBitWidthDecodeAsExpected() throws IOException {
        Map<String, long[]> decoded = decodeWithIosup(resource("delta_binary_packed.parquet"));
        assertThat(decoded).hasSize(66).containsKeys("bitwidth0", "bitwidth32", "bitwidth64", "int_value");
        List<CSVRecord> rows = expected("delta_binary_packed_expect.csv");
        assertThat(rows).hasSize(200);
        for (var e : decoded.entrySet()) {
            assertThat(e.getValue()).as(e.getKey()).hasSize(200);
            for (int i = 0; i < 200; i++) {
                assertThat(e.getValue()[i]).as("%s row %d", e.getKey(), i).isEqualTo(Long.parseLong(rows.get(i).get(e.getKey())));
            }
        }
    }

    @Test
    void sparkWrittenInt32DeltaColumnsDecodeAsExpected() throws IOException {
        Map<String, long[]> decoded = decodeWithIosup(resource("delta_encoding_required_column.parquet"));
        assertThat(decoded).hasSize(9);
        List<CSVRecord> rows = expected("delta_encoding_required_column_expect.csv");
        assertThat(rows).hasSize(100);
        for (var e : decoded.entrySet()) {
            // The expected file's header names the columns without the parquet file's trailing ':'.
            String header = e.getKey().endsWith(":") ? e.getKey().substring(0, e.getKey().length() - 1) : e.getKey();
            for (int i = 0; i < 100; i++) {
                assertThat(e.getValue()[i]).as("%s row %d", header, i).isEqualTo(Long.parseLong(rows.get(i).get(header)));
            }
        }
    }
}
