package org.iosup.model.vtd;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The IOTLB with its paging-structure caches (VT-d specification, "Caching translation
 * information"): what a lookup costs at each depth, what an invalidation drops, and 2 MiB DMA
 * mappings. Frames are 4 KiB page numbers: a PDE maps 512 of them, a PDPE 512 × 512, a PML4E
 * 512 × 512 × 512.
 */
class TranslationCachesTest {
    private static final long PDE = 1 << 9;
    private static final long PDPE = 1 << 18;
    private static final long PML4E = 1L << 27;

    private static Iotlb caches(boolean superpages, boolean domainWide) {
        return new Iotlb(new IommuConfig(false, true, 9, 1, 64, 8, 4, 16, 4, 1, superpages, domainWide));
    }

    @Test
    void aMissWalksFromTheDeepestLevelCached() {
        Iotlb t = caches(false, false);
        long f = 5 * PML4E + 7 * PDPE + 3 * PDE + 11;
        assertThat(t.translate(0, f)).as("cold: PML4E, PDPE, PDE, PTE").isEqualTo(4);
        assertThat(t.translate(0, f)).as("hit").isZero();
        assertThat(t.translate(0, f + 1)).as("same 2 MiB: the PDE is cached, the PTE is read").isEqualTo(1);
        assertThat(t.translate(0, f + PDE)).as("next 2 MiB: PDPE cached").isEqualTo(2);
        assertThat(t.translate(0, f + PDPE)).as("next 1 GiB: PML4E cached").isEqualTo(3);
        assertThat(t.translate(0, f + PML4E)).as("next 512 GiB: nothing cached").isEqualTo(4);
        assertThat(t.translate(1, f + 2)).as("another domain's entries are its own").isEqualTo(4);
        assertThat(t.pagingStructureEntries()).containsExactly(5, 4, 1);
    }

    @Test
    void aThreeLevelTableWalksAtMostThreeEntries() {
        Iotlb t = new Iotlb(new IommuConfig(false, true, 9, 1, 64, 8, 3, 16, 4, 1, false, false));
        assertThat(t.translate(0, 12345)).isEqualTo(3);
        assertThat(t.translate(0, 12345 + PDPE)).isEqualTo(3); // no PML4 level to cache
        assertThat(t.translate(0, 12346)).isEqualTo(1);
    }

    @Test
    void withoutPagingStructureCachesEveryMissIsAFullWalk() {
        Iotlb t = new Iotlb(64, 8);
        assertThat(t.translate(0, 100)).isEqualTo(4);
        assertThat(t.translate(0, 101)).isEqualTo(4);
        assertThat(t.translate(0, 100)).isZero();
    }

    @Test
    void aPageSelectiveInvalidationDropsThePagingStructureEntriesOfItsRange() {
        Iotlb t = caches(false, false);
        long buffer = 2 * PDPE + 10;     // a device's buffer
        long table = PDPE + 4 * PDE + 1; // a page-table page, in another 1 GiB region
        t.translate(0, buffer);
        t.translate(0, table);
        assertThat(t.holdsAny(0, table, 1)).isTrue();
        t.invalidatePages(0, table, 1); // IH = 0, as Xen sends it
        assertThat(t.contains(0, table)).isFalse();
        // The table's PDE and PDPE are gone; the PML4E that also maps the buffer's region is gone
        // too (it translates the range); the buffer's PDE and PDPE stay.
        assertThat(t.translate(0, buffer + 1)).isEqualTo(1);
        assertThat(t.translate(0, table + 1)).isEqualTo(4);
        assertThat(t.translate(0, buffer)).as("its translation stayed").isZero();
    }

    @Test
    void hardwareThatInvalidatesMoreDropsEveryPagingStructureEntryOfTheDomain() {
        Iotlb t = caches(false, true);
        long buffer = 2 * PDPE + 10;
        long table = PDPE + 4 * PDE + 1;
        t.translate(0, buffer);
        t.translate(0, table);
        t.translate(1, buffer);
        t.invalidatePages(0, table, 1);
        assertThat(t.translate(0, buffer + 1)).as("the buffer's region must be walked again").isEqualTo(4);
        assertThat(t.translate(1, buffer + 1)).as("another domain keeps its entries").isEqualTo(1);
    }

    @Test
    void aDomainSelectiveInvalidationDropsTheDomainsTranslationsAndEntries() {
        Iotlb t = caches(false, false);
        t.translate(0, 10);
        t.translate(1, 10);
        assertThat(t.holdsDomain(0)).isTrue();
        t.invalidateDomain(0);
        assertThat(t.holdsDomain(0)).isFalse();
        assertThat(t.translate(0, 10)).isEqualTo(4);
        assertThat(t.translate(1, 10)).isZero();
        t.invalidateAll();
        assertThat(t.size()).isZero();
        assertThat(t.pagingStructureEntries()).containsExactly(0, 0, 0);
    }

    @Test
    void twoMegabyteMappingsCoverFiveHundredTwelvePagesWithOneEntry() {
        Iotlb t = caches(true, false);
        long f = 3 * PDPE + 6 * PDE;
        assertThat(t.translate(0, f)).as("cold: PML4E, PDPE, then the PDE is the leaf").isEqualTo(3);
        for (long p = 1; p < PDE; p++) {
            assertThat(t.translate(0, f + p)).isZero();
        }
        assertThat(t.translate(0, f + PDE)).as("the next 2 MiB: the PDPE is cached").isEqualTo(1);
        // A page-selective invalidation of one 4 KiB page inside drops the 2 MiB translation.
        assertThat(t.holdsAny(0, f + 7, 1)).isTrue();
        t.invalidatePages(0, f + 7, 1);
        assertThat(t.translate(0, f + 100)).as("its PDPE and PML4E went with it").isEqualTo(3);
        // Over 1,024 pages, 2 MiB mappings miss twice where 4 KiB mappings miss 1,024 times (64 entries).
        Iotlb small = caches(false, false);
        Iotlb big = caches(true, false);
        long misses4k = 0;
        long misses2m = 0;
        for (int pass = 0; pass < 3; pass++) {
            for (long p = 0; p < 1024; p++) {
                misses4k += small.translate(0, 40 * PDE + p) != 0 ? 1 : 0;
                misses2m += big.translate(0, 40 * PDE + p) != 0 ? 1 : 0;
            }
        }
        assertThat(misses4k).isEqualTo(3 * 1024);
        assertThat(misses2m).isEqualTo(2);
    }

    @Test
    void aCopyIsIndependent() {
        Iotlb t = caches(false, false);
        t.translate(0, 10);
        Iotlb c = t.copy();
        c.invalidateDomain(0);
        assertThat(t.translate(0, 10)).isZero();
        assertThat(t.translate(0, 11)).isEqualTo(1);
        assertThat(c.translate(0, 11)).isEqualTo(4);
    }
}
