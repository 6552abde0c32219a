package org.iosup.replay;

import org.iosup.model.guest.GuestOps;
import org.iosup.model.vtd.Iotlb;
import org.iosup.model.vtd.SharedIotlb;
import org.iosup.trace.EventBatch;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Replays operations to several policies together, one operation at a time, so that policies
 * whose IOTLBs are in the same state share one simulation of it ({@link SharedIotlb}). A DMA page
 * is looked up once for a group; only if some policy of the group has that frame unmapped (a
 * fault or a stale hit, which only that policy sees) do the group's policies take copies and go
 * on alone. The results are exactly those of replaying each policy on its own.
 */
final class Lockstep {
    private final List<PolicyModel> models;
    private final List<List<PolicyModel>> groups = new ArrayList<>();
    private boolean regroup = true;

    Lockstep(List<PolicyModel> models) {
        this.models = models;
        for (int i = 1; i < models.size(); i++) {
            models.get(i).shareIotlbWith(models.get(0));
        }
    }

    void apply(GuestOps ops) {
        for (int i = 0, n = ops.size(); i < n; i++) {
            if (ops.op()[i] == GuestOps.DMA) {
                dma(ops, i);
            } else {
                for (PolicyModel m : models) {
                    m.applyOne(ops, i);
                }
                // A page-table operation may have given a policy its own IOTLB.
                regroup = true;
            }
        }
    }

    private void dma(GuestOps ops, int i) {
        long t = ops.ts()[i];
        for (PolicyModel m : models) {
            m.advance(t);
        }
        if (regroup) {
            group();
        }
        EventBatch b = ops.batch();
        int from = ops.aux()[i];
        int to = ops.bytes()[i];
        for (List<PolicyModel> g : groups) {
            if (g.size() == 1) {
                g.get(0).dma(b, from, to);
            } else {
                sharedDma(g, b, from, to);
            }
        }
    }

    /** DMA rows [from, to) for a group sharing one IOTLB, until some policy must part. */
    private void sharedDma(List<PolicyModel> g, EventBatch b, int from, int to) {
        Iotlb tlb = g.get(0).iotlb();
        PolicyModel[] members = g.toArray(new PolicyModel[0]);
        long[] addr = b.addr();
        int[] bytes = b.bytes();
        for (int r = from; r < to; r++) {
            int d = b.domainOr0(r);
            long last = (addr[r] + Math.max(1, bytes[r]) - 1) >>> 12;
            for (long f = addr[r] >>> 12; f <= last; f++) {
                boolean allMapped = true;
                for (PolicyModel m : members) {
                    allMapped &= m.isMapped(f);
                }
                if (!allMapped) {
                    // The policies part here: each goes on alone, with its own copy of the IOTLB.
                    for (PolicyModel m : members) {
                        for (long p = f; p <= last; p++) {
                            m.dmaPage(d, p);
                        }
                        m.dma(b, r + 1, to);
                    }
                    regroup = true;
                    return;
                }
                if (!tlb.lookup(d, f)) {
                    for (PolicyModel m : members) {
                        m.countMiss();
                    }
                }
            }
        }
    }

    private void group() {
        groups.clear();
        Map<SharedIotlb, List<PolicyModel>> byCache = new IdentityHashMap<>();
        for (PolicyModel m : models) {
            List<PolicyModel> g = byCache.get(m.sharedIotlb());
            if (g == null) {
                g = new ArrayList<>();
                byCache.put(m.sharedIotlb(), g);
                groups.add(g);
            }
            g.add(m);
        }
        regroup = false;
    }
}
