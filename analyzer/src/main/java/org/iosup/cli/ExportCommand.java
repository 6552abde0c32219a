package org.iosup.cli;

import org.iosup.io.AtomicOutput;
import org.iosup.trace.BatchPipe;
import org.iosup.trace.csv.CsvTraceWriter;
import org.iosup.trace.parquet.ParquetTraceReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.zip.GZIPOutputStream;

/** {@code iosup export}: the reverse of ingest, a Parquet trace back to CSV. */
@Command(name = "export", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {
            "Write a Parquet event trace as CSV: every schema column in schema order, metadata as",
            "'# key=value' lines before the header. 'ingest' then 'export' gives back the same values."
        })
public final class ExportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TRACE.parquet", description = "Parquet trace.")
    Path trace;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT.csv",
            description = "CSV file to write ('-' for standard output; a name ending in .gz is gzip-compressed).")
    String output;

    @Option(names = {"-q", "--quiet"}, description = "Print nothing on success.")
    boolean quiet;

    @Mixin
    TraceReadMixin read;

    @Override
    public Integer call() throws IOException {
        long start = System.nanoTime();
        try (ParquetTraceReader in = ParquetTraceReader.open(trace, read.options())) {
            if ("-".equals(output)) {
                PrintWriter stdout = spec.commandLine().getOut();
                CsvTraceWriter out = new CsvTraceWriter(new NonClosingWriter(stdout), in.metadata());
                BatchPipe.copy(in, out::write);
                out.close();
                stdout.flush();
                return 0;
            }
            Path target = Path.of(output);
            try (AtomicOutput file = AtomicOutput.create(target)) {
                try (CsvTraceWriter out = new CsvTraceWriter(writer(file.temp(), output.endsWith(".gz")), in.metadata())) {
                    BatchPipe.copy(in, out::write);
                }
                file.commit();
            }
            if (!quiet) {
                Reports.done(spec.commandLine().getErr(), "export", in.rowsRead(), target, start);
            }
        }
        return 0;
    }

    /** Standard output stays open after the CSV is written (picocli owns it). */
    private static final class NonClosingWriter extends java.io.FilterWriter {
        NonClosingWriter(Writer out) {
            super(out);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }

    private static Writer writer(Path file, boolean gzip) {
        try {
            OutputStream os = Files.newOutputStream(file);
            if (gzip) {
                os = new GZIPOutputStream(os, 1 << 16);
            }
            return new BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8), 1 << 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
