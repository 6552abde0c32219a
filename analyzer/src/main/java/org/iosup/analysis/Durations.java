package org.iosup.analysis;

import org.iosup.io.UserException;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as users write them: {@code 5m}, {@code 300s}, {@code 1h30m}, {@code 1500ms}, {@code 250us}, {@code 10ns}. */
public final class Durations {
    /** The longest duration: 366 days, the event schema's bound on {@code ts_ns}. */
    public static final long MAX_NS = 366L * 24 * 3600 * 1_000_000_000L;
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|ms|s|m|h)");

    private Durations() {
    }

    /** Parses {@code text} into nanoseconds; {@code what} names the option in the error. */
    public static long parseNanos(String text, String what) {
        Matcher m = PART.matcher(text);
        long total = 0;
        int at = 0;
        while (at < text.length() && m.find(at) && m.start() == at) {
            double v = Double.parseDouble(m.group(1));
            long unit = switch (m.group(2)) {
                case "ns" -> 1L;
                case "us" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            };
            double ns = v * unit;
            if (ns > MAX_NS || total + ns > MAX_NS) {
                throw new UserException(what + ": duration '" + text + "' is too long (at most 366 days, the longest trace)");
            }
            total += Math.round(ns);
            at = m.end();
        }
        if (at == 0 || at != text.length()) {
            throw new UserException(what + ": bad duration '" + text + "' (a number with a unit: ns, us, ms, s, m, h; e.g. 5m, 300s, 1h30m)");
        }
        return total;
    }

    /** A duration in ns as seconds with up to 3 decimals and a unit, e.g. {@code 192.5 s}. */
    public static String formatSeconds(long ns) {
        return String.format(java.util.Locale.ROOT, "%.3f s", ns / 1e9).replaceAll("\\.?0+ s$", " s");
    }

    /** A short text for a duration in ns, as parsed back by {@link #parseNanos}. */
    public static String format(long ns) {
        if (ns % 60_000_000_000L == 0) {
            return ns / 60_000_000_000L + "m";
        }
        if (ns % 1_000_000_000L == 0) {
            return ns / 1_000_000_000L + "s";
        }
        if (ns % 1_000_000L == 0) {
            return ns / 1_000_000L + "ms";
        }
        return ns + "ns";
    }

    /** Whole minutes of a duration text such as {@code 5m} or {@code 300s}; {@code option} names it in errors. */
    public static int wholeMinutes(String text, String option) {
        long ns = parseNanos(text, option);
        if (ns % 60_000_000_000L != 0) {
            throw new org.iosup.io.UserException(option + " " + text + ": must be whole minutes (e.g. 5m, 300s)");
        }
        return (int) (ns / 60_000_000_000L);
    }
}
