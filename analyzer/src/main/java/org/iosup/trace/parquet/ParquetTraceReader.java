package org.iosup.trace.parquet;

import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.iosup.io.Inputs;
import org.iosup.io.UserException;
import org.iosup.schema.EventSchema;
import org.iosup.schema.FieldSpec;
import org.iosup.trace.Column;
import org.iosup.trace.EventBatch;
import org.iosup.trace.RowValidator;
import org.iosup.trace.TraceFormatException;
import org.iosup.trace.TraceSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads an event trace from Parquet into {@link EventBatch}es, decoding only the columns asked
 * for, column by column with Parquet's column readers (no record assembly, no object per row).
 * Every value is checked against the schema and every row against {@link RowValidator}; a bad
 * one stops the read with an error naming the file, the row (1-based) and the column. A column
 * the file lacks reads as empty, unless the schema requires it.
 */
public final class ParquetTraceReader implements TraceSource {
    private final Path path;
    private final ParquetFileReader reader;
    private final ParquetMetadata footer;
    private final Map<String, String> metadata;
    private final List<Column> columns = new ArrayList<>();
    private final List<ColumnDescriptor> descriptors = new ArrayList<>();
    private final List<ColumnDecoder> decoders = new ArrayList<>();
    private final RowValidator validator;
    private final int loadedMask;
    private final PageCodecs codecs = new PageCodecs();
    private long rowBase;
    private long rowsLeftInGroup;
    private long rowsRead;

    private ParquetTraceReader(Path path, Set<Column> wanted, boolean checkOrder) {
        this.path = path;
        Inputs.requireParquet(path);
        ParquetFileReader opened;
        try {
            opened = ParquetFileReader.open(new LocalInputFile(path),
                    new ParquetReadOptions.Builder(new PlainParquetConfiguration())
                            .withCodecFactory(codecs).build());
        } catch (IOException | RuntimeException e) {
            throw new UserException(path + ": not a readable Parquet file (" + firstLine(e) + ")", e);
        }
        this.reader = opened;
        try {
            this.footer = reader.getFooter();
            this.metadata = Collections.unmodifiableMap(
                    new LinkedHashMap<>(footer.getFileMetaData().getKeyValueMetaData()));
            MessageType fileSchema = footer.getFileMetaData().getSchema();
            EventSchema schema = EventSchema.get();
            Set<Column> need = EnumSet.copyOf(wanted);
            need.add(Column.TS_NS);
            need.add(Column.KIND);
            List<Type> requested = new ArrayList<>();
            int mask = 0;
            for (Column c : need) {
                FieldSpec spec = schema.field(c);
                if (!fileSchema.containsField(c.columnName())) {
                    if (spec.required()) {
                        throw new UserException(path + ": column '" + c.columnName()
                                + "' is missing; the events schema requires it");
                    }
                    continue;
                }
                Type t = fileSchema.getType(c.columnName());
                checkType(c, spec, t);
                requested.add(t);
                columns.add(c);
                descriptors.add(fileSchema.getColumnDescription(new String[] {c.columnName()}));
                decoders.add(ColumnDecoder.of(c, spec, descriptors.get(descriptors.size() - 1), this::badValue));
                mask |= c.bit();
            }
            this.loadedMask = mask | wantedMask(wanted);
            reader.setRequestedSchema(new MessageType(fileSchema.getName(), requested));
            this.validator = new RowValidator(loadedMask, checkOrder);
        } catch (RuntimeException e) {
            closeQuietly();
            throw e;
        }
    }

    private static int wantedMask(Set<Column> wanted) {
        int m = 0;
        for (Column c : wanted) {
            m |= c.bit();
        }
        return m;
    }

    /** Opens {@code path} to read the given columns (ts_ns and kind are always read). */
    public static ParquetTraceReader open(Path path, Set<Column> columns) {
        return new ParquetTraceReader(path, columns.isEmpty() ? EnumSet.of(Column.TS_NS) : columns, true);
    }

    /**
     * Opens {@code path} to read the given columns, letting rows out of time order through (every
     * other rule is still checked): for reports that count such rows instead of stopping at them.
     */
    public static ParquetTraceReader openAllowingDisorder(Path path, Set<Column> columns) {
        return new ParquetTraceReader(path, columns.isEmpty() ? EnumSet.of(Column.TS_NS) : columns, false);
    }

    /** Opens {@code path} to read every column. */
    public static ParquetTraceReader open(Path path) {
        return open(path, EnumSet.allOf(Column.class));
    }

    private void checkType(Column c, FieldSpec spec, Type t) {
        if (!t.isPrimitive() || t.isRepetition(Type.Repetition.REPEATED)) {
            throw wrongType(c, spec, t.toString());
        }
        PrimitiveTypeName p = t.asPrimitiveType().getPrimitiveTypeName();
        boolean ok = switch (spec.type()) {
            case INT32, INT64 -> p == PrimitiveTypeName.INT32 || p == PrimitiveTypeName.INT64;
            case STRING, ENUM -> p == PrimitiveTypeName.BINARY;
            case BOOLEAN -> p == PrimitiveTypeName.BOOLEAN;
            case DOUBLE -> p == PrimitiveTypeName.DOUBLE;
        };
        if (!ok) {
            throw wrongType(c, spec, p.toString());
        }
    }

