package org.iosup.testing;

import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.iosup.trace.Column;
import org.iosup.trace.EventBatch;
import org.iosup.trace.EventKind;
import org.iosup.trace.Granularity;
import org.iosup.trace.PageType;
import org.iosup.trace.parquet.ParquetEventSchema;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Parquet files written by another tool: parquet-java's own example writer (record by record,
 * its own encoders and page layout), for tests of what iosup reads from files it did not write.
 */
public final class ForeignParquet {
    private ForeignParquet() {
    }

    /** How the other tool writes. */
    public record Options(boolean pageChecksums, CompressionCodecName codec, boolean v2Pages, boolean dictionary,
                          int pageRows) {
        public static final Options DEFAULT = new Options(true, CompressionCodecName.UNCOMPRESSED, false, true, 20_000);

        public Options withChecksums(boolean on) {
            return new Options(on, codec, v2Pages, dictionary, pageRows);
        }

        public Options withCodec(CompressionCodecName c) {
            return new Options(pageChecksums, c, v2Pages, dictionary, pageRows);
        }

        public Options withV2(boolean v2) {
            return new Options(pageChecksums, codec, v2, dictionary, pageRows);
        }
    }

    /**
     * Writes rows in the given schema: each row holds one value per field of the schema, in its
     * order (null for none): Long, Integer, Boolean or String as the field's physical type takes.
     */
    public static void write(Path file, MessageType schema, List<Object[]> rows, Options o, Map<String, String> metadata) {
        SimpleGroupFactory groups = new SimpleGroupFactory(schema);
        try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(file))
                .withConf(new PlainParquetConfiguration())
                .withType(schema)
                .withExtraMetaData(metadata)
                .withCompressionCodec(o.codec())
                .withPageWriteChecksumEnabled(o.pageChecksums())
                .withWriterVersion(o.v2Pages() ? ParquetProperties.WriterVersion.PARQUET_2_0
                        : ParquetProperties.WriterVersion.PARQUET_1_0)
                .withDictionaryEncoding(o.dictionary())
                .withMinRowCountForPageSizeCheck(Math.min(100, o.pageRows()))
                .withMaxRowCountForPageSizeCheck(o.pageRows())
                .withPageSize(1 << 20)
                .build()) {
            for (Object[] row : rows) {
                Group g = groups.newGroup();
                for (int f = 0; f < row.length; f++) {
                    Object v = row[f];
                    if (v == null) {
                        continue;
                    }
                    Type t = schema.getType(f);
                    switch (t.asPrimitiveType().getPrimitiveTypeName()) {
                        case INT32 -> g.add(f, ((Number) v).intValue());
                        case INT64 -> g.add(f, ((Number) v).longValue());
                        case BOOLEAN -> g.add(f, (Boolean) v);
                        case BINARY -> g.add(f, Binary.fromString((String) v));
                        default -> throw new IllegalArgumentException("type " + t);
                    }
                }
                w.write(g);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the rows of a batch, valid or not, in iosup's Parquet schema. */
    public static void write(Path file, EventBatch b, Options o) {
        MessageType schema = ParquetEventSchema.message();
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < b.size(); i++) {
            Object[] row = new Object[Column.count()];
            for (Column c : Column.values()) {
                if (b.has(i, c)) {
                    row[c.ordinal()] = value(b, i, c);
                }
            }
            rows.add(row);
        }
        write(file, schema, rows, o, Map.of("iosup.schema", "iosup.events", "iosup.schema.version", "1"));
    }

    /** A present cell as parquet-java's example writer takes it: enums by name, numbers and text as they are. */
    public static Object value(EventBatch b, int i, Column c) {
        return switch (c) {
            case TS_NS -> b.tsNs()[i];
            case KIND -> EventKind.ofCode(b.kind()[i]).name();
            case CPU -> b.cpu()[i];
            case DOMAIN -> b.domain()[i];
            case PID -> b.pid()[i];
            case PPID -> b.ppid()[i];
            case COMM -> b.comm()[i];
            case FRAME -> b.frame()[i];
            case LEVEL -> b.level()[i];
            case FROM_TYPE -> PageType.values()[b.fromType()[i]].name();
            case TO_TYPE -> PageType.values()[b.toType()[i]].name();
            case COUNT -> b.count()[i];
            case GRANULARITY -> Granularity.values()[b.granularity()[i]].name();
            case DEVICE -> b.device()[i];
            case ADDR -> b.addr()[i];
            case BYTES -> b.bytes()[i];
            case WRITE -> b.write()[i];
        };
    }
}
