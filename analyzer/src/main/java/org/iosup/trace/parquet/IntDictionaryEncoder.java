package org.iosup.trace.parquet;

import it.unimi.dsi.fastutil.ints.Int2IntOpenHashMap;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.statistics.IntStatistics;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.iosup.schema.FieldSpec;
import org.iosup.trace.Column;
import org.iosup.trace.EventBatch;

import java.io.IOException;
import java.util.Arrays;

/** Dictionary encoding of a low-cardinality int column; ids of values below 65536 by table. */
@SuppressWarnings("deprecation")
final class IntDictionaryEncoder extends DictionaryEncoder {
    private static final int TABLE = 1 << 16;
    private int[] idByValue;
    private final Int2IntOpenHashMap idByLargeValue = new Int2IntOpenHashMap();
    private int[] dictionary = new int[64];
    private int size;
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
    int entries() {
        return size;
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
