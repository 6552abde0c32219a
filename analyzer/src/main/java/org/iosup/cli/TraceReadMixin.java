package org.iosup.cli;

import org.iosup.trace.parquet.TraceReadOptions;
import picocli.CommandLine.Option;

/**
 * The options of every command that reads a Parquet trace, in one place ({@code @Mixin}), so that
 * every such command reads, verifies and validates a trace the same way.
 */
public final class TraceReadMixin {
    @Option(names = "--no-verify", description = {
        "Do not check the trace's checksums (each page's CRC-32, iosup's footer CRC): read a damaged",
        "file anyway. Every column is then decoded and checked against the schema."})
    boolean noVerify;

    /** The reader options the command line asks for. */
    public TraceReadOptions options() {
        return noVerify ? new TraceReadOptions(false) : TraceReadOptions.DEFAULT;
    }
}
