package org.iosup.trace.parquet;

import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.statistics.BinaryStatistics;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.io.api.Binary;
import org.iosup.trace.Column;

import java.io.IOException;
import java.util.Arrays;

/** Shared by enum and string columns: dictionary ids over byte-string entries. */
@SuppressWarnings("deprecation")
abstract class BinaryDictionaryEncoder extends DictionaryEncoder {
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
