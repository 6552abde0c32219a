package org.iosup.cli;

import org.iosup.io.AtomicOutput;
import org.iosup.io.UserException;
import org.iosup.trace.BatchPipe;
import org.iosup.trace.csv.CsvTraceWriter;
import org.iosup.trace.parquet.ParquetTraceReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.zip.GZIPOutputStream;

/** {@code iosup export}: the reverse of ingest, a Parquet trace back to CSV. */
@Command(name = "export", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Write a Parquet trace back as CSV, with the same values.",
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

    @Mixin
    Mixins.Quiet quiet;

    @Mixin
    TraceReadMixin read;

    @Override
    public Integer call() throws IOException {
        long start = System.nanoTime();
        if (!"-".equals(output)) {
            AtomicOutput.refuseSameFile(Path.of(output), trace.toString());
        }
        try (ParquetTraceReader in = ParquetTraceReader.open(trace, read.options())) {
            if ("-".equals(output)) {
                PrintWriter stdout = spec.commandLine().getOut();
                CsvTraceWriter out = new CsvTraceWriter(new CheckedWriter(stdout), in.metadata());
                BatchPipe.copy(in, out::write);
                out.close();
                return 0;
            }
            Path target = Path.of(output);
            try (AtomicOutput file = AtomicOutput.create(target)) {
                try (CsvTraceWriter out = new CsvTraceWriter(writer(file.newOutputStream(), output.endsWith(".gz")), in.metadata())) {
                    BatchPipe.copy(in, out::write);
                }
                file.commit();
            }
            if (!quiet.on()) {
                Reports.done(spec.commandLine().getErr(), "export", in.rowsRead(), target, start);
            }
        }
        return 0;
    }

    /**
     * Standard output, which stays open after the CSV is written (picocli owns it), with its errors made
     * known: a PrintWriter only sets a flag when a write fails (standard output closed, its reader gone), so the
     * flag is checked as the text goes out and at the end, and a failure stops the export as a user error.
     */
    private static final class CheckedWriter extends java.io.FilterWriter {
        private static final int CHECK_EVERY = 1 << 20;
        private final PrintWriter out;
        private int unchecked;

        CheckedWriter(PrintWriter out) {
            super(out);
            this.out = out;
        }

        @Override
        public void write(char[] cbuf, int off, int len) throws IOException {
            out.write(cbuf, off, len);
            written(len);
        }

        @Override
        public void write(String str, int off, int len) throws IOException {
            out.write(str, off, len);
            written(len);
        }

        @Override
        public void write(int c) throws IOException {
            out.write(c);
            written(1);
        }

        private void written(int n) {
            unchecked += n;
            if (unchecked >= CHECK_EVERY) {
                unchecked = 0;
                check();
            }
        }

        private void check() {
            if (out.checkError()) {
                throw new UserException("standard output: cannot write the CSV (is it closed, or did its reader stop?); "
                        + "what was written is incomplete");
            }
        }

        @Override
        public void flush() {
            check();
        }

        @Override
        public void close() {
            check();
        }
    }

    private static Writer writer(OutputStream file, boolean gzip) {
        try {
            OutputStream os = file;
            if (gzip) {
                os = new GZIPOutputStream(os, 1 << 16);
            }
            return new BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8), 1 << 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
