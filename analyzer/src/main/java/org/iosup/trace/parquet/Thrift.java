package org.iosup.trace.parquet;

import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.PageHeader;
import shaded.parquet.org.apache.thrift.TBase;
import shaded.parquet.org.apache.thrift.TConfiguration;
import shaded.parquet.org.apache.thrift.TException;
import shaded.parquet.org.apache.thrift.protocol.TCompactProtocol;
import shaded.parquet.org.apache.thrift.transport.TIOStreamTransport;

import java.io.ByteArrayInputStream;

/**
 * Parquet's Thrift structures (footer, page headers) read from bytes in memory, bounded by those
 * bytes: no string, list or nesting may claim more than the bytes there are, so a corrupt length
 * is an error, never a huge allocation. Errors come as {@link Corrupt} with a one-line reason.
 */
final class Thrift {
    /** A structure that cannot be read; the message is one line without Java object names. */
    static final class Corrupt extends Exception {
        private static final long serialVersionUID = 1L;

        Corrupt(String message) {
            super(message);
        }
    }

    private Thrift() {
    }

    /** The footer's FileMetaData from buf[from, from + length), which it must fill exactly. */
    static FileMetaData fileMetaData(byte[] buf, int from, int length) throws Corrupt {
        Counting in = new Counting(buf, from, length);
        FileMetaData m = read(new FileMetaData(), in, length);
        if (in.position() != from + length) {
            throw new Corrupt((from + length - in.position()) + " bytes follow the footer's metadata");
        }
        return m;
    }

    /**
     * A page header at buf[from...] within buf[from, end); {@code consumed[0]} is set to its
     * length in bytes.
     */
    static PageHeader pageHeader(byte[] buf, int from, int end, int[] consumed) throws Corrupt {
        Counting in = new Counting(buf, from, end - from);
        PageHeader h = read(new PageHeader(), in, end - from);
        consumed[0] = in.position() - from;
        return h;
    }

    private static <T extends TBase<?, ?>> T read(T target, Counting in, int length) throws Corrupt {
        try {
            TConfiguration config = new TConfiguration(Math.max(length, 1), Math.max(length, 1), 64);
            TCompactProtocol protocol = new TCompactProtocol(new TIOStreamTransport(config, in), length, length);
            target.read(protocol);
            return target;
        } catch (TException | RuntimeException e) {
            throw new Corrupt(reason(e));
        }
    }

    /** A one-line reason from a Thrift failure, without the struct dumps Thrift appends. */
    static String reason(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && (t.getMessage() == null || t.getMessage().isBlank())) {
            t = t.getCause();
        }
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            return t.getClass().getSimpleName();
        }
        int struct = m.indexOf(" Struct:");
        if (struct >= 0) {
            m = m.substring(0, struct);
        }
        int nl = m.indexOf('\n');
        if (nl >= 0) {
            m = m.substring(0, nl);
        }
        // No Java object names (class@hash) in messages meant for people.
        return m.replaceAll("\\S+@[0-9a-f]{4,}", "").replace("!", "").trim();
    }

    /** A byte array input stream that tells its position. */
    private static final class Counting extends ByteArrayInputStream {
        Counting(byte[] buf, int from, int length) {
            super(buf, from, length);
        }

        int position() {
            return pos;
        }
    }
}
