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
// parquet-java marks the page-level calls this hand-written codec needs as deprecated (BytesInput's
// toByteArray/toByteBuffer, PLAIN_DICTIONARY of older writers' files, writeDataPageV2 with statistics,
// the bit packers' byte[] unpack) without a replacement at that level; they are what parquet-java's own
// writers and readers call.
@SuppressWarnings("deprecation")
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
        Bytes.Writer out = new Bytes.Writer(n * width / 8 + 16);
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
            if (end - i >= 16) {
                // Keep bit-packed stretches in whole groups of 8: start an RLE run on a group boundary.
                int start = i + ((8 - (i - packedFrom) % 8) % 8);
                if (end - start >= 16) {
                    writePacked(out, packer, width, values, packedFrom, start);
                    out.varLong((long) (end - start) << 1);
                    for (int b = 0; b < valueBytes; b++) {
                        out.u8(v >>> (8 * b));
                    }
                    packedFrom = end;
                }
            }
            i = end;
        }
        writePacked(out, packer, width, values, packedFrom, n);
        return out.toArray();
    }

    private static void writePacked(Bytes.Writer out, BytePacker packer, int width, int[] values, int from, int to) {
        if (to <= from) {
            return;
        }
        int groups = (to - from + 7) / 8;
        out.varLong((long) groups << 1 | 1);
        out.ensure(groups * width);
        for (int g = 0; g < groups; g++) {
            int at = from + g * 8;
            if (at + 8 <= to) {
                packer.pack8Values(values, at, out.buf, out.len);
            } else {
                int[] tail = new int[8];
                System.arraycopy(values, at, tail, 0, to - at);
                packer.pack8Values(tail, 0, out.buf, out.len);
            }
            out.len += width;
        }
    }

    /**
     * Decodes {@code n} values of {@code width} bits from {@code buffer} into out[0, n).
     *
     * @return the bytes left in {@code buffer} after the runs that hold the n values (0 when they
     *         fill it exactly; negative when they ran past its end)
     */
    static int decode(ByteBuffer buffer, int width, int n, int[] out) {
        if (width < 0 || width > 32) {
            throw new IllegalStateException("bit width " + width + " (at most 32)");
        }
        Bytes.Reader in = new Bytes.Reader(buffer);
        BytePacker packer = PACKERS[width];
        int valueBytes = (width + 7) / 8;
        int i = 0;
        while (i < n) {
            int header = in.varInt();
            if (header == 0 || header == 1 || in.at > in.end) {
                throw new IllegalStateException("an empty or truncated run");
            }
            // A run may reach past the n values (DuckDB pads its last bit-packed run with whole
            // groups); what follows the n values must then be nothing but that run's own bytes,
            // which the caller checks with the bytes left.
            if ((header & 1) == 0) {
                int count = Math.min(header >>> 1, n - i);
                int v = 0;
                for (int k = 0; k < valueBytes; k++) {
                    v |= in.u8() << (8 * k);
                }
                Arrays.fill(out, i, i + count, v);
                i += count;
            } else {
                int groups = header >>> 1;
                int whole = Math.min(groups, (n - i) / 8);
                in.need((long) whole * width, "bit-packed run");
                for (int g = 0; g < whole; g++, i += 8, in.at += width) {
                    packer.unpack8Values(in.buf, in.at, out, i);
                }
                if (whole < groups && i < n) {
                    // The last values of the page: the group may be padded past n.
                    in.need(width, "bit-packed run");
                    int[] group = new int[8];
                    packer.unpack8Values(Arrays.copyOfRange(in.buf, in.at, in.at + width), 0, group, 0);
                    System.arraycopy(group, 0, out, i, Math.min(8, n - i));
                    i = Math.min(n, i + 8);
                    whole++;
                    in.at += width;
                }
                in.need((long) (groups - whole) * width, "bit-packed run");
                in.at += (groups - whole) * width;
            }
        }
        return in.end - in.at;
    }
}
