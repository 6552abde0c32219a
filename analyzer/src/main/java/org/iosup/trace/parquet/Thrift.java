package org.iosup.trace.parquet;

import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.PageHeader;
import shaded.parquet.org.apache.thrift.TBase;
import shaded.parquet.org.apache.thrift.TConfiguration;
import shaded.parquet.org.apache.thrift.TException;
import shaded.parquet.org.apache.thrift.protocol.TCompactProtocol;
import shaded.parquet.org.apache.thrift.transport.TTransport;
import shaded.parquet.org.apache.thrift.transport.TTransportException;

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
        Bounded in = new Bounded(buf, from, from + length);
        FileMetaData m = read(new FileMetaData(), in);
        if (in.pos != from + length) {
            throw new Corrupt((from + length - in.pos) + " bytes follow the footer's metadata");
        }
        return m;
    }

    /**
     * A page header at buf[from...] within buf[from, end); {@code consumed[0]} is set to its
     * length in bytes.
     */
    static PageHeader pageHeader(byte[] buf, int from, int end, int[] consumed) throws Corrupt {
        Bounded in = new Bounded(buf, from, end);
        PageHeader h = read(new PageHeader(), in);
        consumed[0] = in.pos - from;
        return h;
    }

    private static <T extends TBase<?, ?>> T read(T target, Bounded in) throws Corrupt {
        try {
            int length = in.end - in.pos;
            target.read(new TCompactProtocol(in, length, length));
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

    /**
     * Bytes of a byte array as a Thrift transport that Thrift's compact protocol reads in place,
     * and that refuses any length (of a string, a list) beyond the bytes left.
     */
    private static final class Bounded extends TTransport {
        private static final TConfiguration CONFIG = new TConfiguration(Integer.MAX_VALUE, Integer.MAX_VALUE, 64);
        private final byte[] buf;
        private final int end;
        private int pos;

        Bounded(byte[] buf, int from, int end) {
            this.buf = buf;
            this.pos = from;
            this.end = end;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void open() {
        }

        @Override
        public void close() {
        }

        @Override
        public int read(byte[] dst, int off, int len) throws TTransportException {
            int n = Math.min(len, end - pos);
            if (n <= 0) {
                throw new TTransportException(TTransportException.END_OF_FILE, "the structure ends early");
            }
            System.arraycopy(buf, pos, dst, off, n);
            pos += n;
            return n;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            throw new UnsupportedOperationException("read only");
        }

        @Override
        public byte[] getBuffer() {
            return buf;
        }

        @Override
        public int getBufferPosition() {
            return pos;
        }

        @Override
        public int getBytesRemainingInBuffer() {
            return end - pos;
        }

        @Override
        public void consumeBuffer(int n) {
            pos += n;
        }

        @Override
        public TConfiguration getConfiguration() {
            return CONFIG;
        }

        @Override
        public void updateKnownMessageSize(long size) {
        }

        @Override
        public void checkReadBytesAvailable(long n) throws TTransportException {
            if (n < 0 || n > end - pos) {
                throw new TTransportException(TTransportException.END_OF_FILE,
                        "a length of " + n + " bytes where " + (end - pos) + " are left");
            }
        }
    }
}
