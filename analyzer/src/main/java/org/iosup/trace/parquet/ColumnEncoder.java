package org.iosup.trace.parquet;

import it.unimi.dsi.fastutil.ints.Int2IntOpenHashMap;
import it.unimi.dsi.fastutil.objects.Object2IntOpenHashMap;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.statistics.BinaryStatistics;
import org.apache.parquet.column.statistics.BooleanStatistics;
import org.apache.parquet.column.statistics.IntStatistics;
import org.apache.parquet.column.statistics.LongStatistics;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.PrimitiveType;
import org.iosup.schema.FieldSpec;
import org.iosup.trace.Column;
import org.iosup.trace.EventBatch;
import org.iosup.trace.EventKind;
import org.iosup.trace.Granularity;
import org.iosup.trace.PageType;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Encodes one column of event batches into Parquet data pages (format v2) for the current row
 * group, column-wise over whole batches: definition levels from the presence bits
 * ({@link LevelCodec}), values with DELTA_BINARY_PACKED (integers), RLE_DICTIONARY (the columns the
 * schema marks low-cardinality, enums and strings) or RLE (booleans), page statistics, and
 * compression of the values. Pages wait in memory, compressed, until the row group is written.
 */
// parquet-java marks the page-level calls this hand-written codec needs as deprecated (BytesInput's
// toByteArray/toByteBuffer, PLAIN_DICTIONARY of older writers' files, writeDataPageV2 with statistics,
// the bit packers' byte[] unpack) without a replacement at that level; they are what parquet-java's own
// writers and readers call.
@SuppressWarnings("deprecation")
abstract class ColumnEncoder {
    /** Rows per data page. */
    static final int PAGE_ROWS = 1 << 15;

    /**
     * An encoded data page held until its row group is written: {@code data} compressed, or raw
     * when the chunk is stored uncompressed; {@code raw} kept as well while that is undecided.
     */
    private record Page(int rows, int nulls, byte[] levels, byte[] data, byte[] raw, int rawDataSize,
                        Encoding encoding, Statistics<?> stats) {
        Page decided(boolean uncompressed) {
            return new Page(rows, nulls, levels, uncompressed ? raw : data, null, rawDataSize, encoding, stats);
        }
    }

    /**
     * A column chunk whose compression saves less than this share is stored uncompressed (Parquet
     * gives each column chunk its own codec): timestamps with random gaps or random booleans do
     * not compress, and compressing them cost time on every write and read for nothing.
     */
    static final double MIN_SAVING = 0.03;
    /**
     * The first page of at least this many raw bytes decides a chunk's compression; smaller ones
     * say too little, and a chunk of small pages only keeps the codec asked for.
     */
    static final int DECIDING_PAGE_BYTES = 4096;

    final Column column;
    final ColumnDescriptor descriptor;
    final PrimitiveType type;
    private final boolean optional;
    private final int bit;
    private final BytesInputCompressor compressor;
    private final LevelCodec.Encoder levels = new LevelCodec.Encoder();
    private final List<Page> pages = new ArrayList<>();
    int pageRows;
    int pageValues;
    /** Whether the current chunk is stored uncompressed; null until its first sizeable page decides. */
    private Boolean uncompressed;
    /** Values (non-null rows) in the finished pages of the current row group. */
    long groupValues;

    ColumnEncoder(Column column, ColumnDescriptor descriptor, BytesInputCompressor compressor) {
        this.column = column;
        this.descriptor = descriptor;
        this.type = descriptor.getPrimitiveType();
        this.optional = descriptor.getMaxDefinitionLevel() > 0;
        this.bit = column.bit();
        this.compressor = compressor;
        startChunk();
    }

    /** A new column chunk: stored uncompressed if that is the codec asked for, else undecided. */
    private void startChunk() {
        uncompressed = compressor.getCodecName() == CompressionCodecName.UNCOMPRESSED ? Boolean.TRUE : null;
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
        byte[] data;
        byte[] undecided = null;
        if (uncompressed == null) {
            data = PageCodecs.compress(compressor, raw);
            if (raw.length >= DECIDING_PAGE_BYTES) {
                decide(data.length, raw.length);
                data = uncompressed ? raw : data;
            } else {
                undecided = raw;
            }
        } else {
            data = uncompressed ? raw : PageCodecs.compress(compressor, raw);
        }
        pages.add(new Page(pageRows, pageRows - pageValues, lv, data, undecided, raw.length, encoding, stats));
        levels.reset();
        pageRows = 0;
        pageValues = 0;
    }

