package org.iosup.model.xen;

import org.iosup.io.UserException;

import java.util.Arrays;
import java.util.List;

/**
 * How a Xen version turns page-type changes into IOMMU operations and invalidations. Sources are
 * Xen's own tags, read for this project (see docs/model.md):
 *
 * <ul>
 *   <li>The map/unmap rule is the same in every version since 4.2: on a type change, old type
 *   writable → unmap, new type writable → map read+write ({@code __get_page_type()} in 4.2.1 and
 *   4.2.4; {@code _get_page_type()} in 4.14.0, with {@code iommu_legacy_map/unmap}).</li>
 *   <li>{@code unmapFlushNotPresent}: Xen 4.2.0–4.2.3 and 4.3.0–4.3.1 called
 *   {@code __intel_iommu_iotlb_flush(d, gfn, 0, 1)} from {@code dma_pte_clear_one()}, i.e. as a
 *   flush of a non-present entry, which {@code flush_iotlb_qi()} returns from without invalidating
 *   unless the IOMMU is in caching mode. XSA-78 (backport 2909247560 in 4.2.4) passes 1.</li>
 *   <li>{@code multiPageIsDomainFlush}: in 4.2 {@code __intel_iommu_iotlb_flush()} uses a
 *   domain-selective flush whenever more than one page is flushed; 4.14's {@code iommu_flush_iotlb()}
 *   uses a page-selective flush of order n for 2^n aligned pages.</li>
 *   <li>{@code premapsDomainPages}: 4.2 maps every page given to a PV domain read+write
 *   ({@code guest_physmap_add_entry()}), whatever its type; 4.12 and later (XSA-288) keep
 *   "type writable ⇔ mapped" and unmap a writable frame when it is freed to Xen
 *   ({@code put_page()} → {@code cleanup_page_mappings()}). The replay starts every frame writable
 *   and mapped (the guest's direct map), so both agree on the guest events it replays.</li>
 * </ul>
 *
 * @param name                   the profile's name on the command line
 * @param unmapFlushNotPresent   unmaps flush as "not present" (called, not issued without caching mode)
 * @param multiPageIsDomainFlush any multi-page flush is domain-selective
 * @param premapsDomainPages     every domain page is mapped whatever its type (4.2)
 * @param description            one line for --help and the manifest
 */
public record HypervisorProfile(String name, boolean unmapFlushNotPresent, boolean multiPageIsDomainFlush,
                                boolean premapsDomainPages, String description) {

    public static final HypervisorProfile XEN_4_2_1 = new HypervisorProfile("xen-4.2.1", true, true, true,
            "Xen 4.2.1, the paper's: unmap flushes called as non-present (before the XSA-78 fix), so not issued without caching mode");
    public static final HypervisorProfile XEN_4_2_4 = new HypervisorProfile("xen-4.2.4", false, true, true,
            "Xen 4.2.4: XSA-78 fixed, unmap flushes are issued");
    public static final HypervisorProfile XEN_4_14 = new HypervisorProfile("xen-4.14", false, false, false,
            "Xen 4.14: type writable <=> mapped (XSA-288), page-selective flushes of 2^n aligned pages");

    private static final List<HypervisorProfile> ALL = List.of(XEN_4_2_1, XEN_4_2_4, XEN_4_14);

    public static List<HypervisorProfile> all() {
        return ALL;
    }

    /** The profile of this name; a user error listing the valid ones otherwise. */
    public static HypervisorProfile named(String name) {
        for (HypervisorProfile p : ALL) {
            if (p.name.equals(name)) {
                return p;
            }
        }
        throw new UserException("unknown profile '" + name + "' (valid: "
                + String.join(", ", Arrays.asList(ALL.stream().map(HypervisorProfile::name).toArray(String[]::new))) + ")");
    }
}
