package org.iosup.model.pool;

import org.iosup.analysis.Durations;
import org.iosup.io.UserException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The registry of pool policy families: each family's name, what it takes after {@code @}, its own
 * options and its parser. A spec is {@code FAMILY[@TIME][,key=value...]}; the options every family
 * shares ({@code name}, {@code cap}, {@code shrink}, {@code shrink-ratio}, {@code shrink-total}) are
 * read here, the family's own by the family. Adding a family is one class and one line below: the
 * error messages list the families and their options from here.
 */
public final class PolicyFamilies {
    /** What a family takes after {@code @}. */
    public enum At { NONE, REQUIRED, OPTIONAL }

    /**
     * A family: its name, its {@code @TIME} (and a hint when it takes none), whether it has pools,
     * whether the shrink rule is on by default, its own option keys, its parser, what it does (one
     * line of help) and the help of its own options.
     */
    public record Family(String name, At at, String atHint, boolean pools, boolean shrinkByDefault,
                         List<String> ownOptions, Parser parser, String summary, List<String> ownOptionHelp) {
        /** The family as specs write it: {@code dynamic@TIME}, {@code quicklist[@TIME]}, {@code disabled}. */
        public String spelling() {
            return name + switch (at) {
                case NONE -> "";
                case REQUIRED -> "@TIME";
                case OPTIONAL -> "[@TIME]";
            };
        }
    }

    /** Builds a family's policy from the parsed shared options and its own (taken from {@code options}). */
    @FunctionalInterface
    public interface Parser {
        PoolPolicy parse(long enableAtNs, long cap, ShrinkRule shrink, Options options);
    }

    private static final Map<String, Family> FAMILIES = new LinkedHashMap<>();

    static {
        register(new Family("disabled", At.NONE, "", false, false, List.of(), (at, cap, shrink, o) -> DisabledPolicy.INSTANCE,
                "no pools: page-table pages come from the page allocator", List.of()));
        register(new Family("pre-enabled", At.NONE, " (use dynamic@TIME)", true, false, List.of(),
                (at, cap, shrink, o) -> new PreEnabledPolicy(cap, shrink),
                "IOSUP's per-level pools from the start of the trace", List.of()));
        register(new Family("dynamic", At.REQUIRED, "", true, true, List.of(), DynamicPolicy::new,
                "pools on at TIME (5m, 300s...); shrink rule on by default", List.of()));
        register(new Family("quicklist", At.OPTIONAL, "", true, false, QuicklistPolicy.OPTIONS, QuicklistPolicy::parse,
                "pools trimmed as Linux's quicklists were, from TIME (0)", QuicklistPolicy.OPTION_HELP));
    }

    /** The options every family takes, as help shows them. */
    private static final List<String> SHARED_OPTION_HELP = List.of(
            "name=TEXT        the name in the outputs (default: the spec as written)",
            "cap=PAGES        pages kept per level at most (default: no cap)",
            "shrink=on|off    the paper's shrink rule (default: on for dynamic only)",
            "shrink-ratio=X   shrink when in-pool/in-use > X (default: " + PolicySpec.DEFAULT_SHRINK_RATIO_TEXT + ")",
            "shrink-total=N   and in-pool + in-use > N pages (default: " + PolicySpec.DEFAULT_SHRINK_TOTAL + "),",
            "                 per level; then in-pool - in-use pages go back");

    /**
     * The help of every family and option, from this registry (what {@code --help} of replay,
     * sweep and tune lists): a family added here shows there.
     */
    public static List<String> help() {
        List<String> lines = new ArrayList<>();
        lines.add("Families:");
        for (Family f : FAMILIES.values()) {
            lines.add(String.format(Locale.ROOT, "  %-17s%s", f.spelling(), f.summary()));
        }
        lines.add("Options of every family, after commas (e.g. dynamic@5m,shrink-total=128,name=dyn):");
        SHARED_OPTION_HELP.forEach(l -> lines.add("  " + l));
        for (Family f : FAMILIES.values()) {
            if (!f.ownOptionHelp().isEmpty()) {
                lines.add(f.name() + " only:");
                f.ownOptionHelp().forEach(l -> lines.add("  " + l));
            }
        }
        lines.add("The limits are assumptions (the paper tuned its own by trial): docs/model.md.");
        return lines;
    }

    private PolicyFamilies() {
    }

    private static void register(Family f) {
        FAMILIES.put(f.name(), f);
    }

    /** The families, in the order help lists them. */
    public static List<Family> all() {
        return List.copyOf(FAMILIES.values());
    }

    /** The options of one spec, taken one by one; what is left at the end is unknown. */
    public static final class Options {
        private final Map<String, String> values;
        private final String what;

        Options(Map<String, String> values, String what) {
            this.values = values;
            this.what = what;
        }

