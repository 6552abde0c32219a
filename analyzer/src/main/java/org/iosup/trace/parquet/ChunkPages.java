package org.iosup.trace.parquet;

import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.format.DataPageHeader;
import org.apache.parquet.format.DataPageHeaderV2;
import org.apache.parquet.format.DictionaryPageHeader;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.converter.ParquetMetadataConverter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32;

/**
 * The pages of one column chunk, checked as a whole before any value is decoded: every page
 * header read (bounded by the chunk's bytes), every page's CRC-32 verified when it has one (the
 * CRC of the page's bytes as stored, i.e. after compression, as the Parquet format defines it),
 * the pages filling the chunk exactly, their rows adding up to the row group's and their values
 * to the chunk's count in the footer, sizes consistent with the codec. Pages are decompressed one
 * at a time as the decoder asks for them. Every problem is a {@link Fault} naming the page.
 */
final class ChunkPages {
    /** A problem of the chunk, located at a page (0 for the dictionary page, -1 for the chunk as a whole). */
    static final class Fault extends Exception {
        private static final long serialVersionUID = 1L;
        final int page;
        final long firstRow;

        Fault(int page, long firstRow, String message) {
            super(message);
            this.page = page;
            this.firstRow = firstRow;
        }
    }

    /** A data page, decompressed: for v2 pages the definition levels apart, for v1 all in {@code data}. */
    record Page(int number, long firstRow, boolean v2, int rows, int nulls, Encoding encoding,
                Encoding definitionEncoding, ByteBuffer levels, ByteBuffer data) {
    }

    /** A page as found in the chunk, still compressed. */
    private record Stored(int number, long firstRow, PageHeader header, int at, int length) {
    }

    private static final ParquetMetadataConverter CONVERTER = new ParquetMetadataConverter();
    /**
     * A dictionary may hold entries no value uses (iosup's enum columns hold every name): up to
     * this many, or as many as the chunk has values. More is taken as a corrupt header (it bounds
     * what the dictionary may make the reader allocate).
     */
    private static final int MAX_SPARE_ENTRIES = 1 << 16;
    private static final ThreadLocal<CRC32> CRC = ThreadLocal.withInitial(CRC32::new);

    private final byte[] buf;
    private final CompressionCodecName codec;
    private final PageCodecs codecs;
    private final int maxValueBytes;
    private final List<Stored> pages = new ArrayList<>();
    private Stored dictionary;
    private int next;
    private final long[] pageFirstRows;

    /**
     * Reads the page headers of the chunk in buf[0, length).
     *
     * @param rows        the row group's rows
     * @param values      the chunk's value count in the footer
     * @param verify      whether page CRCs are checked
     * @param requireCrc  whether every page must have a CRC (a file iosup wrote: they all do)
     * @param maxLength   the longest string the column may hold, in characters (bounds page sizes)
     */
    ChunkPages(byte[] buf, int length, ColumnDescriptor descriptor, CompressionCodecName codec, long rows,
               long values, boolean verify, boolean requireCrc, int maxLength, PageCodecs codecs) throws Fault {
        this.buf = buf;
        this.codec = codec;
        this.codecs = codecs;
        this.maxValueBytes = maxValueBytes(descriptor.getPrimitiveType().getPrimitiveTypeName(), maxLength);
        boolean optional = descriptor.getMaxDefinitionLevel() > 0;
        int at = 0;
        long rowsSoFar = 0;
        long valuesSoFar = 0;
        int[] consumed = new int[1];
        int number = 0;
        while (at < length) {
            int pageNumber = number + 1;
            PageHeader h;
            try {
                h = Thrift.pageHeader(buf, at, length, consumed);
            } catch (Thrift.Corrupt e) {
                throw new Fault(pageNumber, rowsSoFar, "unreadable page header (" + e.getMessage() + ")");
            }
            int body = at + consumed[0];
            int size = h.getCompressed_page_size();
            if (h.getType() == null) {
                throw new Fault(pageNumber, rowsSoFar, "unknown page type");
            }
            if (size < 0 || size > length - body) {
                throw new Fault(pageNumber, rowsSoFar, "page of " + size + " bytes where the column chunk has "
                        + (length - body) + " left");
            }
            if (h.getUncompressed_page_size() < 0) {
                throw new Fault(pageNumber, rowsSoFar, "corrupt page header: uncompressed size " + h.getUncompressed_page_size());
            }
            switch (h.getType()) {
                case DICTIONARY_PAGE -> {
                    if (dictionary != null || number > 0) {
                        throw new Fault(0, 0, number > 0 ? "a dictionary page after data pages"
                                : "a second dictionary page");
                    }
                    DictionaryPageHeader d = h.getDictionary_page_header();
                    if (d == null || d.getEncoding() == null || d.getNum_values() < 0) {
                        throw new Fault(0, 0, "corrupt dictionary page header");
                    }
                    verifyCrc(h, body, size, verify, requireCrc, 0, 0);
                    dictionary = new Stored(0, 0, h, body, size);
                }
                case DATA_PAGE, DATA_PAGE_V2 -> {
                    number++;
                    long pageRows = checkDataHeader(h, number, rowsSoFar, optional, size);
                    verifyCrc(h, body, size, verify, requireCrc, number, rowsSoFar);
                    pages.add(new Stored(number, rowsSoFar, h, body, size));
                    rowsSoFar += pageRows;
                    valuesSoFar += pageRows;
                    if (rowsSoFar > rows) {
                        throw new Fault(number, rowsSoFar - pageRows, "the pages hold more rows than the row group's "
                                + rows + " (the footer or a page header is corrupt)");
                    }
                }
                default -> {
                    // Index pages and any other kind the format may add: not needed to read values.
                }
            }
            at = body + size;
        }
        if (rowsSoFar != rows) {
            throw new Fault(-1, 0, "the pages hold " + rowsSoFar + " rows, the row group " + rows
                    + " (the footer or a page header is corrupt)");
        }
        if (valuesSoFar != values) {
            throw new Fault(-1, 0, "the pages hold " + valuesSoFar + " values, the footer says " + values
                    + " (the footer or a page header is corrupt)");
        }
        if (dictionary != null
                && dictionary.header().getDictionary_page_header().getNum_values() > Math.max(values, MAX_SPARE_ENTRIES)) {
            throw new Fault(0, 0, "a dictionary of " + dictionary.header().getDictionary_page_header().getNum_values()
                    + " entries for " + values + " values (corrupt page header)");
        }
        pageFirstRows = new long[pages.size()];
        for (int k = 0; k < pages.size(); k++) {
            pageFirstRows[k] = pages.get(k).firstRow();
        }
    }

