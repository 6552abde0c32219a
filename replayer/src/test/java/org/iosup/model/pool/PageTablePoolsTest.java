package org.iosup.model.pool;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PageTablePoolsTest {
    private static PageTablePools filled(String spec, int level, int pages) {
        PageTablePools p = new PageTablePools(PolicySpec.parse(spec).policy());
        for (int i = 0; i < pages; i++) {
            p.put(level, 1000 + i);
        }
        return p;
    }

    @Test
    void lastInFirstOutPerLevel() {
        PageTablePools p = filled("pre-enabled", 1, 3);
        p.put(2, 7);
        assertThat(p.take(1)).isEqualTo(1002);
        assertThat(p.take(2)).isEqualTo(7);
        assertThat(p.takeOldest(1)).isEqualTo(1000);
        assertThat(p.total()).isEqualTo(1);
    }

    @Test
    void thePapersShrinkRuleNeedsBothLimitsAndGivesBackInPoolMinusInUse() {
        PageTablePools p = filled("pre-enabled,shrink=on,shrink-ratio=1.5,shrink-total=100", 1, 90);
        assertThat(p.excess(1, 50)).isEqualTo(40); // 90/50 > 1.5 and 140 > 100
        assertThat(p.excess(1, 70)).isZero();      // 90/70 < 1.5
        PageTablePools small = filled("pre-enabled,shrink=on,shrink-ratio=1.5,shrink-total=100", 1, 30);
        assertThat(small.excess(1, 10)).isZero();  // 3.0 > 1.5, but 40 < 100
        assertThat(filled("pre-enabled", 1, 90).excess(1, 10)).isZero(); // shrink off
    }

    @Test
    void aCapLimitsEachLevel() {
        PageTablePools p = filled("pre-enabled,cap=2", 1, 2);
        assertThat(p.accepts(1)).isFalse();
        assertThat(p.accepts(2)).isTrue();
    }

    @Test
    void quicklistTrimsDownToItsMaximumAtMostABatchAtATime() {
        // keep max(free / fraction / cpus, min) = max(1600 / 16 / 4, 25) = 25
        PageTablePools p = filled("quicklist,free-pages=1600,min=25,batch=16", 1, 60);
        assertThat(p.excess(1, 0)).isEqualTo(16);
        PageTablePools q = filled("quicklist,free-pages=1600,min=25,batch=16", 1, 30);
        assertThat(q.excess(1, 0)).isEqualTo(5);
        PageTablePools r = filled("quicklist,free-pages=1600,min=25,batch=16", 1, 25);
        assertThat(r.excess(1, 0)).isZero();
    }
}
