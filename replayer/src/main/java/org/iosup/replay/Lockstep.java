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
    private static final long MINUTE_NS = 60_000_000_000L;
    /** The models, one per group of policies in the same state ({@link PolicyModel#split}). */
    private PolicyModel[] all;
    /** The models grouped by the IOTLB simulation they share, as of the last {@link #group}. */
    private PolicyModel[][] groups = new PolicyModel[0][];
    /**
     * IOTLB misses of each group not yet counted by its members: every member of a group counts
     * the same, so they are added to each member once a minute, or when the groups change, rather
     * than on every DMA run.
     */
    private Pending[] pending = new Pending[0];
    private boolean regroup = true;
    /** How many times a model took its own IOTLB (counted by the models): the groups hold while it stays. */
    private final long[] iotlbChanges = {0};
    private long seenChanges;
    /** The end of the minute every model is in. */
    private long minuteEnd = Long.MIN_VALUE;
    /** The domain column of the current batch, or null when no row of it has a domain. */
    private int[] domains;
    /** The frames some policy has unmapped: a DMA page outside it is mapped for every policy. */
    private final UnmappedFilter anyUnmapped = new UnmappedFilter();

    /** Replays to {@code models}, which must be fresh (nothing replayed yet). */
    Lockstep(List<PolicyModel> models) {
        this.all = models.toArray(new PolicyModel[0]);
        for (PolicyModel m : all) {
            m.reportUnmappedTo(anyUnmapped);
            m.countIotlbChangesIn(iotlbChanges);
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
                long t = ops.ts()[i];
                if (t >= minuteEnd) {
                    // The models cross into a new minute with this operation: the misses go to the old one.
                    flushPending();
                    minuteEnd = (t / MINUTE_NS + 1) * MINUTE_NS;
                }
                // Models added by a split are at the end: they take this operation too.
                for (int k = 0; k < all.length; k++) {
                    PolicyModel m = all[k];
                    List<PolicyModel> parted = m.split(ops, i);
                    if (!parted.isEmpty()) {
                        add(m, parted);
                    }
                    m.applyOne(ops, i);
                }
            }
        }
    }

    private void add(PolicyModel from, List<PolicyModel> models) {
        for (PolicyModel copy : models) {
            // A copy has from's counts: with the misses its group has not yet given it, too.
            if (from.lockstepGroup >= 0) {
                pending[from.lockstepGroup].countIn(copy);
            }
            copy.lockstepGroup = -1;
        }
        int n = all.length;
        all = java.util.Arrays.copyOf(all, n + models.size());
        for (int k = 0; k < models.size(); k++) {
            all[n + k] = models.get(k);
        }
        regroup = true;
    }

    /**
     * The models of every policy of {@code specs} (those the models were made for), in their
     * order, each policy with its own: call once, after the last operation.
     */
    List<PolicyModel> models(List<org.iosup.model.pool.PolicySpec> specs) {
        flushPending();
        Map<org.iosup.model.pool.PolicySpec, PolicyModel> bySpec = new IdentityHashMap<>();
        for (PolicyModel m : all) {
            for (PolicyModel one : m.separate()) {
                bySpec.put(one.spec(), one);
            }
        }
        List<PolicyModel> out = new ArrayList<>();
        for (org.iosup.model.pool.PolicySpec s : specs) {
            out.add(bySpec.get(s));
        }
        return out;
    }

    private void dma(GuestOps ops, int i) {
        long t = ops.ts()[i];
        if (t >= minuteEnd) {
            // Every model sees every timestamp, so all of them cross a minute together.
            flushPending();
            for (PolicyModel m : all) {
                m.advance(t);
            }
            minuteEnd = (t / MINUTE_NS + 1) * MINUTE_NS;
        }
        // A page-table operation (or the last DMA run) may have given a policy its own IOTLB.
        if (iotlbChanges[0] != seenChanges) {
            seenChanges = iotlbChanges[0];
            regroup = true;
        }
        if (regroup) {
            group();
        }
        EventBatch b = ops.batch();
        int from = ops.aux()[i];
        int to = ops.bytes()[i];
        int device = ops.device(i);
        for (int g = 0; g < groups.length; g++) {
            if (groups[g].length == 1) {
                groups[g][0].dma(b, from, to, device);
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
    private void sharedDma(int group, EventBatch b, int from, int to, int device) {
        PolicyModel[] members = groups[group];
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
                    pending[group].countIn(members);
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
        pending[group].add(device, misses, reads);
    }

    /** Gives every group's members the misses counted for the group so far. */
    private void flushPending() {
        for (int g = 0; g < pending.length; g++) {
            pending[g].countIn(groups[g]);
        }
    }

    /** IOTLB misses and walk reads per device, counted for a group and not yet given to its members. */
    private static final class Pending {
        private int[] devices = new int[2];
        private long[] misses = new long[2];
        private long[] reads = new long[2];
        private int n;

        void add(int device, long m, long r) {
            if (m == 0) {
                return;
            }
            for (int k = 0; k < n; k++) {
                if (devices[k] == device) {
                    misses[k] += m;
                    reads[k] += r;
                    return;
                }
            }
            if (n == devices.length) {
                devices = java.util.Arrays.copyOf(devices, 2 * n);
                misses = java.util.Arrays.copyOf(misses, 2 * n);
                reads = java.util.Arrays.copyOf(reads, 2 * n);
            }
            devices[n] = device;
            misses[n] = m;
            reads[n] = r;
            n++;
        }

        /** Counts the pending misses in each of {@code members}, then forgets them. */
        void countIn(PolicyModel[] members) {
            for (PolicyModel m : members) {
                countIn(m);
            }
            n = 0;
        }

        /** Counts the pending misses in {@code m} too (a copy of a member), keeping them for the members. */
        void countIn(PolicyModel m) {
            for (int k = 0; k < n; k++) {
                m.countMisses(misses[k], reads[k], devices[k]);
            }
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
        flushPending();
        Map<SharedIotlb, List<PolicyModel>> byCache = new IdentityHashMap<>();
        List<List<PolicyModel>> list = new ArrayList<>();
        for (int k = 0; k < all.length; k++) {
            PolicyModel m = all[k];
            List<PolicyModel> g = byCache.get(m.sharedIotlb());
            if (g == null) {
                g = new ArrayList<>();
                byCache.put(m.sharedIotlb(), g);
                list.add(g);
            }
            g.add(m);
        }
        groups = new PolicyModel[list.size()][];
        pending = new Pending[groups.length];
        for (int k = 0; k < groups.length; k++) {
            groups[k] = list.get(k).toArray(new PolicyModel[0]);
            pending[k] = new Pending();
            for (PolicyModel m : groups[k]) {
                m.lockstepGroup = k;
            }
        }
        regroup = false;
    }
}