    /** Checks a data page's header; returns its rows. */
    private long checkDataHeader(PageHeader h, int number, long firstRow, boolean optional, int size) throws Fault {
        int rows;
        if (h.getType() == org.apache.parquet.format.PageType.DATA_PAGE_V2) {
            DataPageHeaderV2 v2 = h.getData_page_header_v2();
            if (v2 == null || v2.getEncoding() == null) {
                throw new Fault(number, firstRow, "corrupt data page header (v2)");
            }
            rows = v2.getNum_rows();
            if (rows < 0 || v2.getNum_values() != rows || v2.getNum_nulls() < 0 || v2.getNum_nulls() > rows
                    || (!optional && v2.getNum_nulls() != 0)) {
                throw new Fault(number, firstRow, "corrupt data page header: " + rows + " rows, "
                        + v2.getNum_values() + " values, " + v2.getNum_nulls() + " nulls");
            }
            int rl = v2.getRepetition_levels_byte_length();
            int dl = v2.getDefinition_levels_byte_length();
            if (rl != 0 || dl < 0 || dl > size || (!optional && dl != 0)) {
                throw new Fault(number, firstRow, "corrupt data page header: " + rl + " bytes of repetition levels, "
                        + dl + " of definition levels in a page of " + size);
            }
            boolean compressed = v2.isSetIs_compressed() ? v2.isIs_compressed() : true;
            if ((!compressed || codec == CompressionCodecName.UNCOMPRESSED) && h.getUncompressed_page_size() != size) {
                throw new Fault(number, firstRow, "corrupt data page header: an uncompressed page of "
                        + size + " bytes says it has " + h.getUncompressed_page_size());
            }
            if (h.getUncompressed_page_size() < dl) {
                throw new Fault(number, firstRow, "corrupt data page header: uncompressed size "
                        + h.getUncompressed_page_size() + " is less than its levels' " + dl);
            }
        } else {
            DataPageHeader v1 = h.getData_page_header();
            if (v1 == null || v1.getEncoding() == null || v1.getDefinition_level_encoding() == null
                    || v1.getRepetition_level_encoding() == null) {
                throw new Fault(number, firstRow, "corrupt data page header (v1)");
            }
            rows = v1.getNum_values();
            if (rows < 0) {
                throw new Fault(number, firstRow, "corrupt data page header: " + rows + " values");
            }
            if (codec == CompressionCodecName.UNCOMPRESSED && h.getUncompressed_page_size() != size) {
                throw new Fault(number, firstRow, "corrupt data page header: an uncompressed page of "
                        + size + " bytes says it has " + h.getUncompressed_page_size());
            }
        }
        long bound = (long) rows * maxValueBytes + 1024;
        if (h.getUncompressed_page_size() > bound) {
            throw new Fault(number, firstRow, "corrupt data page header: " + h.getUncompressed_page_size()
                    + " bytes uncompressed for " + rows + " rows");
        }
        return rows;
    }

    private void verifyCrc(PageHeader h, int at, int size, boolean verify, boolean requireCrc, int page, long firstRow)
            throws Fault {
        if (!verify) {
            return;
        }
        if (!h.isSetCrc()) {
            if (requireCrc) {
                throw new Fault(page, firstRow, "the page has no checksum, but every page iosup writes has one "
                        + "(corrupt page header; --no-verify reads it anyway)");
            }
            return;
        }
        CRC32 crc = CRC.get();
        crc.reset();
        crc.update(buf, at, size);
        int computed = (int) crc.getValue();
        if (computed != h.getCrc()) {
            throw new Fault(page, firstRow, String.format(Locale.ROOT,
                    "checksum mismatch (page CRC-32 %08x, computed %08x): the file is corrupt "
                            + "(--no-verify reads it anyway)", h.getCrc(), computed));
        }
    }

