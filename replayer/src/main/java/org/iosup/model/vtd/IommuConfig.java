package org.iosup.model.vtd;

import org.iosup.io.UserException;

/**
 * The VT-d hardware as the model sees it.
 *
 * @param cachingMode     CAP.CM: the IOMMU may cache non-present entries (emulated IOMMUs), so
 *                        flushes of non-present entries are issued too ({@code cap_caching_mode})
 * @param pageSelective   page-selective invalidation supported ({@code cap_pgsel_inv}); if not,
 *                        every flush falls back to domain-selective
 * @param maxAddressMask  largest order a page-selective flush may cover ({@code cap_max_amask_val});
 *                        a larger one falls back to domain-selective
 * @param units           IOMMU units (DRHDs) serving the domain: each gets its own flush call
 * @param iotlbEntries    IOTLB entries (default 64: about 256 KB of reach with 4 KB pages,
 *                        Neugebauer et al., SIGCOMM 2018, docs/model.md §4)
 * @param iotlbWays       IOTLB associativity (not public; a parameter, default 8)
 * @param ioLevels        levels of the domain's I/O page table: 4 (Xen's default 48-bit domain
 *                        address width) or 3 (39 bits)
 * @param pdeCache        paging-structure cache of PDEs (each maps 2 MiB), entries (0: none)
 * @param pdpeCache       paging-structure cache of PDPEs (1 GiB each), entries
 * @param pml4Cache       paging-structure cache of PML4Es (512 GiB each), entries
 * @param superpageDma    DMA buffers mapped in 2 MiB pages (one IOTLB entry covers 512 frames)
 * @param pscDomainWide   a page-selective invalidation drops every paging-structure entry of the
 *                        domain (hardware may invalidate more than it is asked), not only those of
 *                        the range
 */
public record IommuConfig(boolean cachingMode, boolean pageSelective, int maxAddressMask, int units,
                          int iotlbEntries, int iotlbWays, int ioLevels, int pdeCache, int pdpeCache, int pml4Cache,
                          boolean superpageDma, boolean pscDomainWide) {

    /** Paging-structure cache sizes: not published; assumptions (docs/model.md §4). */
    public static final int DEFAULT_PDE_CACHE = 16;
    public static final int DEFAULT_PDPE_CACHE = 4;
    public static final int DEFAULT_PML4_CACHE = 1;
    /** Defaults: real hardware (caching mode off), PSI supported, mask 9 (2 MB), one unit, 64 entries, 8 ways. */
    public static final IommuConfig DEFAULT = new IommuConfig(false, true, 9, 1, 64, 8);
    /** The most paging-structure cache entries per level a replay models. */
    public static final int MAX_PSC_ENTRIES = 4096;

    /** This IOMMU with {@code n} units in the domain's bitmap (each flush is {@code n} calls). */
    public IommuConfig withUnits(int n) {
        return new IommuConfig(cachingMode, pageSelective, maxAddressMask, n, iotlbEntries, iotlbWays, ioLevels,
                pdeCache, pdpeCache, pml4Cache, superpageDma, pscDomainWide);
    }

    /** This IOMMU with an IOTLB of {@code entries} entries (the same ways). */
    public IommuConfig withIotlbEntries(int entries) {
        return new IommuConfig(cachingMode, pageSelective, maxAddressMask, units, entries, iotlbWays, ioLevels,
                pdeCache, pdpeCache, pml4Cache, superpageDma, pscDomainWide);
    }

    /** This IOMMU with DMA buffers mapped in 2 MiB pages, or in 4 KiB pages. */
    public IommuConfig withSuperpageDma(boolean superpages) {
        return new IommuConfig(cachingMode, pageSelective, maxAddressMask, units, iotlbEntries, iotlbWays, ioLevels,
                pdeCache, pdpeCache, pml4Cache, superpages, pscDomainWide);
    }

    /** The IOTLB and flush options with the default table and paging-structure caches. */
    public IommuConfig(boolean cachingMode, boolean pageSelective, int maxAddressMask, int units, int iotlbEntries,
                       int iotlbWays) {
        this(cachingMode, pageSelective, maxAddressMask, units, iotlbEntries, iotlbWays, 4, DEFAULT_PDE_CACHE,
                DEFAULT_PDPE_CACHE, DEFAULT_PML4_CACHE, false, false);
    }
    /** The most IOTLB entries a replay models: far beyond real IOTLBs, and small enough to hold per policy. */
    public static final int MAX_IOTLB_ENTRIES = 1 << 20;
    /** The most IOMMU units (DRHDs) serving one domain a replay models. */
    public static final int MAX_UNITS = 64;

    public IommuConfig {
        if (maxAddressMask < 0 || maxAddressMask > 63) {
            throw new UserException("--max-address-mask must be 0..63, got " + maxAddressMask);
        }
        if (units < 1 || units > MAX_UNITS) {
            throw new UserException("--iommu-units must be 1.." + MAX_UNITS + ", got " + units);
        }
        if (iotlbEntries > MAX_IOTLB_ENTRIES) {
            throw new UserException("--iotlb-entries must be at most " + MAX_IOTLB_ENTRIES
                    + " (real IOTLBs hold tens to a few thousand entries), got " + iotlbEntries);
        }
        if (ioLevels != 3 && ioLevels != 4) {
            throw new UserException("--io-levels must be 3 or 4, got " + ioLevels);
        }
        for (int[] c : new int[][] {{pdeCache}, {pdpeCache}, {pml4Cache}}) {
            if (c[0] < 0 || c[0] > MAX_PSC_ENTRIES) {
                throw new UserException("--psc-entries: each level must hold 0.." + MAX_PSC_ENTRIES + " entries, got " + c[0]);
            }
        }
        if (iotlbEntries < 1 || iotlbWays < 1 || iotlbEntries % iotlbWays != 0) {
            throw new UserException("--iotlb-entries (" + iotlbEntries + ") must be a positive multiple of --iotlb-ways ("
                    + iotlbWays + ")");
        }
    }
}
