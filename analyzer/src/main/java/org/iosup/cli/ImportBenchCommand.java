package org.iosup.cli;

import org.iosup.bench.ImportBenchmark;
import org.iosup.io.UserException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

/** {@code iosup bench import}: perf script import speed. */
@Command(name = "import", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    header = "Benchmark the import of perf script text held in memory.",
        description = {
            "Import perf script text held in memory (default: the committed recording, 81 MB of text) on one",
            "thread, parse alone and parse + Parquet write, --rounds times after a warm-up; prints the median",
            "MB/s of text. Target: >= 100 MB/s."
        })
public final class ImportBenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--input", defaultValue = "traces/perf-sample.script.gz", paramLabel = "FILE",
            description = "perf script text, gzip allowed (default: ${DEFAULT-VALUE}, from the project's root).")
    String input;

    @Option(names = "--rounds", defaultValue = "5", paramLabel = "N", description = "Timed rounds (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Mixin
    Mixins.Json json;

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
        if (json.on()) {
            Mixins.Json.print(out, r);
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
