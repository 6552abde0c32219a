package org.iosup.trace.parquet;

import it.unimi.dsi.fastutil.objects.Object2IntOpenHashMap;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.io.api.Binary;
import org.iosup.schema.FieldSpec;
import org.iosup.trace.Column;
import org.iosup.trace.EventBatch;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** A string column: dictionary ids over the distinct strings of the row group, in order of first use. */
@SuppressWarnings("deprecation")
final class StringEncoder extends BinaryDictionaryEncoder {
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
