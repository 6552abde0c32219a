package org.iosup.trace.parquet;

import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The encoded pages of one column chunk, held until the row group is written, and the chunk's
 * compression: each column chunk has its own codec in Parquet, and one whose compression saves
 * under {@link #MIN_SAVING} is stored uncompressed, decided on its first sizeable page.
 */
// writeDataPageV2 with statistics and the DictionaryPage constructor are deprecated in parquet-java
// without a replacement at the page level; its own writers call them.
@SuppressWarnings("deprecation")
final class ChunkBuffer {
    /**
     * A column chunk whose compression saves less than this share is stored uncompressed (Parquet
     * gives each column chunk its own codec): timestamps with random gaps or random booleans do
     * not compress, and compressing them cost time on every write and read for nothing.
     */
    static final double MIN_SAVING = 0.03;
    /**
     * The first page of at least this many raw bytes decides a chunk's compression; smaller ones
     * say too little, and a chunk of small pages only keeps the codec asked for.
     */
    static final int DECIDING_PAGE_BYTES = 4096;

    /**
     * An encoded data page held until its row group is written: {@code data} compressed, or raw
     * when the chunk is stored uncompressed; {@code raw} kept as well while that is undecided.
     */
    private record Page(int rows, int nulls, byte[] levels, byte[] data, byte[] raw, int rawDataSize,
                        Encoding encoding, Statistics<?> stats) {
        Page decided(boolean uncompressed) {
            return new Page(rows, nulls, levels, uncompressed ? raw : data, null, rawDataSize, encoding, stats);
        }
    }

    private final BytesInputCompressor compressor;
    private final List<Page> pages = new ArrayList<>();
    /** Whether the current chunk is stored uncompressed; null until its first sizeable page decides. */
    private Boolean uncompressed;

    ChunkBuffer(BytesInputCompressor compressor) {
        this.compressor = compressor;
        start();
    }

    /** A new column chunk: stored uncompressed if that is the codec asked for, else undecided. */
    private void start() {
        uncompressed = compressor.getCodecName() == CompressionCodecName.UNCOMPRESSED ? Boolean.TRUE : null;
    }

    /** Adds a finished page: its definition levels and its values' bytes, raw (compressed here as the chunk is). */
    void add(int rows, int nulls, byte[] levels, byte[] raw, Encoding encoding, Statistics<?> stats) {
        byte[] data;
        byte[] undecided = null;
        if (uncompressed == null) {
            data = PageCodecs.compress(compressor, raw);
            if (raw.length >= DECIDING_PAGE_BYTES) {
                decide(data.length, raw.length);
                data = uncompressed ? raw : data;
            } else {
                undecided = raw;
            }
        } else {
            data = uncompressed ? raw : PageCodecs.compress(compressor, raw);
        }
        pages.add(new Page(rows, nulls, levels, data, undecided, raw.length, encoding, stats));
    }

    /** Settles the chunk's compression on the sizes of a page, compressed and raw. */
    private void decide(long compressed, long raw) {
        uncompressed = raw > 0 && compressed > raw * (1 - MIN_SAVING);
        for (int k = 0; k < pages.size(); k++) {
            if (pages.get(k).raw() != null) {
                pages.set(k, pages.get(k).decided(uncompressed));
            }
        }
    }

    /** Settles the compression of a chunk of small pages only: they cost little either way, so it keeps the codec asked for. */
    void settle() {
        if (uncompressed == null) {
            decide(0, 0);
        }
    }

    /** The dictionary page of {@code size} PLAIN entries, compressed as the (settled) chunk is. */
    DictionaryPage dictionary(byte[] plain, int size) {
        byte[] data = uncompressed ? plain : PageCodecs.compress(compressor, plain);
        return new DictionaryPage(BytesInput.from(data), plain.length, size, Encoding.PLAIN);
    }

    /** Writes the (settled) chunk of {@code rows} rows with its dictionary (or null), and starts afresh. */
    void write(ParquetFileWriter out, ColumnDescriptor descriptor, CompressionCodecName codec, long rows,
               DictionaryPage dictionary) throws IOException {
        out.startColumn(descriptor, rows, uncompressed ? CompressionCodecName.UNCOMPRESSED : codec);
        if (dictionary != null) {
            out.writeDictionaryPage(dictionary);
        }
        for (Page p : pages) {
            out.writeDataPageV2(p.rows(), p.nulls(), p.rows(), BytesInput.empty(), BytesInput.from(p.levels()),
                    p.encoding(), BytesInput.from(p.data()), p.rawDataSize(), p.stats());
        }
        out.endColumn();
        pages.clear();
        start();
    }

    /** Bytes held (compressed pages and levels), to bound row groups. */
    long bytes() {
        long n = 0;
        for (Page p : pages) {
            n += p.data().length + p.levels().length;
        }
        return n;
    }
}
