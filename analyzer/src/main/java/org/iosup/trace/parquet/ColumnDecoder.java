package org.iosup.trace.parquet;

import org.apache.parquet.bytes.ByteBufferInputStream;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Dictionary;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.ValuesType;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DataPageV2;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.column.values.ValuesReader;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.iosup.schema.FieldSpec;
import org.iosup.trace.Column;
import org.iosup.trace.EventBatch;
import org.iosup.trace.EventKind;
import org.iosup.trace.Granularity;
import org.iosup.trace.PageType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * Decodes one column chunk of a row group into the matching array of event batches, page by
 * page and a run of rows at a time: definition levels straight into the presence bits
 * ({@link LevelCodec}), values through parquet-java's decoder for the page's encoding (any
 * encoding, format v1 or v2 pages, so files from other writers read too). Each value is checked
 * against the schema's range or enum; a bad one is reported through {@link Faults}.
 */
abstract class ColumnDecoder {
    /** Reports a bad value; the reader turns it into an error naming the file and row. */
    interface Faults {
        void badValue(int rowInBatch, Column column, String value, String problem);
    }

    final Column column;
    final FieldSpec spec;
    final ColumnDescriptor descriptor;
    private final Faults faults;
    /** The column may hold nulls (definition levels). */
    final boolean optional;
    private final int bit;
    private final LevelCodec.Decoder levels = new LevelCodec.Decoder();
    private ValuesReader genericLevels;
    private PageReader pages;
    private Dictionary dictionary;
    ValuesReader values;
    /** The page's values are DELTA_BINARY_PACKED and read through {@link #delta}. */
    boolean deltaPage;
    final DeltaCodec.Decoder delta = new DeltaCodec.Decoder();
    /** The page's booleans are RLE and read from {@link #ids} as 0 or 1. */
    boolean dictionaryPage;
    private int pageRowsLeft;
    int[] ids = new int[0];
    int idPos;
    private int[] rows = new int[0];

    ColumnDecoder(Column column, FieldSpec spec, ColumnDescriptor descriptor, Faults faults) {
        this.column = column;
        this.spec = spec;
        this.descriptor = descriptor;
        this.faults = faults;
        this.optional = descriptor.getMaxDefinitionLevel() > 0;
        this.bit = column.bit();
    }

    static ColumnDecoder of(Column column, FieldSpec spec, ColumnDescriptor d, Faults faults) {
        return switch (spec.type()) {
            case INT64, INT32 -> new IntegerDecoder(column, spec, d, faults);
            case BOOLEAN -> new BooleanDecoder(column, spec, d, faults);
            case STRING -> new StringDecoder(column, spec, d, faults);
            case ENUM -> new EnumDecoder(column, spec, d, faults);
            case DOUBLE -> throw new IllegalStateException("events have no double column");
        };
    }

    /** Starts on the column chunk of a new row group. */
    final void start(PageReader pageReader) throws IOException {
        this.pages = pageReader;
        this.pageRowsLeft = 0;
        DictionaryPage dp = pageReader.readDictionaryPage();
        dictionary = dp == null ? null : dp.getEncoding().initDictionary(descriptor, dp);
        if (dictionary != null) {
            onDictionary(dictionary);
        }
    }

    /** Called with each row group's dictionary, to precompute what each id decodes to. */
    void onDictionary(Dictionary d) {
    }

    /** Decodes the next {@code n} rows into rows [0, n) of {@code b}. */
    final void read(EventBatch b, int n) throws IOException {
        int[] present = b.present();
        if (rows.length < n) {
            rows = new int[n];
        }
        int i = 0;
        while (i < n) {
            if (pageRowsLeft == 0) {
                nextPage();
            }
            int end = Math.min(n, i + pageRowsLeft);
            if (!optional) {
                for (int r = i; r < end; r++) {
                    present[r] |= bit;
                }
                decodeDense(b, i, end - i);
            } else if (genericLevels == null) {
                readRuns(b, present, i, end);
            } else {
                int count = 0;
                for (int r = i; r < end; r++) {
                    if (genericLevels.readInteger() == 1) {
                        present[r] |= bit;
                        rows[count++] = r;
                    }
                }
                decodeRows(b, i, end - i, count);
            }
            pageRowsLeft -= end - i;
            i = end;
        }
    }

