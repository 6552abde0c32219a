package org.iosup.trace;

import java.util.Map;

/**
 * Anything that yields event rows in time order, a batch at a time: a CSV file, a Parquet file,
 * an importer or a generator. Engines are written against this, not against a file format.
 */
public interface TraceSource extends AutoCloseable {
    /**
     * Clears {@code batch} and fills it with the next rows.
     *
     * @return false when the source is exhausted (the batch is then empty)
     */
    boolean next(EventBatch batch);

    /** Trace-level metadata (for example {@code iosup.paging}); may grow while reading. */
    Map<String, String> metadata();

    /** Name of the source for messages, e.g. its path. */
    String name();

    @Override
    void close();
}
