package org.iosup.model.vtd;

import java.util.Arrays;
import java.util.function.LongPredicate;

/**
 * The IOTLB: a set-associative cache of (domain, IOMMU frame) translations with least-recently
 * used replacement in each set. Every page a DMA touches is one lookup; a miss walks the I/O page
 * table and fills an entry. Invalidations drop one page range of a domain (page-selective), all of
 * a domain's entries (domain-selective) or everything (global).
 *
 * <p>Each set keeps its ways in recency order, most recent first, with empty ways at the end: a
 * hit moves its entry to the front, a miss shifts the set by one (dropping the last way, an empty
 * one if there is any, else the least recently used) and puts the new entry in front, and a
 * dropped entry closes its gap. That is exact LRU without timestamps or a search for the victim.
 */
public final class Iotlb {
    private static final long EMPTY = -1L;
    private static final int DOMAIN_SHIFT = 48;
    private final int sets;
    private final int ways;
    /** Set s is tags[s * ways, (s + 1) * ways), most recently used first, empty ways last. */
    private final long[] tags;

    private Iotlb(Iotlb other) {
        this.ways = other.ways;
        this.sets = other.sets;
        this.tags = other.tags.clone();
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
        long[] a = tags;
        if (a[base] == t) {
            return true; // already the most recent
        }
        // Without data-dependent branches (hits and misses interleave unpredictably): find the way
        // holding t (or none), then move every more recent way back by one, t in front. On a miss
        // the last way, empty or least recently used, is the one overwritten.
        int last = base + ways - 1;
        int at = last + 1;
        for (int i = last; i > base; i--) {
            at = a[i] == t ? i : at;
        }
        boolean hit = at <= last;
        int end = hit ? at : last;
        for (int i = last; i > base; i--) {
            a[i] = i <= end ? a[i - 1] : a[i];
        }
        a[base] = t;
        return hit;
    }

    /** Removes entry {@code i} of the set starting at {@code base}: later ways move up, an empty way goes last. */
    private void remove(int base, int i) {
        int last = base + ways - 1;
        System.arraycopy(tags, i + 1, tags, i, last - i);
        tags[last] = EMPTY;
    }

    /** Removes a translation if cached (a lookup that faulted fills nothing). */
    public void drop(int domain, long frame) {
        long t = tag(domain, frame);
        int base = setOf(t) * ways;
        for (int i = base; i < base + ways; i++) {
            if (tags[i] == t) {
                remove(base, i);
                return;
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
                        remove(base, i);
                        dropped++;
                        break;
                    }
                }
            }
            return dropped;
        }
        return removeWhere(x -> (int) (x >>> DOMAIN_SHIFT) == domain
                && (x & ((1L << DOMAIN_SHIFT) - 1)) >= first && (x & ((1L << DOMAIN_SHIFT) - 1)) < first + pages);
    }

    /** Domain-selective invalidation. @return entries dropped */
    public int invalidateDomain(int domain) {
        return removeWhere(x -> (int) (x >>> DOMAIN_SHIFT) == domain);
    }

    /** Global invalidation. @return entries dropped */
    public int invalidateAll() {
        return removeWhere(x -> true);
    }

    /** Drops the valid entries {@code drop} accepts, keeping each set's recency order. @return entries dropped */
    private int removeWhere(LongPredicate drop) {
        int dropped = 0;
        for (int base = 0; base < tags.length; base += ways) {
            int kept = base;
            for (int i = base; i < base + ways; i++) {
                long x = tags[i];
                if (x == EMPTY) {
                    continue;
                }
                if (drop.test(x)) {
                    dropped++;
                } else {
                    tags[kept++] = x;
                }
            }
            Arrays.fill(tags, kept, base + ways, EMPTY);
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
