package org.iosup.model.vtd;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class IotlbTest {
    @Test
    void missThenHit() {
        Iotlb t = new Iotlb(64, 8);
        assertThat(t.lookup(0, 42)).isFalse();
        assertThat(t.lookup(0, 42)).isTrue();
        assertThat(t.lookup(1, 42)).isFalse(); // another domain's translation
        assertThat(t.size()).isEqualTo(2);
    }

    @Test
    void leastRecentlyUsedIsEvictedFromAFullSet() {
        Iotlb t = new Iotlb(4, 4); // one set of four ways
        for (long f = 0; f < 4; f++) {
            t.lookup(0, f);
        }
        t.lookup(0, 0); // 1 is now the least recently used
        t.lookup(0, 99);
        assertThat(t.contains(0, 1)).isFalse();
        assertThat(t.contains(0, 0)).isTrue();
        assertThat(t.contains(0, 2)).isTrue();
        assertThat(t.contains(0, 99)).isTrue();
        assertThat(t.size()).isEqualTo(4);
    }

    @Test
    void invalidationsDropPagesDomainsOrEverything() {
        Iotlb t = new Iotlb(64, 8);
        for (long f = 0; f < 8; f++) {
            t.lookup(0, f);
            t.lookup(1, f);
        }
        assertThat(t.invalidatePages(0, 4, 2)).isEqualTo(2);
        assertThat(t.contains(0, 4)).isFalse();
        assertThat(t.contains(0, 6)).isTrue();
        assertThat(t.invalidateDomain(1)).isEqualTo(8);
        assertThat(t.size()).isEqualTo(6);
        assertThat(t.invalidateAll()).isEqualTo(6);
        assertThat(t.size()).isZero();
    }

    /**
     * The knee at the IOTLB's reach (pcie-bench): a device cycling its DMA over a working set of
     * consecutive pages never misses after the first pass while the set fits in the 64 entries,
     * and misses every lookup once it exceeds them (LRU against a cyclic pattern).
     */
    @Test
    void consecutivePagesHitUpToTheReachAndMissPastIt() {
        for (int pages : new int[] {1, 8, 32, 63, 64, 65, 72, 128, 256, 4096}) {
            Iotlb t = new Iotlb(64, 8);
            long base = 0x80000 + 3; // not aligned to the sets
            for (long f = base; f < base + pages; f++) {
                t.lookup(0, f);
            }
            long misses = 0;
            for (int pass = 0; pass < 10; pass++) {
                for (long f = base; f < base + pages; f++) {
                    misses += t.lookup(0, f) ? 0 : 1;
                }
            }
            double missRate = misses / (10.0 * pages);
            if (pages <= 64) {
                assertThat(missRate).as(pages + " pages").isZero();
            } else if (pages >= 72) {
                assertThat(missRate).as(pages + " pages").isEqualTo(1.0);
            } else {
                assertThat(missRate).as(pages + " pages").isPositive(); // one set overflows
            }
        }
    }

    @Test
    void capacityIsBounded() {
        Iotlb t = new Iotlb(64, 8);
        for (long f = 0; f < 10_000; f++) {
            t.lookup(0, f);
        }
        assertThat(t.size()).isEqualTo(64);
    }

    /**
     * One set against a reference LRU list (most recent first) over random lookups, drops and
     * invalidations of a few frames of two domains: every lookup's hit or miss and every
     * invalidation's count agree, so replacement is exact LRU after any mix of operations.
     */
    @Test
    void matchesAReferenceLruUnderRandomOperations() {
        for (int ways : new int[] {1, 2, 8}) {
            for (long seed = 0; seed < 20; seed++) {
                SplittableRandom r = new SplittableRandom(seed);
                Iotlb t = new Iotlb(ways, ways);
                List<Long> ref = new ArrayList<>();
                for (int step = 0; step < 2_000; step++) {
                    int d = r.nextInt(2);
                    long f = r.nextInt(ways + 4);
                    long key = (long) d << 32 | f;
                    int what = r.nextInt(100);
                    if (what < 85) {
                        boolean hit = ref.remove(key);
                        ref.add(0, key);
                        if (ref.size() > ways) {
                            ref.remove(ways);
                        }
                        assertThat(t.lookup(d, f)).as("ways %d seed %d step %d", ways, seed, step).isEqualTo(hit);
                    } else if (what < 92) {
                        ref.remove(key);
                        t.drop(d, f);
                    } else if (what < 96) {
                        long pages = 1 + r.nextInt(3);
                        int before = ref.size();
                        ref.removeIf(k -> k >>> 32 == d && (k & 0xffffffffL) >= f && (k & 0xffffffffL) < f + pages);
                        assertThat(t.invalidatePages(d, f, pages)).isEqualTo(before - ref.size());
                    } else if (what < 99) {
                        int before = ref.size();
                        ref.removeIf(k -> k >>> 32 == d);
                        assertThat(t.invalidateDomain(d)).isEqualTo(before - ref.size());
                    } else {
                        assertThat(t.invalidateAll()).isEqualTo(ref.size());
                        ref.clear();
                    }
                    assertThat(t.size()).isEqualTo(ref.size());
                }
            }
        }
    }

    /** The bulk paths of invalidation (ranges longer than four times the ways) keep the recency order too. */
    @Test
    void longRangeInvalidationKeepsRecencyOrder() {
        Iotlb t = new Iotlb(4, 4);
        for (long f : new long[] {0, 1, 2, 200}) {
            t.lookup(0, f); // recency 200, 2, 1, 0
        }
        assertThat(t.invalidatePages(0, 2, 100)).isEqualTo(1); // drops 2: 200, 1, 0 remain
        t.lookup(0, 50); // fills the empty way: 50, 200, 1, 0
        t.lookup(0, 51); // evicts 0, the least recent
        assertThat(t.contains(0, 0)).isFalse();
        assertThat(t.contains(0, 1)).isTrue();
        assertThat(t.contains(0, 200)).isTrue();
    }
}
