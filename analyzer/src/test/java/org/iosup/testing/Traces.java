package org.iosup.testing;

import org.iosup.trace.EventBatch;
import org.iosup.trace.TraceSource;
import org.iosup.trace.parquet.ParquetTraceReader;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reading whole (small) traces in tests. */
public final class Traces {
    private Traces() {
    }

    /** Every row of a Parquet trace, copied into one batch. */
    public static EventBatch readAll(Path parquet) {
        try (ParquetTraceReader in = ParquetTraceReader.open(parquet)) {
            return readAll(in, EventBatch.DEFAULT_CAPACITY);
        }
    }

    /** Every row {@code in} yields, read in batches of {@code batchRows} and copied into one batch ({@code in} stays open). */
    public static EventBatch readAll(TraceSource in, int batchRows) {
        List<EventBatch> parts = new ArrayList<>();
        int rows = 0;
        while (true) {
            EventBatch b = new EventBatch(batchRows);
            if (!in.next(b)) {
                break;
            }
            parts.add(b);
            rows += b.size();
        }
        EventBatch all = new EventBatch(Math.max(1, rows));
        for (EventBatch b : parts) {
            for (int i = 0; i < b.size(); i++) {
                all.copyRow(b, i);
            }
        }
        return all;
    }
}
