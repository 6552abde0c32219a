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
        private final Bytes.Writer out = new Bytes.Writer(1 << 14);

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
            out.ensure(10 + MINIBLOCKS + BLOCK * 8);
            out.varLong((min << 1) ^ (min >> 63));
            int widthsAt = out.len;
            out.len += MINIBLOCKS;
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
                out.buf[widthsAt + m] = (byte) width;
                if (m < used) {
                    BytePackerForLong p = PACKERS[width];
                    for (int g = 0; g < MINI; g += 8) {
                        p.pack8Values(deltas, m * MINI + g, out.buf, out.len);
                        out.len += width;
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
            Bytes.Writer page = new Bytes.Writer(out.len + 32);
            page.varLong(BLOCK);
            page.varLong(MINIBLOCKS);
            page.varLong(count);
            page.varLong((first << 1) ^ (first >> 63));
            page.bytes(out.buf, 0, out.len);
            out.clear();
            count = 0;
            inBlock = 0;
            return page.toArray();
        }

        boolean isEmpty() {
            return count == 0;
        }
    }

    /** Reads the values of one page in order, decoding a block at a time. */
    static final class Decoder {
        private final Bytes.Reader in = new Bytes.Reader();
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
        /** The first out-of-range value of the last {@link #readInto}. */
        long badValue;

        /** Starts a page; {@code int32} when the column is INT32 (deltas wrap in 32 bits). */
        void init(ByteBuffer data, boolean int32) {
            this.int32 = int32;
            in.reset(data);
            blockSize = in.varInt();
            miniblocks = in.varInt();
            left = in.varInt();
            if (blockSize <= 0 || miniblocks <= 0 || blockSize % miniblocks != 0
                    || (blockSize / miniblocks) % 8 != 0 || left < 0 || miniblocks > widths.length) {
                throw new IllegalStateException("corrupt DELTA_BINARY_PACKED header");
            }
            mini = blockSize / miniblocks;
            if (values.length < blockSize) {
                values = new long[blockSize];
            }
            long firstValue = zigzag(in.varLong());
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

        /**
         * Reads the next {@code count} values into {@code longs[rows[k]]} (or {@code ints[rows[k]]}
         * when {@code longs} is null), block by block.
         *
         * @return the index k of the first value outside [min, max], or -1
         */
        int readInto(long[] longs, int[] ints, int[] rows, int count, long min, long max) {
            int bad = -1;
            int k = 0;
            while (k < count) {
                if (pos == filled) {
                    loadBlock();
                }
                int n = Math.min(count - k, filled - pos);
                long[] v = values;
                int p = pos;
                if (longs != null) {
                    for (int j = 0; j < n; j++) {
                        long x = v[p + j];
                        longs[rows[k + j]] = x;
                        if ((x < min | x > max) && bad < 0) {
                            bad = k + j;
                            badValue = x;
                        }
                    }
                } else {
                    for (int j = 0; j < n; j++) {
                        long x = v[p + j];
                        ints[rows[k + j]] = (int) x;
                        if ((x < min | x > max) && bad < 0) {
                            bad = k + j;
                            badValue = x;
                        }
                    }
                }
                pos += n;
                left -= n;
                k += n;
            }
            return bad;
        }

        private void loadBlock() {
            if (left <= 0) {
                throw new IllegalStateException("read past the values of a DELTA_BINARY_PACKED page");
            }
            long minDelta = zigzag(in.varLong());
            for (int m = 0; m < miniblocks; m++) {
                widths[m] = in.u8();
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
                in.need((long) mini / 8 * w, "DELTA_BINARY_PACKED page");
                for (int g = 0; g < mini; g += 8) {
                    p.unpack8Values(in.buf, in.at, values, m * mini + g);
                    in.at += w;
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
    }
}