    /**
     * Rows [from, to) of an optional column, run by run of its definition levels: a run of nulls
     * is skipped, a run of values decoded into consecutive rows, a bit-packed run row by row.
     */
    private void readRuns(EventBatch b, int[] present, int from, int to) {
        int r = from;
        while (r < to) {
            int k = Math.min(to - r, levels.runRows());
            if (levels.inRepeatedRun()) {
                if (levels.runDefined()) {
                    for (int j = r; j < r + k; j++) {
                        present[j] |= bit;
                    }
                    decodeDense(b, r, k);
                }
                levels.skipRepeated(k);
            } else {
                decodeRows(b, r, k, levels.decode(present, bit, r, r + k, rows));
            }
            r += k;
        }
    }

    /**
     * Decodes the values of the {@code count} rows of [first, first + k) that have one, listed in
     * {@code rows}: as consecutive rows when all of them have one.
     */
    private void decodeRows(EventBatch b, int first, int k, int count) {
        if (count == k) {
            decodeDense(b, first, k);
        } else if (count > 0) {
            decode(b, rows, count);
        }
    }

    /** Decodes a value into each of the rows {@code rows[0, count)}. */
    abstract void decode(EventBatch b, int[] rows, int count);

    /** Decodes a value into each of the rows {@code [first, first + count)}. */
    void decodeDense(EventBatch b, int first, int count) {
        for (int k = 0; k < count; k++) {
            rows[k] = first + k;
        }
        decode(b, rows, count);
    }

    /** The next dictionary id of the current (dictionary-encoded) page. */
    final int nextId() {
        return ids[idPos++];
    }

    final void fail(int r, String value, String problem) {
        faults.badValue(r, column, value, problem);
    }

    private void nextPage() throws IOException {
        DataPage page = pages.readPage();
        if (page == null) {
            throw new IOException("column " + column.columnName() + " has fewer values than its row group");
        }
        pageRowsLeft = page.getValueCount();
        if (page instanceof DataPageV2 v2) {
            genericLevels = null;
            if (optional) {
                levels.init(v2.getDefinitionLevels().toByteBuffer());
            }
            initValues(v2.getDataEncoding(), v2.getValueCount() - v2.getNullCount(),
                    v2.getData().toInputStream());
        } else {
            DataPageV1 v1 = (DataPageV1) page;
            ByteBufferInputStream in = v1.getBytes().toInputStream();
            ValuesReader rl = v1.getRlEncoding().getValuesReader(descriptor, ValuesType.REPETITION_LEVEL);
            rl.initFromPage(v1.getValueCount(), in);
            genericLevels = null;
            int values = v1.getValueCount();
            if (optional) {
                if (v1.getDlEncoding() == Encoding.RLE) {
                    int length = readIntLittleEndian(in);
                    ByteBuffer levelBytes = in.slice(length);
                    // A v1 page does not say how many of its rows have values: count the levels.
                    LevelCodec.Decoder counter = new LevelCodec.Decoder();
                    counter.init(levelBytes.duplicate());
                    values = counter.count(v1.getValueCount());
                    levels.init(levelBytes);
                } else {
                    genericLevels = v1.getDlEncoding().getValuesReader(descriptor, ValuesType.DEFINITION_LEVEL);
                    genericLevels.initFromPage(v1.getValueCount(), in);
                }
            } else {
                v1.getDlEncoding().getValuesReader(descriptor, ValuesType.DEFINITION_LEVEL)
                        .initFromPage(v1.getValueCount(), in);
            }
            initValues(v1.getValueEncoding(), values, in);
        }
    }

