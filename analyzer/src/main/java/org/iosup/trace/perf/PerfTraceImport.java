package org.iosup.trace.perf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.iosup.io.AtomicOutput;
import org.iosup.io.UserException;
import org.iosup.trace.TraceMetadata;
import org.iosup.trace.parquet.ParquetTraceWriter;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * perf script (or trace-cmd report) text turned into an iosup trace and its sidecar report
 * ({@code OUT.import.json}), both written atomically: what {@code import} and {@code record} do.
 */
public final class PerfTraceImport {
    private PerfTraceImport() {
    }

    /** The sidecar report of an output: {@code OUT.parquet} → {@code OUT.import.json}. */
    public static Path sidecar(Path output) {
        return beside(output, ".import.json");
    }

    /** A file beside a trace: {@code OUT.parquet} → {@code OUT} + {@code suffix}. */
    public static Path beside(Path output, String suffix) {
        String name = output.getFileName().toString();
        String stem = name.endsWith(".parquet") ? name.substring(0, name.length() - ".parquet".length()) : name;
        return output.resolveSibling(stem + suffix);
    }

    /**
     * Imports perf script (or trace-cmd report) text into {@code output} and its sidecar report,
     * both written atomically; {@code beforeCommit} runs after the input is read and may throw to
     * withdraw both. Returns the report.
     */
    public static ImportReport write(String name, InputStream in, Path output, boolean strict, boolean pae,
                                     XenLevels xen, boolean traceCmd, String codec, Map<String, String> meta,
                                     Check beforeCommit) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(TraceMetadata.PAGING, pae ? "pae" : "x86-64");
        metadata.put(TraceMetadata.SOURCE, traceCmd ? "trace-cmd" : "perf");
        for (String key : meta.keySet()) {
            if (key.equals(TraceMetadata.PAGING) || key.equals(TraceMetadata.SOURCE) || key.equals(TraceMetadata.PAGING_LEVELS)) {
                throw new UserException("--meta " + key + ": set by the import itself"
                        + (key.equals(TraceMetadata.PAGING) ? " (use --paging)" : ""));
            }
        }
        metadata.putAll(meta);
        TraceMetadata.checkAll(metadata, "metadata");
        try (ParquetTraceWriter w = ParquetTraceWriter.create(output, ParquetTraceWriter.codec(codec), metadata);
             AtomicOutput json = AtomicOutput.create(sidecar(output))) {
            PerfImport imp = new PerfImport(name, strict, pae, xen, traceCmd, w::write);
            imp.read(in);
            if (imp.report().lines() == 0) {
                throw new UserException(name + ": empty (0 bytes): no " + (traceCmd ? "trace-cmd report" : "perf script")
                        + " text to import (nothing written)");
            }
            if (imp.report().samples() == 0) {
                throw new UserException(name + ": no " + (traceCmd ? "trace-cmd report event" : "perf script sample")
                        + " in " + imp.report().lines() + " lines: is it the text of '"
                        + (traceCmd ? "trace-cmd report" : "perf script") + "'? (nothing written)");
            }
            if (imp.report().fiveLevel()) {
                w.putMetadata("iosup.paging.levels", "5");
            }
            Map<String, Object> report = new LinkedHashMap<>(imp.report().asMap());
            report.put("output", output.toString());
            report.put("events", w.rows());
            Files.writeString(json.temp(), new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(report) + "\n");
            beforeCommit.run();
            w.commit();
            json.commit();
            return imp.report();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A check that may refuse the outputs. */
    public interface Check {
        void run() throws IOException;
    }
}
