package org.iosup.spark;

import org.iosup.io.UserException;
import org.iosup.model.CostProfile;
import org.iosup.model.Metric;
import org.iosup.model.guest.Paging;
import org.iosup.model.pool.PolicySpec;
import org.iosup.model.xen.HypervisorProfile;
import org.iosup.replay.PolicyModel;
import org.iosup.replay.Replay;
import org.iosup.replay.ReplayConfig;
import org.iosup.replay.ReplayResult;
import org.iosup.replayer.cli.ReplayCommand;
import org.iosup.sweep.PolicySweep;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a fleet replay asks of each trace, as {@code iosup replay} takes it with its defaults
 * (IOMMU, IOTLB, devices): the policies, the hypervisor and cost profiles, the paging, strictness
 * and the warm-up of the summary. Serializable, so that each Spark task rebuilds the same replay.
 */
public record ReplayJob(List<String> policies, String profile, String paging, String costs, List<String> costOverrides,
                        boolean strict, int warmupMinutes) implements Serializable {
    /** The policies of {@code iosup replay} when none is given. */
    public static final List<String> DEFAULT_POLICIES = List.of("disabled", "pre-enabled", "dynamic@5m");

    public ReplayJob {
        policies = List.copyOf(policies.isEmpty() ? DEFAULT_POLICIES : policies);
        costOverrides = List.copyOf(costOverrides);
    }

    /** Checks every option on the driver, so that a mistake stops the job before any task runs. */
    public ReplayJob check() {
        Set<String> names = new HashSet<>();
        for (PolicySpec p : specs()) {
            if (!names.add(p.name())) {
                throw new UserException("two policies are named '" + p.name() + "'; give one a name=...");
            }
        }
        HypervisorProfile.named(profile);
        pagingMode();
        costProfile();
        if (warmupMinutes < 0) {
            throw new UserException("--warmup must not be negative");
        }
        return this;
    }

    /** The job's options for a manifest's parameters. */
    java.util.Map<String, Object> parameters() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("policies", policies);
        m.put("profile", profile);
        m.put("paging", paging);
        m.put("costs", costs);
        m.put("cost_overrides", costOverrides);
        m.put("strict", strict);
        m.put("warmup_minutes", warmupMinutes);
        return m;
    }

    List<PolicySpec> specs() {
        return policies.stream().map(PolicySpec::parse).toList();
    }

    private Paging pagingMode() {
        return paging == null ? null : Paging.parse(paging, "--paging");
    }

    private CostProfile costProfile() {
        return ReplayCommand.costs(costs, costOverrides);
    }

    /** The replay of one local trace file, on one thread (a task has one core). */
    ReplayConfig config(java.nio.file.Path trace) {
        CostProfile c = costProfile();
        return new ReplayConfig(trace, specs(), HypervisorProfile.named(profile), pagingMode(),
                ReplayCommand.iommu(false, true, 9, c.platform().iommuUnits(), 64, 8, 4, "16,4,1", "range", "4k"),
                c, 1, strict);
    }

    /**
     * One policy's figures on one trace: {@link PolicySweep.Row}'s (sweep.csv's), with the policy's
     * name (the summary's key) and spec (fleet sweep's traces.csv).
     */
    public record Figures(String policy, String spec, int minutesAfterWarmup, double flushCallsPerMin,
                          double flushIssuedPerMin, long poolPagesPeak, double poolPagesMean, long poolReleases,
                          double cpuMsPerMin, double iotlbMissesPerMin) implements Serializable {
        static Figures of(PolicySweep.Row r) {
            return new Figures(r.policy().name(), r.policy().spec(), r.minutesAfterWarmup(), r.flushCallsPerMin(),
                    r.flushIssuedPerMin(), r.poolPagesPeak(), r.poolPagesMean(), r.poolReleases(), r.cpuMsPerMin(),
                    r.iotlbMissesPerMin());
        }
    }

    /**
     * One trace's replay, or why it failed: the minute rows of every policy ({@code rows[p][minute]},
     * the columns of replay's minutes.csv after {@code minute} and {@code policy}), the figures of
     * each, and the thread that ran it (a Spark task's, in the tests).
     */
    public record Outcome(FleetFiles.Trace trace, String error, long events, int minutes, List<String> policyNames,
                          long[][][] rows, List<Figures> figures, String thread) implements Serializable {

        public boolean failed() {
            return error != null;
        }
    }

    /** Replays {@code trace} (a local file) under every policy, in one read. */
    Outcome replay(FleetFiles.Trace trace, java.nio.file.Path file) {
        ReplayResult r = Replay.run(config(file), null);
        List<String> names = new ArrayList<>();
        List<Figures> figures = new ArrayList<>();
        long[][][] rows = new long[r.policies().size()][][];
        for (int p = 0; p < rows.length; p++) {
            PolicyModel m = r.policies().get(p);
            names.add(m.spec().name());
            rows[p] = new long[r.minutes()][];
            for (int minute = 0; minute < r.minutes(); minute++) {
                rows[p][minute] = m.series().row(minute).clone();
            }
            figures.add(Figures.of(PolicySweep.row(m.spec(), r.config().iommu().iotlbEntries(), m.series(), r.minutes(),
                    warmupMinutes)));
        }
        return new Outcome(trace, null, r.events(), r.minutes(), names, rows, figures, Thread.currentThread().getName());
    }

    /** The failure of one trace, reported and not fatal to the others. */
    static Outcome failed(FleetFiles.Trace trace, String why) {
        return new Outcome(trace, why, 0, 0, List.of(), new long[0][][], List.of(), Thread.currentThread().getName());
    }

    /** The columns of a minute row after minute and policy: every metric of replay's minutes.csv. */
    static List<String> metricColumns() {
        List<String> out = new ArrayList<>();
        for (Metric m : Metric.values()) {
            out.add(m.column());
        }
        return out;
    }
}
