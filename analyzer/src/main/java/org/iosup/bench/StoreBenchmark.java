package org.iosup.bench;

import org.iosup.analysis.KindMinutes;
import org.iosup.trace.BatchPipe;
import org.iosup.trace.EventBatch;
import org.iosup.trace.EventKind;
import org.iosup.trace.csv.CsvTraceReader;
import org.iosup.trace.csv.CsvTraceWriter;
import org.iosup.trace.parquet.ParquetTraceReader;
import org.iosup.trace.parquet.ParquetTraceWriter;
import org.iosup.trace.Column;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The store benchmark of the foundation issue: generate a CSV trace with every column, ingest it
 * to Parquet end to end (parse, validate, encode, compress, write), then scan ts_ns + kind from
 * the Parquet file into per-minute counts per kind. Reports rows/s for both.
 */
public final class StoreBenchmark {
    /** Target of the foundation issue: CSV ingest rows/s, end to end. */
    public static final double INGEST_TARGET = 1.5e6;
    /** Target of the foundation issue: ts_ns + kind scan rows/s. */
    public static final double SCAN_TARGET = 20e6;

    private StoreBenchmark() {
    }

    /** Runs the benchmark in {@code dir}; returns the figures in order. */
    public static Map<String, Object> run(long events, long seed, Path dir, boolean keep) {
        Path csv = dir.resolve("bench-" + events + ".csv");
        Path parquet = dir.resolve("bench-" + events + ".parquet");
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("events", events);
        r.put("seed", seed);
        try {
            long t0 = System.nanoTime();
            // 30 minutes of trace time, so that the per-minute scan has minutes to count.
            int gap = (int) Math.max(1, Math.min(Integer.MAX_VALUE / 2, 1_800_000_000_000L / Math.max(1, events)));
            try (RandomTrace src = new RandomTrace(events, seed, gap);
                 CsvTraceWriter out = new CsvTraceWriter(new BufferedWriter(
                         Files.newBufferedWriter(csv, StandardCharsets.UTF_8), 1 << 16), src.metadata())) {
                BatchPipe.copy(src, out::write);
            }
            r.put("csv_bytes", Files.size(csv));
            r.put("generate_seconds", seconds(t0));

            long t1 = System.nanoTime();
            long rows;
            try (CsvTraceReader in = CsvTraceReader.open(csv.toString());
                 ParquetTraceWriter out = ParquetTraceWriter.create(parquet)) {
                BatchPipe.copy(in, out::write);
                out.commit();
                rows = out.rows();
            }
            double ingest = seconds(t1);
            r.put("ingest_rows", rows);
            r.put("ingest_seconds", ingest);
            r.put("ingest_rows_per_s", rows / ingest);
            r.put("ingest_mb_per_s", Files.size(csv) / 1e6 / ingest);
            r.put("parquet_bytes", Files.size(parquet));

            // The scan runs twice; the second, warm, run is the figure (the first is JIT warm-up).
            double scan = 0;
            long scanned = 0;
            KindMinutes minutes = null;
            for (int round = 0; round < 2; round++) {
                long t2 = System.nanoTime();
                minutes = new KindMinutes();
                scanned = 0;
                try (ParquetTraceReader in = ParquetTraceReader.open(parquet, EnumSet.of(Column.TS_NS, Column.KIND))) {
                    EventBatch b = new EventBatch();
                    while (in.next(b)) {
                        minutes.add(b);
                        scanned += b.size();
                    }
                }
                scan = seconds(t2);
            }
            r.put("scan_rows", scanned);
            r.put("scan_seconds", scan);
            r.put("scan_rows_per_s", scanned / scan);
            r.put("scan_minutes", minutes.minutes());
            long dma = 0;
            for (int m = 0; m < minutes.minutes(); m++) {
                dma += minutes.count(m, EventKind.DMA);
            }
            r.put("scan_dma_rows", dma);
            r.put("ingest_target_rows_per_s", INGEST_TARGET);
            r.put("scan_target_rows_per_s", SCAN_TARGET);
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (!keep) {
                deleteQuietly(csv);
                deleteQuietly(parquet);
            }
        }
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // Left behind in the benchmark folder.
        }
    }
}