    private UserException wrongType(Column c, FieldSpec spec, String found) {
        return new UserException(path + ": column '" + c.columnName() + "' has Parquet type "
                + found + ", but the events schema says " + spec.type().name().toLowerCase());
    }

    private void badValue(int row, Column column, String value, String problem) {
        throw new TraceFormatException(where(row), column.columnName(), value, problem);
    }

    private String where(int rowInBatch) {
        return path + " row " + (rowBase + rowInBatch + 1);
    }

    @Override
    public boolean next(EventBatch batch) {
        batch.clear();
        try {
            if (rowsLeftInGroup == 0 && !nextRowGroup()) {
                return false;
            }
        } catch (IOException e) {
            throw new UserException(path + ": cannot read row group (" + firstLine(e) + ")", e);
        }
        int n = (int) Math.min(batch.capacity(), rowsLeftInGroup);
        for (ColumnDecoder d : decoders) {
            try {
                d.read(batch, n);
            } catch (TraceFormatException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                throw new UserException(path + ": corrupt data in column '" + d.column.columnName()
                        + "' near row " + (rowBase + 1) + " (" + firstLine(e) + ")", e);
            }
        }
        for (int k = 0; k < columns.size(); k++) {
            if (!EventSchema.get().field(columns.get(k)).required() || !decoders.get(k).optional) {
                continue; // not required, or a column without nulls
            }
            int bit = columns.get(k).bit();
            int[] present = batch.present();
            for (int i = 0; i < n; i++) {
                if ((present[i] & bit) == 0) {
                    throw new TraceFormatException(where(i), columns.get(k).columnName(), null, "required but empty");
                }
            }
        }
        batch.setSize(n);
        if (!validator.allValid(batch, n)) {
            for (int i = 0; i < n; i++) {
                RowValidator.Violation v = validator.check(batch, i);
                if (v != null) {
                    throw v.at(where(i));
                }
            }
        }
        rowBase += n;
        rowsLeftInGroup -= n;
        rowsRead += n;
        return true;
    }

    private boolean nextRowGroup() throws IOException {
        PageReadStore group;
        try {
            group = reader.readNextRowGroup();
        } catch (RuntimeException e) {
            throw new IOException(e);
        }
        if (group == null) {
            return false;
        }
        rowsLeftInGroup = group.getRowCount();
        for (ColumnDecoder d : decoders) {
            d.start(group.getPageReader(d.descriptor));
        }
        return rowsLeftInGroup > 0 || nextRowGroup();
    }

    /** Rows in a trace file, from its footer (a user error if it is not a readable Parquet file). */
    public static long rowCount(Path path) {
        try (ParquetTraceReader r = new ParquetTraceReader(path, EnumSet.of(Column.TS_NS), true)) {
            return r.rowCount();
        }
    }

    /** Rows in the file, from its footer. */
    public long rowCount() {
        return reader.getRecordCount();
    }

    /** Rows returned so far. */
    public long rowsRead() {
        return rowsRead;
    }

    /** The columns being read (those asked for that the file has, plus ts_ns and kind). */
    public Set<Column> columns() {
        return columns.isEmpty() ? EnumSet.noneOf(Column.class) : EnumSet.copyOf(columns);
    }

    /** The file's footer: row groups, codecs, writer. */
    public ParquetMetadata footer() {
        return footer;
    }

    /**
     * The compression codec of the file: that of its compressed column chunks (the first such in
     * the first row group), "UNCOMPRESSED" when none is compressed, "none" for an empty file.
     * Chunks that compression hardly shrinks are stored uncompressed: see {@link #uncompressedColumns()}.
     */
    public String codec() {
        List<BlockMetaData> groups = footer.getBlocks();
        if (groups.isEmpty() || groups.get(0).getColumns().isEmpty()) {
            return "none";
        }
        for (ColumnChunkMetaData c : groups.get(0).getColumns()) {
            if (c.getCodec() != CompressionCodecName.UNCOMPRESSED) {
                return c.getCodec().name();
            }
        }
        return CompressionCodecName.UNCOMPRESSED.name();
    }

    /** Columns stored uncompressed in some row group while others of the file are compressed, in file order. */
    public List<String> uncompressedColumns() {
        String codec = codec();
        if (codec.equals(CompressionCodecName.UNCOMPRESSED.name()) || codec.equals("none")) {
            return List.of();
        }
        Set<String> names = new LinkedHashSet<>();
        for (BlockMetaData g : footer.getBlocks()) {
            for (ColumnChunkMetaData c : g.getColumns()) {
                if (c.getCodec() == CompressionCodecName.UNCOMPRESSED) {
                    names.add(c.getPath().toDotString());
                }
            }
        }
        return List.copyOf(names);
    }

    /** The schema version recorded in the file, or 0 when the file does not say. */
    public int schemaVersion() {
        try {
            return Integer.parseInt(metadata.getOrDefault(EventSchema.META_VERSION, "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    @Override
    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public String name() {
        return path.toString();
    }

    @Override
    public void close() {
        codecs.release();
        try {
            reader.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void closeQuietly() {
        codecs.release();
        try {
            reader.close();
        } catch (IOException | RuntimeException ignored) {
            // Already failing.
        }
    }

    static String firstLine(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getMessage() == null) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
