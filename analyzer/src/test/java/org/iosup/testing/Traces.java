package org.iosup.testing;

import org.iosup.trace.EventBatch;
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
        List<EventBatch> parts = new ArrayList<>();
        int rows = 0;
        try (ParquetTraceReader in = ParquetTraceReader.open(parquet)) {
            while (true) {
                EventBatch b = new EventBatch();
                if (!in.next(b)) {
                    break;
                }
                parts.add(b);
                rows += b.size();
            }
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
