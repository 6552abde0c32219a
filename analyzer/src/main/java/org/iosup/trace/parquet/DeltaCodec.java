package org.iosup.trace.parquet;

import org.apache.parquet.column.values.bitpacking.BytePackerForLong;
import org.apache.parquet.column.values.bitpacking.Packer;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Parquet's DELTA_BINARY_PACKED encoding of integers, streamed a block at a time with reused
 * buffers and parquet-java's generated bit packers: blocks of 128 values in 4 miniblocks of 32,
 * each block's deltas stored as (delta - min delta) with the miniblock's bit width. Deltas wrap
 * in two's complement as the format requires, in 32 bits for INT32 columns (so widths stay at most
 * 32, as other readers expect) and 64 bits for INT64. See the Parquet format's Encodings.md.
 */
final class DeltaCodec {
    static final int BLOCK = 128;
    static final int MINIBLOCKS = 4;
    static final int MINI = BLOCK / MINIBLOCKS;
    private static final BytePackerForLong[] PACKERS = new BytePackerForLong[65];

    static {
        for (int w = 0; w <= 64; w++) {
            PACKERS[w] = Packer.LITTLE_ENDIAN.newBytePackerForLong(w);
        }
    }

    private DeltaCodec() {
    }

    /** Accumulates the values of one page; {@link #encode()} gives the page's bytes. */
    static final class Encoder {
        private final boolean int32;
        private final long[] block = new long[BLOCK];
        private final long[] deltas = new long[BLOCK];
        private int inBlock;
        private long first;
        private long previous;
        private int count;
        private byte[] out = new byte[1 << 14];
        private int len;

        /** @param int32 whether the column is INT32 (deltas wrap in 32 bits) */
        Encoder(boolean int32) {
            this.int32 = int32;
        }

        void add(long v) {
            if (count == 0) {
                first = v;
            } else {
                block[inBlock++] = int32 ? (int) (v - previous) : v - previous;
                if (inBlock == BLOCK) {
                    flushBlock();
                }
            }
            previous = v;
            count++;
        }

        private void flushBlock() {
            long min = Long.MAX_VALUE;
            for (int i = 0; i < inBlock; i++) {
                min = Math.min(min, block[i]);
            }
            long mask = int32 ? 0xffff_ffffL : -1L;
            for (int i = 0; i < inBlock; i++) {
                deltas[i] = (block[i] - min) & mask;
            }
            Arrays.fill(deltas, inBlock, BLOCK, 0);
            ensure(10 + MINIBLOCKS + BLOCK * 8);
            writeVarLong((min << 1) ^ (min >> 63));
            int widthsAt = len;
            len += MINIBLOCKS;
            int used = (inBlock + MINI - 1) / MINI;
            for (int m = 0; m < MINIBLOCKS; m++) {
                int width = 0;
                if (m < used) {
                    long or = 0;
                    for (int i = m * MINI; i < (m + 1) * MINI; i++) {
                        or |= deltas[i];
                    }
                    width = 64 - Long.numberOfLeadingZeros(or);
                }
                out[widthsAt + m] = (byte) width;
                if (m < used) {
                    BytePackerForLong p = PACKERS[width];
                    for (int g = 0; g < MINI; g += 8) {
                        p.pack8Values(deltas, m * MINI + g, out, len);
                        len += width;
                    }
                }
            }
            inBlock = 0;
        }

        /** The encoded page: header, then the blocks. Resets for the next page. */
        byte[] encode() {
            if (inBlock > 0) {
                flushBlock();
            }
            byte[] body = Arrays.copyOf(out, len);
            len = 0;
            ensure(32);
            writeVarLong(BLOCK);
            writeVarLong(MINIBLOCKS);
            writeVarLong(count);
            writeVarLong((first << 1) ^ (first >> 63));
            byte[] result = Arrays.copyOf(out, len + body.length);
            System.arraycopy(body, 0, result, len, body.length);
            len = 0;
            count = 0;
            inBlock = 0;
            return result;
        }

