package org.iosup.model.vtd;

import org.junit.jupiter.api.Test;

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

    @Test
    void capacityIsBounded() {
        Iotlb t = new Iotlb(64, 8);
        for (long f = 0; f < 10_000; f++) {
            t.lookup(0, f);
        }
        assertThat(t.size()).isEqualTo(64);
    }
}
