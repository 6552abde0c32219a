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
    private static final long FRAME_MASK = (1L << DOMAIN_SHIFT) - 1;
    private final int sets;
    /** sets - 1 when sets is a power of two (index by masking), else -1 (index by remainder). */
    private final long setMask;
    private final int ways;
    /** Set s is tags[s * ways, (s + 1) * ways), most recently used first, empty ways last. */
    private final long[] tags;
    /** Tag bit of a 2 MiB (superpage) translation: its frame part is the 2 MiB page number. */
    private static final long SUPERPAGE = 1L << 47;
    /** Levels of the I/O page table (4: 48-bit address width, 3: 39-bit). */
    private final int levels;
    /** Whether DMA buffers are mapped in 2 MiB pages (their translations cover 512 frames). */
    private final boolean superpageDma;
    /** Paging-structure caches: entries of the level-2 (PDE), level-3 (PDPE) and level-4 (PML4E) tables. */
    private final Lru pde;
    private final Lru pdpe;
    private final Lru pml4;
    /** Whether a page-selective invalidation drops every paging-structure entry of the domain. */
    private final boolean pscDomainWide;

    private Iotlb(Iotlb other) {
        this.ways = other.ways;
        this.sets = other.sets;
        this.setMask = other.setMask;
        this.tags = other.tags.clone();
        this.levels = other.levels;
        this.superpageDma = other.superpageDma;
        this.pde = other.pde.copy();
        this.pdpe = other.pdpe.copy();
        this.pml4 = other.pml4.copy();
        this.pscDomainWide = other.pscDomainWide;
    }

    /** An independent copy in the same state. */
    public Iotlb copy() {
        return new Iotlb(this);
    }

    /** An IOTLB alone: no paging-structure caches, a 4-level table, 4 KiB DMA mappings. */
    public Iotlb(int entries, int ways) {
        this(entries, ways, 4, 0, 0, 0, false, false);
    }

    /** The translation caches {@code c} describes. */
    public Iotlb(IommuConfig c) {
        this(c.iotlbEntries(), c.iotlbWays(), c.ioLevels(), c.pdeCache(), c.pdpeCache(), c.pml4Cache(),
                c.superpageDma(), c.pscDomainWide());
    }

    private Iotlb(int entries, int ways, int levels, int pdeEntries, int pdpeEntries, int pml4Entries,
                  boolean superpageDma, boolean pscDomainWide) {
        if (ways > 256) {
            throw new IllegalArgumentException("at most 256 ways, got " + ways);
        }
        this.levels = levels;
        this.superpageDma = superpageDma;
        this.pscDomainWide = pscDomainWide;
        this.pde = new Lru(pdeEntries);
        this.pdpe = new Lru(pdpeEntries);
        this.pml4 = new Lru(levels >= 4 ? pml4Entries : 0);
        this.ways = ways;
        this.sets = entries / ways;
        this.setMask = Integer.bitCount(sets) == 1 ? sets - 1 : -1;
        this.tags = new long[entries];
        Arrays.fill(tags, EMPTY);
    }

    private static long tag(int domain, long frame) {
        return (long) domain << DOMAIN_SHIFT | frame;
    }

    /**
     * The set of a translation: the low bits of its I/O page number, as an IOTLB indexed by address
     * bits picks it, so that consecutive pages spread evenly over the sets and a device cycling
     * over as many consecutive pages as there are entries always hits (the knee at the IOTLB's
     * reach that pcie-bench measured; docs/model.md §4). The domain is part of the tag only.
     */
    private int setOf(long tag) {
        long frame = tag & FRAME_MASK;
        return setMask >= 0 ? (int) (frame & setMask) : (int) Long.remainderUnsigned(frame, sets);
    }

    /** Looks up a 4 KiB translation; fills it on a miss. @return true on a hit */
    public boolean lookup(int domain, long frame) {
        return lookupTag(tag(domain, frame));
    }

    /**
     * Translates a DMA page: an IOTLB lookup (of its 2 MiB page, if DMA buffers are mapped in
     * superpages), and on a miss a walk of the I/O page table from the deepest level whose entry
     * the paging-structure caches hold, filling them. @return 0 on a hit, else the table entries
     * read by the walk (1 to {@link #levels()})
     */
    public int translate(int domain, long frame) {
        if (superpageDma) {
            long t = (long) domain << DOMAIN_SHIFT | SUPERPAGE | frame >>> 9;
            return lookupTag(t) ? 0 : walk(domain, frame, 2);
        }
        return lookup(domain, frame) ? 0 : walk(domain, frame, 1);
    }

    /**
     * A walk down to the entry of level {@code leaf} (1: a PTE, 2: a PDE mapping 2 MiB): the
     * entries read are those below the deepest cached level (VT-d specification, "Paging-structure
     * caches": a PDE-cache hit leaves the leaf entry to read, a PDPE-cache hit two, and so on).
     */
    private int walk(int domain, long frame, int leaf) {
        long d = (long) domain << DOMAIN_SHIFT;
        if (leaf == 1 && pde.front() == (d | frame >>> 9)) {
            return 1; // the region of the last walk: the common case of a device's buffers
        }
        int from; // the level whose table is read first
        if (leaf == 1 && pde.hit(d | frame >>> 9)) {
            from = 1;
        } else if (pdpe.hit(d | frame >>> 18)) {
            from = 2;
        } else if (levels >= 4 && pml4.hit(d | frame >>> 27)) {
            from = 3;
        } else {
            from = levels;
        }
        // Fill the caches with the non-leaf entries just read.
        if (from >= 4) {
            pml4.put(d | frame >>> 27);
        }
        if (from >= 3) {
            pdpe.put(d | frame >>> 18);
        }
        if (from >= 2 && leaf == 1) {
            pde.put(d | frame >>> 9);
        }
        return from - leaf + 1;
    }

    /** Levels of the I/O page table. */
    public int levels() {
        return levels;
    }

    /** Looks up a tag (a 4 KiB or 2 MiB translation); fills it on a miss. */
    private boolean lookupTag(long t) {
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

    /** Removes the translation a {@link #translate} of this DMA page filled (a lookup that faulted fills nothing). */
    public void dropTranslation(int domain, long frame) {
        if (superpageDma) {
            dropTag((long) domain << DOMAIN_SHIFT | SUPERPAGE | frame >>> 9);
        } else {
            drop(domain, frame);
        }
    }

    /** Removes a 4 KiB translation if cached. */
    public void drop(int domain, long frame) {
        dropTag(tag(domain, frame));
    }

    /** Removes a tag if cached. @return whether it was */
    private boolean dropTag(long t) {
        int base = setOf(t) * ways;
        for (int i = base; i < base + ways; i++) {
            if (tags[i] == t) {
                remove(base, i);
                return true;
            }
        }
        return false;
    }

    /** Whether a 4 KiB translation is cached, without touching the LRU order. */
    public boolean contains(int domain, long frame) {
        return containsTag(tag(domain, frame));
    }

    private boolean containsTag(long t) {
        int base = setOf(t) * ways;
        for (int i = base; i < base + ways; i++) {
            if (tags[i] == t) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a page-selective invalidation of a domain's frames [first, first + pages) would drop
     * anything: a 4 KiB or 2 MiB translation of the range, or a paging-structure entry it clears.
     */
    public boolean holdsAny(int domain, long first, long pages) {
        long d = (long) domain << DOMAIN_SHIFT;
        long lastFrame = first + pages - 1;
        if (pscDomainWide ? pde.holdsDomain(domain) || pdpe.holdsDomain(domain) || pml4.holdsDomain(domain)
                : pde.holdsRange(d | first >>> 9, d | lastFrame >>> 9) || pdpe.holdsRange(d | first >>> 18, d | lastFrame >>> 18)
                || pml4.holdsRange(d | first >>> 27, d | lastFrame >>> 27)) {
            return true;
        }
        if (superpageDma) {
            for (long sp = first >>> 9; sp <= lastFrame >>> 9; sp++) {
                if (containsTag(d | SUPERPAGE | sp)) {
                    return true;
                }
            }
        }
        if (pages <= ways * 4L) {
            for (long f = first; f < first + pages; f++) {
                if (contains(domain, f)) {
                    return true;
                }
            }
            return false;
        }
        for (long x : tags) {
            if (x != EMPTY && (int) (x >>> DOMAIN_SHIFT) == domain && (x & SUPERPAGE) == 0) {
                long f = x & FRAME_MASK;
                if (f >= first && f < first + pages) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether any entry of a domain is cached (translations or paging-structure entries). */
    public boolean holdsDomain(int domain) {
        if (pde.holdsDomain(domain) || pdpe.holdsDomain(domain) || pml4.holdsDomain(domain)) {
            return true;
        }
        for (long x : tags) {
            if (x != EMPTY && (int) (x >>> DOMAIN_SHIFT) == domain) {
                return true;
            }
        }
        return false;
    }

    /**
     * Page-selective invalidation of frames [first, first + pages) of a domain, with the
     * invalidation hint clear (IH = 0, as Xen sends it): the range's 4 KiB and 2 MiB translations,
     * and the paging-structure entries used to translate it (or, with {@code psc_domain_wide}, every
     * paging-structure entry of the domain, as hardware may do). @return IOTLB entries dropped
     */
    public int invalidatePages(int domain, long first, long pages) {
        long d = (long) domain << DOMAIN_SHIFT;
        long lastFrame = first + pages - 1;
        if (pscDomainWide) {
            pde.removeDomain(domain);
            pdpe.removeDomain(domain);
            pml4.removeDomain(domain);
        } else {
            pde.removeRange(d | first >>> 9, d | lastFrame >>> 9);
            pdpe.removeRange(d | first >>> 18, d | lastFrame >>> 18);
            pml4.removeRange(d | first >>> 27, d | lastFrame >>> 27);
        }
        int dropped = 0;
        if (superpageDma) {
            for (long sp = first >>> 9; sp <= lastFrame >>> 9; sp++) {
                dropped += dropTag(d | SUPERPAGE | sp) ? 1 : 0;
            }
        }
        if (pages <= ways * 4L) {
            for (long f = first; f < first + pages; f++) {
                dropped += dropTag(tag(domain, f)) ? 1 : 0;
            }
            return dropped;
        }
        return dropped + removeWhere(x -> (int) (x >>> DOMAIN_SHIFT) == domain && (x & SUPERPAGE) == 0
                && (x & FRAME_MASK) >= first && (x & FRAME_MASK) < first + pages);
    }

    /** Domain-selective invalidation: the domain's translations and paging-structure entries. @return IOTLB entries dropped */
    public int invalidateDomain(int domain) {
        pde.removeDomain(domain);
        pdpe.removeDomain(domain);
        pml4.removeDomain(domain);
        return removeWhere(x -> (int) (x >>> DOMAIN_SHIFT) == domain);
    }

    /** Global invalidation. @return IOTLB entries dropped */
    public int invalidateAll() {
        pde.clear();
        pdpe.clear();
        pml4.clear();
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

    /**
     * A small fully associative cache of paging-structure entries (tag: domain and the index of the
     * region the entry maps), least recently used replaced, most recent first, empty slots last.
     */
    static final class Lru {
        private final long[] e;

        Lru(int entries) {
            e = new long[entries];
            Arrays.fill(e, EMPTY);
        }

        private Lru(long[] e) {
            this.e = e;
        }

        /** The most recent entry (EMPTY when none). */
        long front() {
            return e.length > 0 ? e[0] : EMPTY;
        }

        Lru copy() {
            return new Lru(e.clone());
        }

        /** Looks up a tag, making it the most recent on a hit. */
        boolean hit(long t) {
            if (e.length > 0 && e[0] == t) {
                return true; // already the most recent: the common case, a device's region
            }
            for (int i = 1; i < e.length; i++) {
                if (e[i] == t) {
                    System.arraycopy(e, 0, e, 1, i);
                    e[0] = t;
                    return true;
                }
                if (e[i] == EMPTY) {
                    return false;
                }
            }
            return false;
        }

        /** Puts a tag first (after a miss), dropping the least recently used if full. */
        void put(long t) {
            if (e.length == 0) {
                return;
            }
            System.arraycopy(e, 0, e, 1, e.length - 1);
            e[0] = t;
        }

        boolean holdsRange(long from, long to) {
            for (long x : e) {
                if (x != EMPTY && x >= from && x <= to) {
                    return true;
                }
            }
            return false;
        }

        boolean holdsDomain(int domain) {
            for (long x : e) {
                if (x != EMPTY && (int) (x >>> DOMAIN_SHIFT) == domain) {
                    return true;
                }
            }
            return false;
        }

        void removeRange(long from, long to) {
            removeIf(x -> x >= from && x <= to);
        }

        void removeDomain(int domain) {
            removeIf(x -> (int) (x >>> DOMAIN_SHIFT) == domain);
        }

        void clear() {
            Arrays.fill(e, EMPTY);
        }

        int size() {
            int n = 0;
            for (long x : e) {
                n += x != EMPTY ? 1 : 0;
            }
            return n;
        }

        private void removeIf(LongPredicate drop) {
            int kept = 0;
            for (long x : e) {
                if (x != EMPTY && !drop.test(x)) {
                    e[kept++] = x;
                }
            }
            Arrays.fill(e, kept, e.length, EMPTY);
        }
    }

    /** Paging-structure entries cached, by level: [PDE, PDPE, PML4E]. */
    public int[] pagingStructureEntries() {
        return new int[] {pde.size(), pdpe.size(), pml4.size()};
    }
}
