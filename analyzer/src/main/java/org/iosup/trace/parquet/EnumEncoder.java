package org.iosup.trace.parquet;

import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.io.api.Binary;
import org.iosup.trace.Column;
import org.iosup.trace.EventBatch;

import java.io.IOException;
import java.util.Arrays;

/** An enum column: the dictionary is the enum's names in schema order, so the id is the code. */
@SuppressWarnings("deprecation")
final class EnumEncoder extends BinaryDictionaryEncoder {
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
