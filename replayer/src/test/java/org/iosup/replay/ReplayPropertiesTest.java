package org.iosup.replay;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.iosup.analysis.MinuteSeries;
import org.iosup.model.CostProfile;
import org.iosup.model.Metric;
import org.iosup.model.guest.Paging;
import org.iosup.model.pool.PolicySpec;
import org.iosup.model.vtd.IommuConfig;
import org.iosup.model.xen.HypervisorProfile;
import org.iosup.replayer.testing.RandomWorkload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ReplayPropertiesTest {
    private static final long MINUTE = 60_000_000_000L;

    private static Path tempTrace() {
        try {
            Path f = Files.createTempFile("iosup-prop", ".parquet");
            f.toFile().deleteOnExit();
            Files.delete(f);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ReplayResult replay(Path trace, List<String> policies, HypervisorProfile profile, int threads) {
        List<PolicySpec> specs = policies.stream().map(PolicySpec::parse).toList();
        return Replay.run(new ReplayConfig(trace, specs, profile, null, IommuConfig.DEFAULT, CostProfile.standard(),
                threads, false), null);
    }

    @Property(tries = 25)
    void builtInPoliciesKeepTheInvariants(@ForAll long seed, @ForAll @IntRange(min = 50, max = 3000) int steps,
                                          @ForAll @IntRange(min = 0, max = 6) int switchMinute,
                                          @ForAll boolean pae, @ForAll @IntRange(min = 0, max = 2) int profileIndex) {
        Path trace = tempTrace();
        RandomWorkload.write(trace, seed, steps, pae ? Paging.PAE : Paging.X86_64, 6 * MINUTE, false);
        HypervisorProfile profile = HypervisorProfile.all().get(profileIndex);
        String dynamic = "dynamic@" + switchMinute + "m";
        List<String> policies = List.of("disabled", "pre-enabled", dynamic, "quicklist,free-pages=640",
                "pre-enabled,cap=2,name=capped", "pre-enabled,shrink=on,shrink-total=4,name=shrinking");
        ReplayResult r = replay(trace, policies, profile, 1);
        assertThat(r.anomalies().total()).isZero();
        MinuteSeries<Metric> disabled = r.policies().get(0).series();
        for (PolicyModel p : r.policies()) {
            MinuteSeries<Metric> s = p.series();
            assertThat(s.total(Metric.VIOLATIONS)).as(p.spec().name()).isZero();
            assertThat(s.total(Metric.TYPE_REFUSALS)).as(p.spec().name()).isZero();
            assertThat(s.total(Metric.FLUSH_ISSUED)).isLessThanOrEqualTo(s.total(Metric.FLUSH_CALLS));
            // Conservation: pages in use and in pools are exactly those taken from the allocator and not given back.
            assertThat(p.pagesInUse() + p.pagesInPools()).as(p.spec().name())
                    .isEqualTo(p.fromAllocator() - p.toAllocator());
            assertThat(s.total(Metric.PT_ALLOCS)).isEqualTo(disabled.total(Metric.PT_ALLOCS));
        }
        MinuteSeries<Metric> pre = r.policies().get(1).series();
        assertThat(pre.total(Metric.TYPE_CHANGES)).isLessThanOrEqualTo(disabled.total(Metric.TYPE_CHANGES));
        MinuteSeries<Metric> dyn = r.policies().get(2).series();
        for (int minute = 0; minute < Math.min(switchMinute, r.minutes()); minute++) {
            assertThat(dyn.row(minute)).as("minute " + minute + " before the switch").containsExactly(disabled.row(minute));
        }
    }

    @Property(tries = 10)
    void sharingTheIotlbAmongPoliciesIsExact(@ForAll long seed, @ForAll @IntRange(min = 0, max = 2) int profileIndex,
                                             @ForAll boolean dmaToPageTables) {
        // With DMA to page-table frames too, policies must part (faults and stale hits differ).
        Path trace = tempTrace();
        RandomWorkload.write(trace, seed, 3000, Paging.PAE, 4 * MINUTE, dmaToPageTables);
        HypervisorProfile profile = HypervisorProfile.all().get(profileIndex);
        List<String> policies = List.of("disabled", "pre-enabled", "dynamic@1m", "pre-enabled,cap=1,name=c");
        ReplayResult together = replay(trace, policies, profile, 1);
        for (int p = 0; p < policies.size(); p++) {
            ReplayResult alone = replay(trace, List.of(policies.get(p)), profile, 1);
            for (int minute = 0; minute < together.minutes(); minute++) {
                assertThat(together.policies().get(p).series().row(minute)).as(policies.get(p) + " minute " + minute)
                        .containsExactly(alone.policies().get(0).series().row(minute));
            }
        }
    }

    @Property(tries = 8)
    void resultsDoNotDependOnTheThreadCount(@ForAll long seed) {
        Path trace = tempTrace();
        RandomWorkload.write(trace, seed, 4000, Paging.PAE, 5 * MINUTE, true);
        List<String> policies = List.of("disabled", "pre-enabled", "dynamic@2m", "quicklist", "pre-enabled,cap=1,name=c");
        ReplayResult one = replay(trace, policies, HypervisorProfile.XEN_4_2_4, 1);
        ReplayResult four = replay(trace, policies, HypervisorProfile.XEN_4_2_4, 4);
        assertThat(four.minutes()).isEqualTo(one.minutes());
        for (int p = 0; p < policies.size(); p++) {
            for (int minute = 0; minute < one.minutes(); minute++) {
                assertThat(four.policies().get(p).series().row(minute))
                        .containsExactly(one.policies().get(p).series().row(minute));
            }
        }
    }

    /**
     * Policies start on one model and part only when an operation would treat them apart
     * (PolicyModel.split): whatever the mix of switch times, caps and trim rules, each policy's
     * minutes, devices and end state equal its replay alone, on one thread or two.
     */
    @Property(tries = 12)
    void policiesSharingOneModelUntilTheyPartGiveWhatEachGivesAlone(@ForAll long seed, @ForAll boolean dmaToPageTables,
                                                                   @ForAll @IntRange(min = 1, max = 2) int threads) {
        Path trace = tempTrace();
        RandomWorkload.write(trace, seed, 4000, Paging.PAE, 5 * MINUTE, dmaToPageTables);
        java.util.Random r = new java.util.Random(seed);
        List<String> policies = new java.util.ArrayList<>(List.of("disabled", "pre-enabled"));
        for (int k = 0; k < 10; k++) {
            String at = (r.nextInt(5)) + "m" + (r.nextBoolean() ? "30s" : "");
            policies.add(switch (r.nextInt(4)) {
                case 0 -> "dynamic@" + at + ",shrink-total=" + (1 + r.nextInt(40)) + ",shrink-ratio=" + (r.nextInt(8) / 4.0);
                case 1 -> "dynamic@" + at + ",cap=" + (1 + r.nextInt(6));
                case 2 -> "quicklist@" + at + ",free-pages=" + (64 + r.nextInt(2000)) + ",min=" + r.nextInt(8);
                default -> "dynamic@" + at;
            } + ",name=p" + k);
        }
        ReplayResult together = replay(trace, policies, HypervisorProfile.XEN_4_2_1, threads);
        for (int p = 0; p < policies.size(); p++) {
            ReplayResult alone = replay(trace, List.of(policies.get(p)), HypervisorProfile.XEN_4_2_1, 1);
            PolicyModel a = alone.policies().get(0);
            PolicyModel t = together.policies().get(p);
            assertThat(t.spec().spec()).isEqualTo(policies.get(p));
            for (int minute = 0; minute < together.minutes(); minute++) {
                assertThat(t.series().row(minute)).as(policies.get(p) + " minute " + minute)
                        .containsExactly(a.series().row(minute));
            }
            assertThat(t.devices().devices().keySet()).isEqualTo(a.devices().devices().keySet());
            for (var d : a.devices().devices().entrySet()) {
                for (int minute = 0; minute < d.getValue().minutes(); minute++) {
                    assertThat(t.devices().devices().get(d.getKey()).row(minute)).as(policies.get(p) + " device "
                            + d.getKey() + " minute " + minute).containsExactly(d.getValue().row(minute));
                }
            }
            assertThat(new long[] {t.pagesInPools(), t.pagesInUse(), t.fromAllocator(), t.toAllocator(), t.trackedFrames()})
                    .as(policies.get(p)).containsExactly(a.pagesInPools(), a.pagesInUse(), a.fromAllocator(),
                            a.toAllocator(), a.trackedFrames());
        }
    }
}
