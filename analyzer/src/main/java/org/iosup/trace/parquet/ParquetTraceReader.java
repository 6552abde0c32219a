package org.iosup.trace.parquet;

import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.iosup.io.Inputs;
import org.iosup.io.UserException;
import org.iosup.schema.FieldSpec;
import org.iosup.trace.Column;
import org.iosup.trace.EventBatch;
import org.iosup.trace.EventSchema;
import org.iosup.trace.RowValidator;
import org.iosup.trace.TraceFormatException;
import org.iosup.trace.TraceSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads an event trace from Parquet into {@link EventBatch}es, column by column with iosup's page
 * decoders (no record assembly, no object per row). One validation, whatever the caller reads:
 *
 * <ul>
 *   <li>the file's frame and footer ({@link ParquetFile}): magic, lengths, row counts, and iosup's
 *       footer CRC when there is one;</li>
 *   <li>every column of the file: in the events schema, of a type that maps onto its field
 *       ({@link StoredType}), compressed with a codec iosup reads;</li>
 *   <li>every column chunk read ({@link ChunkPages}): page CRCs, pages filling the chunk, rows and
 *       values adding up to the row group's and the footer's; every page decoded to the byte;</li>
 *   <li>every value against the schema's range, enum or length, and every row against
 *       {@link RowValidator}.</li>
 * </ul>
 *
 * A file whose footer carries iosup's CRC, checked, was written by iosup, whose writer validates
 * every row, so only the columns asked for (and ts_ns and kind) are decoded. Any other file, or any
 * file read without verification, has every column decoded and validated, so that it is refused by
 * every command or by none. Errors name the file, the row group, the column, the page, and the row
 * (1-based in the file) when there is one; a value's error its value. The first error in row order
 * is the one reported (value errors before row rules in the same row), whatever the batch size.
 */
public final class ParquetTraceReader implements TraceSource {
    private final Path path;
    private final ParquetFile file;
    private final ParquetMetadata footer;
    private final Map<String, String> metadata;
    private final TraceReadOptions options;
    private final List<Column> columns = new ArrayList<>();
    /** Decoders in schema order: of the columns asked for, or of every column of the file. */
    private final List<ColumnDecoder> decoders = new ArrayList<>();
    private final ColumnDecoder[] decoderOf = new ColumnDecoder[Column.count()];
    /** Per decoder, the index of its column chunk within each row group. */
    private final int[] chunkIndex;
    private final byte[][] chunkBuffers;
    private final RowValidator validator;
    /** Columns decoded only to be validated: their presence bits are cleared before batches leave. */
    private final int hiddenMask;
    private final PageCodecs codecs = new PageCodecs();
    private int group = -1;
    private long groupFirstRow;
    private long rowBase;
    private long rowsLeftInGroup;
    private long rowsRead;
    private long badRow;
    private RuntimeException failed;

