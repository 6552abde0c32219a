package org.iosup.replayer.cli;

import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.iosup.cli.Mixins;
import org.iosup.cli.VersionProvider;
import org.iosup.io.UserException;
import org.iosup.synth.SynthParams;
import org.iosup.synth.SyntheticTrace;
import org.iosup.trace.EventBatch;
import org.iosup.trace.parquet.ParquetTraceWriter;
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
import java.util.concurrent.Callable;

/** {@code iosup bench synth}: synthesizer speed, generating and writing Parquet on one thread. */
@Command(name = "synth", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Benchmark the synthesis of the busy setting to Parquet.",
        description = {
            "Synthesize the busy setting with a 1 Gb/s NIC (mostly DMA events) and write it to Parquet, generating",
            "and encoding on one thread. Target: >= 10 million events/s. Run with IOSUP_JAVA_OPTS=-Xmx256m to check",
            "that memory does not grow with the trace."
        })
public final class SynthBenchCommand implements Callable<Integer> {
    /** Target of the synthesizer issue: events/s written to Parquet on one core. */
    public static final double TARGET = 10e6;

    @Spec
    CommandSpec spec;

    @Option(names = "--events", defaultValue = "50000000", paramLabel = "N", description = "About how many events (default: ${DEFAULT-VALUE}).")
    long events;

    @Mixin
    Mixins.BenchFiles files;

    @Override
    public Integer call() throws IOException {
        if (events <= 0) {
            throw new UserException("--events must be positive");
        }
        SynthParams p = SynthParams.busyForEvents(events, 1);
        double minutes = p.minutes();
        Path folder = files.folder();
        Path file = folder.resolve("synth-bench.parquet");
        long start = System.nanoTime();
        long rows;
        try (SyntheticTrace src = new SyntheticTrace(p);
             ParquetTraceWriter w = ParquetTraceWriter.create(file, CompressionCodecName.ZSTD, src.metadata())) {
            EventBatch b = new EventBatch();
            while (src.next(b)) {
                w.write(b);
            }
            w.commit();
            rows = w.rows();
        }
        double s = (System.nanoTime() - start) / 1e9;
        long bytes = Files.size(file);
        if (!files.keep()) {
            Files.deleteIfExists(file);
        }
        files.cleanUp(folder);
        Runtime rt = Runtime.getRuntime();
        PrintWriter out = spec.commandLine().getOut();
        double rate = rows / s;
        out.printf(Locale.ROOT, "iosup bench synth: busy, 1 Gb/s NIC, %.1f minutes of trace, max heap %d MB%n", minutes,
                rt.maxMemory() >> 20);
        out.printf(Locale.ROOT, "  generate + write  %7.2f s  %,14.0f events/s  target %,.0f  %s%n", s, rate, TARGET,
                rate >= TARGET ? "met" : "NOT MET");
        out.printf(Locale.ROOT, "  %,d events, %,.1f MB of Parquet (%.2f bytes/event), heap in use after %d MB%n", rows,
                bytes / 1e6, bytes / (double) rows, (rt.totalMemory() - rt.freeMemory()) >> 20);
        out.flush();
        return 0;
    }
}
