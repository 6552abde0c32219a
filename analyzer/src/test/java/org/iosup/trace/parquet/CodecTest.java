package org.iosup.trace.parquet;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.nio.ByteBuffer;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CodecTest {
    /** Seeds of random data: any long, without edge cases (a seed's edge values mean nothing special). */
    @Provide
    Arbitrary<Long> seeds() {
        return Arbitraries.longs().withoutEdgeCases();
    }

    @Provide
    Arbitrary<List<Long>> longs() {
        return Arbitraries.oneOf(
                Arbitraries.longs(),
                Arbitraries.longs().between(-5, 5),
                Arbitraries.longs().between(0, 1 << 20),
                Arbitraries.of(Long.MIN_VALUE, Long.MAX_VALUE, 0L, -1L)
        ).list().ofMinSize(1).ofMaxSize(1200);
    }

    @Property(tries = 300)
    void deltaRoundTripsInt64(@ForAll("longs") List<Long> values) {
        DeltaCodec.Encoder e = new DeltaCodec.Encoder(false);
        for (long v : values) {
            e.add(v);
        }
        DeltaCodec.Decoder d = new DeltaCodec.Decoder();
        d.init(ByteBuffer.wrap(e.encode()), false);
        assertThat(decodeAll(d, values.size(), false)).containsExactlyElementsOf(values);
    }

    /**
     * Reads n values in chunks of varied sizes, alternately into consecutive rows (whole blocks go
     * straight to the target) and into scattered rows, as the column reader does.
     */
    static List<Long> decodeAll(DeltaCodec.Decoder d, int n, boolean int32) {
        long[] longs = new long[2 * n + 400];
        int[] ints = new int[2 * n + 400];
        List<Long> out = new java.util.ArrayList<>();
        int[] sizes = {1, 300, 7, 128, 129, 64, 1000};
        int done = 0;
        for (int c = 0; done < n; c++) {
            int k = Math.min(n - done, sizes[c % sizes.length]);
            if (c % 2 == 0) {
                int bad = d.readDense(int32 ? null : longs, int32 ? ints : null, 3, k);
                assertThat(bad).isEqualTo(-1);
                for (int j = 0; j < k; j++) {
                    out.add(int32 ? ints[3 + j] : longs[3 + j]);
                }
            } else {
                int[] rows = new int[k];
                for (int j = 0; j < k; j++) {
                    rows[j] = 2 * j + 1;
                }
                int bad = d.readInto(int32 ? null : longs, int32 ? ints : null, rows, k);
                assertThat(bad).isEqualTo(-1);
                for (int j = 0; j < k; j++) {
                    out.add(int32 ? ints[rows[j]] : longs[rows[j]]);
                }
            }
            done += k;
        }
        return out;
    }

    /** The 64-bit packer writes the same bytes as parquet-java's generated little-endian packers. */
    @Property(tries = 300)
    void packerMatchesParquetJava(@ForAll @IntRange(min = 1, max = 64) int width, @ForAll("seeds") long seed) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        long[] values = new long[DeltaCodec.MINI];
        for (int i = 0; i < values.length; i++) {
            values[i] = width == 64 ? r.nextLong() : r.nextLong() & ((1L << width) - 1);
        }
        byte[] ours = new byte[DeltaCodec.MINI * 8];
        int end = DeltaCodec.Encoder.pack(values, 0, width, ours, 0);
        assertThat(end).isEqualTo(DeltaCodec.MINI * width / 8);
        byte[] theirs = new byte[DeltaCodec.MINI * 8];
        org.apache.parquet.column.values.bitpacking.BytePackerForLong p =
                org.apache.parquet.column.values.bitpacking.Packer.LITTLE_ENDIAN.newBytePackerForLong(width);
        for (int g = 0; g < DeltaCodec.MINI; g += 8) {
            p.pack8Values(values, g, theirs, g / 8 * width);
        }
        assertThat(ours).isEqualTo(theirs);
    }

    /** Adding values in runs (as pages are written) gives the same page as adding them one by one. */
    // Random lists, types and run lengths; the edge cases of three parameters would outnumber the tries.
    @Property(tries = 400, edgeCases = EdgeCasesMode.NONE)
    void bulkAddEqualsOneByOne(@ForAll("longs") List<Long> values, @ForAll boolean int32, @ForAll @IntRange(min = 1, max = 300) int run) {
        DeltaCodec.Encoder one = new DeltaCodec.Encoder(int32);
        DeltaCodec.Encoder bulk = new DeltaCodec.Encoder(int32);
        long[] longs = new long[values.size()];
        int[] ints = new int[values.size()];
        for (int i = 0; i < longs.length; i++) {
            longs[i] = int32 ? (int) (long) values.get(i) : values.get(i);
            ints[i] = (int) longs[i];
            one.add(longs[i]);
        }
        for (int from = 0; from < longs.length; from += run) {
            int n = Math.min(run, longs.length - from);
            if (int32 && from % 2 == 0) {
                bulk.addAll(ints, from, n);
            } else {
                bulk.addAll(longs, from, n);
            }
        }
        assertThat(bulk.encode()).isEqualTo(one.encode());
    }

    @Provide
    Arbitrary<Long> edgyLongs() {
        return Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.longs().between(-3, 3),
                Arbitraries.of(Long.MIN_VALUE, Long.MIN_VALUE + 1, Long.MAX_VALUE, Long.MAX_VALUE - 1, 0L, 1L, -1L));
    }

    /** The OR-reduction range check agrees with plain comparisons for the ranges it serves (0 <= min), at the extremes too. */
    // "edgyLongs" draws the edge values itself; jqwik's own edge cases of three of them would be 3,240.
    @Property(tries = 2000, edgeCases = EdgeCasesMode.NONE)
    void rangeCheckAgreesWithComparisons(@ForAll("edgyLongs") long x, @ForAll("edgyLongs") long a, @ForAll("edgyLongs") long b) {
        long min = Math.max(0, Math.min(a, b));
        long max = Math.max(min, Math.max(a, b));
        boolean expected = x >= min && x <= max;
        assertThat(DeltaCodec.Decoder.rangeBits(x, min, max) >= 0).isEqualTo(expected);
        int xi = (int) x;
        boolean expectedInt = xi >= min && xi <= max;
        assertThat(DeltaCodec.Decoder.rangeBits(xi, min, max) >= 0).isEqualTo(expectedInt);
    }

    @Property(tries = 100)
    void deltaReportsTheFirstValueOutOfRange(@ForAll @Size(min = 1, max = 700) List<@IntRange(min = 0, max = 1000) Integer> values,
                                             @ForAll @IntRange(min = 0, max = 699) int at, @ForAll boolean dense) {
        int bad = Math.min(at, values.size() - 1);
        DeltaCodec.Encoder e = new DeltaCodec.Encoder(false);
        for (int i = 0; i < values.size(); i++) {
            e.add(i == bad ? 5000 + i : values.get(i));
        }
        DeltaCodec.Decoder d = new DeltaCodec.Decoder();
        // With 0 <= min the range is checked as values are decoded; with min < 0 by comparing the values read.
        d.setRange(at % 2 == 0 ? 0 : -1, 1000);
        d.init(ByteBuffer.wrap(e.encode()), false);
        long[] target = new long[2 * values.size()];
        int found;
        if (dense) {
            found = d.readDense(target, null, 0, values.size());
        } else {
            int[] rows = new int[values.size()];
            for (int j = 0; j < rows.length; j++) {
                rows[j] = 2 * j;
            }
            found = d.readInto(target, null, rows, values.size());
        }
        assertThat(found).isEqualTo(bad);
        assertThat(d.badValue).isEqualTo(5000 + bad);
    }

    @Property(tries = 300)
    void deltaRoundTripsInt32(@ForAll @Size(min = 1, max = 1200) List<Integer> values) {
        DeltaCodec.Encoder e = new DeltaCodec.Encoder(true);
        for (int v : values) {
            e.add(v);
        }
        byte[] page = e.encode();
        DeltaCodec.Decoder d = new DeltaCodec.Decoder();
        d.init(ByteBuffer.wrap(page), true);
        assertThat(decodeAll(d, values.size(), true)).containsExactlyElementsOf(values.stream().map(Integer::longValue).toList());
        // INT32 pages never use more than 32 bits per delta, as other readers require.
        ByteBuffer b = ByteBuffer.wrap(page);
        assertThat(maxWidth(b, values.size())).isLessThanOrEqualTo(32);
    }

    private static int maxWidth(ByteBuffer b, int count) {
        varLong(b);
        int miniblocks = (int) varLong(b);
        varLong(b);
        varLong(b);
        int max = 0;
        int left = count - 1;
        while (left > 0) {
            varLong(b);
            int used = (Math.min(left, DeltaCodec.BLOCK) + DeltaCodec.MINI - 1) / DeltaCodec.MINI;
            int[] w = new int[miniblocks];
            for (int m = 0; m < miniblocks; m++) {
                w[m] = b.get() & 0xff;
                max = Math.max(max, w[m]);
            }
            for (int m = 0; m < used; m++) {
                b.position(b.position() + w[m] * DeltaCodec.MINI / 8);
            }
            left -= DeltaCodec.BLOCK;
        }
        return max;
    }

    private static long varLong(ByteBuffer b) {
        long v = 0;
        int shift = 0;
        int x;
        do {
            x = b.get() & 0xff;
            v |= (long) (x & 0x7f) << shift;
            shift += 7;
        } while ((x & 0x80) != 0);
        return v;
    }

    @Property(tries = 300)
    void hybridRoundTrips(@ForAll @IntRange(min = 1, max = 20) int width,
                          @ForAll @IntRange(min = 1, max = 3000) int n,
                          @ForAll @IntRange(min = 1, max = 50) int runLength,
                          @ForAll("seeds") long seed) {
        java.util.Random r = new java.util.Random(seed);
        int[] values = new int[n];
        for (int i = 0; i < n; i++) {
            values[i] = i % runLength == 0 || r.nextInt(4) == 0 ? r.nextInt(1 << width) : values[Math.max(0, i - 1)];
        }
        byte[] encoded = HybridCodec.encode(values, n, width);
        int[] out = new int[n];
        HybridCodec.decode(ByteBuffer.wrap(encoded), width, n, out);
        assertThat(out).containsExactly(values);
    }

    @Property(tries = 300)
    void levelsRoundTripThroughPresenceBits(@ForAll @IntRange(min = 1, max = 5000) int n,
                                            @ForAll @IntRange(min = 0, max = 100) int percent,
                                            @ForAll @IntRange(min = 1, max = 300) int clump,
                                            @ForAll("seeds") long seed) {
        java.util.Random r = new java.util.Random(seed);
        int bit = 1 << 7;
        int[] present = new int[n];
        boolean on = false;
        for (int i = 0; i < n; i++) {
            if (i % clump == 0) {
                on = r.nextInt(100) < percent;
            }
            present[i] = (on ? bit : 0) | 1;
        }
        LevelCodec.Encoder e = new LevelCodec.Encoder();
        int split = r.nextInt(n + 1);
        if ((seed & 1) == 0) {
            // As booleans are written: a value per row.
            boolean[] values = new boolean[n];
            for (int i = 0; i < n; i++) {
                values[i] = (present[i] & bit) != 0;
            }
            assertThat(e.add(values, 0, split) + e.add(values, split, n))
                    .isEqualTo((int) java.util.Arrays.stream(present).filter(p -> (p & bit) != 0).count());
        } else {
            // As levels are written: run by run of rows with and without a value.
            int i = 0;
            while (i < n) {
                int j = i;
                while (j < n && (present[j] & bit) == (present[i] & bit) && (j == i || j != split)) {
                    j++;
                }
                e.addSame((present[i] & bit) != 0, j - i);
                i = j;
            }
        }
        byte[] levels = e.encode();
        int[] decoded = new int[n];
        int[] rows = new int[n];
        LevelCodec.Decoder d = new LevelCodec.Decoder();
        d.init(ByteBuffer.wrap(levels));
        int defined = d.decode(decoded, bit, 0, split, rows);
        defined += d.decode(decoded, bit, split, n, new int[n]);
        LevelCodec.Decoder counter = new LevelCodec.Decoder();
        counter.init(ByteBuffer.wrap(levels));
        int counted = counter.count(split);
        counted += counter.count(n - split);
        int expected = 0;
        for (int i = 0; i < n; i++) {
            assertThat(decoded[i] & bit).as("row " + i).isEqualTo(present[i] & bit);
            expected += (present[i] & bit) != 0 ? 1 : 0;
        }
        assertThat(defined).isEqualTo(expected);
        assertThat(counted).isEqualTo(expected);
    }
}