        boolean isEmpty() {
            return count == 0;
        }

        private void writeVarLong(long v) {
            while ((v & ~0x7fL) != 0) {
                out[len++] = (byte) ((v & 0x7f) | 0x80);
                v >>>= 7;
            }
            out[len++] = (byte) v;
        }

        private void ensure(int n) {
            if (len + n > out.length) {
                out = Arrays.copyOf(out, Math.max(out.length * 2, len + n));
            }
        }
    }

    /** Reads the values of one page in order, decoding a block at a time. */
    static final class Decoder {
        private byte[] in;
        private int at;
        private long[] values = new long[BLOCK];
        private final int[] widths = new int[64];
        private int blockSize;
        private int miniblocks;
        private int mini;
        private int left;
        private int pos;
        private int filled;
        private long last;
        private boolean int32;

        /** Starts a page; {@code int32} when the column is INT32 (deltas wrap in 32 bits). */
        void init(ByteBuffer data, boolean int32) {
            this.int32 = int32;
            if (data.hasArray()) {
                in = data.array();
                at = data.arrayOffset() + data.position();
            } else {
                in = new byte[data.remaining()];
                data.duplicate().get(in);
                at = 0;
            }
            blockSize = (int) readVarLong();
            miniblocks = (int) readVarLong();
            left = (int) readVarLong();
            if (blockSize <= 0 || miniblocks <= 0 || blockSize % miniblocks != 0
                    || (blockSize / miniblocks) % 8 != 0 || left < 0 || miniblocks > widths.length) {
                throw new IllegalStateException("corrupt DELTA_BINARY_PACKED header");
            }
            mini = blockSize / miniblocks;
            if (values.length < blockSize) {
                values = new long[blockSize];
            }
            long firstValue = zigzag(readVarLong());
            if (int32) {
                firstValue = (int) firstValue;
            }
            values[0] = firstValue;
            last = firstValue;
            pos = 0;
            filled = left > 0 ? 1 : 0;
        }

        long next() {
            if (pos == filled) {
                loadBlock();
            }
            left--;
            return values[pos++];
        }

        private void loadBlock() {
            if (left <= 0) {
                throw new IllegalStateException("read past the values of a DELTA_BINARY_PACKED page");
            }
            long minDelta = zigzag(readVarLong());
            for (int m = 0; m < miniblocks; m++) {
                widths[m] = in[at++] & 0xff;
            }
            int n = Math.min(blockSize, left);
            int used = (n + mini - 1) / mini;
            for (int m = 0; m < used; m++) {
                int w = widths[m];
                if (w > 64) {
                    throw new IllegalStateException("corrupt DELTA_BINARY_PACKED bit width " + w);
                }
                if (w == 0) {
                    // The width-0 packer writes nothing: the deltas are all the minimum.
                    Arrays.fill(values, m * mini, (m + 1) * mini, 0L);
                    continue;
                }
                BytePackerForLong p = PACKERS[w];
                if (at + mini / 8 * w > in.length) {
                    throw new IllegalStateException("DELTA_BINARY_PACKED page is truncated");
                }
                for (int g = 0; g < mini; g += 8) {
                    p.unpack8Values(in, at, values, m * mini + g);
                    at += w;
                }
            }
            long v = last;
            if (int32) {
                for (int i = 0; i < n; i++) {
                    v = (int) (v + values[i] + minDelta);
                    values[i] = v;
                }
            } else {
                for (int i = 0; i < n; i++) {
                    v += values[i] + minDelta;
                    values[i] = v;
                }
            }
            last = v;
            pos = 0;
            filled = n;
        }

        private static long zigzag(long v) {
            return (v >>> 1) ^ -(v & 1);
        }

        private long readVarLong() {
            long v = 0;
            int shift = 0;
            long b;
            do {
                b = in[at++] & 0xff;
                v |= (b & 0x7f) << shift;
                shift += 7;
            } while ((b & 0x80) != 0 && shift < 70);
            return v;
        }
    }
}
