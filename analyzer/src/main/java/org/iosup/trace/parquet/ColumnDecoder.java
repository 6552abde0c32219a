package org.iosup.trace.parquet;

import org.apache.parquet.bytes.ByteBufferInputStream;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Dictionary;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.ValuesType;
import org.apache.parquet.column.page.DictionaryPage;
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
 * ({@link LevelCodec}), values with iosup's decoders for PLAIN, DELTA_BINARY_PACKED, dictionary
 * ids and RLE booleans, and through parquet-java's for the other encodings (format v1 or v2 pages,
 * so files from other writers read too). Each value is converted from its stored type
 * ({@link StoredType}) and checked against the schema's range or enum; a bad one is reported
 * through {@link Faults}. Each page must be consistent to the byte: its levels, value count and
 * values end exactly where the page does, or the page is corrupt ({@link Corrupt}).
 */
// parquet-java marks the page-level calls this hand-written codec needs as deprecated (BytesInput's
// toByteArray/toByteBuffer, PLAIN_DICTIONARY of older writers' files, writeDataPageV2 with statistics,
// the bit packers' byte[] unpack) without a replacement at that level; they are what parquet-java's own
// writers and readers call.
@SuppressWarnings("deprecation")
abstract class ColumnDecoder {
    /** Reports a bad value; the reader turns it into an error naming the file and row (and throws). */
    interface Faults {
        void badValue(int rowInBatch, Column column, String value, String problem);
    }

