package org.iosup.trace.parquet;

import java.nio.ByteBuffer;
import java.util.Arrays;

/** Byte-level reading and writing shared by the page codecs: ULEB128 varints over plain arrays. */
final class Bytes {
    private Bytes() {
    }

    /** {@code a} followed by {@code b}, in a new array. */
    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /**
     * A read position in a byte array (a copy when the buffer has no accessible array) and the end
     * of the bytes it may read: reads are not checked one by one (a read past the array fails, a
     * read past {@code end} is found by {@link #need} or by the caller's check of where it ended).
     */
    static final class Reader {
        byte[] buf;
        int at;
        int end;

        Reader() {
        }

        Reader(ByteBuffer data) {
            reset(data);
        }

        void reset(ByteBuffer data) {
            if (data.hasArray()) {
                buf = data.array();
                at = data.arrayOffset() + data.position();
            } else {
                buf = new byte[data.remaining()];
                data.duplicate().get(buf);
                at = 0;
            }
            end = at + data.remaining();
        }

        /** Bytes left before {@code end} (negative after a read past it). */
        int remaining() {
            return end - at;
        }

        int u8() {
            return buf[at++] & 0xff;
        }

        int varInt() {
            return (int) varLong();
        }

        long varLong() {
            long v = 0;
            int shift = 0;
            long b;
            do {
                b = buf[at++] & 0xff;
                v |= (b & 0x7f) << shift;
                shift += 7;
            } while ((b & 0x80) != 0 && shift < 70);
            return v;
        }

        /** Fails unless {@code n} more bytes are there. */
        void need(long n, String what) {
            if (n < 0 || at + n > end) {
                throw new IllegalStateException(what + " is truncated");
            }
        }
    }

    /** A growable byte array written from the front. */
    static final class Writer {
        byte[] buf;
        int len;

        Writer(int capacity) {
            buf = new byte[Math.max(16, capacity)];
        }

        void ensure(int n) {
            if (len + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
            }
        }

        void u8(int b) {
            ensure(1);
            buf[len++] = (byte) b;
        }

        void varLong(long v) {
            ensure(10);
            while ((v & ~0x7fL) != 0) {
                buf[len++] = (byte) ((v & 0x7f) | 0x80);
                v >>>= 7;
            }
            buf[len++] = (byte) v;
        }

        void bytes(byte[] b, int from, int n) {
            ensure(n);
            System.arraycopy(b, from, buf, len, n);
            len += n;
        }

        byte[] toArray() {
            return Arrays.copyOf(buf, len);
        }

        void clear() {
            len = 0;
        }
    }
}
