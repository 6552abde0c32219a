package org.iosup.trace.parquet;

import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.statistics.IntStatistics;
import org.apache.parquet.column.statistics.LongStatistics;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.iosup.schema.FieldSpec;
import org.iosup.trace.Column;
import org.iosup.trace.EventBatch;

/** DELTA_BINARY_PACKED integers, from the batch's long[] (INT64) or int[] (INT32) column. */
@SuppressWarnings("deprecation")
final class DeltaEncoder extends ColumnEncoder {
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
