package org.iosup.trace.parquet;

import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.PrimitiveType;
import org.iosup.schema.FieldSpec;
import org.iosup.trace.Column;
import org.iosup.trace.EventBatch;
import org.iosup.trace.EventKind;
import org.iosup.trace.Granularity;
import org.iosup.trace.PageType;

import java.io.IOException;
import java.util.Arrays;

/**
 * Encodes one column of event batches into Parquet data pages (format v2) for the current row
 * group, column-wise over whole batches: definition levels from the presence bits
 * ({@link LevelCodec}), values with DELTA_BINARY_PACKED (integers), RLE_DICTIONARY (the columns the
 * schema marks low-cardinality, enums and strings) or RLE (booleans), page statistics, and
 * compression of the values. Pages wait in memory, compressed, until the row group is written
 * ({@link ChunkBuffer}). One subclass per physical type and encoding: {@link DeltaEncoder},
 * {@link IntDictionaryEncoder}, {@link EnumEncoder}, {@link StringEncoder}, {@link BooleanEncoder}.
 */
// parquet-java marks the page-level calls this hand-written codec needs as deprecated (BytesInput's
// toByteArray/toByteBuffer, PLAIN_DICTIONARY of older writers' files, writeDataPageV2 with statistics,
// the bit packers' byte[] unpack) without a replacement at that level; they are what parquet-java's own
// writers and readers call.
@SuppressWarnings("deprecation")
abstract class ColumnEncoder {
    /** Rows per data page. */
    static final int PAGE_ROWS = 1 << 15;

    final Column column;
    final ColumnDescriptor descriptor;
    final PrimitiveType type;
    private final boolean optional;
    private final int bit;
    private final LevelCodec.Encoder levels = new LevelCodec.Encoder();
    /** The finished pages of the current row group, and whether the chunk is compressed. */
    private final ChunkBuffer chunk;
    int pageRows;
    int pageValues;
    /** Values (non-null rows) in the finished pages of the current row group. */
    long groupValues;

    ColumnEncoder(Column column, ColumnDescriptor descriptor, BytesInputCompressor compressor) {
        this.column = column;
        this.descriptor = descriptor;
        this.type = descriptor.getPrimitiveType();
        this.optional = descriptor.getMaxDefinitionLevel() > 0;
        this.bit = column.bit();
        this.chunk = new ChunkBuffer(compressor);
    }

    /** The encoder of a column of the events schema. */
    static ColumnEncoder of(Column column, FieldSpec spec, ColumnDescriptor d, BytesInputCompressor c) {
        return switch (spec.type()) {
            case INT64 -> new DeltaEncoder(column, spec, d, c, false);
            case INT32 -> spec.dictionary() ? new IntDictionaryEncoder(column, spec, d, c) : new DeltaEncoder(column, spec, d, c, true);
            case BOOLEAN -> new BooleanEncoder(column, d, c);
            case ENUM -> new EnumEncoder(column, d, c, names(spec.enumName()));
            case STRING -> new StringEncoder(column, spec, d, c);
            case DOUBLE -> throw new IllegalStateException("events have no double column");
        };
    }

    private static String[] names(String enumName) {
        Enum<?>[] values = switch (enumName) {
            case "kind" -> EventKind.values();
            case "page_type" -> PageType.values();
            case "granularity" -> Granularity.values();
            default -> throw new IllegalStateException("unknown enum " + enumName);
        };
        return Arrays.stream(values).map(Enum::name).toArray(String[]::new);
    }

    /**
     * Encodes rows [from, to) of {@code b}; {@code anyMask} and {@code allMask} are the OR and the
     * AND of the rows' presence masks, which let absent (and always present) columns skip the
     * row-by-row work.
     */
    final void write(EventBatch b, int from, int to, int anyMask, int allMask) {
        int[] present = b.present();
        int i = from;
        while (i < to) {
            int end = Math.min(to, i + PAGE_ROWS - pageRows);
            int count;
            if (optional && (anyMask & bit) == 0) {
                levels.addSame(false, end - i);
                count = 0;
            } else if (optional && (allMask & bit) == 0) {
                count = encodeRuns(b, present, i, end);
            } else {
                if (optional) {
                    levels.addSame(true, end - i);
                }
                count = end - i;
                encodeDense(b, i, count);
            }
            pageValues += count;
            pageRows += end - i;
            i = end;
            if (pageRows == PAGE_ROWS) {
                finishPage();
            }
        }
    }

