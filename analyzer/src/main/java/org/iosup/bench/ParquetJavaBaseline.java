package org.iosup.bench;

import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Types;
import org.iosup.analysis.KindMinutes;
import org.iosup.trace.Column;
import org.iosup.trace.EventBatch;
import org.iosup.trace.EventKind;
import org.iosup.trace.Granularity;
import org.iosup.trace.PageType;
import org.iosup.trace.TraceSource;
import org.iosup.trace.parquet.ParquetEventSchema;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The baseline of {@code bench store}: the same rows written and scanned through parquet-java's
 * own encoders and decoders, so that the claim that iosup's hand-written page codecs are faster
 * is measured on the machine at hand. Writing goes through parquet-java's example {@link Group}
 * writer (its documented record API) with the settings iosup writes with (version 2 pages, ZSTD,
 * the same schema); scanning through its {@link ColumnReader}s, value by value over the two
 * columns only, without assembling records (the fastest public path it has).
 */
final class ParquetJavaBaseline {
    private ParquetJavaBaseline() {
    }

    /** Writes every row of {@code src} to {@code file}; returns the rows written. */
    static long write(TraceSource src, Path file) {
        MessageType schema = ParquetEventSchema.message();
        SimpleGroupFactory groups = new SimpleGroupFactory(schema);
        Column[] columns = Column.values();
        int[] field = new int[columns.length];
        for (Column c : columns) {
            field[c.ordinal()] = schema.getFieldIndex(c.columnName());
        }
        long rows = 0;
        try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(file))
                .withConf(new PlainParquetConfiguration())
                .withType(schema)
                .withCompressionCodec(CompressionCodecName.ZSTD)
                .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_2_0)
                .build()) {
            EventBatch b = new EventBatch();
            while (src.next(b)) {
                for (int i = 0; i < b.size(); i++) {
                    Group g = groups.newGroup();
                    for (Column c : columns) {
                        if (b.has(i, c)) {
                            add(g, field[c.ordinal()], b, i, c);
                        }
                    }
                    w.write(g);
                }
                rows += b.size();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return rows;
    }

    private static void add(Group g, int f, EventBatch b, int i, Column c) {
        switch (c) {
            case TS_NS -> g.add(f, b.tsNs()[i]);
            case KIND -> g.add(f, EventKind.ofCode(b.kind()[i]).name());
            case CPU -> g.add(f, b.cpu()[i]);
            case DOMAIN -> g.add(f, b.domain()[i]);
            case PID -> g.add(f, b.pid()[i]);
            case PPID -> g.add(f, b.ppid()[i]);
            case COMM -> g.add(f, b.comm()[i]);
            case FRAME -> g.add(f, b.frame()[i]);
            case LEVEL -> g.add(f, b.level()[i]);
            case FROM_TYPE -> g.add(f, PageType.values()[b.fromType()[i]].name());
            case TO_TYPE -> g.add(f, PageType.values()[b.toType()[i]].name());
            case COUNT -> g.add(f, b.count()[i]);
            case GRANULARITY -> g.add(f, Granularity.values()[b.granularity()[i]].name());
            case DEVICE -> g.add(f, b.device()[i]);
            case ADDR -> g.add(f, b.addr()[i]);
            case BYTES -> g.add(f, b.bytes()[i]);
            case WRITE -> g.add(f, b.write()[i]);
        }
    }

    /** Counts the rows of {@code file} per minute and kind from ts_ns and kind; returns the rows scanned. */
    static long scan(Path file, KindMinutes into) {
        MessageType full = ParquetEventSchema.message();
        MessageType projection = Types.buildMessage()
                .addField(full.getType("ts_ns")).addField(full.getType("kind")).named(full.getName());
        Map<Binary, Integer> kinds = new HashMap<>();
        for (EventKind k : EventKind.values()) {
            kinds.put(Binary.fromString(k.name()), (int) k.code());
        }
        long rows = 0;
        try (ParquetFileReader r = ParquetFileReader.open(new LocalInputFile(file))) {
            r.setRequestedSchema(projection);
            String createdBy = r.getFooter().getFileMetaData().getCreatedBy();
            ColumnDescriptor ts = projection.getColumns().get(0);
            ColumnDescriptor kind = projection.getColumns().get(1);
            PageReadStore pages;
            while ((pages = r.readNextRowGroup()) != null) {
                ColumnReadStoreImpl store = new ColumnReadStoreImpl(pages,
                        new GroupRecordConverter(projection).getRootConverter(), projection, createdBy);
                ColumnReader tr = store.getColumnReader(ts);
                ColumnReader kr = store.getColumnReader(kind);
                for (long n = pages.getRowCount(), k = 0; k < n; k++) {
                    long t = tr.getLong();
                    tr.consume();
                    Integer code = kinds.get(kr.getBinary());
                    kr.consume();
                    into.add(t, code);
                }
                rows += pages.getRowCount();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return rows;
    }
}
