package org.iosup.trace;

import org.iosup.io.UserException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one check of trace metadata (the Parquet file's key-value metadata, a CSV trace's
 * {@code # key=value} lines before its header, {@code --meta KEY=VALUE}), used wherever metadata
 * enters a trace: ingest, import and record call {@link #check} before anything is written, and a
 * reader of a stored trace calls {@link #checkStored} on what it finds. Keys in the {@code iosup.} namespace are iosup's:
 * only those listed in schemas/README.md ("Trace metadata keys") are accepted, so that a
 * misspelt key cannot be ignored without a word, and those with a fixed set of values are
 * checked (a trace that {@code ingest} accepts is one that {@code replay} accepts). Other keys
 * are the user's own and take any value that survives the CSV form.
 */
public final class TraceMetadata {
    /** The guest's paging mode; its values are {@link #PAGING_VALUES}. */
    public static final String PAGING = "iosup.paging";
    /** The paging modes {@code iosup.paging} may name (the replayer's {@code Paging} labels). */
    public static final List<String> PAGING_VALUES = List.of("pae", "x86-64");
    /** {@code 5} when a recording saw 5-level paging. */
    public static final String PAGING_LEVELS = "iosup.paging.levels";
    /** Where the trace came from (free text: synth, perf, trace-cmd...). */
    public static final String SOURCE = "iosup.source";
    /** Families of keys whose names continue after the prefix, with free-text values. */
    private static final List<String> FAMILIES = List.of("iosup.synth.", "iosup.record.");
    /** Every key of the iosup namespace, for messages. */
    private static final String KNOWN = String.join(", ", EventSchema.META_SCHEMA, EventSchema.META_VERSION,
            PAGING, PAGING_LEVELS, SOURCE, "iosup.synth.*", "iosup.record.*");

    private TraceMetadata() {
    }

    /**
     * Checks one entry; {@code where} names its origin for the message (e.g. {@code trace.csv line 2},
     * {@code --meta}). Fails with a {@link UserException} that names the key and the value.
     */
    public static void check(String key, String value, String where) {
        if (key.isEmpty() || !key.chars().allMatch(TraceMetadata::keyChar)) {
            throw new UserException(where + ": metadata key '" + shown(key)
                    + "': use letters, digits, '.', '_' and '-' only");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                throw new UserException(where + ": metadata '" + key + "' value '" + shown(value)
                        + "': holds a control character or line break (character " + (i + 1) + ")");
            }
        }
        if (!value.equals(value.strip())) {
            throw new UserException(where + ": metadata '" + key + "' value '" + shown(value)
                    + "': starts or ends with a space, which the CSV form (# key=value) would drop");
        }
        if (!key.startsWith("iosup.")) {
            return;
        }
        switch (key) {
            case EventSchema.META_SCHEMA -> expect(key, value, List.of(EventSchema.get().name()), where);
            case EventSchema.META_VERSION -> expect(key, value, List.of(Integer.toString(EventSchema.get().version())), where);
            case PAGING -> expect(key, value, PAGING_VALUES, where);
            case PAGING_LEVELS -> expect(key, value, List.of("4", "5"), where);
            case SOURCE -> {
                if (value.isEmpty()) {
                    throw new UserException(where + ": metadata '" + key + "' is empty");
                }
            }
            default -> {
                for (String family : FAMILIES) {
                    if (key.startsWith(family) && key.length() > family.length()) {
                        return;
                    }
                }
                throw new UserException(where + ": metadata key '" + key + "': not an iosup key (known: " + KNOWN
                        + "); keys of your own go outside the iosup. namespace, e.g. lab." + key.substring("iosup.".length()));
            }
        }
    }

    /** Checks every entry of {@code metadata}, in order, as {@link #check} does: for metadata entering a trace. */
    public static void checkAll(Map<String, String> metadata, String where) {
        metadata.forEach((k, v) -> check(k, v, where));
    }

    /**
     * Checks the metadata of a stored trace (a Parquet file's key-value metadata, whoever wrote it): every key of
     * the {@code iosup.} namespace as {@link #check} does (a known key, a valid value), and nothing else: other keys
     * are other writers' own (pandas' JSON, {@code ARROW:schema}...) and are left alone.
     */
    public static void checkStored(Map<String, String> metadata, String where) {
        metadata.forEach((k, v) -> {
            if (k.startsWith("iosup.")) {
                check(k, v, where);
            }
        });
    }

    /**
     * Parses {@code --meta KEY=VALUE} options (given as written, in order) into a map, checking each entry:
     * a missing '=' or a key given twice is an error.
     */
    public static Map<String, String> parseOptions(List<String> options) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String o : options) {
            int eq = o.indexOf('=');
            if (eq <= 0) {
                throw new UserException("--meta " + shown(o) + ": expected KEY=VALUE");
            }
            String key = o.substring(0, eq);
            String value = o.substring(eq + 1);
            String before = m.put(key, value);
            if (before != null) {
                throw new UserException("--meta " + key + " given twice ('" + shown(before) + "' and '"
                        + shown(value) + "')");
            }
            check(key, value, "--meta " + shown(key));
        }
        return m;
    }

    private static void expect(String key, String value, List<String> valid, String where) {
        if (!valid.contains(value)) {
            throw new UserException(where + ": metadata '" + key + "' value '" + shown(value) + "': not valid (valid: "
                    + String.join(", ", valid) + ")");
        }
    }

    private static boolean keyChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    }

    /** Whether {@code key} could be a metadata key (a {@code # key=value} line with another key is a plain comment). */
    public static boolean looksLikeKey(String key) {
        return !key.isEmpty() && key.chars().allMatch(TraceMetadata::keyChar);
    }

    private static String shown(String s) {
        return org.iosup.trace.TraceFormatException.shown(s);
    }
}