    /** Settles the chunk's compression on the sizes of a page, compressed and raw. */
    private void decide(long compressed, long raw) {
        uncompressed = raw > 0 && compressed > raw * (1 - MIN_SAVING);
        for (int k = 0; k < pages.size(); k++) {
            if (pages.get(k).raw() != null) {
                pages.set(k, pages.get(k).decided(uncompressed));
            }
        }
    }

    /** Writes this column's chunk of the row group of {@code rows} rows, and starts afresh. */
    final void writeChunk(ParquetFileWriter out, CompressionCodecName codec, long rows) throws IOException {
        finishPage();
        if (uncompressed == null) {
            // Only small pages: they cost little either way, so the chunk keeps the codec asked for.
            decide(0, 0);
        }
        out.startColumn(descriptor, rows, uncompressed ? CompressionCodecName.UNCOMPRESSED : codec);
        DictionaryPage dictionary = dictionaryPage();
        if (dictionary != null) {
            out.writeDictionaryPage(dictionary);
        }
        for (Page p : pages) {
            out.writeDataPageV2(p.rows(), p.nulls(), p.rows(), BytesInput.empty(), BytesInput.from(p.levels()),
                    p.encoding(), BytesInput.from(p.data()), p.rawDataSize(), p.stats());
        }
        out.endColumn();
        pages.clear();
        groupValues = 0;
        startChunk();
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
        long n = 0;
        for (Page p : pages) {
            n += p.data().length + p.levels().length;
        }
        return n;
    }

    /** The dictionary page of {@code size} PLAIN entries; called by writeChunk once the chunk's compression is settled. */
    final DictionaryPage compressedDictionary(byte[] plain, int size) {
        byte[] data = uncompressed ? plain : PageCodecs.compress(compressor, plain);
        return new DictionaryPage(BytesInput.from(data), plain.length, size, Encoding.PLAIN);
    }

    /** Encodes dictionary ids of one page: a bit-width byte, then the RLE/bit-packing hybrid. */
    static byte[] dictionaryIds(int[] ids, int n, int dictionarySize) {
        int width = HybridCodec.width(dictionarySize);
        return Bytes.concat(new byte[] {(byte) width}, HybridCodec.encode(ids, n, width));
    }

    static byte[] plainInt(int v) {
        return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }

    /** DELTA_BINARY_PACKED integers, from the batch's long[] (INT64) or int[] (INT32) column. */
    private static final class DeltaEncoder extends ColumnEncoder {
        private final FieldSpec spec;
        private final boolean int32;
        private final DeltaCodec.Encoder values;
        private long min = Long.MAX_VALUE;
        private long max = Long.MIN_VALUE;

        DeltaEncoder(Column column, FieldSpec spec, ColumnDescriptor d, BytesInputCompressor c, boolean int32) {
            super(column, d, c);
            this.spec = spec;
            this.int32 = int32;
            this.values = new DeltaCodec.Encoder(int32);
        }

        @Override
        void encodeDense(EventBatch b, int first, int count) {
            long lo = min;
            long hi = max;
            if (int32) {
                int[] a = (int[]) b.array(column);
                values.addAll(a, first, count);
                for (int k = first; k < first + count; k++) {
                    lo = Math.min(lo, a[k]);
                    hi = Math.max(hi, a[k]);
                }
            } else {
                long[] a = (long[]) b.array(column);
                values.addAll(a, first, count);
                for (int k = first; k < first + count; k++) {
                    lo = Math.min(lo, a[k]);
                    hi = Math.max(hi, a[k]);
                }
            }
            min = lo;
            max = hi;
        }

        @Override
        byte[] pageBytes() {
            return values.encode();
        }

        @Override
        Encoding pageEncoding() {
            return Encoding.DELTA_BINARY_PACKED;
        }

        @Override
        Statistics<?> pageStatistics() {
            checkRange(spec, min, max);
            Statistics<?> s = Statistics.createStats(type);
            if (pageValues > 0) {
                if (int32) {
                    ((IntStatistics) s).setMinMax((int) min, (int) max);
                } else {
                    ((LongStatistics) s).setMinMax(min, max);
                }
            }
            min = Long.MAX_VALUE;
            max = Long.MIN_VALUE;
            return s;
        }
    }

    /** Dictionary encoding of a low-cardinality int column; ids of values below 65536 by table. */
    private static final class IntDictionaryEncoder extends ColumnEncoder {
        private static final int TABLE = 1 << 16;
        private int[] idByValue;
        private final Int2IntOpenHashMap idByLargeValue = new Int2IntOpenHashMap();
        private int[] dictionary = new int[64];
        private int size;
        private final int[] ids = new int[PAGE_ROWS];
        private int idCount;
        private int min = Integer.MAX_VALUE;
        private int max = Integer.MIN_VALUE;
        private final FieldSpec spec;