    /**
     * Encodes the levels of rows [from, to) and the values of those that have one, run by run of
     * rows with and without a value (they come in long runs: the DMA rows between other events,
     * the events of a fork).
     *
     * @return how many rows had a value
     */
    private int encodeRuns(EventBatch b, int[] present, int from, int to) {
        int count = 0;
        int r = from;
        while (r < to) {
            int start = r;
            while (r < to && (present[r] & bit) == 0) {
                r++;
            }
            if (r > start) {
                levels.addSame(false, r - start);
            }
            start = r;
            while (r < to && (present[r] & bit) != 0) {
                r++;
            }
            if (r > start) {
                levels.addSame(true, r - start);
                encodeDense(b, start, r - start);
                count += r - start;
            }
        }
        return count;
    }

    /** Encodes the values of the rows [first, first + count), which all have one. */
    abstract void encodeDense(EventBatch b, int first, int count);

    /** The encoded values of the current page; resets the value encoder. */
    abstract byte[] pageBytes();

    abstract Encoding pageEncoding();

    /** Statistics of the current page's values (nulls are added by the caller); resets them. */
    abstract Statistics<?> pageStatistics();

    /** The dictionary page of the row group, or null; resets the dictionary. */
    DictionaryPage dictionaryPage() throws IOException {
        return null;
    }

    final void finishPage() {
        if (pageRows == 0) {
            return;
        }
        byte[] lv = optional ? levels.encode() : new byte[0];
        // A page of nulls only has no values, so it is PLAIN (needs no dictionary).
        Encoding encoding = pageValues == 0 ? Encoding.PLAIN : pageEncoding();
        byte[] raw = pageValues == 0 ? new byte[0] : pageBytes();
        Statistics<?> stats = pageStatistics();
        stats.setNumNulls(pageRows - pageValues);
        groupValues += pageValues;
        chunk.add(pageRows, pageRows - pageValues, lv, raw, encoding, stats);
        levels.reset();
        pageRows = 0;
        pageValues = 0;
    }

    /** Writes this column's chunk of the row group of {@code rows} rows, and starts afresh. */
    final void writeChunk(ParquetFileWriter out, CompressionCodecName codec, long rows) throws IOException {
        finishPage();
        chunk.settle();
        chunk.write(out, descriptor, codec, rows, dictionaryPage());
        groupValues = 0;
    }

    /**
     * Fails unless the values of a page lie in the field's range: the writer takes only valid rows
     * (readers rely on it), so a value outside is a bug of the caller.
     */
    final void checkRange(FieldSpec spec, long min, long max) {
        if (pageValues > 0 && (min < spec.min() || max > spec.max())) {
            long bad = min < spec.min() ? min : max;
            throw new IllegalArgumentException("cannot write column '" + column.columnName() + "' value '" + bad
                    + "': out of range " + spec.rangeText() + " (a bug: rows are validated before they are written)");
        }
    }

    /** Entries in this column's dictionary so far (0 when it has none). */
    int dictionarySize() {
        return 0;
    }

    /** Bytes held for the current row group (compressed pages), to bound row groups. */
    long bufferedBytes() {
        return chunk.bytes();
    }

    /** The dictionary page of {@code size} PLAIN entries; called by writeChunk once the chunk's compression is settled. */
    final DictionaryPage compressedDictionary(byte[] plain, int size) {
        return chunk.dictionary(plain, size);
    }

    /** Encodes dictionary ids of one page: a bit-width byte, then the RLE/bit-packing hybrid. */
    static byte[] dictionaryIds(int[] ids, int n, int dictionarySize) {
        int width = HybridCodec.width(dictionarySize);
        return Bytes.concat(new byte[] {(byte) width}, HybridCodec.encode(ids, n, width));
    }

    static byte[] plainInt(int v) {
        return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }
}
