package org.iosup.trace.parquet;

import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.statistics.BooleanStatistics;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.iosup.trace.Column;
import org.iosup.trace.EventBatch;

/** A boolean column: the values run-length encoded (RLE), as definition levels are. */
@SuppressWarnings("deprecation")
final class BooleanEncoder extends ColumnEncoder {
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
