package org.iosup.trace.parquet;

import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.KeyValue;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.converter.ParquetMetadataConverter;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.iosup.io.UserException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * A Parquet file's frame: the magic at both ends, the footer (read and checked before anything
 * else: lengths, row counts, where each column chunk lies), and the column chunks' bytes read on
 * demand. Every problem is a {@link UserException} naming the file and what is wrong, e.g. "is not
 * a Parquet file" or "truncated: footer length N exceeds file size M".
 *
 * <p>iosup's writer puts a CRC-32 of the footer in the footer itself ({@link #FOOTER_CRC_KEY}, see
 * {@link #sealFooter}); when it is there and {@code verify} is on it is checked, and a file whose
 * footer checks is one iosup wrote as it is ({@link #iosupVerified()}).
 */
final class ParquetFile implements AutoCloseable {
    /** Key-value metadata key of the footer's CRC-32 (8 hex digits), written by iosup. */
    static final String FOOTER_CRC_KEY = "iosup.footer.crc32";
    /** The value written first, and in place of the real one when the CRC is computed. */
    static final byte[] FOOTER_CRC_PLACEHOLDER = "00000000".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MAGIC_ENCRYPTED = "PARE".getBytes(StandardCharsets.US_ASCII);
    /** Thrift compact encoding of the key's string, then the value's field header and length 8. */
    private static final byte[] CRC_PATTERN = crcPattern();

    private final Path path;
    private final FileChannel channel;
    private final long size;
    private final long dataEnd;
    private final FileMetaData thrift;
    private final ParquetMetadata footer;
    private final Map<String, String> keyValues;
    private final boolean iosupVerified;

    private ParquetFile(Path path, boolean verify) {
        this.path = path;
        if (Files.isDirectory(path)) {
            throw new UserException(path + ": is a folder, not a Parquet file");
        }
        if (!Files.isRegularFile(path)) {
            throw new UserException(path + ": no such file");
        }
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new UserException(path + ": cannot open (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
        try {
            size = channel.size();
            byte[] head = read(0, (int) Math.min(4, size));
            byte[] tail = read(Math.max(0, size - 8), (int) Math.min(8, size));
            boolean startsRight = startsWith(head, MAGIC);
            boolean endsRight = size >= 8 && regionEquals(tail, 4, MAGIC);
            if (size >= 8 && regionEquals(tail, 4, MAGIC_ENCRYPTED)) {
                throw fail("is an encrypted Parquet file, which iosup does not read");
            }
            if (!startsRight && !endsRight) {
                throw fail("is not a Parquet file (it neither starts nor ends with the Parquet magic PAR1)");
            }
            if (!startsRight) {
                throw fail("is not a Parquet file, or is corrupt: it does not start with the Parquet magic PAR1");
            }
            if (!endsRight) {
                throw fail("truncated or corrupt: it does not end with the Parquet magic PAR1 (" + size + " bytes)");
            }
            long footerLength = ByteBuffer.wrap(tail, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
            if (footerLength + 12 > size) {
                throw fail("truncated: footer length " + footerLength + " exceeds file size " + size);
            }
            if (footerLength == 0) {
                throw fail("corrupt: the footer is empty");
            }
            dataEnd = size - 8 - footerLength;
            byte[] raw = read(dataEnd, (int) footerLength);
            // The checksum first: a damaged footer is reported as such, not as what it then seems to say.
            int crcAt = crcValueAt(raw);
            if (crcAt == -2) {
                throw fail("corrupt footer: " + FOOTER_CRC_KEY + " appears more than once");
            }
            if (verify && crcAt >= 0) {
                String stored = new String(raw, crcAt, 8, StandardCharsets.US_ASCII);
                String computed = footerCrc(raw, crcAt);
                if (!stored.equals(computed)) {
                    throw fail("footer checksum mismatch (" + FOOTER_CRC_KEY + " is " + stored
                            + ", the footer's CRC-32 is " + computed
                            + "): the file is corrupt (--no-verify reads it anyway)");
                }
            }
            iosupVerified = verify && crcAt >= 0;
            try {
                thrift = Thrift.fileMetaData(raw, 0, raw.length);
            } catch (Thrift.Corrupt e) {
                throw fail("corrupt footer: " + e.getMessage());
            }
            keyValues = keyValues(thrift);
            checkLayout();
            try {
                footer = new ParquetMetadataConverter().fromParquetMetadata(thrift);
            } catch (IOException | RuntimeException e) {
                throw fail("corrupt footer: " + Thrift.reason(e));
            }
            checkChunks();
        } catch (IOException e) {
            closeQuietly();
            throw new UserException(path + ": cannot read (" + e.getMessage() + ")", e);
        } catch (RuntimeException e) {
            closeQuietly();
            throw e;
        }
    }

    static ParquetFile open(Path path, boolean verify) {
        return new ParquetFile(path, verify);
    }

    private UserException fail(String problem) {
        return new UserException(path + ": " + problem);
    }

    private Map<String, String> keyValues(FileMetaData m) {
        Map<String, String> kv = new LinkedHashMap<>();
        if (m.isSetKey_value_metadata()) {
            for (KeyValue e : m.getKey_value_metadata()) {
                if (e == null || e.getKey() == null) {
                    throw fail("corrupt footer: a key-value metadata entry has no key");
                }
                if (!e.getKey().equals(FOOTER_CRC_KEY)) {
                    kv.put(e.getKey(), e.getValue() == null ? "" : e.getValue());
                }
            }
        }
        return kv;
    }

    /** Row counts and row groups as the footer states them, before parquet-java converts it. */
    private void checkLayout() {
        if (!thrift.isSetSchema() || thrift.getSchema().isEmpty()) {
            throw fail("corrupt footer: no schema");
        }
        if (thrift.getNum_rows() < 0) {
            throw fail("corrupt footer: " + thrift.getNum_rows() + " rows");
        }
        java.util.Set<String> columns = new java.util.HashSet<>();
        for (org.apache.parquet.format.SchemaElement e : thrift.getSchema().subList(1, thrift.getSchema().size())) {
            columns.add(e.getName());
        }
        long sum = 0;
        List<RowGroup> groups = thrift.getRow_groups();
        for (int g = 0; g < groups.size(); g++) {
            RowGroup rg = groups.get(g);
            String where = "row group " + (g + 1);
            if (rg.getNum_rows() < 0) {
                throw fail(where + ": corrupt row count " + rg.getNum_rows());
            }
            sum += rg.getNum_rows();
            if (rg.getColumns() == null) {
                throw fail(where + ": corrupt footer: no column chunks");
            }
            for (ColumnChunk c : rg.getColumns()) {
                if (c == null) {
                    throw fail(where + ": corrupt footer: an empty column chunk entry");
                }
                if (c.isSetCrypto_metadata() || c.isSetEncrypted_column_metadata()) {
                    throw fail(where + ": an encrypted column chunk, which iosup does not read");
                }
                if (c.isSetFile_path()) {
                    throw fail(where + ": a column chunk kept in another file (" + c.getFile_path()
                            + "), which iosup does not read");
                }
                ColumnMetaData m = c.getMeta_data();
                if (m == null) {
                    throw fail(where + ": corrupt footer: a column chunk without its metadata");
                }
                if (m.getPath_in_schema() == null || m.getType() == null || m.getCodec() == null) {
                    throw fail(where + ": corrupt footer: a column chunk's type, path or codec is missing or unknown");
                }
                String path = String.join(".", m.getPath_in_schema());
                if (m.getPath_in_schema().size() == 1 && !columns.contains(path)) {
                    throw fail(where + ": corrupt footer: a column chunk of '" + path
                            + "', which is not a column of the file's schema");
                }
            }
        }
        if (sum != thrift.getNum_rows()) {
            throw fail("corrupt footer: its row groups hold " + sum + " rows but it says the file has "
                    + thrift.getNum_rows());
        }
    }

    /** Each column chunk lies within the data between the leading magic and the footer. */
    private void checkChunks() {
        List<BlockMetaData> blocks = footer.getBlocks();
        for (int g = 0; g < blocks.size(); g++) {
            for (ColumnChunkMetaData c : blocks.get(g).getColumns()) {
                long start = c.getStartingPos();
                long length = c.getTotalSize();
                if (start < 4 || length < 0 || length > Integer.MAX_VALUE - 16 || start + length > dataEnd) {
                    throw fail("row group " + (g + 1) + ", column '" + c.getPath().toDotString()
                            + "': corrupt footer: the column chunk (" + length + " bytes at " + start
                            + ") lies outside the file's data (bytes 4 to " + dataEnd + ")");
                }
                if (c.getValueCount() < 0) {
                    throw fail("row group " + (g + 1) + ", column '" + c.getPath().toDotString()
                            + "': corrupt footer: " + c.getValueCount() + " values");
                }
            }
        }
    }

    /** The bytes of a column chunk, in {@code reuse} when it is large enough. */
    byte[] readChunk(ColumnChunkMetaData c, byte[] reuse) throws IOException {
        int length = (int) c.getTotalSize();
        byte[] buf = reuse != null && reuse.length >= length ? reuse : new byte[length];
        ByteBuffer b = ByteBuffer.wrap(buf, 0, length);
        long at = c.getStartingPos();
        while (b.hasRemaining()) {
            int n = channel.read(b, at + b.position());
            if (n < 0) {
                throw new IOException("the file ends inside a column chunk");
            }
        }
        return buf;
    }

    private byte[] read(long at, int length) throws IOException {
        byte[] buf = new byte[length];
        ByteBuffer b = ByteBuffer.wrap(buf);
        while (b.hasRemaining()) {
            int n = channel.read(b, at + b.position());
            if (n < 0) {
                throw new IOException("the file is shorter than it was");
            }
        }
        return buf;
    }

    Path path() {
        return path;
    }

    long size() {
        return size;
    }

    /** The footer as Parquet's Thrift structures hold it. */
    FileMetaData thrift() {
        return thrift;
    }

    /** The footer as parquet-java reads it (schema, row groups, column chunks). */
    ParquetMetadata footer() {
        return footer;
    }

    /** Key-value metadata, in file order, without iosup's footer checksum. */
    Map<String, String> keyValues() {
        return keyValues;
    }

    /** Whether the footer carries iosup's CRC and it was checked: iosup wrote the file as it is. */
    boolean iosupVerified() {
        return iosupVerified;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // Read-only: nothing is lost.
        }
    }

    private void closeQuietly() {
        close();
    }

    /**
     * Writes the footer's CRC into a finished file that holds {@link #FOOTER_CRC_KEY} with the
     * placeholder value: the CRC-32 of the footer's bytes with the placeholder in place, as 8 hex
     * digits over the placeholder. The footer keeps its length, so the file stays valid.
     */
    static void sealFooter(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            ByteBuffer tail = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(tail, size - 8);
            long footerLength = tail.getInt(0) & 0xffffffffL;
            long start = size - 8 - footerLength;
            byte[] raw = new byte[(int) footerLength];
            ByteBuffer b = ByteBuffer.wrap(raw);
            while (b.hasRemaining()) {
                if (ch.read(b, start + b.position()) < 0) {
                    throw new IOException("short read of the footer");
                }
            }
            int at = crcValueAt(raw);
            if (at < 0 || !regionEquals(raw, at, FOOTER_CRC_PLACEHOLDER)) {
                throw new IllegalStateException("the footer of " + file + " holds no " + FOOTER_CRC_KEY + " placeholder");
            }
            byte[] crc = footerCrc(raw, at).getBytes(StandardCharsets.US_ASCII);
            ch.write(ByteBuffer.wrap(crc), start + at);
        }
    }

    /** The CRC-32 of the footer with the placeholder at {@code valueAt}, as 8 lowercase hex digits. */
    private static String footerCrc(byte[] raw, int valueAt) {
        CRC32 crc = new CRC32();
        crc.update(raw, 0, valueAt);
        crc.update(FOOTER_CRC_PLACEHOLDER);
        crc.update(raw, valueAt + 8, raw.length - valueAt - 8);
        return String.format(Locale.ROOT, "%08x", crc.getValue());
    }

    /** Where the 8-byte value of {@link #FOOTER_CRC_KEY} starts in the footer; -1 if absent, -2 if there twice. */
    private static int crcValueAt(byte[] raw) {
        int found = -1;
        outer:
        for (int i = 0; i + CRC_PATTERN.length + 8 <= raw.length; i++) {
            for (int k = 0; k < CRC_PATTERN.length; k++) {
                if (raw[i + k] != CRC_PATTERN[k]) {
                    continue outer;
                }
            }
            if (found >= 0) {
                return -2;
            }
            found = i + CRC_PATTERN.length;
        }
        return found;
    }

    private static byte[] crcPattern() {
        byte[] key = FOOTER_CRC_KEY.getBytes(StandardCharsets.US_ASCII);
        byte[] p = new byte[1 + key.length + 2];
        p[0] = (byte) key.length; // the key's length as a varint (under 128)
        System.arraycopy(key, 0, p, 1, key.length);
        p[key.length + 1] = 0x18; // field 2 (value), type binary
        p[key.length + 2] = 8;    // its length
        return p;
    }

    private static boolean startsWith(byte[] a, byte[] prefix) {
        return a.length >= prefix.length && regionEquals(a, 0, prefix);
    }

    private static boolean regionEquals(byte[] a, int at, byte[] b) {
        if (at < 0 || at + b.length > a.length) {
            return false;
        }
        for (int i = 0; i < b.length; i++) {
            if (a[at + i] != b[i]) {
                return false;
            }
        }
        return true;
    }
}