    /** A page that cannot be decoded: corrupt, or in a form iosup does not read. */
    static final class Corrupt extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Corrupt(String message) {
            super(message);
        }
    }

    private enum Mode { NONE, DELTA, IDS, PLAIN, READER }

    final Column column;
    final FieldSpec spec;
    final ColumnDescriptor descriptor;
    final StoredType stored;
    private final Faults faults;
    /** The column may hold nulls (definition levels). */
    final boolean optional;
    private final int bit;
    private final LevelCodec.Decoder levels = new LevelCodec.Decoder();
    private ValuesReader genericLevels;
    private ChunkPages pages;
    private Dictionary dictionary;
    private ChunkPages.Page page;
    private Mode mode = Mode.NONE;
    ValuesReader values;
    final Plain plain = new Plain();
    final DeltaCodec.Decoder delta = new DeltaCodec.Decoder();
    private int pageRowsLeft;
    private int pageValues;
    private int pageValuesSeen;
    int[] ids = new int[0];
    int idPos;
    private int idCount;
    private int[] rows = new int[0];

    ColumnDecoder(Column column, FieldSpec spec, ColumnDescriptor descriptor, StoredType stored, Faults faults) {
        this.column = column;
        this.spec = spec;
        this.descriptor = descriptor;
        this.stored = stored;
        this.faults = faults;
        this.optional = descriptor.getMaxDefinitionLevel() > 0;
        this.bit = column.bit();
    }

    static ColumnDecoder of(Column column, FieldSpec spec, ColumnDescriptor d, StoredType stored, Faults faults) {
        return switch (spec.type()) {
            case INT64, INT32 -> new IntegerDecoder(column, spec, d, stored, faults);
            case BOOLEAN -> new BooleanDecoder(column, spec, d, stored, faults);
            case STRING -> new StringDecoder(column, spec, d, stored, faults);
            case ENUM -> new EnumDecoder(column, spec, d, stored, faults);
            case DOUBLE -> throw new IllegalStateException("events have no double column");
        };
    }

    /** Starts on the (checked) pages of a new row group's column chunk. */
    final void start(ChunkPages chunk) throws ChunkPages.Fault {
        this.pages = chunk;
        this.page = null;
        this.pageRowsLeft = 0;
        this.mode = Mode.NONE;
        DictionaryPage dp = chunk.dictionaryPage();
        dictionary = null;
        if (dp != null) {
            try {
                checkDictionaryBytes(dp);
                dictionary = dp.getEncoding().initDictionary(descriptor, dp);
                onDictionary(dictionary);
            } catch (IOException | RuntimeException e) {
                throw new ChunkPages.Fault(0, 0, "corrupt dictionary page (" + Thrift.reason(e) + ")");
            }
        }
    }

    /** The dictionary page's bytes hold exactly its entries. */
    private void checkDictionaryBytes(DictionaryPage dp) throws IOException {
        if (dp.getEncoding() != Encoding.PLAIN && dp.getEncoding() != Encoding.PLAIN_DICTIONARY) {
            throw new Corrupt("dictionary encoding " + dp.getEncoding());
        }
        byte[] bytes = dp.getBytes().toByteArray();
        long n = dp.getDictionarySize();
        long expected = switch (descriptor.getPrimitiveType().getPrimitiveTypeName()) {
            case INT32 -> 4 * n;
            case INT64 -> 8 * n;
            case BINARY -> {
                long at = 0;
                for (long k = 0; k < n; k++) {
                    if (at + 4 > bytes.length) {
                        throw new Corrupt("the dictionary ends inside entry " + (k + 1) + " of " + n);
                    }
                    int i = (int) at;
                    long length = (bytes[i] & 0xff) | (bytes[i + 1] & 0xff) << 8 | (bytes[i + 2] & 0xff) << 16
                            | (long) (bytes[i + 3] & 0xff) << 24;
                    at += 4 + length;
                }
                yield at;
            }
            default -> throw new Corrupt("a dictionary in a " + descriptor.getPrimitiveType().getPrimitiveTypeName() + " column");
        };
        if (expected != bytes.length) {
            throw new Corrupt("a dictionary of " + n + " entries in " + bytes.length + " bytes");
        }
    }

    /** Called with each row group's dictionary, to precompute what each id decodes to. */
    void onDictionary(Dictionary d) {
    }

    /** The number (1-based) of the current data page, 0 before the first. */
    final int pageNumber() {
        return page == null ? 0 : page.number();
    }

    /** The first row (0-based, in the row group) of the current data page, 0 before the first. */
    final long pageFirstRow() {
        return page == null ? 0 : page.firstRow();
    }

    /** The number (1-based) of the data page holding row {@code row} of the row group. */
    final int pageOfRow(long row) {
        return pages.pageOfRow(row);
    }

    /** Decodes the next {@code n} rows into rows [0, n) of {@code b}. */
    final void read(EventBatch b, int n) throws ChunkPages.Fault {
        int[] present = b.present();
        if (rows.length < n) {
            rows = new int[n];
        }
        int i = 0;
        while (i < n) {
            if (pageRowsLeft == 0) {
                nextPage();
                if (pageRowsLeft == 0) {
                    endPage(); // a page of no rows: nothing in it may be left over either
                }
                continue;
            }
            int end = Math.min(n, i + pageRowsLeft);
            if (!optional) {
                for (int r = i; r < end; r++) {
                    present[r] |= bit;
                }
                decodeDense(b, i, end - i);
                pageValuesSeen += end - i;
            } else if (genericLevels == null) {
                pageValuesSeen += readRuns(b, present, i, end);
            } else {
                int count = 0;
                for (int r = i; r < end; r++) {
                    int level = genericLevels.readInteger();
                    if (level == 1) {
                        present[r] |= bit;
                        rows[count++] = r;
                    } else if (level != 0) {
                        throw new Corrupt("definition level " + level + " in a column whose levels are 0 or 1");
                    }
                }
                checkValuesLeft(count);
                decodeRows(b, i, end - i, count);
                pageValuesSeen += count;
            }
            pageRowsLeft -= end - i;
            i = end;
            if (pageRowsLeft == 0) {
                endPage();
            }
        }
    }

    /**
     * Rows [from, to) of an optional column, run by run of its definition levels: a run of nulls
     * is skipped, a run of values decoded into consecutive rows, a bit-packed run row by row.
     *
     * @return how many of the rows have a value
     */
    private int readRuns(EventBatch b, int[] present, int from, int to) {
        int r = from;
        int defined = 0;
        while (r < to) {
            int k = Math.min(to - r, levels.runRows());
            if (levels.inRepeatedRun()) {
                if (levels.runDefined()) {
                    for (int j = r; j < r + k; j++) {
                        present[j] |= bit;
                    }
                    checkValuesLeft(defined + k);
                    decodeDense(b, r, k);
                    defined += k;
                }
                levels.skipRepeated(k);
            } else {
                int count = levels.decode(present, bit, r, r + k, rows);
                checkValuesLeft(defined + count);
                decodeRows(b, r, k, count);
                defined += count;
            }
            r += k;
        }
        return defined;
    }

    /** The levels must not promise more values than the page holds (checked before they are decoded). */
    private void checkValuesLeft(int more) {
        if (pageValuesSeen + more > pageValues) {
            throw new Corrupt("the definition levels say more values than the page's " + pageValues);
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

    final boolean dictionaryIds() {
        return mode == Mode.IDS;
    }

    final boolean deltaPage() {
        return mode == Mode.DELTA;
    }

    final boolean plainPage() {
        return mode == Mode.PLAIN;
    }

    final void fail(int r, String value, String problem) {
        faults.badValue(r, column, value, problem);
    }

    private void nextPage() throws ChunkPages.Fault {
        page = pages.next();
        if (page == null) {
            throw new Corrupt("the column has fewer values than its row group");
        }
        pageRowsLeft = page.rows();
        pageValuesSeen = 0;
        genericLevels = null;
        if (page.v2()) {
            if (optional) {
                levels.init(page.levels());
            }
            pageValues = page.rows() - page.nulls();
            initValues(page.encoding(), pageValues, page.data());
        } else {
            ByteBuffer data = page.data();
            int values = page.rows();
            if (optional) {
                if (page.definitionEncoding() == Encoding.RLE) {
                    if (data.remaining() < 4) {
                        throw new Corrupt("the page ends inside its definition levels");
                    }
                    int length = data.order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(data.position());
                    if (length < 0 || length > data.remaining() - 4) {
                        throw new Corrupt("definition levels of " + length + " bytes in a page of " + data.remaining());
                    }
                    ByteBuffer levelBytes = data.duplicate();
                    levelBytes.position(data.position() + 4).limit(data.position() + 4 + length);
                    levelBytes = levelBytes.slice();
                    // A v1 page does not say how many of its rows have values: count the levels.
                    LevelCodec.Decoder counter = new LevelCodec.Decoder();
                    counter.init(levelBytes.duplicate());
                    values = counter.count(page.rows());
                    if (!counter.endsExactly()) {
                        throw new Corrupt("the definition levels do not fill their " + length + " bytes");
                    }
                    levels.init(levelBytes);
                    data.position(data.position() + 4 + length);
                    data = data.slice();
                } else {
                    ByteBufferInputStream in = ByteBufferInputStream.wrap(data);
                    genericLevels = page.definitionEncoding().getValuesReader(descriptor, ValuesType.DEFINITION_LEVEL);
                    try {
                        genericLevels.initFromPage(page.rows(), in);
                        // Count the values with a second reader over the same levels.
                        ValuesReader counter = page.definitionEncoding().getValuesReader(descriptor, ValuesType.DEFINITION_LEVEL);
                        counter.initFromPage(page.rows(), ByteBufferInputStream.wrap(data.duplicate()));
                        values = 0;
                        for (int r = 0; r < page.rows(); r++) {
                            values += counter.readInteger() == 1 ? 1 : 0;
                        }
                        data = in.slice(in.available());
                    } catch (IOException e) {
                        throw new Corrupt("cannot read the definition levels (" + Thrift.reason(e) + ")");
                    }
                }
            }
            pageValues = values;
            initValues(page.encoding(), values, data);
        }
    }

    /** At the end of a page: its levels, value count and values all ended exactly with it. */
    private void endPage() {
        if (optional && genericLevels == null && !levels.endsExactly()) {
            throw new Corrupt("the definition levels do not end with the page");
        }
        if (pageValuesSeen != pageValues) {
            throw new Corrupt("the page holds " + pageValues + " values, its definition levels " + pageValuesSeen);
        }
        boolean exact = switch (mode) {
            case DELTA -> delta.endsExactly();
            case IDS -> idPos == idCount;
            case PLAIN -> plain.in.remaining() == 0;
            case READER, NONE -> true;
        };
        if (!exact) {
            throw new Corrupt("the page's " + page.encoding() + " values do not end with the page");
        }
    }

    private void initValues(Encoding encoding, int count, ByteBuffer data) {
        values = null;
        if (count == 0) {
            // A page of nulls only: no values to read, and no bytes for them.
            mode = Mode.NONE;
            if (data.remaining() != 0 && encoding != Encoding.RLE_DICTIONARY && encoding != Encoding.PLAIN_DICTIONARY
                    && encoding != Encoding.DELTA_BINARY_PACKED && encoding != Encoding.RLE) {
                throw new Corrupt("a page without values holds " + data.remaining() + " bytes of them");
            }
            return;
        }
        PrimitiveTypeName physical = descriptor.getPrimitiveType().getPrimitiveTypeName();
        if (encoding.usesDictionary()) {
            if (dictionary == null) {
                throw new Corrupt("the page uses a dictionary but the column chunk has none");
            }
            // Ids are decoded for the whole page at once: a bit-width byte, then the hybrid runs.
            if (data.remaining() < 1) {
                throw new Corrupt("a dictionary-encoded page without its bit width");
            }
            mode = Mode.IDS;
            ensureIds(count);
            ByteBuffer d = data.duplicate();
            int width = d.get() & 0xff;
            int left = HybridCodec.decode(d.slice(), width, count, ids);
            if (left != 0) {
                throw new Corrupt("the dictionary ids do not fill the page (" + left + " bytes left)");
            }
            int max = dictionary.getMaxId();
            for (int k = 0; k < count; k++) {
                if (ids[k] < 0 || ids[k] > max) {
                    throw new Corrupt("dictionary id " + ids[k] + " beyond the dictionary of " + (max + 1) + " entries");
                }
            }
        } else if (encoding == Encoding.DELTA_BINARY_PACKED
                && (physical == PrimitiveTypeName.INT32 || physical == PrimitiveTypeName.INT64)) {
            mode = Mode.DELTA;
            delta.init(data, physical == PrimitiveTypeName.INT32);
            if (delta.total() != count) {
                throw new Corrupt("DELTA_BINARY_PACKED values say " + delta.total() + " values, the page " + count);
            }
        } else if (encoding == Encoding.RLE && physical == PrimitiveTypeName.BOOLEAN) {
            // Booleans as RLE: a 4-byte length, then the hybrid runs of width 1; decoded like ids.
            mode = Mode.IDS;
            ensureIds(count);
            if (data.remaining() < 4) {
                throw new Corrupt("an RLE boolean page without its length");
            }
            int length = data.order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(data.position());
            if (length < 0 || length != data.remaining() - 4) {
                throw new Corrupt("RLE booleans of " + length + " bytes in " + (data.remaining() - 4));
            }
            ByteBuffer runs = data.duplicate();
            runs.position(data.position() + 4);
            int left = HybridCodec.decode(runs.slice(), 1, count, ids);
            if (left != 0) {
                throw new Corrupt("the RLE booleans do not fill the page (" + left + " bytes left)");
            }
            for (int k = 0; k < count; k++) {
                if (ids[k] > 1) {
                    throw new Corrupt("boolean value " + ids[k]);
                }
            }
        } else if (encoding == Encoding.PLAIN) {
            mode = Mode.PLAIN;
            plain.init(data);
            long need = switch (physical) {
                case INT32 -> 4L * count;
                case INT64 -> 8L * count;
                case BOOLEAN -> (count + 7L) / 8;
                default -> -1;
            };
            if (need >= 0 && need != data.remaining()) {
                throw new Corrupt(count + " PLAIN values in " + data.remaining() + " bytes");
            }
        } else {
            mode = Mode.READER;
            try {
                values = encoding.getValuesReader(descriptor, ValuesType.VALUES);
                values.initFromPage(count, ByteBufferInputStream.wrap(data));
            } catch (IOException | RuntimeException e) {
                throw new Corrupt("cannot read " + encoding + " values (" + Thrift.reason(e) + ")");
            }
        }
    }

    private void ensureIds(int count) {
        if (ids.length < count) {
            ids = new int[Math.max(count, Math.min(2 * ids.length, 1 << 15))];
        }
        idPos = 0;
        idCount = count;
    }

    /** PLAIN values read straight from the page's bytes, each checked to lie within them. */
    static final class Plain {
        final Bytes.Reader in = new Bytes.Reader();
        private int bitAt;

        void init(ByteBuffer data) {
            in.reset(data);
            bitAt = 0;
        }

        int int32() {
            in.need(4, "PLAIN values");
            byte[] b = in.buf;
            int i = in.at;
            in.at += 4;
            return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff) << 16 | b[i + 3] << 24;
        }

        long int64() {
            long lo = int32() & 0xffffffffL;
            return lo | (long) int32() << 32;
        }

        Binary binary() {
            int length = int32();
            if (length < 0) {
                throw new Corrupt("a PLAIN string of " + length + " bytes");
            }
            in.need(length, "PLAIN values");
            Binary v = Binary.fromConstantByteArray(in.buf, in.at, length);
            in.at += length;
            return v;
        }

        boolean bool() {
            if ((bitAt & 7) == 0) {
                in.need(1, "PLAIN values");
                in.at++;
            }
            boolean v = (in.buf[in.at - 1] >>> (bitAt & 7) & 1) != 0;
            bitAt++;
            return v;
        }
    }

    /**
     * An integer column into the batch's long[] (INT64 in the schema) or int[] (INT32) array,
     * whichever physical integer type the file uses; values are converted from their stored type
     * and range-checked before narrowing.
     */
    private static final class IntegerDecoder extends ColumnDecoder {
        private final boolean fileInt32;
        private final boolean targetInt32;
        private final boolean asStored;
        private long[] dictionaryValues;
        private long[] raw = new long[0];

        IntegerDecoder(Column column, FieldSpec spec, ColumnDescriptor d, StoredType stored, Faults faults) {
            super(column, spec, d, stored, faults);
            fileInt32 = d.getPrimitiveType().getPrimitiveTypeName() == PrimitiveTypeName.INT32;
            targetInt32 = spec.type() == org.iosup.schema.FieldType.INT32;
            asStored = stored.asStored();
            if (asStored) {
                delta.setRange(spec.min(), spec.max());
            }
        }

        @Override
        void onDictionary(Dictionary d) {
            dictionaryValues = new long[d.getMaxId() + 1];
            anyOutOfRange = false;
            for (int id = 0; id <= d.getMaxId(); id++) {
                long v = fileInt32 ? d.decodeToInt(id) : d.decodeToLong(id);
                dictionaryValues[id] = v;
                anyOutOfRange |= v < spec.min() || v > spec.max();
            }
        }

        /** Whether some value of the dictionary is outside the schema's range (then rows are checked one by one). */
        private boolean anyOutOfRange;

        @Override
        void decode(EventBatch b, int[] rows, int count) {
            if (deltaPage()) {
                if (!asStored) {
                    converted(b, rows, 0, count);
                    return;
                }
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
            if (deltaPage()) {
                if (!asStored) {
                    converted(b, null, first, count);
                    return;
                }
                int bad = delta.readDense(targetInt32 ? null : (long[]) b.array(column),
                        targetInt32 ? (int[]) b.array(column) : null, first, count);
                if (bad >= 0) {
                    fail(first + bad, Long.toString(delta.badValue), "out of range " + spec.rangeText());
                }
                return;
            }
            if (dictionaryIds() && asStored && !anyOutOfRange) {
                // Every value of the dictionary is in range: look the ids up in a tight loop.
                long[] dict = dictionaryValues;
                int[] id = ids;
                int p = idPos;
                if (targetInt32) {
                    int[] a = (int[]) b.array(column);
                    for (int k = 0; k < count; k++) {
                        a[first + k] = (int) dict[id[p + k]];
                    }
                } else {
                    long[] a = (long[]) b.array(column);
                    for (int k = 0; k < count; k++) {
                        a[first + k] = dict[id[p + k]];
                    }
                }
                idPos = p + count;
                return;
            }
            super.decodeDense(b, first, count);
        }

        /** DELTA_BINARY_PACKED values of a converted type: decoded as stored, then converted one by one. */
        private void converted(EventBatch b, int[] rows, int first, int count) {
            if (raw.length < count) {
                raw = new long[count];
            }
            delta.readDense(raw, null, 0, count);
            for (int k = 0; k < count; k++) {
                store(b, rows == null ? first + k : rows[k], raw[k]);
            }
        }

        private void scalar(EventBatch b, int[] rows, int count) {
            if (asStored) {
                long min = spec.min();
                long max = spec.max();
                long[] longs = targetInt32 ? null : (long[]) b.array(column);
                int[] ints = targetInt32 ? (int[]) b.array(column) : null;
                for (int k = 0; k < count; k++) {
                    long v = next();
                    if (v < min || v > max) {
                        fail(rows[k], Long.toString(v), "out of range " + spec.rangeText());
                    }
                    if (targetInt32) {
                        ints[rows[k]] = (int) v;
                    } else {
                        longs[rows[k]] = v;
                    }
                }
                return;
            }
            for (int k = 0; k < count; k++) {
                store(b, rows[k], next());
            }
        }

        private long next() {
            if (dictionaryIds()) {
                return dictionaryValues[nextId()];
            }
            if (plainPage()) {
                return fileInt32 ? plain.int32() : plain.int64();
            }
            return fileInt32 ? values.readInteger() : values.readLong();
        }

        /** Converts a stored value, checks it and stores it in row r. */
        private void store(EventBatch b, int r, long rawValue) {
            long v;
            try {
                v = stored.convert(rawValue);
            } catch (StoredType.Inexact e) {
                fail(r, e.value, e.getMessage());
                return;
            }
            if (v < spec.min() || v > spec.max()) {
                fail(r, Long.toString(v), "out of range " + spec.rangeText());
            }
            if (targetInt32) {
                ((int[]) b.array(column))[r] = (int) v;
            } else {
                ((long[]) b.array(column))[r] = v;
            }
        }
    }

    private static final class BooleanDecoder extends ColumnDecoder {
        BooleanDecoder(Column column, FieldSpec spec, ColumnDescriptor d, StoredType stored, Faults faults) {
            super(column, spec, d, stored, faults);
        }

        @Override
        void decode(EventBatch b, int[] rows, int count) {
            boolean[] a = (boolean[]) b.array(column);
            for (int k = 0; k < count; k++) {
                a[rows[k]] = dictionaryIds() ? nextId() != 0 : plainPage() ? plain.bool() : values.readBoolean();
            }
        }
    }

    private static final class StringDecoder extends ColumnDecoder {
        private String[] decoded;

        StringDecoder(Column column, FieldSpec spec, ColumnDescriptor d, StoredType stored, Faults faults) {
            super(column, spec, d, stored, faults);
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
                String s = dictionaryIds() ? decoded[nextId()]
                        : (plainPage() ? plain.binary() : values.readBytes()).toStringUsingUTF8();
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

        EnumDecoder(Column column, FieldSpec spec, ColumnDescriptor d, StoredType stored, Faults faults) {
            super(column, spec, d, stored, faults);
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
                if (dictionaryIds()) {
                    int id = nextId();
                    code = map[id];
                    if (code < 0) {
                        unknown(rows[k], names[id]);
                    }
                } else {
                    Binary v = plainPage() ? plain.binary() : values.readBytes();
                    Byte c = codes.get(v);
                    if (c == null) {
                        unknown(rows[k], v);
                        return;
                    }
                    code = c;
                }
                a[rows[k]] = code;
            }
        }

        @Override
        void decodeDense(EventBatch b, int first, int count) {
            if (!dictionaryIds()) {
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