    /** Bytes one value may take at most in any encoding (with its definition level), to bound page sizes. */
    private static int maxValueBytes(PrimitiveTypeName type, int maxLength) {
        return 2 + switch (type) {
            case BOOLEAN, INT32, FLOAT -> 6;
            case INT64, DOUBLE -> 11;
            case INT96 -> 12;
            case BINARY, FIXED_LEN_BYTE_ARRAY -> 4 + 10 + (int) Math.min(1 << 20, 4L * maxLength);
        };
    }

    /** Data pages in the chunk. */
    int pageCount() {
        return pages.size();
    }

    /** The number (1-based) of the data page holding the chunk's row {@code row} (0-based, within the row group). */
    int pageOfRow(long row) {
        int lo = 0;
        int hi = pageFirstRows.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (pageFirstRows[mid] <= row) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo + 1;
    }

    /** The dictionary page, decompressed, or null. */
    org.apache.parquet.column.page.DictionaryPage dictionaryPage() throws Fault {
        if (dictionary == null) {
            return null;
        }
        DictionaryPageHeader d = dictionary.header().getDictionary_page_header();
        int uncompressed = dictionary.header().getUncompressed_page_size();
        if (uncompressed > (long) d.getNum_values() * maxValueBytes + 1024) {
            throw new Fault(0, 0, "corrupt dictionary page header: " + uncompressed + " bytes for "
                    + d.getNum_values() + " entries");
        }
        if (codec == CompressionCodecName.UNCOMPRESSED && uncompressed != dictionary.length()) {
            throw new Fault(0, 0, "corrupt dictionary page header: an uncompressed page of "
                    + dictionary.length() + " bytes says it has " + uncompressed);
        }
        byte[] bytes = decompress(dictionary, 0, dictionary.length(), uncompressed, codec);
        Encoding e = encoding(d.getEncoding(), 0, 0);
        return new org.apache.parquet.column.page.DictionaryPage(
                org.apache.parquet.bytes.BytesInput.from(bytes), d.getNum_values(), e);
    }

    /** The next data page, decompressed, or null after the last. */
    Page next() throws Fault {
        if (next == pages.size()) {
            return null;
        }
        Stored s = pages.get(next++);
        PageHeader h = s.header();
        if (h.getType() == org.apache.parquet.format.PageType.DATA_PAGE_V2) {
            DataPageHeaderV2 v2 = h.getData_page_header_v2();
            int dl = v2.getDefinition_levels_byte_length();
            ByteBuffer levels = ByteBuffer.wrap(buf, s.at(), dl).slice();
            boolean compressed = !v2.isSetIs_compressed() || v2.isIs_compressed();
            int dataLength = s.length() - dl;
            int rawLength = h.getUncompressed_page_size() - dl;
            ByteBuffer data;
            if (compressed && codec != CompressionCodecName.UNCOMPRESSED) {
                data = ByteBuffer.wrap(decompress(s, dl, dataLength, rawLength, codec));
            } else {
                data = ByteBuffer.wrap(buf, s.at() + dl, dataLength).slice();
            }
            return new Page(s.number(), s.firstRow(), true, v2.getNum_rows(), v2.getNum_nulls(),
                    encoding(v2.getEncoding(), s.number(), s.firstRow()), Encoding.RLE, levels, data);
        }
        DataPageHeader v1 = h.getData_page_header();
        ByteBuffer data = codec == CompressionCodecName.UNCOMPRESSED
                ? ByteBuffer.wrap(buf, s.at(), s.length()).slice()
                : ByteBuffer.wrap(decompress(s, 0, s.length(), h.getUncompressed_page_size(), codec));
        return new Page(s.number(), s.firstRow(), false, v1.getNum_values(), -1,
                encoding(v1.getEncoding(), s.number(), s.firstRow()),
                encoding(v1.getDefinition_level_encoding(), s.number(), s.firstRow()), null, data);
    }

    private static Encoding encoding(org.apache.parquet.format.Encoding e, int page, long firstRow) throws Fault {
        try {
            return CONVERTER.getEncoding(e);
        } catch (RuntimeException ex) {
            throw new Fault(page, firstRow, "unknown encoding " + e);
        }
    }

    private byte[] decompress(Stored s, int offset, int length, int uncompressed, CompressionCodecName c) throws Fault {
        try {
            return codecs.decompress(c, buf, s.at() + offset, length, uncompressed);
        } catch (java.io.IOException | RuntimeException e) {
            throw new Fault(s.number(), s.firstRow(), "cannot decompress the " + c + " page ("
                    + Thrift.reason(e) + ")");
        }
    }
}