    private static int readIntLittleEndian(ByteBufferInputStream in) throws IOException {
        ByteBuffer b = in.slice(4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        return b.getInt();
    }

    private void initValues(Encoding encoding, int count, ByteBufferInputStream in) throws IOException {
        if (encoding.usesDictionary()) {
            if (dictionary == null) {
                throw new IOException("column " + column.columnName() + " uses a dictionary but has none");
            }
            // Ids are decoded for the whole page at once: a bit-width byte, then the hybrid runs.
            dictionaryPage = true;
            if (ids.length < count) {
                ids = new int[Math.max(count, 1 << 15)];
            }
            idPos = 0;
            if (count > 0) {
                ByteBuffer data = in.slice((int) in.available());
                int width = data.get() & 0xff;
                HybridCodec.decode(data, width, count, ids);
                for (int k = 0; k < count; k++) {
                    if (ids[k] < 0 || ids[k] > dictionary.getMaxId()) {
                        throw new IOException("dictionary id " + ids[k] + " beyond the dictionary of "
                                + (dictionary.getMaxId() + 1) + " entries");
                    }
                }
            }
        } else if (encoding == Encoding.DELTA_BINARY_PACKED) {
            dictionaryPage = false;
            deltaPage = true;
            delta.init(in.slice((int) in.available()),
                    descriptor.getPrimitiveType().getPrimitiveTypeName() == PrimitiveTypeName.INT32);
            return;
        } else if (encoding == Encoding.RLE && descriptor.getPrimitiveType().getPrimitiveTypeName()
                == PrimitiveTypeName.BOOLEAN) {
            // Booleans as RLE: a 4-byte length, then the hybrid runs of width 1; decoded like ids.
            dictionaryPage = true;
            deltaPage = false;
            if (ids.length < count) {
                ids = new int[Math.max(count, 1 << 15)];
            }
            idPos = 0;
            if (count > 0) {
                int length = readIntLittleEndian(in);
                HybridCodec.decode(in.slice(length), 1, count, ids);
            }
            return;
        } else if (count == 0) {
            dictionaryPage = false; // a page of nulls only: no values to read
        } else {
            values = encoding.getValuesReader(descriptor, ValuesType.VALUES);
            dictionaryPage = false;
            values.initFromPage(count, in);
        }
        deltaPage = false;
    }

    /**
     * An integer column into the batch's long[] (INT64 in the schema) or int[] (INT32) array,
     * whichever physical integer type the file uses; values are range-checked before narrowing.
     */
    private static final class IntegerDecoder extends ColumnDecoder {
        private final boolean fileInt32;
        private final boolean targetInt32;
        private long[] dictionaryValues;

        IntegerDecoder(Column column, FieldSpec spec, ColumnDescriptor d, Faults faults) {
            super(column, spec, d, faults);
            fileInt32 = d.getPrimitiveType().getPrimitiveTypeName() == PrimitiveTypeName.INT32;
            targetInt32 = spec.type() == org.iosup.schema.FieldType.INT32;
            delta.setRange(spec.min(), spec.max());
        }

        @Override
        void onDictionary(Dictionary d) {
            dictionaryValues = new long[d.getMaxId() + 1];
            for (int id = 0; id <= d.getMaxId(); id++) {
                dictionaryValues[id] = fileInt32 ? d.decodeToInt(id) : d.decodeToLong(id);
            }
        }

        @Override
        void decode(EventBatch b, int[] rows, int count) {
            if (deltaPage) {
                int bad = delta.readInto(targetInt32 ? null : (long[]) b.array(column),
                        targetInt32 ? (int[]) b.array(column) : null, rows, count);
                if (bad >= 0) {
                    fail(rows[bad], Long.toString(delta.badValue), "out of range " + spec.rangeText());
                }
                return;
            }
            scalar(b, rows, count);
        }

        @Override
        void decodeDense(EventBatch b, int first, int count) {
            if (deltaPage) {
                int bad = delta.readDense(targetInt32 ? null : (long[]) b.array(column),
                        targetInt32 ? (int[]) b.array(column) : null, first, count);
                if (bad >= 0) {
                    fail(first + bad, Long.toString(delta.badValue), "out of range " + spec.rangeText());
                }
                return;
            }
            super.decodeDense(b, first, count);
        }

        private void scalar(EventBatch b, int[] rows, int count) {
            long min = spec.min();
            long max = spec.max();
            long[] longs = targetInt32 ? null : (long[]) b.array(column);
            int[] ints = targetInt32 ? (int[]) b.array(column) : null;
            for (int k = 0; k < count; k++) {
                long v = dictionaryPage ? dictionaryValues[nextId()]
                        : fileInt32 ? values.readInteger() : values.readLong();
                if (v < min || v > max) {
                    fail(rows[k], Long.toString(v), "out of range " + spec.rangeText());
                }
                if (targetInt32) {
                    ints[rows[k]] = (int) v;
                } else {
                    longs[rows[k]] = v;
                }
            }
        }
    }

    private static final class BooleanDecoder extends ColumnDecoder {
        BooleanDecoder(Column column, FieldSpec spec, ColumnDescriptor d, Faults faults) {
            super(column, spec, d, faults);
        }

        @Override
        void decode(EventBatch b, int[] rows, int count) {
            boolean[] a = (boolean[]) b.array(column);
            for (int k = 0; k < count; k++) {
                a[rows[k]] = dictionaryPage ? nextId() != 0 : values.readBoolean();
            }
        }
    }

    private static final class StringDecoder extends ColumnDecoder {
        private String[] decoded;

        StringDecoder(Column column, FieldSpec spec, ColumnDescriptor d, Faults faults) {
            super(column, spec, d, faults);
        }

        @Override
        void onDictionary(Dictionary d) {
            decoded = new String[d.getMaxId() + 1];
            for (int id = 0; id <= d.getMaxId(); id++) {
                decoded[id] = d.decodeToBinary(id).toStringUsingUTF8();
            }
        }

        @Override
        void decode(EventBatch b, int[] rows, int count) {
            String[] a = (String[]) b.array(column);
            for (int k = 0; k < count; k++) {
                String s = dictionaryPage ? decoded[nextId()] : values.readBytes().toStringUsingUTF8();
                if (s.length() > spec.maxLength()) {
                    fail(rows[k], s, "longer than " + spec.maxLength() + " characters");
                }
                a[rows[k]] = s;
            }
        }
    }

    private static final class EnumDecoder extends ColumnDecoder {
        private final Map<Binary, Byte> codes = new HashMap<>();
        private byte[] codeOfId;
        private Binary[] names;

        EnumDecoder(Column column, FieldSpec spec, ColumnDescriptor d, Faults faults) {
            super(column, spec, d, faults);
            Enum<?>[] values = switch (spec.enumName()) {
                case "kind" -> EventKind.values();
                case "page_type" -> PageType.values();
                case "granularity" -> Granularity.values();
                default -> throw new IllegalStateException("unknown enum " + spec.enumName());
            };
            for (Enum<?> e : values) {
                codes.put(Binary.fromString(e.name()), (byte) e.ordinal());
            }
        }

        @Override
        void onDictionary(Dictionary d) {
            codeOfId = new byte[d.getMaxId() + 1];
            names = new Binary[d.getMaxId() + 1];
            for (int id = 0; id <= d.getMaxId(); id++) {
                names[id] = d.decodeToBinary(id);
                Byte code = codes.get(names[id]);
                codeOfId[id] = code == null ? -1 : code;
            }
        }

        @Override
        void decode(EventBatch b, int[] rows, int count) {
            byte[] a = (byte[]) b.array(column);
            byte[] map = codeOfId;
            for (int k = 0; k < count; k++) {
                byte code;
                if (dictionaryPage) {
                    int id = nextId();
                    code = map[id];
                    if (code < 0) {
                        unknown(rows[k], names[id]);
                    }
                } else {
                    Binary v = values.readBytes();
                    Byte c = codes.get(v);
                    if (c == null) {
                        unknown(rows[k], v);
                    }
                    code = c;
                }
                a[rows[k]] = code;
            }
        }

        @Override
        void decodeDense(EventBatch b, int first, int count) {
            if (!dictionaryPage) {
                super.decodeDense(b, first, count);
                return;
            }
            byte[] a = (byte[]) b.array(column);
            byte[] map = codeOfId;
            int[] id = ids;
            int p = idPos;
            int bad = 0;
            for (int k = 0; k < count; k++) {
                byte code = map[id[p + k]];
                a[first + k] = code;
                bad |= code;
            }
            if (bad < 0) {
                for (int k = 0; k < count; k++) {
                    if (map[id[p + k]] < 0) {
                        unknown(first + k, names[id[p + k]]);
                    }
                }
            }
            idPos = p + count;
        }

        private void unknown(int r, Binary v) {
            fail(r, v.toStringUsingUTF8(), "not a known " + spec.enumName() + " (valid: "
                    + codes.entrySet().stream().sorted(Map.Entry.comparingByValue())
                    .map(e -> e.getKey().toStringUsingUTF8()).toList() + ")");
        }
    }
}
