package org.iosup.trace.parquet;

import org.apache.parquet.column.values.bitpacking.BytePacker;
import org.apache.parquet.column.values.bitpacking.Packer;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Parquet's RLE/bit-packing hybrid encoding of small unsigned ints (dictionary ids), over whole
 * arrays at once: runs of 16 or more equal values become RLE runs, the rest is bit-packed in
 * groups of 8 with parquet-java's generated packers. See the Parquet format's Encodings.md.
 */
final class HybridCodec {
    private static final BytePacker[] PACKERS = new BytePacker[33];

    static {
        for (int w = 0; w <= 32; w++) {
            PACKERS[w] = Packer.LITTLE_ENDIAN.newBytePacker(w);
        }
    }

    private HybridCodec() {
    }

    /** Bit width needed for ids below {@code size} (at least 1). */
    static int width(int size) {
        return Math.max(1, 32 - Integer.numberOfLeadingZeros(Math.max(0, size - 1)));
    }

    /** Encodes values[0, n) with {@code width} bits each, without a length prefix. */
    static byte[] encode(int[] values, int n, int width) {
        Out out = new Out(n * width / 8 + 16);
        BytePacker packer = PACKERS[width];
        int valueBytes = (width + 7) / 8;
        int packedFrom = 0;
        int i = 0;
        while (i < n) {
            int v = values[i];
            int end = i + 1;
            while (end < n && values[end] == v) {
                end++;
            }
            // Keep bit-packed stretches in whole groups of 8: start an RLE run on a group boundary.
            int start = i + ((8 - (i - packedFrom) % 8) % 8);
            if (end - start >= 16) {
                writePacked(out, packer, width, values, packedFrom, start);
                out.varInt((end - start) << 1);
                for (int b = 0; b < valueBytes; b++) {
                    out.put((byte) (v >>> (8 * b)));
                }
                packedFrom = end;
            }
            i = end;
        }
        writePacked(out, packer, width, values, packedFrom, n);
        return out.bytes();
    }

    private static void writePacked(Out out, BytePacker packer, int width, int[] values, int from, int to) {
        if (to <= from) {
            return;
        }
        int groups = (to - from + 7) / 8;
        out.varInt(groups << 1 | 1);
        out.ensure(groups * width);
        int[] tail = null;
        for (int g = 0; g < groups; g++) {
            int at = from + g * 8;
            if (at + 8 <= to) {
                packer.pack8Values(values, at, out.buf, out.len);
            } else {
                tail = new int[8];
                System.arraycopy(values, at, tail, 0, to - at);
                packer.pack8Values(tail, 0, out.buf, out.len);
            }
            out.len += width;
        }
    }

    /** Decodes {@code n} values of {@code width} bits from {@code buffer} into out[0, n). */
    static void decode(ByteBuffer buffer, int width, int n, int[] out) {
        byte[] in;
        int at;
        if (buffer.hasArray()) {
            in = buffer.array();
            at = buffer.arrayOffset() + buffer.position();
        } else {
            in = new byte[buffer.remaining()];
            buffer.duplicate().get(in);
            at = 0;
        }
        BytePacker packer = PACKERS[width];
        int valueBytes = (width + 7) / 8;
        int[] group = new int[8];
        int i = 0;
        while (i < n) {
            int header = 0;
            int shift = 0;
            int b;
            do {
                b = in[at++] & 0xff;
                header |= (b & 0x7f) << shift;
                shift += 7;
            } while ((b & 0x80) != 0 && shift < 35);
            if ((header & 1) == 0) {
                int count = Math.min(header >>> 1, n - i);
                int v = 0;
                for (int k = 0; k < valueBytes; k++) {
                    v |= (in[at++] & 0xff) << (8 * k);
                }
                Arrays.fill(out, i, i + count, v);
                i += count;
            } else {
                int groups = header >>> 1;
                if (at + (long) groups * width > in.length + width) {
                    throw new IllegalStateException("bit-packed run is truncated");
                }
                int g = 0;
                for (; g < groups && i + 8 <= n; g++, i += 8, at += width) {
                    packer.unpack8Values(in, at, out, i);
                }
                if (g < groups && i < n) {
                    byte[] last = Arrays.copyOfRange(in, at, at + width);
                    packer.unpack8Values(last, 0, group, 0);
                    System.arraycopy(group, 0, out, i, n - i);
                    i = n;
                    g++;
                    at += width;
                }
                at += (groups - g) * width;
            }
        }
    }

    private static final class Out {
        byte[] buf;
        int len;

        Out(int capacity) {
            buf = new byte[Math.max(16, capacity)];
        }

        void ensure(int n) {
            if (len + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
            }
        }

        void put(byte b) {
            ensure(1);
            buf[len++] = b;
        }

        void varInt(int v) {
            ensure(5);
            while ((v & ~0x7f) != 0) {
                buf[len++] = (byte) ((v & 0x7f) | 0x80);
                v >>>= 7;
            }
            buf[len++] = (byte) v;
        }

        byte[] bytes() {
            return Arrays.copyOf(buf, len);
        }
    }
}
