package org.iosup.model;

import org.iosup.io.UserException;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Events the model cannot accept, counted by kind, with the first few kept (row and message).
 * Under {@code --strict} the first one is fatal. The replay skips such an event.
 */
public final class Anomalies {
    /** Kinds of events the model cannot accept. */
    public enum Kind {
        FREE_OF_UNKNOWN_FRAME("a PT_FREE of a frame that is not a live page-table page"),
        SECOND_ALLOC_OF_LIVE_FRAME("a PT_ALLOC of a frame that is already a live page-table page"),
        EXIT_OF_UNKNOWN_PID("a PROC_EXIT of a pid with no address space"),
        CREATE_OF_LIVE_PID("a PROC_CREATE of a pid whose address space is still live"),
        LEVEL_MISMATCH("a PT_FREE whose level differs from the allocation's"),
        LEVEL_OUT_OF_PAGING("a page-table level the paging mode does not have"),
        PIN_OF_UNKNOWN_FRAME("a PT_PIN or PT_UNPIN of a frame that is not a live page-table page");

        private final String meaning;

        Kind(String meaning) {
            this.meaning = meaning;
        }

        public String meaning() {
            return meaning;
        }

        public String column() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One remembered anomaly. */
    public record Example(Kind kind, long row, String message) {
    }

    /** How many examples are kept. */
    public static final int KEEP = 5;

    private final String source;
    private final boolean strict;
    private final Map<Kind, Long> counts = new EnumMap<>(Kind.class);
    private final List<Example> examples = new ArrayList<>();

    public Anomalies(String source, boolean strict) {
        this.source = source;
        this.strict = strict;
        for (Kind k : Kind.values()) {
            counts.put(k, 0L);
        }
    }

    /** Records an anomaly at a 1-based row; under --strict throws the user error. */
    public void report(Kind kind, long row, String message) {
        if (strict) {
            throw new UserException(source + " row " + row + ": " + message + " (" + kind.column() + "; --strict)");
        }
        counts.merge(kind, 1L, Long::sum);
        if (examples.size() < KEEP) {
            examples.add(new Example(kind, row, message));
        }
    }

    public long count(Kind kind) {
        return counts.get(kind);
    }

    public long total() {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    public Map<Kind, Long> counts() {
        return counts;
    }

    public List<Example> examples() {
        return examples;
    }
}