        /** A whole number of at least {@code min}, or {@code dflt} when not given. */
        public long takeLong(String key, long dflt, long min) {
            String v = values.remove(key);
            if (v == null) {
                return dflt;
            }
            try {
                long x = Long.parseLong(v);
                if (x < min) {
                    throw new UserException(what + ": " + key + " must be at least " + min + ", got " + v);
                }
                return x;
            } catch (NumberFormatException e) {
                throw new UserException(what + ": " + key + " must be an integer, got '" + v + "'");
            }
        }

        double takeDouble(String key, double dflt) {
            String v = values.remove(key);
            if (v == null) {
                return dflt;
            }
            try {
                double x = Double.parseDouble(v);
                if (!(x >= 0) || Double.isInfinite(x)) {
                    throw new UserException(what + ": " + key + " must be a non-negative number, got " + v);
                }
                return x;
            } catch (NumberFormatException e) {
                throw new UserException(what + ": " + key + " must be a number, got '" + v + "'");
            }
        }

        boolean takeBool(String key, boolean dflt) {
            String v = values.remove(key);
            if (v == null) {
                return dflt;
            }
            return switch (v.toLowerCase(Locale.ROOT)) {
                case "on", "true", "yes", "1" -> true;
                case "off", "false", "no", "0" -> false;
                default -> throw new UserException(what + ": " + key + " must be on or off, got '" + v + "'");
            };
        }

        String take(String key, String dflt) {
            String v = values.remove(key);
            return v == null ? dflt : v;
        }

        boolean has(String key) {
            return values.containsKey(key);
        }
    }

    /** Parses a {@code --policy} value into its name and policy. */
    public static PolicySpec parse(String text) {
        String[] parts = text.split(",");
        String head = parts[0].strip();
        String base = head;
        String at = null;
        int atSign = head.indexOf('@');
        if (atSign >= 0) {
            base = head.substring(0, atSign);
            at = head.substring(atSign + 1);
        }
        base = base.toLowerCase(Locale.ROOT);
        Family family = FAMILIES.get(base);
        if (family == null) {
            throw new UserException("--policy " + text + ": unknown policy '" + base + "' (valid: "
                    + String.join(", ", FAMILIES.values().stream().map(Family::spelling).toList())
                    + ", each with options such as ,name=..., ,cap=N, ,shrink=on|off)");
        }
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].strip();
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new UserException("--policy " + text + ": option '" + p + "' is not key=value");
            }
            String key = p.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            if (opts.put(key, p.substring(eq + 1).strip()) != null) {
                throw new UserException("--policy " + text + ": option '" + key + "' is given twice");
            }
        }
        String what = "--policy " + text;
        long enableAt = switch (family.at()) {
            case NONE -> {
                if (at != null) {
                    throw new UserException(what + ": '" + base + "' takes no @TIME" + family.atHint());
                }
                yield 0;
            }
            case REQUIRED -> {
                if (at == null) {
                    throw new UserException(what + ": '" + base + "' needs a time, e.g. " + base + "@5m");
                }
                yield Durations.parseNanos(at, what);
            }
            case OPTIONAL -> at == null ? 0 : Durations.parseNanos(at, what);
        };
        // Another family's own options are refused by name.
        for (Family other : FAMILIES.values()) {
            if (other != family) {
                for (String k : other.ownOptions()) {
                    if (opts.containsKey(k) && !family.ownOptions().contains(k)) {
                        throw new UserException("--policy " + text + ": option '" + k + "' applies to " + other.name() + " only");
                    }
                }
            }
        }
        Options o = new Options(opts, what);
        String name = o.take("name", text);
        long cap = o.takeLong("cap", Long.MAX_VALUE, 0);
        boolean shrink = o.takeBool("shrink", family.shrinkByDefault());
        if (!shrink) {
            for (String k : List.of("shrink-ratio", "shrink-total")) {
                if (o.has(k)) {
                    throw new UserException(what + ": option '" + k + "' applies only with shrink=on"
                            + (family.shrinkByDefault() ? "" : " (the shrink rule is off by default for " + base + ")"));
                }
            }
        }
        ShrinkRule rule = new ShrinkRule(shrink, o.takeDouble("shrink-ratio", ShrinkRule.DEFAULT_RATIO),
                o.takeLong("shrink-total", ShrinkRule.DEFAULT_TOTAL, 0));
        PoolPolicy policy = family.parser().parse(enableAt, cap, rule, o);
        if (!opts.isEmpty()) {
            StringBuilder own = new StringBuilder();
            for (Family f : FAMILIES.values()) {
                if (!f.ownOptions().isEmpty()) {
                    own.append("; ").append(f.name()).append(": ").append(String.join(", ", f.ownOptions()));
                }
            }
            throw new UserException(what + ": unknown option(s) " + opts.keySet()
                    + " (valid: name, cap, shrink, shrink-ratio, shrink-total" + own + ")");
        }
        if (!family.pools() && (cap != Long.MAX_VALUE || shrink)) {
            throw new UserException(what + ": '" + base + "' has no pools to cap or shrink");
        }
        if (name.isBlank() || name.contains("\n") || name.contains("\r")) {
            throw new UserException(what + ": name must be non-empty and on one line");
        }
        return new PolicySpec(text, name, policy);
    }
}
