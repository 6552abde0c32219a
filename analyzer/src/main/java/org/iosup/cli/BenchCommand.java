package org.iosup.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.iosup.bench.ImportBenchmark;
import org.iosup.bench.StoreBenchmark;
import org.iosup.io.UserException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code iosup bench}: the benchmarks the project keeps, one subcommand each. */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Run the project's benchmarks (speed figures for the issues' targets).",
        subcommands = {BenchCommand.Store.class, BenchCommand.Import.class})
public final class BenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    /** {@code iosup bench store}: CSV ingest and Parquet scan speed. */
    @Command(name = "store", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Benchmark CSV ingest to Parquet and a per-minute scan of the result.",
            description = {
                "Generate a CSV trace with every column, ingest it to Parquet (timed, end to end), then scan",
                "ts_ns + kind into per-minute counts per kind (timed). Targets: ingest >= 1.5 million rows/s,",
                "scan >= 20 million rows/s."
            })
    static final class Store implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--events", defaultValue = "20000000", paramLabel = "N",
                description = "Events in the generated trace (default: ${DEFAULT-VALUE}).")
        long events;

        @Option(names = "--seed", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--dir", paramLabel = "DIR", description = "Folder for the generated files (default: a temporary folder).")
        Path dir;

        @Option(names = "--keep", description = "Keep the generated CSV and Parquet files.")
        boolean keep;

        @Option(names = "--json", description = "Print the figures as one JSON object.")
        boolean json;

        @Override
        public Integer call() throws IOException {
            if (events <= 0) {
                throw new UserException("--events must be positive, got " + events);
            }
            Path folder = dir != null ? dir : Files.createTempDirectory("iosup-bench");
            if (!Files.isDirectory(folder)) {
                throw new UserException("--dir: no such folder: " + folder);
            }
            Map<String, Object> r = StoreBenchmark.run(events, seed, folder, keep);
            if (dir == null && !keep) {
                Files.deleteIfExists(folder);
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(r));
            } else {
                out.printf(Locale.ROOT, "iosup bench store: %,d events, seed %d, %d CPUs, Java %s%n", events, seed,
                        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
                out.printf(Locale.ROOT, "  generated CSV    %,.1f MB in %.2f s (not a figure)%n",
                        (Long) r.get("csv_bytes") / 1e6, (Double) r.get("generate_seconds"));
                line(out, "ingest CSV -> Parquet", (Double) r.get("ingest_seconds"), (Double) r.get("ingest_rows_per_s"),
                        StoreBenchmark.INGEST_TARGET);
                line(out, "scan ts_ns+kind -> minutes", (Double) r.get("scan_seconds"), (Double) r.get("scan_rows_per_s"),
                        StoreBenchmark.SCAN_TARGET);
                out.printf(Locale.ROOT, "  parquet          %,.1f MB (%.1f bytes/event)%n", (Long) r.get("parquet_bytes") / 1e6,
                        (Long) r.get("parquet_bytes") / (double) events);
            }
            out.flush();
            return 0;
        }

        private static void line(PrintWriter out, String what, double seconds, double rate, double target) {
            out.printf(Locale.ROOT, "  %-28s %7.2f s  %,14.0f rows/s  target %,.0f  %s%n", what, seconds, rate, target,
                    rate >= target ? "met" : "NOT MET");
        }
    }

    /** {@code iosup bench import}: perf script import speed. */
    @Command(name = "import", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Benchmark the import of perf script text held in memory.",
            description = {
                "Import perf script text held in memory (default: the committed recording, 81 MB of text) on one",
                "thread, parse alone and parse + Parquet write, --rounds times after a warm-up; prints the median",
                "MB/s of text. Target: >= 100 MB/s."
            })
    static final class Import implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--input", defaultValue = "traces/perf-sample.script.gz", paramLabel = "FILE",
                description = "perf script text, gzip allowed (default: ${DEFAULT-VALUE}, from the project's root).")
        String input;

        @Option(names = "--rounds", defaultValue = "5", paramLabel = "N", description = "Timed rounds (default: ${DEFAULT-VALUE}).")
        int rounds;

        @Option(names = "--json", description = "Print the figures as one JSON object.")
        boolean json;

        @Override
        public Integer call() throws IOException {
            if (rounds <= 0) {
                throw new UserException("--rounds must be positive, got " + rounds);
            }
            if (!"-".equals(input) && !Files.exists(Path.of(input))) {
                throw new UserException("--input " + input + ": no such file (run from the project's root, or give --input)");
            }
            Path folder = Files.createTempDirectory("iosup-bench");
            Map<String, Object> r;
            try {
                r = ImportBenchmark.run(input, rounds, folder);
            } finally {
                Files.deleteIfExists(folder);
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(r));
            } else {
                double rate = (Double) r.get("import_mb_per_s");
                out.printf(Locale.ROOT, "iosup bench import: %s, %,.1f MB of text, %,d events, %d rounds, Java %s%n", input,
                        (Long) r.get("text_bytes") / 1e6, (Long) r.get("events"), rounds, System.getProperty("java.version"));
                out.printf(Locale.ROOT, "  first import, cold      %7.2f s  %,8.1f MB/s (JIT warm-up included; not the figure)%n",
                        (Double) r.get("cold_import_seconds"), (Double) r.get("cold_import_mb_per_s"));
                out.printf(Locale.ROOT, "  parse only             %7.2f s  %,8.1f MB/s%n", (Double) r.get("parse_seconds_median"),
                        (Double) r.get("parse_mb_per_s"));
                out.printf(Locale.ROOT, "  parse + Parquet write  %7.2f s  %,8.1f MB/s (best %,.1f)  target %.0f  %s%n",
                        (Double) r.get("import_seconds_median"), rate, (Double) r.get("import_mb_per_s_best"),
                        ImportBenchmark.TARGET_MB_PER_S, rate >= ImportBenchmark.TARGET_MB_PER_S ? "met" : "NOT MET");
            }
            out.flush();
            return 0;
        }
    }
}
