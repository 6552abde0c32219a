package org.iosup.replay;

import org.iosup.model.CostModel;
import org.iosup.model.CostProfile;
import org.iosup.model.guest.Paging;
import org.iosup.model.pool.PolicySpec;
import org.iosup.model.vtd.IommuConfig;
import org.iosup.model.xen.HypervisorProfile;
import org.iosup.trace.parquet.TraceReadOptions;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything a replay needs.
 *
 * @param trace    the Parquet trace
 * @param policies the policies, the first being the baseline of comparisons
 * @param profile  the hypervisor profile
 * @param paging   the guest's paging mode, or null to take it from the trace's metadata
 * @param iommu    the IOMMU and IOTLB
 * @param costProfile the CPU cost profile in effect
 * @param threads  threads that run policies (1: everything on the calling thread)
 * @param strict   whether the first event the model cannot accept is fatal
 * @param read     how the trace is read (verification)
 */
public record ReplayConfig(Path trace, List<PolicySpec> policies, HypervisorProfile profile, Paging paging,
                           IommuConfig iommu, CostProfile costProfile, int threads, boolean strict, TraceReadOptions read) {
    /** A replay that reads the trace with the default options (verifying). */
    public ReplayConfig(Path trace, List<PolicySpec> policies, HypervisorProfile profile, Paging paging,
                        IommuConfig iommu, CostProfile costProfile, int threads, boolean strict) {
        this(trace, policies, profile, paging, iommu, costProfile, threads, strict, TraceReadOptions.DEFAULT);
    }

    /** The costs of {@link #costProfile()}. */
    public CostModel costs() {
        return costProfile.costs();
    }
}
