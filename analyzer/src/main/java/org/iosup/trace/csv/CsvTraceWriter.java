package org.iosup.trace.csv;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.iosup.io.Unchecked;
import org.iosup.trace.Column;
import org.iosup.trace.EventBatch;
import org.iosup.trace.EventKind;
import org.iosup.trace.EventSchema;
import org.iosup.trace.Granularity;
import org.iosup.trace.PageType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Map;

/**
 * Writes event batches as CSV in the events schema: every column in schema order, empty fields
 * for absent values, enums by name, booleans as {@code true}/{@code false}. Trace metadata goes
 * first as {@code # key=value} comment lines, which {@link CsvTraceReader} reads back.
 */
public final class CsvTraceWriter implements AutoCloseable {
    private final CSVPrinter printer;

    /** Starts a CSV stream on {@code out} (which this writer closes), with the given metadata. */
    public CsvTraceWriter(Writer out, Map<String, String> metadata) {
        String[] comments = metadata.entrySet().stream()
                .filter(e -> !e.getKey().startsWith(EventSchema.META_SCHEMA))
                .map(e -> e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        CSVFormat format = CSVFormat.DEFAULT.builder()
                .setRecordSeparator('\n')
                .setCommentMarker('#')
                .setHeaderComments((Object[]) comments)
                .setHeader(EventSchema.get().table().fieldNames().toArray(String[]::new))
                .get();
        try {
            printer = new CSVPrinter(out, format);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Appends every row of {@code batch}. */
    public void write(EventBatch b) {
        try {
            for (int i = 0, n = b.size(); i < n; i++) {
                int mask = b.present()[i];
                for (Column c : COLUMNS) {
                    printer.print((mask & c.bit()) == 0 ? "" : format(b, i, c));
                }
                printer.println();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final Column[] COLUMNS = Column.values();

    /** The CSV text of column {@code c} of row {@code i} (which must be present). */
    public static String format(EventBatch b, int i, Column c) {
        return switch (c) {
            case TS_NS -> Long.toString(b.tsNs()[i]);
            case KIND -> EventKind.ofCode(b.kind()[i]).name();
            case CPU -> Integer.toString(b.cpu()[i]);
            case DOMAIN -> Integer.toString(b.domain()[i]);
            case PID -> Integer.toString(b.pid()[i]);
            case PPID -> Integer.toString(b.ppid()[i]);
            case COMM -> b.comm()[i];
            case FRAME -> Long.toString(b.frame()[i]);
            case LEVEL -> Integer.toString(b.level()[i]);
            case FROM_TYPE -> PageType.ofCode(b.fromType()[i]).name();
            case TO_TYPE -> PageType.ofCode(b.toType()[i]).name();
            case COUNT -> Integer.toString(b.count()[i]);
            case GRANULARITY -> Granularity.ofCode(b.granularity()[i]).name();
            case DEVICE -> Integer.toString(b.device()[i]);
            case ADDR -> Long.toString(b.addr()[i]);
            case BYTES -> Integer.toString(b.bytes()[i]);
            case WRITE -> Boolean.toString(b.write()[i]);
        };
    }

    @Override
    public void close() {
        Unchecked.io(() -> printer.close(true));
    }
}
