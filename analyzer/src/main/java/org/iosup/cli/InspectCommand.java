package org.iosup.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.iosup.report.Numbers;
import org.iosup.trace.EventBatch;
import org.iosup.trace.EventKind;
import org.iosup.trace.EventSchema;
import org.iosup.trace.TraceStats;
import org.iosup.trace.parquet.ParquetTraceReader;
import org.iosup.trace.parquet.TraceReadOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code iosup inspect}: what a Parquet trace holds, as text or one JSON object. */
@Command(name = "inspect", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Summarize a Parquet trace: rows, time span, kinds, domains, metadata and codecs.",
        description = {
            "Summarize a Parquet event trace: rows, first and last ts_ns, span, rows per kind and per",
            "domain, distinct pids and frames, schema version and metadata, the compression codec and the",
            "columns stored uncompressed. Reads only the columns it needs and checks every row against the schema."
        })
public final class InspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TRACE.parquet", description = "Parquet trace written by iosup (or any tool, in the schema).")
    Path trace;

    @Mixin
    TraceReadMixin read;

    @Option(names = "--json", description = "Print exactly one JSON object on standard output (keys in schemas/inspect.schema.json).")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> report = inspect(trace, read.options());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
        } else {
            printText(report, out);
        }
        out.flush();
        return 0;
    }

    /** The report as an ordered map, the same keys as the JSON form. */
    static Map<String, Object> inspect(Path trace, TraceReadOptions options) {
        TraceStats stats = new TraceStats();
        Map<String, Object> r = new LinkedHashMap<>();
        try (ParquetTraceReader in = ParquetTraceReader.open(trace, TraceStats.columns(), options)) {
            EventBatch batch = new EventBatch();
            while (in.next(batch)) {
                stats.add(batch);
            }
            r.put("file", trace.toString());
            r.put("file_bytes", sizeOf(trace));
            r.put("schema", in.metadata().getOrDefault(EventSchema.META_SCHEMA, ""));
            r.put("schema_version", in.schemaVersion());
            r.put("row_groups", in.footer().getBlocks().size());
            r.put("codec", in.codec());
            r.put("uncompressed_columns", in.uncompressedColumns());
            r.put("rows", stats.rows());
            r.put("first_ts_ns", stats.rows() == 0 ? null : stats.firstTs());
            r.put("last_ts_ns", stats.rows() == 0 ? null : stats.lastTs());
            r.put("span_ns", stats.rows() == 0 ? 0 : stats.lastTs() - stats.firstTs());
            Map<String, Long> kinds = new LinkedHashMap<>();
            for (EventKind k : EventKind.values()) {
                if (stats.count(k) > 0) {
                    kinds.put(k.name(), stats.count(k));
                }
            }
            r.put("kinds", kinds);
            Map<String, Long> domains = new LinkedHashMap<>();
            stats.perDomain().int2LongEntrySet().forEach(e -> domains.put(Integer.toString(e.getIntKey()), e.getLongValue()));
            r.put("domains", domains);
            r.put("distinct_pids", stats.distinctPids());
            r.put("distinct_frames", stats.distinctFrames());
            Map<String, String> meta = new LinkedHashMap<>();
            in.metadata().entrySet().stream()
                    .filter(e -> e.getKey().startsWith("iosup.") && !e.getKey().startsWith(EventSchema.META_SCHEMA))
                    .sorted(Map.Entry.comparingByKey())
                    .forEach(e -> meta.put(e.getKey(), e.getValue()));
            r.put("metadata", meta);
        }
        return r;
    }

    private static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    @SuppressWarnings("unchecked")
    private static void printText(Map<String, Object> r, PrintWriter out) {
        String fmt = "%-16s %s%n";
        out.printf(Locale.ROOT, fmt, "file", r.get("file") + " (" + Reports.bytes((Long) r.get("file_bytes")) + ", "
                + r.get("row_groups") + " row group(s), " + r.get("codec") + ")");
        List<String> raw = (List<String>) r.get("uncompressed_columns");
        if (!raw.isEmpty()) {
            out.printf(Locale.ROOT, fmt, "uncompressed", String.join(", ", raw) + " (compression saved under 3%)");
        }
        out.printf(Locale.ROOT, fmt, "schema", r.get("schema") + " v" + r.get("schema_version"));
        out.printf(Locale.ROOT, fmt, "rows", String.format(Locale.ROOT, "%,d", (Long) r.get("rows")));
        out.printf(Locale.ROOT, fmt, "first ts_ns", r.get("first_ts_ns") == null ? "-" : r.get("first_ts_ns"));
        out.printf(Locale.ROOT, fmt, "last ts_ns", r.get("last_ts_ns") == null ? "-" : r.get("last_ts_ns"));
        out.printf(Locale.ROOT, fmt, "span", String.format(Locale.ROOT, "%.6f s", (Long) r.get("span_ns") / 1e9));
        Map<String, Long> kinds = (Map<String, Long>) r.get("kinds");
        out.printf(Locale.ROOT, fmt, "kinds", kinds.isEmpty() ? "-" : "");
        kinds.forEach((k, v) -> out.printf(Locale.ROOT, "  %-14s %,d%n", k, v));
        Map<String, Long> domains = (Map<String, Long>) r.get("domains");
        out.printf(Locale.ROOT, fmt, "domains", domains.isEmpty() ? "-" : "");
        domains.forEach((k, v) -> out.printf(Locale.ROOT, "  %-14s %s%n", k, Numbers.count(v, "row")));
        out.printf(Locale.ROOT, fmt, "distinct pids", r.get("distinct_pids"));
        out.printf(Locale.ROOT, fmt, "distinct frames", r.get("distinct_frames"));
        Map<String, String> meta = (Map<String, String>) r.get("metadata");
        out.printf(Locale.ROOT, fmt, "metadata", meta.isEmpty() ? "-" : "");
        meta.forEach((k, v) -> out.printf(Locale.ROOT, "  %s=%s%n", k, v));
    }
}
