package org.iosup.trace.parquet;

import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.MessageType;
import org.iosup.io.AtomicOutput;
import org.iosup.io.UserException;
import org.iosup.schema.FieldSpec;
import org.iosup.trace.Column;
import org.iosup.trace.EventBatch;
import org.iosup.trace.EventSchema;
import org.iosup.trace.RowValidator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Writes event batches to a Parquet file in the schema of {@code schemas/events.schema.json},
 * column by column: format v2 data pages, ZSTD by default, dictionary encoding only on the
 * columns the schema marks low-cardinality, statistics per page, and the schema name and version
 * (plus any trace metadata) in the file's key-value metadata. Encoding is done here over whole
 * batches (see {@link ColumnEncoder}); parquet-java lays out the file.
 *
 * <p>Every page carries the CRC-32 of its bytes as stored (parquet-java computes it), and the
 * footer carries its own CRC-32 under {@code iosup.footer.crc32} ({@link ParquetFile#sealFooter}),
 * so that bit rot anywhere a reader looks is found. Every row written is checked against the
 * schema (ranges, enums, lengths, the columns each kind requires, time order): a file whose footer
 * checks was valid when written, which lets readers skip the columns they do not use. The file
 * appears only on {@link #commit()}; closing without a commit removes the partial output.
 */
public final class ParquetTraceWriter implements AutoCloseable {
    /** Rows per row group at most. */
    static final int ROW_GROUP_ROWS = 1 << 22;
    /** Compressed bytes held before a row group is written, at most (bounds memory). */
    static final long ROW_GROUP_BYTES = 64L << 20;
    /** Dictionary entries of a column before the row group is cut (keeps dictionaries small). */
    static final int DICTIONARY_LIMIT = 1 << 15;

    private final AtomicOutput output;
    private final ParquetFileWriter file;
    private final PageCodecs codecs;
    private final CompressionCodecName codec;
    private final ColumnEncoder[] encoders;
    private final Map<String, String> metadata;
    private final int rowGroupRows;
    private final RowValidator validator = new RowValidator(Column.allMask(), true);
    private long groupRows;
    private long rows;
    private boolean finished;

    private ParquetTraceWriter(Path target, CompressionCodecName codec, Map<String, String> metadata,
                               int rowGroupRows) {
        this.rowGroupRows = rowGroupRows;
        this.metadata = new LinkedHashMap<>(metadata);
        this.metadata.put(EventSchema.META_SCHEMA, EventSchema.get().name());
        this.metadata.put(EventSchema.META_VERSION, Integer.toString(EventSchema.get().version()));
        this.codec = codec;
        this.output = AtomicOutput.create(target);
        boolean started = false;
        PageCodecs factory = null;
        try {
            MessageType schema = ParquetEventSchema.message();
            file = new ParquetFileWriter(new AtomicParquetFile(output), schema,
                    ParquetFileWriter.Mode.OVERWRITE, ROW_GROUP_BYTES, 0, 64, Integer.MAX_VALUE, true);
            file.start();
            factory = new PageCodecs();
            BytesInputCompressor compressor = factory.getCompressor(codec);
            encoders = new ColumnEncoder[Column.count()];
            for (Column c : Column.values()) {
                FieldSpec spec = EventSchema.get().field(c);
                ColumnDescriptor d = schema.getColumnDescription(new String[] {c.columnName()});
                encoders[c.ordinal()] = ColumnEncoder.of(c, spec, d, compressor);
            }
            this.codecs = factory;
            started = true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Parquet file " + target, e);
        } finally {
            if (!started) {
                if (factory != null) {
                    factory.release();
                }
                output.close();
            }
        }
    }

    /** Opens a writer of {@code target} with the given codec and trace metadata. */
    public static ParquetTraceWriter create(Path target, CompressionCodecName codec, Map<String, String> metadata) {
        return new ParquetTraceWriter(target, codec, metadata, ROW_GROUP_ROWS);
    }

    /** As {@link #create(Path, CompressionCodecName, Map)} with row groups of at most {@code rowGroupRows} rows (tests use small ones). */
    public static ParquetTraceWriter create(Path target, CompressionCodecName codec, Map<String, String> metadata,
                                     int rowGroupRows) {
        return new ParquetTraceWriter(target, codec, metadata, rowGroupRows);
    }

    /** Opens a ZSTD writer of {@code target} without extra metadata. */
    public static ParquetTraceWriter create(Path target) {
        return create(target, CompressionCodecName.ZSTD, Map.of());
    }

    /** Parses a codec name given by a user ({@code zstd}, {@code snappy}, {@code gzip}, {@code lz4_raw}, {@code uncompressed}). */
    public static CompressionCodecName codec(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "zstd" -> CompressionCodecName.ZSTD;
            case "snappy" -> CompressionCodecName.SNAPPY;
            case "gzip" -> CompressionCodecName.GZIP;
            case "lz4_raw", "lz4" -> CompressionCodecName.LZ4_RAW;
            case "uncompressed", "none" -> CompressionCodecName.UNCOMPRESSED;
            default -> throw new UserException("unknown codec '" + name
                    + "' (valid: zstd, snappy, gzip, lz4_raw, uncompressed)");
        };
    }

    /**
     * Appends every row of {@code batch}, which must be valid in the schema (checked: a row that
     * is not is a bug of the caller, which validates its input first).
     */
    public void write(EventBatch batch) {
        int n = batch.size();
        if (!validator.allValid(batch, n)) {
            for (int i = 0; i < n; i++) {
                RowValidator.Violation v = validator.check(batch, i);
                if (v != null) {
                    throw new IllegalArgumentException("cannot write row " + (rows + i + 1) + " of " + output.target()
                            + ": " + (v.column() == null ? "" : "column '" + v.column() + "'"
                            + (v.value() == null ? "" : " value '" + v.value() + "'") + ": ") + v.problem()
                            + " (a bug: rows are validated before they are written)");
                }
            }
        }
        int from = 0;
        int[] present = batch.present();
        while (from < n) {
            int to = (int) Math.min(n, from + (rowGroupRows - groupRows));
            int any = 0;
            int all = -1;
            for (int r = from; r < to; r++) {
                any |= present[r];
                all &= present[r];
            }
            for (ColumnEncoder e : encoders) {
                e.write(batch, from, to, any, all);
            }
            groupRows += to - from;
            rows += to - from;
            from = to;
            if (groupRows >= rowGroupRows || groupFull()) {
                writeRowGroup();
            }
        }
    }

    private boolean groupFull() {
        long bytes = 0;
        for (ColumnEncoder e : encoders) {
            if (e.dictionarySize() > DICTIONARY_LIMIT) {
                return true;
            }
            bytes += e.bufferedBytes();
        }
        return bytes > ROW_GROUP_BYTES;
    }

    private void writeRowGroup() {
        if (groupRows == 0) {
            return;
        }
        try {
            file.startBlock(groupRows);
            for (ColumnEncoder e : encoders) {
                e.writeChunk(file, codec, groupRows);
            }
            file.endBlock();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + output.target(), e);
        }
        groupRows = 0;
    }

    /** Adds or replaces a key-value metadata entry; takes effect at {@link #commit()}. */
    public void putMetadata(String key, String value) {
        metadata.put(key, value);
    }

    public long rows() {
        return rows;
    }

    public Path target() {
        return output.target();
    }

    /** Finishes the file and moves it into place. */
    public void commit() {
        if (finished) {
            throw new IllegalStateException("already finished");
        }
        writeRowGroup();
        try {
            Map<String, String> sealed = new LinkedHashMap<>(metadata);
            sealed.remove(ParquetFile.FOOTER_CRC_KEY);
            sealed.put(ParquetFile.FOOTER_CRC_KEY, new String(ParquetFile.FOOTER_CRC_PLACEHOLDER,
                    java.nio.charset.StandardCharsets.US_ASCII));
            file.end(sealed);
            ParquetFile.sealFooter(output.temp());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot finish " + output.target(), e);
        }
        finished = true;
        codecs.release();
        output.commit();
    }

    /** Closes; without a prior {@link #commit()} the partial file is deleted. */
    @Override
    public void close() {
        if (!finished) {
            finished = true;
            codecs.release();
            try {
                file.abort();
                file.close();
            } catch (IOException | RuntimeException e) {
                // The output is being discarded anyway.
            }
        }
        output.close();
    }
}
