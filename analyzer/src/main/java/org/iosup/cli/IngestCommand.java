package org.iosup.cli;

import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.iosup.io.AtomicOutput;
import org.iosup.io.Inputs;
import org.iosup.trace.BatchPipe;
import org.iosup.trace.TraceMetadata;
import org.iosup.trace.csv.CsvTraceReader;
import org.iosup.trace.parquet.ParquetTraceWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code iosup ingest}: validates a CSV trace row by row and stores it as Parquet. */
@Command(name = "ingest", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Validate a CSV trace row by row and store it as Parquet.",
        description = {
            "Validate a CSV event trace against schemas/events.schema.json and store it as Parquet.",
            "The header names the columns (any order). A bad row stops the run with exit code 2 and an",
            "error naming the line, column and value; no output file is left behind."
        })
public final class IngestCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IN.csv",
            description = "CSV trace; '-' reads standard input; gzip-compressed input is detected.")
    String input;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT.parquet",
            description = "Parquet file to write (its folder must exist).")
    Path output;

    @Option(names = "--codec", defaultValue = "zstd", paramLabel = "CODEC",
            description = "Compression: zstd, snappy, gzip, lz4_raw or uncompressed (default: ${DEFAULT-VALUE}).")
    String codec;

    @Option(names = "--meta", paramLabel = "KEY=VALUE",
            description = "Trace metadata to record in the file, e.g. --meta iosup.paging=pae; "
                    + "adds to '# key=value' comment lines before the CSV header (and replaces one of the same key).")
    List<String> meta = new ArrayList<>();

    @Mixin
    Mixins.Quiet quiet;

    @Override
    public Integer call() {
        CompressionCodecName compression = ParquetTraceWriter.codec(codec);
        Inputs.refuseOtherKind(input, "ingest");
        AtomicOutput.refuseSameFile(output, input);
        Map<String, String> options = TraceMetadata.parseOptions(meta);
        long start = System.nanoTime();
        long rows;
        try (CsvTraceReader in = CsvTraceReader.open(input)) {
            Map<String, String> metadata = new LinkedHashMap<>(in.metadata());
            metadata.putAll(options);
            try (ParquetTraceWriter out = ParquetTraceWriter.create(output, compression, metadata)) {
                BatchPipe.copy(in, out::write);
                out.commit();
                rows = out.rows();
            }
        }
        if (!quiet.on()) {
            Reports.done(spec.commandLine().getErr(), "ingest", rows, output, start);
        }
        return 0;
    }
}