        IntDictionaryEncoder(Column column, FieldSpec spec, ColumnDescriptor d, BytesInputCompressor c) {
            super(column, d, c);
            this.spec = spec;
            idByLargeValue.defaultReturnValue(-1);
        }

        @Override
        void encodeDense(EventBatch b, int first, int count) {
            int[] a = (int[]) b.array(column);
            int lo = min;
            int hi = max;
            int last = 0;
            int lastId = -1;
            for (int k = first; k < first + count; k++) {
                int v = a[k];
                if (v != last || lastId < 0) {
                    lastId = id(v);
                    last = v;
                }
                ids[idCount++] = lastId;
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            min = lo;
            max = hi;
        }

        private int id(int v) {
            int id;
            if (v >= 0 && v < TABLE) {
                if (idByValue == null) {
                    idByValue = new int[TABLE];
                    Arrays.fill(idByValue, -1);
                }
                id = idByValue[v];
                if (id < 0) {
                    id = add(v);
                    idByValue[v] = id;
                }
            } else {
                id = idByLargeValue.get(v);
                if (id < 0) {
                    id = add(v);
                    idByLargeValue.put(v, id);
                }
            }
            return id;
        }

        private int add(int v) {
            if (size == dictionary.length) {
                dictionary = Arrays.copyOf(dictionary, size * 2);
            }
            dictionary[size] = v;
            return size++;
        }

        @Override
        byte[] pageBytes() {
            byte[] out = dictionaryIds(ids, idCount, size);
            idCount = 0;
            return out;
        }

        @Override
        Encoding pageEncoding() {
            return Encoding.RLE_DICTIONARY;
        }

        @Override
        Statistics<?> pageStatistics() {
            checkRange(spec, min, max);
            IntStatistics s = (IntStatistics) Statistics.createStats(type);
            if (pageValues > 0) {
                s.setMinMax(min, max);
            }
            min = Integer.MAX_VALUE;
            max = Integer.MIN_VALUE;
            return s;
        }

        @Override
        DictionaryPage dictionaryPage() throws IOException {
            if (size == 0) {
                return null;
            }
            // Every entry was added by a value of this row group, so groupValues > 0 here.
            byte[] plain = new byte[size * 4];
            for (int i = 0; i < size; i++) {
                System.arraycopy(plainInt(dictionary[i]), 0, plain, i * 4, 4);
            }
            DictionaryPage page = compressedDictionary(plain, size);
            if (idByValue != null) {
                for (int i = 0; i < size; i++) {
                    if (dictionary[i] >= 0 && dictionary[i] < TABLE) {
                        idByValue[dictionary[i]] = -1;
                    }
                }
            }
            idByLargeValue.clear();
            size = 0;
            return page;
        }

        @Override
        int dictionarySize() {
            return size;
        }
    }

    /** Shared by enum and string columns: dictionary ids over byte-string entries. */
    private abstract static class BinaryDictionaryEncoder extends ColumnEncoder {
        private final int[] ids = new int[PAGE_ROWS];
        private int idCount;
        private long[] usedInPage = new long[2];

        BinaryDictionaryEncoder(Column column, ColumnDescriptor d, BytesInputCompressor c) {
            super(column, d, c);
        }

        final void put(int id) {
            ids[idCount++] = id;
            int word = id >>> 6;
            if (word >= usedInPage.length) {
                usedInPage = Arrays.copyOf(usedInPage, Math.max(word + 1, usedInPage.length * 2));
            }
            usedInPage[word] |= 1L << id;
        }

        abstract Binary entry(int id);

        abstract int entries();

        @Override
        byte[] pageBytes() {
            byte[] out = dictionaryIds(ids, idCount, entries());
            idCount = 0;
            return out;
        }

        @Override
        Encoding pageEncoding() {
            return Encoding.RLE_DICTIONARY;
        }

        @Override
        Statistics<?> pageStatistics() {
            BinaryStatistics s = (BinaryStatistics) Statistics.createStats(type);
            Binary min = null;
            Binary max = null;
            for (int w = 0; w < usedInPage.length; w++) {
                long bits = usedInPage[w];
                while (bits != 0) {
                    int id = w * 64 + Long.numberOfTrailingZeros(bits);
                    bits &= bits - 1;
                    Binary v = entry(id);
                    if (min == null || type.comparator().compare(v, min) < 0) {
                        min = v;
                    }
                    if (max == null || type.comparator().compare(v, max) > 0) {
                        max = v;
                    }
                }
            }
            if (min != null) {
                s.setMinMax(min, max);
            }
            Arrays.fill(usedInPage, 0);
            return s;
        }

