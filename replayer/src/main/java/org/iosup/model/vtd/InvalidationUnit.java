package org.iosup.model.vtd;

import org.iosup.analysis.MinuteSeries;
import org.iosup.model.CostModel;
import org.iosup.model.Metric;
import org.iosup.model.xen.HypervisorProfile;

/**
 * Xen's VT-d IOTLB flush path for one domain: each flush is one call of {@code flush_iotlb_qi()}
 * per IOMMU unit (what the IOSUP paper counted at the top of the function), with its granularity
 * chosen as {@code __intel_iommu_iotlb_flush()} (4.2) or {@code iommu_flush_iotlb()} (4.14) does,
 * and is issued to hardware unless it is a flush of a non-present entry on an IOMMU without caching
 * mode ({@code flush_non_present_entry}: return early). An issued invalidation is synchronous
 * ({@code invalidate_sync()} spins on a wait descriptor) and drops entries from the IOTLB.
 */
public final class InvalidationUnit {
    private final HypervisorProfile profile;
    private final IommuConfig config;
    private final CostModel costs;
    private final Owner owner;

    /** Where the IOTLB to invalidate lives (it may be shared with other policies, copied on write). */
    public interface Owner {
        /** The IOTLB as it is now. */
        Iotlb iotlb();

        /** The IOTLB, made this policy's own (a copy if it was shared). */
        Iotlb ownIotlb();
    }

    public InvalidationUnit(HypervisorProfile profile, IommuConfig config, CostModel costs, Iotlb iotlb) {
        this(profile, config, costs, new Owner() {
            @Override
            public Iotlb iotlb() {
                return iotlb;
            }

            @Override
            public Iotlb ownIotlb() {
                return iotlb;
            }
        });
    }

    public InvalidationUnit(HypervisorProfile profile, IommuConfig config, CostModel costs, Owner owner) {
        this.profile = profile;
        this.config = config;
        this.costs = costs;
        this.owner = owner;
    }

    /**
     * Flushes {@code pages} pages from {@code frame} of {@code domain}.
     *
     * @param nonPresent the entry was not present before (a fresh map), or the caller passes it as
     *                   such (Xen 4.2.0–4.2.3 unmaps)
     * @return the invalidations issued: 0 when the calls returned early (each of the {@link #units()}
     *         calls then costs {@code flush_call_ns}), else {@link #units()} (each {@code invalidation_ns})
     */
    public int flush(int domain, long frame, long pages, boolean nonPresent, MinuteSeries<Metric> m) {
        boolean pageSelective = pageSelective(frame, pages);
        boolean issued = !nonPresent || config.cachingMode();
        int units = config.units();
        m.add(Metric.FLUSH_CALLS, units);
        m.add(pageSelective ? Metric.FLUSH_CALLS_PAGE : Metric.FLUSH_CALLS_DOMAIN, units);
        if (!issued) {
            return 0;
        }
        m.add(Metric.FLUSH_ISSUED, units);
        m.add(pageSelective ? Metric.FLUSH_ISSUED_PAGE : Metric.FLUSH_ISSUED_DOMAIN, units);
        long ns = units * costs.invalidationNs();
        m.add(Metric.INVALIDATION_NS, ns);
        // Only an invalidation that drops entries changes the cache (and needs it to be this policy's own).
        if (pageSelective) {
            int order = order(pages);
            long first = frame & -(1L << order);
            if (owner.iotlb().holdsAny(domain, first, 1L << order)) {
                owner.ownIotlb().invalidatePages(domain, first, 1L << order);
            }
        } else if (owner.iotlb().holdsDomain(domain)) {
            owner.ownIotlb().invalidateDomain(domain);
        }
        return units;
    }

    /** The IOMMU units each flush is sent to: one call each. */
    public int units() {
        return config.units();
    }

    /** Whether a flush of these pages is page-selective (else domain-selective). */
    boolean pageSelective(long frame, long pages) {
        if (!config.pageSelective()) {
            return false;
        }
        if (pages == 1) {
            return true;
        }
        if (profile.multiPageIsDomainFlush()) {
            return false;
        }
        boolean powerOfTwo = Long.bitCount(pages) == 1;
        return powerOfTwo && (frame & (pages - 1)) == 0 && order(pages) <= config.maxAddressMask();
    }

    private static int order(long pages) {
        return 64 - Long.numberOfLeadingZeros(pages - 1);
    }
}
