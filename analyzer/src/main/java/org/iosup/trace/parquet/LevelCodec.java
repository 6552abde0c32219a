package org.iosup.trace.parquet;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Definition levels of an optional top-level column (bit width 1) in Parquet's RLE/bit-packing
 * hybrid encoding, converted straight from and to the presence bits of an event batch. Runs of
 * 16 or more equal levels (in whole groups of 8) become RLE runs, everything else is bit-packed,
 * so a sparse column costs a few bytes per run and a dense mixed one 1 bit per row.
 * See the Parquet format's Encodings.md, "Run Length Encoding / Bit-Packing Hybrid".
 */
final class LevelCodec {
    private LevelCodec() {
    }

    /** Accumulates the levels of one page and encodes them. Reusable after {@link #reset()}. */
    static final class Encoder {
        private byte[] groups = new byte[1 << 12];
        private int rows;
        private int current;
        private final Bytes.Writer out = new Bytes.Writer(1 << 12);

        /**
         * Adds booleans a[from, to) as levels (true as 1): the RLE/bit-packing hybrid of width 1
         * that encodes them is the same as for levels. Returns how many were true.
         */
        int add(boolean[] a, int from, int to) {
            int ones = 0;
            int i = from;
            while (i < to && (rows & 7) != 0) {
                int v = a[i++] ? 1 : 0;
                addOne(v, 0);
                ones += v;
            }
            int whole = (to - i) >>> 3;
            if (whole > 0) {
                int g = rows >>> 3;
                if (g + whole > groups.length) {
                    groups = Arrays.copyOf(groups, Math.max(groups.length * 2, g + whole));
                }
                for (int k = 0; k < whole; k++, i += 8) {
                    int byteValue = 0;
                    for (int j = 0; j < 8; j++) {
                        byteValue |= (a[i + j] ? 1 : 0) << j;
                    }
                    groups[g + k] = (byte) byteValue;
                    ones += Integer.bitCount(byteValue);
                }
                rows += whole * 8;
            }
            while (i < to) {
                int v = a[i++] ? 1 : 0;
                addOne(v, 0);
                ones += v;
            }
            return ones;
        }

        /** Adds {@code n} rows that all have (or all lack) a value. */
        void addSame(boolean defined, int n) {
            int v = defined ? 1 : 0;
            int k = 0;
            while (k < n && (rows & 7) != 0) {
                addOne(v, 0);
                k++;
            }
            int whole = (n - k) >>> 3;
            if (whole > 0) {
                int g = rows >>> 3;
                if (g + whole > groups.length) {
                    groups = Arrays.copyOf(groups, Math.max(groups.length * 2, g + whole));
                }
                Arrays.fill(groups, g, g + whole, (byte) (defined ? 0xff : 0));
                rows += whole * 8;
                k += whole * 8;
            }
            while (k < n) {
                addOne(v, 0);
                k++;
            }
        }

        private void addOne(int present, int shift) {
            current |= (present >>> shift & 1) << (rows & 7);
            if ((++rows & 7) == 0) {
                int g = (rows - 1) >>> 3;
                if (g >= groups.length) {
                    groups = Arrays.copyOf(groups, groups.length * 2);
                }
                groups[g] = (byte) current;
                current = 0;
            }
        }

        int rows() {
            return rows;
        }

        /** The encoded levels of the rows added since the last reset. */
        byte[] encode() {
            int full = rows >>> 3;
            int nGroups = full + ((rows & 7) != 0 ? 1 : 0);
            if ((rows & 7) != 0) {
                if (full >= groups.length) {
                    groups = Arrays.copyOf(groups, groups.length * 2);
                }
                groups[full] = (byte) current;
            }
            out.clear();
            int packedStart = 0;
            int g = 0;
            while (g < full) {
                int v = groups[g] & 0xff;
                if (v == 0 || v == 0xff) {
                    int end = g + 1;
                    while (end < full && groups[end] == groups[g]) {
                        end++;
                    }
                    if (end - g >= 2) {
                        writePacked(packedStart, g);
                        out.varLong((long) (end - g) * 8 << 1);
                        out.u8(v & 1);
                        packedStart = end;
                    }
                    g = end;
                } else {
                    g++;
                }
            }
            writePacked(packedStart, nGroups);
            return out.toArray();
        }