        final DictionaryPage plainDictionary() throws IOException {
            int n = entries();
            if (n == 0 || groupValues == 0) {
                return null;
            }
            java.io.ByteArrayOutputStream plain = new java.io.ByteArrayOutputStream();
            for (int i = 0; i < n; i++) {
                byte[] bytes = entry(i).getBytes();
                plain.write(plainInt(bytes.length));
                plain.write(bytes);
            }
            return compressedDictionary(plain.toByteArray(), n);
        }
    }

    /** An enum column: the dictionary is the enum's names in schema order, so the id is the code. */
    private static final class EnumEncoder extends BinaryDictionaryEncoder {
        private final Binary[] names;

        EnumEncoder(Column column, ColumnDescriptor d, BytesInputCompressor c, String[] names) {
            super(column, d, c);
            this.names = Arrays.stream(names).map(Binary::fromString).toArray(Binary[]::new);
        }

        @Override
        void encodeDense(EventBatch b, int first, int count) {
            byte[] a = (byte[]) b.array(column);
            int n = names.length;
            for (int k = first; k < first + count; k++) {
                int code = a[k];
                if (code < 0 || code >= n) {
                    throw new IllegalArgumentException("cannot write column '" + column.columnName() + "' code " + code
                            + ": not an enum value (a bug)");
                }
                put(code);
            }
        }

        @Override
        Binary entry(int id) {
            return names[id];
        }

        @Override
        int entries() {
            return names.length;
        }

        @Override
        DictionaryPage dictionaryPage() throws IOException {
            return plainDictionary();
        }
    }

    private static final class StringEncoder extends BinaryDictionaryEncoder {
        private final Object2IntOpenHashMap<String> idOf = new Object2IntOpenHashMap<>();
        private final List<Binary> dictionary = new ArrayList<>();
        private String last;
        private int lastId;
        private final FieldSpec spec;

        StringEncoder(Column column, FieldSpec spec, ColumnDescriptor d, BytesInputCompressor c) {
            super(column, d, c);
            this.spec = spec;
            idOf.defaultReturnValue(-1);
        }

        @Override
        void encodeDense(EventBatch b, int first, int count) {
            String[] a = (String[]) b.array(column);
            for (int k = first; k < first + count; k++) {
                String v = a[k];
                if (!v.equals(last)) {
                    int id = idOf.getInt(v);
                    if (id < 0) {
                        if (v.length() > spec.maxLength()) {
                            throw new IllegalArgumentException("cannot write column '" + column.columnName()
                                    + "' value '" + v + "': longer than " + spec.maxLength()
                                    + " characters (a bug: rows are validated before they are written)");
                        }
                        id = dictionary.size();
                        idOf.put(v, id);
                        dictionary.add(Binary.fromString(v));
                    }
                    last = v;
                    lastId = id;
                }
                put(lastId);
            }
        }

        @Override
        Binary entry(int id) {
            return dictionary.get(id);
        }

        @Override
        int entries() {
            return dictionary.size();
        }

        @Override
        DictionaryPage dictionaryPage() throws IOException {
            DictionaryPage page = plainDictionary();
            idOf.clear();
            dictionary.clear();
            last = null;
            return page;
        }

        @Override
        int dictionarySize() {
            return dictionary.size();
        }
    }

    private static final class BooleanEncoder extends ColumnEncoder {
        /** The values, packed and run-length encoded as definition levels are (the same hybrid, width 1). */
        private final LevelCodec.Encoder bits = new LevelCodec.Encoder();
        private boolean seenTrue;
        private boolean seenFalse;

        BooleanEncoder(Column column, ColumnDescriptor d, BytesInputCompressor c) {
            super(column, d, c);
        }

        @Override
        void encodeDense(EventBatch b, int first, int count) {
            boolean[] a = (boolean[]) b.array(column);
            int ones = bits.add(a, first, first + count);
            seenTrue |= ones > 0;
            seenFalse |= ones < count;
        }

        @Override
        byte[] pageBytes() {
            // RLE-encoded booleans in a v2 page: a 4-byte length, then the hybrid runs of width 1.
            byte[] runs = bits.encode();
            bits.reset();
            return Bytes.concat(plainInt(runs.length), runs);
        }

        @Override
        Encoding pageEncoding() {
            return Encoding.RLE;
        }

        @Override
        Statistics<?> pageStatistics() {
            BooleanStatistics s = (BooleanStatistics) Statistics.createStats(type);
            if (pageValues > 0) {
                s.setMinMax(!seenFalse, seenTrue);
            }
            seenTrue = false;
            seenFalse = false;
            return s;
        }
    }
}
