package org.iosup.report;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.iosup.io.Unchecked;
import org.iosup.schema.FieldSpec;
import org.iosup.schema.TableSchema;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Writes a CSV file in a table format of {@code schemas/}: the header is the schema's field names,
 * each row must have one value per field. Values are printed the same way on every machine:
 * integers as is, doubles with fixed decimals ({@link #DECIMALS}), null as an empty cell.
 */
public final class CsvTable implements AutoCloseable {
    /** Decimals of double values. */
    public static final int DECIMALS = 4;

    private final TableSchema schema;
    private final CSVPrinter printer;

    public CsvTable(TableSchema schema, Writer out) {
        this.schema = schema;
        try {
            this.printer = new CSVPrinter(out, CSVFormat.DEFAULT.builder().setRecordSeparator('\n')
                    .setHeader(schema.fieldNames().toArray(String[]::new)).get());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Opens {@code file} for writing in {@code schema}. */
    public static CsvTable create(TableSchema schema, Path file) {
        try {
            return new CsvTable(schema, Files.newBufferedWriter(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public TableSchema schema() {
        return schema;
    }

    /** Writes a row: one value per field, in the schema's order. */
    public void row(List<?> values) {
        List<FieldSpec> fields = schema.fields();
        if (values.size() != fields.size()) {
            throw new IllegalArgumentException(schema.name() + ": " + values.size() + " values for "
                    + fields.size() + " fields");
        }
        try {
            for (int i = 0; i < values.size(); i++) {
                printer.print(format(values.get(i)));
            }
            printer.println();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a row of numbers, faster: {@code lead} values first, then the longs. */
    public void row(Object[] lead, long[] numbers) {
        try {
            for (Object o : lead) {
                printer.print(format(o));
            }
            for (long n : numbers) {
                printer.print(Long.toString(n));
            }
            printer.println();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String format(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) {
                return "";
            }
            return String.format(Locale.ROOT, "%." + DECIMALS + "f", d);
        }
        if (v instanceof Float f) {
            return format(f.doubleValue());
        }
        return v.toString();
    }

    @Override
    public void close() {
        Unchecked.io(() -> printer.close(true));
    }
}
