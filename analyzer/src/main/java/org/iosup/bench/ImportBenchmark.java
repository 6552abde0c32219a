package org.iosup.bench;

import org.iosup.io.Inputs;
import org.iosup.trace.parquet.ParquetTraceWriter;
import org.iosup.trace.perf.PerfImport;
import org.iosup.trace.perf.XenLevels;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The import benchmark of the perf issue: {@code perf script} text held in memory (so the disk
 * and gunzip are not measured), imported on the calling thread into a Parquet trace, several
 * times; reports MB/s of text for the parse alone and for parse + Parquet write, and for the
 * first (cold) import, which includes the JIT's warm-up.
 */
public final class ImportBenchmark {
    /** Target of the perf issue: MB/s of perf script text imported on one core. */
    public static final double TARGET_MB_PER_S = 100;

    private ImportBenchmark() {
    }

    /** Runs {@code rounds} timed imports of {@code input} (after one untimed warm-up) into {@code dir}. */
    public static Map<String, Object> run(String input, int rounds, Path dir) {
        byte[] text;
        try (InputStream in = Inputs.open(input)) {
            text = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path out = dir.resolve("bench-import.parquet");
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("input", input);
        r.put("text_bytes", (long) text.length);
        r.put("rounds", rounds);
        long c0 = System.nanoTime();
        write(text, out);
        double cold = (System.nanoTime() - c0) / 1e9;
        parse(text);
        double[] parse = new double[rounds];
        double[] write = new double[rounds];
        long events = 0;
        for (int i = 0; i < rounds; i++) {
            long t0 = System.nanoTime();
            events = parse(text);
            parse[i] = (System.nanoTime() - t0) / 1e9;
            long t1 = System.nanoTime();
            write(text, out);
            write[i] = (System.nanoTime() - t1) / 1e9;
        }
        try {
            Files.deleteIfExists(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        r.put("events", events);
        r.put("cold_import_seconds", cold);
        r.put("cold_import_mb_per_s", text.length / 1e6 / cold);
        r.put("parse_seconds_median", median(parse));
        r.put("parse_mb_per_s", text.length / 1e6 / median(parse));
        r.put("import_seconds_median", median(write));
        r.put("import_mb_per_s", text.length / 1e6 / median(write));
        r.put("import_mb_per_s_best", text.length / 1e6 / Arrays.stream(write).min().orElseThrow());
        r.put("target_mb_per_s", TARGET_MB_PER_S);
        return r;
    }

    private static long parse(byte[] text) {
        long[] rows = new long[1];
        PerfImport imp = new PerfImport("bench", false, false, XenLevels.P4D, b -> rows[0] += b.size());
        imp.read(new ByteArrayInputStream(text));
        return rows[0];
    }

    private static void write(byte[] text, Path out) {
        try (ParquetTraceWriter w = ParquetTraceWriter.create(out)) {
            new PerfImport("bench", false, false, XenLevels.P4D, w::write).read(new ByteArrayInputStream(text));
            w.commit();
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