    private ParquetTraceReader(Path path, Set<Column> wanted, boolean checkOrder, TraceReadOptions options) {
        this.path = path;
        Inputs.requireParquet(path);
        this.options = options;
        this.file = ParquetFile.open(path, options.verify());
        try {
            this.footer = file.footer();
            this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(file.keyValues()));
            validateTraceMetadata(path, metadata);
            MessageType fileSchema = footer.getFileMetaData().getSchema();
            EventSchema schema = EventSchema.get();
            Map<Column, StoredType> present = new LinkedHashMap<>();
            for (Type t : fileSchema.getFields()) {
                Column c = Column.byName(t.getName());
                if (c == null) {
                    throw new UserException(path + ": column '" + t.getName() + "' is not in the events schema (its columns: "
                            + String.join(", ", schema.table().fieldNames()) + ")");
                }
                if (present.containsKey(c)) {
                    throw new UserException(path + ": column '" + t.getName() + "' appears twice");
                }
                FieldSpec spec = schema.field(c);
                try {
                    present.put(c, StoredType.of(spec, t));
                } catch (StoredType.Unreadable e) {
                    boolean integer = spec.type() == org.iosup.schema.FieldType.INT32
                            || spec.type() == org.iosup.schema.FieldType.INT64;
                    String why = e.getMessage() != null ? e.getMessage() : integer
                            ? "iosup reads integers as INT32 or INT64: plain, INT(bits, signed or not), DECIMAL, or "
                            + "TIMESTAMP for a time in ns" : null;
                    throw new UserException(path + ": column '" + c.columnName() + "' has Parquet type "
                            + e.type + ", but the events schema says " + spec.type().name().toLowerCase(Locale.ROOT)
                            + (why == null ? "" : " (" + why + ")"));
                }
            }
            for (Column c : Column.values()) {
                if (schema.field(c).required() && !present.containsKey(c)) {
                    throw new UserException(path + ": column '" + c.columnName()
                            + "' is missing; the events schema requires it");
                }
            }
            checkChunks(fileSchema, present.keySet());
            Set<Column> need = EnumSet.copyOf(wanted);
            need.add(Column.TS_NS);
            need.add(Column.KIND);
            boolean trusted = file.iosupVerified();
            int wantedMask = 0;
            int decodedMask = 0;
            for (Column c : Column.values()) {
                if (!present.containsKey(c)) {
                    continue;
                }
                if (need.contains(c)) {
                    columns.add(c);
                    wantedMask |= c.bit();
                }
                if (trusted && !need.contains(c)) {
                    continue;
                }
                ColumnDescriptor d = fileSchema.getColumnDescription(new String[] {c.columnName()});
                ColumnDecoder decoder = ColumnDecoder.of(c, schema.field(c), d, present.get(c), this::badValue);
                decoders.add(decoder);
                decoderOf[c.ordinal()] = decoder;
                decodedMask |= c.bit();
            }
            this.hiddenMask = decodedMask & ~wantedMask;
            this.chunkIndex = new int[decoders.size()];
            this.chunkBuffers = new byte[decoders.size()][];
            List<ColumnChunkMetaData> first = footer.getBlocks().isEmpty() ? List.of() : footer.getBlocks().get(0).getColumns();
            for (int k = 0; k < decoders.size(); k++) {
                org.apache.parquet.hadoop.metadata.ColumnPath p = org.apache.parquet.hadoop.metadata.ColumnPath.get(
                        decoders.get(k).column.columnName());
                for (int j = 0; j < first.size(); j++) {
                    if (first.get(j).getPath().equals(p)) {
                        chunkIndex[k] = j;
                    }
                }
            }
            this.validator = new RowValidator(decodedMask, checkOrder);
        } catch (RuntimeException e) {
            closeQuietly();
            throw e;
        }
    }

    /**
     * The hook for checks of the trace metadata (key-value entries such as {@code iosup.paging}),
     * run by every reader when a file is opened, so that every command refuses the same files. The
     * values' rules live with the CSV side's metadata checks; none are applied here yet.
     */
    static void validateTraceMetadata(Path file, Map<String, String> metadata) {
        // Deliberately empty: see the doc comment.
    }

    /** Every row group has one chunk per column of the file's schema, each with a codec iosup reads. */
    private void checkChunks(MessageType fileSchema, Set<Column> present) {
        List<BlockMetaData> blocks = footer.getBlocks();
        for (int g = 0; g < blocks.size(); g++) {
            List<ColumnChunkMetaData> chunks = blocks.get(g).getColumns();
            Set<String> seen = new LinkedHashSet<>();
            List<ColumnChunkMetaData> firstChunks = blocks.get(0).getColumns();
            for (int j = 0; j < chunks.size(); j++) {
                ColumnChunkMetaData c = chunks.get(j);
                String name = c.getPath().toDotString();
                Column col = Column.byName(name);
                if (col == null || !present.contains(col) || !seen.add(name)
                        || !firstChunks.get(Math.min(j, firstChunks.size() - 1)).getPath().equals(c.getPath())) {
                    throw new UserException(path + ": row group " + (g + 1) + ": corrupt footer: column chunk "
                            + (j + 1) + " is for column '" + name + "', which the schema or the first row group does not have there");
                }
                if (!PageCodecs.READABLE.contains(c.getCodec())) {
                    throw new UserException(path + ": row group " + (g + 1) + ", column '" + name + "': codec "
                            + c.getCodec() + " is not supported (iosup reads " + PageCodecs.READABLE.stream()
                            .map(Enum::name).collect(Collectors.joining(", ")) + ")");
                }
            }
            if (seen.size() != present.size()) {
                throw new UserException(path + ": row group " + (g + 1) + ": corrupt footer: " + seen.size()
                        + " column chunks for " + present.size() + " columns");
            }
        }
    }

    /** Opens {@code path} to read the given columns (ts_ns and kind are always read). */
    public static ParquetTraceReader open(Path path, Set<Column> columns) {
        return open(path, columns, TraceReadOptions.DEFAULT);
    }

    /** Opens {@code path} to read the given columns (ts_ns and kind are always read) as {@code options} say. */
    public static ParquetTraceReader open(Path path, Set<Column> columns, TraceReadOptions options) {
        return new ParquetTraceReader(path, columns.isEmpty() ? EnumSet.of(Column.TS_NS) : columns, true, options);
    }

    /**
     * Opens {@code path} to read the given columns, letting rows out of time order through (every
     * other rule is still checked): for reports that count such rows instead of stopping at them.
     */
    public static ParquetTraceReader openAllowingDisorder(Path path, Set<Column> columns, TraceReadOptions options) {
        return new ParquetTraceReader(path, columns.isEmpty() ? EnumSet.of(Column.TS_NS) : columns, false, options);
    }

    /** As {@link #openAllowingDisorder(Path, Set, TraceReadOptions)}, verifying. */
    public static ParquetTraceReader openAllowingDisorder(Path path, Set<Column> columns) {
        return openAllowingDisorder(path, columns, TraceReadOptions.DEFAULT);
    }

    /** Opens {@code path} to read every column. */
    public static ParquetTraceReader open(Path path) {
        return open(path, EnumSet.allOf(Column.class));
    }

    /** Opens {@code path} to read every column, as {@code options} say. */
    public static ParquetTraceReader open(Path path, TraceReadOptions options) {
        return open(path, EnumSet.allOf(Column.class), options);
    }

    /** Reports a bad value: remembers its row in the file and throws the error naming it. */
    private void badValue(int row, Column column, String value, String problem) {
        badRow = rowBase + row;
        throw new TraceFormatException(where(row, column), column.columnName(), value, problem);
    }

    /** "FILE row R (row group G, page P)": P is the page of {@code column} (or of ts_ns) holding the row. */
    private String where(int rowInBatch, Column column) {
        long inGroup = rowBase - groupFirstRow + rowInBatch;
        ColumnDecoder d = column == null ? null : decoderOf[column.ordinal()];
        if (d == null) {
            d = decoderOf[Column.TS_NS.ordinal()];
        }
        return path + " row " + (rowBase + rowInBatch + 1) + " (row group " + (group + 1) + ", page "
                + d.pageOfRow(inGroup) + ")";
    }

    /** "FILE: row group G, column 'C', page P: problem" (P may be the dictionary page, or none for the chunk). */
    private UserException located(Column column, int page, String problem) {
        String p = page > 0 ? ", page " + page : page == 0 ? ", dictionary page" : "";
        return new UserException(path + ": row group " + (group + 1) + ", column '" + column.columnName() + "'"
                + p + ": " + problem);
    }

    @Override
    public boolean next(EventBatch batch) {
        if (failed != null) {
            throw failed;
        }
        batch.clear();
        try {
            if (rowsLeftInGroup == 0 && !nextRowGroup()) {
                return false;
            }
            int n = (int) Math.min(batch.capacity(), rowsLeftInGroup);
            decode(batch, n);
            rowBase += n;
            rowsLeftInGroup -= n;
            rowsRead += n;
            return true;
        } catch (RuntimeException e) {
            failed = e;
            throw e;
        }
    }

    /** Decodes n rows into the batch and validates them; throws the first error in row order. */
    private void decode(EventBatch batch, int n) {
        long firstBad = Long.MAX_VALUE;
        RuntimeException error = null;
        for (ColumnDecoder d : decoders) {
            long row;
            RuntimeException e;
            try {
                d.read(batch, n);
                continue;
            } catch (TraceFormatException tfe) {
                row = badRow;
                e = tfe;
            } catch (ChunkPages.Fault f) {
                row = groupFirstRow + f.firstRow;
                e = located(d.column, f.page, f.getMessage());
            } catch (RuntimeException ex) {
                int page = d.pageNumber();
                row = Math.max(rowBase, groupFirstRow + d.pageFirstRow());
                e = located(d.column, page, "corrupt page data (" + Thrift.reason(ex) + ")");
            }
            if (row < firstBad) {
                firstBad = row;
                error = e;
            }
        }
        int limit = error == null ? n : (int) Math.max(0, firstBad - rowBase);
        checkRequired(batch, limit);
        batch.setSize(limit);
        if (error == null ? !validator.allValid(batch, limit) : true) {
            for (int i = 0; i < limit; i++) {
                RowValidator.Violation v = validator.check(batch, i);
                if (v != null) {
                    throw v.at(where(i, v.column() == null ? null : Column.byName(v.column())));
                }
            }
        }
        if (error != null) {
            throw error;
        }
        if (hiddenMask != 0) {
            int keep = ~hiddenMask;
            int[] present = batch.present();
            for (int i = 0; i < n; i++) {
                present[i] &= keep;
            }
        }
    }

    /** Columns the schema requires but the file stores as OPTIONAL: every row must have a value. */
    private void checkRequired(EventBatch batch, int limit) {
        int[] present = batch.present();
        for (ColumnDecoder d : decoders) {
            if (!d.spec.required() || !d.optional) {
                continue;
            }
            int bit = d.column.bit();
            for (int i = 0; i < limit; i++) {
                if ((present[i] & bit) == 0) {
                    throw new TraceFormatException(where(i, d.column), d.column.columnName(), null, "required but empty");
                }
            }
        }
    }

    private boolean nextRowGroup() {
        List<BlockMetaData> blocks = footer.getBlocks();
        while (group + 1 < blocks.size()) {
            group++;
            groupFirstRow = rowBase;
            BlockMetaData b = blocks.get(group);
            long rows = b.getRowCount();
            for (int k = 0; k < decoders.size(); k++) {
                ColumnDecoder d = decoders.get(k);
                ColumnChunkMetaData c = b.getColumns().get(chunkIndex[k]);
                try {
                    chunkBuffers[k] = file.readChunk(c, chunkBuffers[k]);
                    ChunkPages pages = new ChunkPages(chunkBuffers[k], (int) c.getTotalSize(), d.descriptor,
                            c.getCodec(), rows, c.getValueCount(), options.verify(), file.iosupVerified(),
                            d.spec.maxLength(), codecs);
                    d.start(pages);
                } catch (ChunkPages.Fault f) {
                    throw located(d.column, f.page, f.getMessage());
                } catch (IOException e) {
                    throw located(d.column, -1, "cannot read the column chunk (" + e.getMessage() + ")");
                } catch (RuntimeException e) {
                    throw located(d.column, -1, "corrupt column chunk (" + Thrift.reason(e) + ")");
                }
            }
            if (rows > 0) {
                rowsLeftInGroup = rows;
                return true;
            }
        }
        return false;
    }

    /** Rows in a trace file, from its footer (a user error if it is not a readable Parquet file). */
    public static long rowCount(Path path) {
        return rowCount(path, TraceReadOptions.DEFAULT);
    }

    /** Rows in a trace file, from its footer, opened as {@code options} say. */
    public static long rowCount(Path path, TraceReadOptions options) {
        try (ParquetTraceReader r = new ParquetTraceReader(path, EnumSet.of(Column.TS_NS), true, options)) {
            return r.rowCount();
        }
    }

    /** Rows in the file, from its footer. */
    public long rowCount() {
        return file.thrift().getNum_rows();
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

    /** Whether the file carries iosup's footer checksum and it was checked (iosup wrote it as it is). */
    public boolean writtenByIosup() {
        return file.iosupVerified();
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
        file.close();
    }

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException ignored) {
            // Already failing.
        }
    }

    static String firstLine(Throwable e) {
        return Thrift.reason(e);
    }
}
