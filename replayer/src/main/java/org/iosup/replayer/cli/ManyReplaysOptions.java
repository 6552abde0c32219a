package org.iosup.replayer.cli;

import org.iosup.analysis.Durations;
import org.iosup.cli.TraceReadMixin;
import org.iosup.io.UserException;
import org.iosup.model.CostProfile;
import org.iosup.model.pool.PolicySpec;
import org.iosup.model.vtd.IommuConfig;
import org.iosup.model.xen.HypervisorProfile;
import org.iosup.replay.ReplayConfig;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The options of the commands that replay a trace under many policies and summarize each
 * ({@code sweep}, {@code tune}): the hypervisor, the warm-up left out of the means, the costs,
 * the threads and how to read the trace; a picocli mixin, so both read and check them alike.
 */
public final class ManyReplaysOptions {
    @Option(names = "--profile", defaultValue = "xen-4.2.1", paramLabel = "NAME",
            description = "Hypervisor profile: xen-4.2.1, xen-4.2.4 or xen-4.14 (default: ${DEFAULT-VALUE}).")
    String profile;

    @Option(names = "--warmup", defaultValue = "5m", paramLabel = "TIME",
            description = "Minutes left out of the per-minute means, from the start (default: ${DEFAULT-VALUE}; whole minutes).")
    String warmup;

    @Option(names = "--costs", paramLabel = "PROFILE", defaultValue = CostProfile.DEFAULT_NAME,
            description = "CPU cost profile, as replay's (default: ${DEFAULT-VALUE}).")
    String costProfile;

    @Option(names = "--cost", paramLabel = "NAME=VALUE", description = "Override one cost of the profile, repeatable, as replay's.")
    List<String> costOverrides = new ArrayList<>();

    @Option(names = "--threads", paramLabel = "N",
            description = "Threads, as replay's (default: the CPUs). Results do not depend on it.")
    Integer threads;

    @Mixin
    TraceReadMixin read;

    /** The warm-up in whole minutes. */
    int warmupMinutes() {
        return Durations.wholeMinutes(warmup, "--warmup");
    }

    /** The cost profile with the overrides. */
    CostProfile costs() {
        return ReplayCommand.costs(costProfile, costOverrides);
    }

    /** The threads asked for, or the CPUs. */
    int threads() {
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (n < 1) {
            throw new UserException("--threads must be at least 1, got " + n);
        }
        return n;
    }

    /**
     * The replay of {@code trace} (which must exist) under {@code policies}, with the default IOMMU
     * of {@code iotlbEntries} entries and as many units as the cost profile's platform has.
     */
    ReplayConfig config(Path trace, List<PolicySpec> policies, int iotlbEntries, CostProfile costs) {
        if (!Files.isRegularFile(trace)) {
            throw new UserException(trace + ": no such file");
        }
        IommuConfig iommu = ReplayCommand.iommu(false, true, 9, costs.platform().iommuUnits(), iotlbEntries, 8, 4,
                "16,4,1", "range", "4k");
        return new ReplayConfig(trace, policies, HypervisorProfile.named(profile), null, iommu, costs, threads(), false,
                read.options());
    }
}
