package org.iosup.trace.parquet;

import org.apache.parquet.column.values.bitpacking.BytePackerForLong;
import org.apache.parquet.column.values.bitpacking.Packer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
    /** The largest block a page may declare (writers use 128 or 256; a larger one is taken as corrupt). */
    static final int MAX_BLOCK = 1 << 16;
    private static final BytePackerForLong[] PACKERS = new BytePackerForLong[65];
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

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

        /** Adds values[from, from + n). */
        void addAll(long[] values, int from, int n) {
            int k = n > 0 && count == 0 ? addFirst(values[from]) : 0;
            while (k < n) {
                int m = Math.min(n - k, BLOCK - inBlock);
                long prev = previous;
                long[] d = block;
                int at = inBlock;
                int src = from + k;
                if (int32) {
                    for (int j = 0; j < m; j++) {
                        long v = values[src + j];
                        d[at + j] = (int) (v - prev);
                        prev = v;
                    }
                } else {
                    for (int j = 0; j < m; j++) {
                        long v = values[src + j];
                        d[at + j] = v - prev;
                        prev = v;
                    }
                }
                k += added(m, prev);
            }
        }

        /** Adds values[from, from + n) of an INT32 column. */
        void addAll(int[] values, int from, int n) {
            int k = n > 0 && count == 0 ? addFirst(values[from]) : 0;
            while (k < n) {
                int m = Math.min(n - k, BLOCK - inBlock);
                int prev = (int) previous;
                long[] d = block;
                int at = inBlock;
                int src = from + k;
                for (int j = 0; j < m; j++) {
                    int v = values[src + j];
                    d[at + j] = v - prev; // wraps in 32 bits, as INT32 deltas must
                    prev = v;
                }
                k += added(m, prev);
            }
        }

        /** The page's first value, which has no delta; returns 1 (values taken). */
        private int addFirst(long v) {
            add(v);
            return 1;
        }

        /** Counts the {@code m} deltas just put in the block, {@code last} the value of the last; returns m. */
        private int added(int m, long last) {
            previous = last;
            inBlock += m;
            count += m;
            if (inBlock == BLOCK) {
                flushBlock();
            }
            return m;
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
                if (m < used && width > 0) {
                    out.len = pack(deltas, m * MINI, width, out.buf, out.len);
                }
            }
            inBlock = 0;
        }

        /**
         * Bit-packs the miniblock values[from, from + MINI) with {@code width} bits each (1 to 64),
         * least significant bits first, into buf at {@code at}, 64 bits at a time; returns the end.
         * The same bytes as parquet-java's little-endian packers; buf has room for MINI * 8 bytes.
         */
        static int pack(long[] values, int from, int width, byte[] buf, int at) {
            long acc = 0;
            int bits = 0;
            for (int i = from; i < from + MINI; i++) {
                long v = values[i];
                acc |= v << bits;
                bits += width;
                if (bits >= 64) {
                    LONG_LE.set(buf, at, acc);
                    at += 8;
                    bits -= 64;
                    acc = bits == 0 ? 0 : v >>> (width - bits);
                }
            }
            // MINI * width bits is a multiple of 32: at most half a word is left.
            if (bits > 0) {
                for (int b = 0; b < bits; b += 8, at++) {
                    buf[at] = (byte) (acc >>> b);
                }
            }
            return at;
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

    /**
     * Reads the values of one page in order, a block at a time: each miniblock is unpacked and
     * summed in one pass (one unaligned 64-bit read per value), into a buffer, or straight into the
     * batch's array when the rows are consecutive and a whole block is wanted.
     */
    static final class Decoder {
        private final Bytes.Reader in = new Bytes.Reader();
        private long[] values = new long[BLOCK];
        private long[] scratch = new long[BLOCK];
        private final int[] widths = new int[64];
        private int blockSize;
        private int miniblocks;
        private int mini;
        private int left;
        private int pos;
        private int filled;
        private long last;
        private boolean int32;
        /** The first out-of-range value of the last {@link #readInto} or {@link #readDense}. */
        long badValue;
        /** Values in the page, as its header says. */
        private int total;
        /**
         * The column's range (all of long unless {@link #setRange} says otherwise). With
         * 0 <= rangeMin <= rangeMax ({@code trackRange}) it is checked as values are summed, by
         * {@link #rangeBits}; otherwise {@link #readDense} compares the values it returns.
         */
        private long rangeMin = Long.MIN_VALUE;
        private long rangeMax = Long.MAX_VALUE;
        private boolean trackRange;
        /** With {@code trackRange}: negative once a value decoded so far (perhaps not yet read) was out of range. */
        private long outOfRange;

        /** The range of the column's values, checked by {@link #readInto} and {@link #readDense}. */
        void setRange(long min, long max) {
            rangeMin = min;
            rangeMax = max;
            trackRange = min >= 0 && max >= min;
        }

        /** Starts a page; {@code int32} when the column is INT32 (deltas wrap in 32 bits). */
        void init(ByteBuffer data, boolean int32) {
            this.int32 = int32;
            in.reset(data);
            blockSize = in.varInt();
            miniblocks = in.varInt();
            left = in.varInt();
            if (blockSize <= 0 || blockSize > MAX_BLOCK || miniblocks <= 0 || blockSize % miniblocks != 0
                    || (blockSize / miniblocks) % 8 != 0 || left < 0 || miniblocks > widths.length
                    || in.at > in.end) {
                throw new IllegalStateException("corrupt DELTA_BINARY_PACKED header");
            }
            total = left;
            mini = blockSize / miniblocks;
            if (values.length < blockSize) {
                values = new long[blockSize];
            }
            if (scratch.length < mini) {
                scratch = new long[mini];
            }
            long firstValue = zigzag(in.varLong());
            if (int32) {
                firstValue = (int) firstValue;
            }
            values[0] = firstValue;
            outOfRange |= rangeBits(firstValue, rangeMin, rangeMax);
            last = firstValue;
            pos = 0;
            filled = left > 0 ? 1 : 0;
        }

        /**
         * Reads the next {@code count} values into {@code longs[rows[k]]} (or {@code ints[rows[k]]}
         * when {@code longs} is null), block by block.
         *
         * @return the index k of the first value outside the column's range, or -1
         */
        int readInto(long[] longs, int[] ints, int[] rows, int count) {
            long min = rangeMin;
            long max = rangeMax;
            int bad = -1;
            int k = 0;
            while (k < count) {
                if (pos == filled) {
                    loadBlock();
                }
                int n = Math.min(count - k, filled - pos);
                long[] v = values;
                int p = pos;
                for (int j = 0; j < n; j++) {
                    long x = v[p + j];
                    if (longs != null) {
                        longs[rows[k + j]] = x;
                    } else {
                        ints[rows[k + j]] = (int) x;
                    }
                    if ((x < min || x > max) && bad < 0) {
                        bad = k + j;
                        badValue = x;
                    }
                }
                pos += n;
                left -= n;
                k += n;
            }
            return bad;
        }

        /**
         * Reads the next {@code count} values into {@code longs[first, first + count)} (or
         * {@code ints}), whole blocks straight into a long array.
         *
         * @return the index k of the first value outside the column's range, or -1
         */
        int readDense(long[] longs, int[] ints, int first, int count) {
            long min = rangeMin;
            long max = rangeMax;
            int bad = -1;
            int k = 0;
            while (k < count) {
                if (pos == filled) {
                    if (longs != null && count - k >= blockSize && left >= blockSize) {
                        unpackBlock(longs, first + k);
                        left -= blockSize;
                        k += blockSize;
                        continue;
                    }
                    loadBlock();
                }
                int n = Math.min(count - k, filled - pos);
                if (longs != null) {
                    System.arraycopy(values, pos, longs, first + k, n);
                } else {
                    // Narrowed to int: check the 64-bit value first (an INT64 file column may hold
                    // values an int32 field cannot).
                    long[] v = values;
                    int p = pos;
                    int to = first + k;
                    for (int j = 0; j < n; j++) {
                        long x = v[p + j];
                        ints[to + j] = (int) x;
                        if ((x < min || x > max) && bad < 0) {
                            bad = k + j;
                            badValue = x;
                        }
                    }
                }
                pos += n;
                left -= n;
                k += n;
            }
            if (ints != null || trackRange && outOfRange >= 0) {
                return bad;
            }
            for (int j = 0; j < count; j++) {
                long x = longs[first + j];
                if (x < min || x > max) {
                    badValue = x;
                    return j;
                }
            }
            return -1;
        }

        /** Values in the page, as its header says. */
        int total() {
            return total;
        }

        /** Whether every value of the page was read and its blocks ended exactly at the end of the page. */
        boolean endsExactly() {
            return left == 0 && pos == filled && in.at == in.end;
        }

        /**
         * Negative exactly when x is outside [min, max], for 0 <= min <= max, even where a
         * subtraction wraps; the OR of these over many values says whether any is outside.
         */
        static long rangeBits(long x, long min, long max) {
            return (x - min) | (max - x);
        }

        private void loadBlock() {
            if (left <= 0) {
                throw new IllegalStateException("read past the values of a DELTA_BINARY_PACKED page");
            }
            filled = unpackBlock(values, 0);
            pos = 0;
        }

        /** Decodes the next block (at most the values left) into out[offset...]; returns its count. */
        private int unpackBlock(long[] out, int offset) {
            long minDelta = zigzag(in.varLong());
            in.need(miniblocks, "DELTA_BINARY_PACKED block header");
            for (int m = 0; m < miniblocks; m++) {
                widths[m] = in.u8();
            }
            int n = Math.min(blockSize, left);
            int used = (n + mini - 1) / mini;
            long v = last;
            for (int m = 0; m < used; m++) {
                int w = widths[m];
                if (w > (int32 ? 32 : 64)) {
                    throw new IllegalStateException("corrupt DELTA_BINARY_PACKED bit width " + w);
                }
                int count = Math.min(mini, n - m * mini);
                int to = offset + m * mini;
                long bytes = (long) mini / 8 * w;
                in.need(bytes, "DELTA_BINARY_PACKED page");
                if (w == 0) {
                    v = constantSum(out, to, count, v, minDelta);
                } else if (w <= 56 && in.at + bytes + 8 <= in.buf.length) {
                    v = unpackSum(in.buf, in.at, w, out, to, count, v, minDelta);
                } else {
                    v = packerSum(w, out, to, count, v, minDelta);
                }
                in.at += (int) bytes;
            }
            last = v;
            return n;
        }

        /**
         * Unpacks {@code count} deltas of {@code w} bits (at most 56) at {@code buf[at...]} and sums
         * them into out[to...]: each value one unaligned little-endian 64-bit read, shifted and masked.
         */
        private long unpackSum(byte[] buf, int at, int w, long[] out, int to, int count, long v, long minDelta) {
            long mask = (1L << w) - 1;
            long lo = rangeMin;
            long hi = rangeMax;
            long or = 0;
            if (int32) {
                for (int i = 0, bit = 0; i < count; i++, bit += w) {
                    long d = ((long) LONG_LE.get(buf, at + (bit >>> 3)) >>> (bit & 7)) & mask;
                    v = (int) (v + d + minDelta);
                    out[to + i] = v;
                    or |= rangeBits(v, lo, hi);
                }
            } else {
                for (int i = 0, bit = 0; i < count; i++, bit += w) {
                    long d = ((long) LONG_LE.get(buf, at + (bit >>> 3)) >>> (bit & 7)) & mask;
                    v += d + minDelta;
                    out[to + i] = v;
                    or |= rangeBits(v, lo, hi);
                }
            }
            outOfRange |= or;
            return v;
        }

        /** A miniblock of width 0: every delta is the minimum. */
        private long constantSum(long[] out, int to, int count, long v, long minDelta) {
            long lo = rangeMin;
            long hi = rangeMax;
            long or = 0;
            for (int i = 0; i < count; i++) {
                v = int32 ? (int) (v + minDelta) : v + minDelta;
                out[to + i] = v;
                or |= rangeBits(v, lo, hi);
            }
            outOfRange |= or;
            return v;
        }

        /** The general path: widths above 56, or a miniblock too near the end of the buffer for 8-byte reads. */
        private long packerSum(int w, long[] out, int to, int count, long v, long minDelta) {
            long[] d = scratch;
            if (w == 0) {
                // The width-0 packer writes nothing: the deltas are all the minimum.
                Arrays.fill(d, 0, mini, 0L);
            } else {
                BytePackerForLong p = PACKERS[w];
                for (int g = 0, at = in.at; g < mini; g += 8, at += w) {
                    p.unpack8Values(in.buf, at, d, g);
                }
            }
            long or = 0;
            for (int i = 0; i < count; i++) {
                v = int32 ? (int) (v + d[i] + minDelta) : v + d[i] + minDelta;
                out[to + i] = v;
                or |= rangeBits(v, rangeMin, rangeMax);
            }
            outOfRange |= or;
            return v;
        }

        private static long zigzag(long v) {
            return (v >>> 1) ^ -(v & 1);
        }
    }
}
