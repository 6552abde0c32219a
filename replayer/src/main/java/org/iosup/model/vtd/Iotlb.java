package org.iosup.model.vtd;

import java.util.Arrays;

/**
 * The IOTLB: a set-associative cache of (domain, IOMMU frame) translations with least-recently
 * used replacement in each set. Every page a DMA touches is one lookup; a miss walks the I/O page
 * table and fills an entry. Invalidations drop one page range of a domain (page-selective), all of
 * a domain's entries (domain-selective) or everything (global).
 */
public final class Iotlb {
    private static final long EMPTY = -1L;
    private static final int DOMAIN_SHIFT = 48;
    private final int sets;
    private final int ways;
    private final long[] tags;
    private final long[] lastUse;
    private long clock;

    public Iotlb(int entries, int ways) {
        this.ways = ways;
        this.sets = entries / ways;
        this.tags = new long[entries];
        this.lastUse = new long[entries];
        Arrays.fill(tags, EMPTY);
    }

    private static long tag(int domain, long frame) {
        return (long) domain << DOMAIN_SHIFT | frame;
    }

    private int setOf(long tag) {
        long h = tag * 0x9E3779B97F4A7C15L;
        return (int) Long.remainderUnsigned(h >>> 20, sets);
    }

    /** Looks up a translation; fills it on a miss. @return true on a hit */
    public boolean lookup(int domain, long frame) {
        long t = tag(domain, frame);
        int base = setOf(t) * ways;
        long now = ++clock;
        int victim = base;
        long oldest = Long.MAX_VALUE;
        for (int i = base; i < base + ways; i++) {
            long x = tags[i];
            if (x == t) {
                lastUse[i] = now;
                return true;
            }
            long use = x == EMPTY ? Long.MIN_VALUE : lastUse[i];
            if (use < oldest) {
                oldest = use;
                victim = i;
            }
        }
        tags[victim] = t;
        lastUse[victim] = now;
        return false;
    }

    /** Whether a translation is cached, without touching the LRU order. */
    public boolean contains(int domain, long frame) {
        long t = tag(domain, frame);
        int base = setOf(t) * ways;
        for (int i = base; i < base + ways; i++) {
            if (tags[i] == t) {
                return true;
            }
        }
        return false;
    }

    /** Page-selective invalidation of frames [first, first + pages) of a domain. @return entries dropped */
    public int invalidatePages(int domain, long first, long pages) {
        int dropped = 0;
        if (pages <= ways * 4L) {
            for (long f = first; f < first + pages; f++) {
                long t = tag(domain, f);
                int base = setOf(t) * ways;
                for (int i = base; i < base + ways; i++) {
                    if (tags[i] == t) {
                        tags[i] = EMPTY;
                        dropped++;
                    }
                }
            }
            return dropped;
        }
        for (int i = 0; i < tags.length; i++) {
            long x = tags[i];
            if (x != EMPTY && (int) (x >>> DOMAIN_SHIFT) == domain) {
                long f = x & ((1L << DOMAIN_SHIFT) - 1);
                if (f >= first && f < first + pages) {
                    tags[i] = EMPTY;
                    dropped++;
                }
            }
        }
        return dropped;
    }

    /** Domain-selective invalidation. @return entries dropped */
    public int invalidateDomain(int domain) {
        int dropped = 0;
        for (int i = 0; i < tags.length; i++) {
            if (tags[i] != EMPTY && (int) (tags[i] >>> DOMAIN_SHIFT) == domain) {
                tags[i] = EMPTY;
                dropped++;
            }
        }
        return dropped;
    }

    /** Global invalidation. @return entries dropped */
    public int invalidateAll() {
        int dropped = 0;
        for (int i = 0; i < tags.length; i++) {
            if (tags[i] != EMPTY) {
                tags[i] = EMPTY;
                dropped++;
            }
        }
        return dropped;
    }

    /** Valid entries. */
    public int size() {
        int n = 0;
        for (long t : tags) {
            n += t != EMPTY ? 1 : 0;
        }
        return n;
    }
}
