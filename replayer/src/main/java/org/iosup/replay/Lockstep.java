package org.iosup.replay;

import org.iosup.model.guest.GuestOps;
import org.iosup.model.vtd.Iotlb;
import org.iosup.model.vtd.SharedIotlb;
import org.iosup.trace.Column;
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
    private final PolicyModel[] all;
    /** The policies grouped by the IOTLB simulation they share, as of {@link #cacheOf}. */
    private PolicyModel[][] groups = new PolicyModel[0][];
    /** Each policy's shared IOTLB when the groups were made: the groups hold while these do. */
    private final SharedIotlb[] cacheOf;
    private boolean regroup = true;
    /** The domain column of the current batch, or null when no row of it has a domain. */
    private int[] domains;
    /** The frames some policy has unmapped: a DMA page outside it is mapped for every policy. */
    private final UnmappedFilter anyUnmapped = new UnmappedFilter();

    /** Replays to {@code models}, which must be fresh (nothing replayed yet). */
    Lockstep(List<PolicyModel> models) {
        this.all = models.toArray(new PolicyModel[0]);
        this.cacheOf = new SharedIotlb[all.length];
        for (PolicyModel m : all) {
            m.reportUnmappedTo(anyUnmapped);
        }
        for (int i = 1; i < models.size(); i++) {
            models.get(i).shareIotlbWith(models.get(0));
        }
    }

    void apply(GuestOps ops) {
        // Most traces have no domain column: then every DMA is domain 0, without a look per row.
        domains = ops.batch() != null && ops.batch().anyPresent(Column.DOMAIN) ? ops.batch().domain() : null;
        for (int i = 0, n = ops.size(); i < n; i++) {
            if (ops.op()[i] == GuestOps.DMA) {
                dma(ops, i);
            } else {
                for (PolicyModel m : all) {
                    m.applyOne(ops, i);
                }
            }
        }
    }

    private void dma(GuestOps ops, int i) {
        long t = ops.ts()[i];
        for (int k = 0; k < all.length; k++) {
            all[k].advance(t);
            // A page-table operation (or the last DMA run) may have given a policy its own IOTLB.
            regroup |= all[k].sharedIotlb() != cacheOf[k];
        }
        if (regroup) {
            group();
        }
        EventBatch b = ops.batch();
        int from = ops.aux()[i];
        int to = ops.bytes()[i];
        int device = ops.device(i);
        for (PolicyModel[] g : groups) {
            if (g.length == 1) {
                g[0].dma(b, from, to, device);
            } else {
                sharedDma(g, b, from, to, device);
            }
        }
    }

    /**
     * DMA rows [from, to) of {@code device} for a group sharing one IOTLB, until some policy must
     * part. The run's rows all count in the minute of its last row (as for a policy alone), so
     * misses are added once.
     */
    private void sharedDma(PolicyModel[] members, EventBatch b, int from, int to, int device) {
        Iotlb tlb = members[0].iotlb();
        long[] addr = b.addr();
        int[] bytes = b.bytes();
        int[] present = b.present();
        int[] dom = domains;
        int domainBit = Column.DOMAIN.bit();
        long misses = 0;
        long reads = 0;
        // The page looked up last: most recently used in its set, and checked mapped for every
        // member, so looking it up again is a hit that changes nothing (nothing else runs meanwhile).
        long lastFrame = -1;
        int lastDomain = -1;
        for (int r = from; r < to; r++) {
            int d = dom == null ? 0 : (present[r] & domainBit) != 0 ? dom[r] : 0;
            long last = (addr[r] + Math.max(1, bytes[r]) - 1) >>> 12;
            for (long f = addr[r] >>> 12; f <= last; f++) {
                if (f == lastFrame && d == lastDomain) {
                    continue;
                }
                if (anyUnmapped.maybeFrame(f) && !allMapped(members, f)) {
                    // The policies part here: each goes on alone, with its own copy of the IOTLB.
                    for (PolicyModel m : members) {
                        m.countMisses(misses, reads, device);
                        long[] dev = m.deviceCounters(device);
                        for (long p = f; p <= last; p++) {
                            m.dmaPage(d, p, dev);
                        }
                        m.dma(b, r + 1, to, device);
                    }
                    regroup = true;
                    return;
                }
                int walk = tlb.translate(d, f);
                misses += walk != 0 ? 1 : 0;
                reads += walk;
                lastFrame = f;
                lastDomain = d;
            }
        }
        for (PolicyModel m : members) {
            m.countMisses(misses, reads, device);
        }
    }

    private static boolean allMapped(PolicyModel[] members, long f) {
        for (PolicyModel m : members) {
            if (!m.isMapped(f)) {
                return false;
            }
        }
        return true;
    }

    private void group() {
        Map<SharedIotlb, List<PolicyModel>> byCache = new IdentityHashMap<>();
        List<List<PolicyModel>> list = new ArrayList<>();
        for (int k = 0; k < all.length; k++) {
            PolicyModel m = all[k];
            cacheOf[k] = m.sharedIotlb();
            List<PolicyModel> g = byCache.get(m.sharedIotlb());
            if (g == null) {
                g = new ArrayList<>();
                byCache.put(m.sharedIotlb(), g);
                list.add(g);
            }
            g.add(m);
        }
        groups = new PolicyModel[list.size()][];
        for (int k = 0; k < groups.length; k++) {
            groups[k] = list.get(k).toArray(new PolicyModel[0]);
        }
        regroup = false;
    }
}
