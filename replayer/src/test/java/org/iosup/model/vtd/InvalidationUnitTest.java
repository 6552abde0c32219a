package org.iosup.model.vtd;

import org.iosup.analysis.MinuteSeries;
import org.iosup.model.CostModel;
import org.iosup.model.Metric;
import org.iosup.model.xen.HypervisorProfile;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class InvalidationUnitTest {
    private final MinuteSeries<Metric> m = new MinuteSeries<>(Metric.class);

    private InvalidationUnit unit(HypervisorProfile p, IommuConfig c, Iotlb tlb) {
        return new InvalidationUnit(p, c, CostModel.DEFAULT, tlb);
    }

    @Test
    void aNonPresentFlushIsCalledButNotIssuedUnlessCachingMode() {
        Iotlb tlb = new Iotlb(64, 8);
        int issued = unit(HypervisorProfile.XEN_4_2_4, IommuConfig.DEFAULT, tlb).flush(0, 5, 1, true, m);
        assertThat(m.get(Metric.FLUSH_CALLS)).isEqualTo(1);
        assertThat(m.get(Metric.FLUSH_ISSUED)).isZero();
        assertThat(issued).isZero();
        IommuConfig caching = new IommuConfig(true, true, 9, 1, 64, 8);
        unit(HypervisorProfile.XEN_4_2_4, caching, tlb).flush(0, 5, 1, true, m);
        assertThat(m.get(Metric.FLUSH_ISSUED)).isEqualTo(1);
        assertThat(m.get(Metric.INVALIDATION_NS)).isEqualTo(CostModel.DEFAULT.invalidationNs());
    }

    @Test
    void aPageSelectiveFlushDropsThatEntryOnly() {
        Iotlb tlb = new Iotlb(64, 8);
        tlb.lookup(0, 5);
        tlb.lookup(0, 6);
        unit(HypervisorProfile.XEN_4_2_4, IommuConfig.DEFAULT, tlb).flush(0, 5, 1, false, m);
        assertThat(m.get(Metric.FLUSH_ISSUED_PAGE)).isEqualTo(1);
        assertThat(tlb.contains(0, 5)).isFalse();
        assertThat(tlb.contains(0, 6)).isTrue();
    }

    @Test
    void withoutPageSelectiveSupportEveryFlushIsDomainSelective() {
        Iotlb tlb = new Iotlb(64, 8);
        tlb.lookup(0, 5);
        tlb.lookup(0, 6);
        tlb.lookup(1, 6);
        IommuConfig noPsi = new IommuConfig(false, false, 9, 1, 64, 8);
        unit(HypervisorProfile.XEN_4_2_4, noPsi, tlb).flush(0, 5, 1, false, m);
        assertThat(m.get(Metric.FLUSH_CALLS_DOMAIN)).isEqualTo(1);
        assertThat(tlb.contains(0, 6)).isFalse();
        assertThat(tlb.contains(1, 6)).isTrue();
    }

    @Test
    void multiPageFlushesFollowEachVersion() {
        Iotlb tlb = new Iotlb(64, 8);
        InvalidationUnit old = unit(HypervisorProfile.XEN_4_2_4, IommuConfig.DEFAULT, tlb);
        InvalidationUnit modern = unit(HypervisorProfile.XEN_4_14, IommuConfig.DEFAULT, tlb);
        assertThat(old.pageSelective(16, 4)).isFalse(); // 4.2: any multi-page flush is a DSI
        assertThat(modern.pageSelective(16, 4)).isTrue(); // 4.14: 2^2 pages, aligned
        assertThat(modern.pageSelective(17, 4)).isFalse(); // not aligned
        assertThat(modern.pageSelective(16, 3)).isFalse(); // not a power of two
        assertThat(modern.pageSelective(0, 1024)).isFalse(); // order 10 > mask 9
        assertThat(modern.pageSelective(0, 512)).isTrue();
    }

    @Test
    void eachIommuUnitGetsItsOwnCall() {
        IommuConfig two = new IommuConfig(false, true, 9, 2, 64, 8);
        unit(HypervisorProfile.XEN_4_2_4, two, new Iotlb(64, 8)).flush(0, 5, 1, false, m);
        assertThat(m.get(Metric.FLUSH_CALLS)).isEqualTo(2);
        assertThat(m.get(Metric.FLUSH_ISSUED)).isEqualTo(2);
    }
}
