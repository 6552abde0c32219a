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
            baseline(r, events, seed, gap, dir, parquet, minutes);
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

    /**
     * The same work through parquet-java's own codecs ({@link ParquetJavaBaseline}): writing the
     * generated rows (beside iosup's writer fed the same way, and the generator alone, whose time
     * both include) and scanning ts_ns + kind of iosup's file (twice, the warm run the figure),
     * checked to count what iosup's scan counted.
     */
    private static void baseline(Map<String, Object> r, long events, long seed, int gap, Path dir, Path parquet,
                                 KindMinutes expected) throws IOException {
        long t0 = System.nanoTime();
        try (RandomTrace src = new RandomTrace(events, seed, gap)) {
            EventBatch b = new EventBatch();
            while (src.next(b)) {
                // Generated and dropped: the part of both writers' time that is not writing.
            }
        }
        r.put("generate_only_seconds", seconds(t0));
        Path ours = dir.resolve("bench-" + events + "-iosup-write.parquet");
        Path theirs = dir.resolve("bench-" + events + "-parquet-java.parquet");
        try {
            long t1 = System.nanoTime();
            long rows;
            try (RandomTrace src = new RandomTrace(events, seed, gap);
                 ParquetTraceWriter out = ParquetTraceWriter.create(ours)) {
                BatchPipe.copy(src, out::write);
                out.commit();
                rows = out.rows();
            }
            double iosupWrite = seconds(t1);
            long t2 = System.nanoTime();
            long baselineRows;
            try (RandomTrace src = new RandomTrace(events, seed, gap)) {
                baselineRows = ParquetJavaBaseline.write(src, theirs);
            }
            double baselineWrite = seconds(t2);
            r.put("write_rows_per_s", rows / iosupWrite);
            r.put("baseline_write_rows_per_s", baselineRows / baselineWrite);
            r.put("baseline_parquet_bytes", Files.size(theirs));
        } finally {
            deleteQuietly(ours);
            deleteQuietly(theirs);
        }
        double scan = 0;
        long scanned = 0;
        KindMinutes counted = null;
        for (int round = 0; round < 2; round++) {
            long t3 = System.nanoTime();
            counted = new KindMinutes();
            scanned = ParquetJavaBaseline.scan(parquet, counted);
            scan = seconds(t3);
        }
        r.put("baseline_scan_rows_per_s", scanned / scan);
        boolean agrees = counted.minutes() == expected.minutes();
        for (int m = 0; agrees && m < expected.minutes(); m++) {
            for (EventKind k : EventKind.values()) {
                agrees &= counted.count(m, k) == expected.count(m, k);
            }
        }
        r.put("baseline_scan_agrees", agrees);
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
