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

    private Iotlb(Iotlb other) {
        this.ways = other.ways;
        this.sets = other.sets;
        this.tags = other.tags.clone();
        this.lastUse = other.lastUse.clone();
        this.clock = other.clock;
    }

    /** An independent copy in the same state. */
    public Iotlb copy() {
        return new Iotlb(this);
    }

    public Iotlb(int entries, int ways) {
        if (ways > 256) {
            throw new IllegalArgumentException("at most 256 ways, got " + ways);
        }
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
        // Multiply-shift hashing, then a multiply to map onto [0, sets) without a division.
        long h = (tag * 0x9E3779B97F4A7C15L) >>> 32;
        return (int) ((h * sets) >>> 32);
    }

    /** Looks up a translation; fills it on a miss. @return true on a hit */
    public boolean lookup(int domain, long frame) {
        long t = tag(domain, frame);
        int base = setOf(t) * ways;
        long now = ++clock;
        for (int i = base, end = base + ways; i < end; i++) {
            if (tags[i] == t) {
                lastUse[i] = now;
                return true;
            }
        }
        // Miss: replace the least recently used way (empty ways have lastUse 0), without branches:
        // the smallest (lastUse << 8 | way) names it.
        long best = Long.MAX_VALUE;
        for (int w = 0; w < ways; w++) {
            best = Math.min(best, lastUse[base + w] << 8 | w);
        }
        int victim = base + (int) (best & 0xff);
        tags[victim] = t;
        lastUse[victim] = now;
        return false;
    }

    /** Removes a translation if cached (a lookup that faulted fills nothing). */
    public void drop(int domain, long frame) {
        long t = tag(domain, frame);
        int base = setOf(t) * ways;
        for (int i = base; i < base + ways; i++) {
            if (tags[i] == t) {
                tags[i] = EMPTY;
                lastUse[i] = 0;
            }
        }
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

    /** Whether any entry of a domain's frames [first, first + pages) is cached. */
    public boolean holdsAny(int domain, long first, long pages) {
        if (pages <= ways * 4L) {
            for (long f = first; f < first + pages; f++) {
                if (contains(domain, f)) {
                    return true;
                }
            }
            return false;
        }
        for (long x : tags) {
            if (x != EMPTY && (int) (x >>> DOMAIN_SHIFT) == domain) {
                long f = x & ((1L << DOMAIN_SHIFT) - 1);
                if (f >= first && f < first + pages) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether any entry of a domain is cached. */
    public boolean holdsDomain(int domain) {
        for (long x : tags) {
            if (x != EMPTY && (int) (x >>> DOMAIN_SHIFT) == domain) {
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
                        lastUse[i] = 0;
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
                    lastUse[i] = 0;
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
                lastUse[i] = 0;
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
                lastUse[i] = 0;
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
