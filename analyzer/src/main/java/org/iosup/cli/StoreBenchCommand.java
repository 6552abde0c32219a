package org.iosup.cli;

import org.iosup.bench.StoreBenchmark;
import org.iosup.io.UserException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code iosup bench store}: CSV ingest and Parquet scan speed. */
@Command(name = "store", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    header = "Benchmark CSV ingest to Parquet and a per-minute scan of the result.",
        description = {
            "Generate a CSV trace with every column, ingest it to Parquet (timed, end to end), then scan",
            "ts_ns + kind into per-minute counts per kind (timed). Targets: ingest >= 1.5 million rows/s,",
            "scan >= 20 million rows/s. Then the same rows through parquet-java's own codecs (its Group",
            "writer, its ColumnReaders) as a baseline, beside iosup's writer and scan of them."
        })
public final class StoreBenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--events", defaultValue = "20000000", paramLabel = "N",
            description = "Events in the generated trace (default: ${DEFAULT-VALUE}).")
    long events;

    @Mixin
    Mixins.Seed seed;

    @Mixin
    Mixins.BenchFiles files;

    @Mixin
    Mixins.Json json;

    @Override
    public Integer call() throws IOException {
        if (events <= 0) {
            throw new UserException("--events must be positive, got " + events);
        }
        Path folder = files.folder();
        Map<String, Object> r = StoreBenchmark.run(events, seed.value(), folder, files.keep());
        files.cleanUp(folder);
        PrintWriter out = spec.commandLine().getOut();
        if (json.on()) {
            Mixins.Json.print(out, r);
        } else {
            out.printf(Locale.ROOT, "iosup bench store: %,d events, seed %d, %d CPUs, Java %s%n", events, seed.value(),
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
            out.printf(Locale.ROOT, "  generated CSV    %,.1f MB in %.2f s (not a figure)%n",
                    (Long) r.get("csv_bytes") / 1e6, (Double) r.get("generate_seconds"));
            line(out, "ingest CSV -> Parquet", (Double) r.get("ingest_seconds"), (Double) r.get("ingest_rows_per_s"),
                    StoreBenchmark.INGEST_TARGET);
            line(out, "scan ts_ns+kind -> minutes", (Double) r.get("scan_seconds"), (Double) r.get("scan_rows_per_s"),
                    StoreBenchmark.SCAN_TARGET);
            out.printf(Locale.ROOT, "  parquet          %,.1f MB (%.1f bytes/event)%n", (Long) r.get("parquet_bytes") / 1e6,
                    (Long) r.get("parquet_bytes") / (double) events);
            out.printf(Locale.ROOT, "  baseline: parquet-java's own codecs on the same rows (%s)%n",
                    Boolean.TRUE.equals(r.get("baseline_scan_agrees")) ? "its scan counts what iosup's counted"
                            : "ITS SCAN COUNTS DIFFER FROM IOSUP'S");
            out.printf(Locale.ROOT, "  %-28s %,14.0f rows/s  iosup %,14.0f  (x%.1f; generating the rows, %.2f s, in both)%n",
                    "write (Group API)", (Double) r.get("baseline_write_rows_per_s"), (Double) r.get("write_rows_per_s"),
                    (Double) r.get("write_rows_per_s") / (Double) r.get("baseline_write_rows_per_s"),
                    (Double) r.get("generate_only_seconds"));
            out.printf(Locale.ROOT, "  %-28s %,14.0f rows/s  iosup %,14.0f  (x%.1f)%n", "scan (ColumnReader)",
                    (Double) r.get("baseline_scan_rows_per_s"), (Double) r.get("scan_rows_per_s"),
                    (Double) r.get("scan_rows_per_s") / (Double) r.get("baseline_scan_rows_per_s"));
            out.printf(Locale.ROOT, "  parquet-java's file %,.1f MB%n", (Long) r.get("baseline_parquet_bytes") / 1e6);
        }
        out.flush();
        return 0;
    }

    private static void line(PrintWriter out, String what, double seconds, double rate, double target) {
        out.printf(Locale.ROOT, "  %-28s %7.2f s  %,14.0f rows/s  target %,.0f  %s%n", what, seconds, rate, target,
                rate >= target ? "met" : "NOT MET");
    }
}