        private void writePacked(int from, int to) {
            if (to > from) {
                out.varLong((long) (to - from) << 1 | 1);
                out.bytes(groups, from, to - from);
            }
        }

        void reset() {
            rows = 0;
            current = 0;
        }
    }

    /** Decodes levels of bit width 1 into presence bits, run by run, across calls. */
    static final class Decoder {
        private final Bytes.Reader in = new Bytes.Reader();
        private int runLeft;
        private boolean rle;
        private boolean rleValue;
        private int packedBit;

        void init(ByteBuffer levels) {
            in.reset(levels);
            runLeft = 0;
        }

        /**
         * Sets {@code bit} in {@code present[i]} for each row i in [from, to) whose level is 1,
         * and writes those rows' indexes to {@code rows}.
         *
         * @return how many rows had level 1
         */
        int decode(int[] present, int bit, int from, int to, int[] rows) {
            int shift = Integer.numberOfTrailingZeros(bit);
            int defined = 0;
            int i = from;
            byte[] bytes = in.buf;
            while (i < to) {
                if (runLeft == 0) {
                    nextRun();
                }
                int k = Math.min(runLeft, to - i);
                int end = i + k;
                if (rle) {
                    if (rleValue) {
                        for (int j = i; j < end; j++) {
                            present[j] |= bit;
                            rows[defined++] = j;
                        }
                    }
                } else {
                    // Bit-packed: bit b of the run is bit (b % 8) of byte at + b / 8.
                    int b = packedBit;
                    int base = in.at;
                    for (int j = i; j < end; j++, b++) {
                        int level = bytes[base + (b >>> 3)] >>> (b & 7) & 1;
                        present[j] |= level << shift;
                        rows[defined] = j;
                        defined += level;
                    }
                    packedBit = b;
                    if (k == runLeft) {
                        in.at += (packedBit + 7) >>> 3;
                        packedBit = 0;
                    }
                }
                runLeft -= k;
                i = end;
            }
            return defined;
        }

        /** Rows left in the current run, starting the next run when this one is done (at least 1). */
        int runRows() {
            if (runLeft == 0) {
                nextRun();
            }
            return runLeft;
        }

        /** Whether the current run is a repeated level ({@link #runDefined()} says which). */
        boolean inRepeatedRun() {
            return rle;
        }

        /** The level of the current repeated run: true when its rows have values. */
        boolean runDefined() {
            return rleValue;
        }

        /** Consumes {@code k} rows of the current repeated run. */
        void skipRepeated(int k) {
            runLeft -= k;
        }

        /** Counts the rows with level 1 among the next {@code n} (consumes them). */
        int count(int n) {
            int defined = 0;
            int i = 0;
            while (i < n) {
                if (runLeft == 0) {
                    nextRun();
                }
                int k = Math.min(runLeft, n - i);
                if (rle) {
                    defined += rleValue ? k : 0;
                } else {
                    for (int b = packedBit; b < packedBit + k; b++) {
                        defined += in.buf[in.at + (b >>> 3)] >>> (b & 7) & 1;
                    }
                    packedBit += k;
                    if (k == runLeft) {
                        in.at += (packedBit + 7) >>> 3;
                        packedBit = 0;
                    }
                }
                runLeft -= k;
                i += k;
            }
            return defined;
        }

        /**
         * Whether the levels ended exactly where they should after the last row read: the last
         * run may reach past the page's rows (DuckDB pads bit-packed runs with whole groups), but
         * no byte may follow that run before {@code end}.
         */
        boolean endsExactly() {
            int stop = in.at;
            if (runLeft > 0 && !rle) {
                stop += (packedBit + runLeft) >>> 3;
            }
            return stop == in.end;
        }

        private void nextRun() {
            int header = in.varInt();
            if ((header & 1) == 0) {
                rle = true;
                runLeft = header >>> 1;
                int level = in.u8();
                if (level > 1) {
                    throw new IllegalStateException("definition level " + level + " in a column whose levels are 0 or 1");
                }
                rleValue = level == 1;
            } else {
                rle = false;
                long groups = header >>> 1;
                in.need(groups, "definition levels: a bit-packed run");
                runLeft = (int) (groups * 8);
                packedBit = 0;
            }
            if (in.at > in.end) {
                throw new IllegalStateException("definition levels are truncated");
            }
            if (runLeft <= 0) {
                throw new IllegalStateException("corrupt definition levels: empty run");
            }
        }
    }
}
