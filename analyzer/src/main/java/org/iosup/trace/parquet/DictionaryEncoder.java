package org.iosup.trace.parquet;

import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.iosup.trace.Column;

/**
 * A dictionary-encoded column (RLE_DICTIONARY): each page holds the dictionary ids of its values,
 * collected in {@link #ids}; the dictionary itself is the row group's dictionary page.
 */
abstract class DictionaryEncoder extends ColumnEncoder {
    /** The ids of the current page's values. */
    final int[] ids = new int[PAGE_ROWS];
    int idCount;

    DictionaryEncoder(Column column, ColumnDescriptor d, BytesInputCompressor c) {
        super(column, d, c);
    }

    /** Entries in the dictionary so far (the ids' range). */
    abstract int entries();

    @Override
    final byte[] pageBytes() {
        byte[] out = dictionaryIds(ids, idCount, entries());
        idCount = 0;
        return out;
    }

    @Override
    final Encoding pageEncoding() {
        return Encoding.RLE_DICTIONARY;
    }
}
