package org.iosup.sweep;

import org.iosup.io.UserException;
import org.iosup.model.pool.PolicySpec;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A grid of policies written as one {@code --policy} spec with alternatives in braces, e.g.
 * {@code dynamic@{1m,3m,5m},shrink-ratio={1,2,4},shrink-total={64,128,256}}: every combination of
 * one alternative per brace group, in order (the first group varies slowest), each a spec that
 * {@code --policy} accepts as it is.
 */
public final class Grid {
    /** Combinations one grid may expand to at most: far beyond what a sweep needs, short of a mistake. */
    public static final int MAX_POLICIES = 100_000;

    private Grid() {
    }

    /** The specs of {@code grid}; {@code option} names it in errors, which give the position (1-based). */
    public static List<String> expand(String grid, String option) {
        List<List<String>> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < grid.length()) {
            char c = grid.charAt(i);
            if (c == '}') {
                throw error(grid, option, i, "'}' without its '{'");
            }
            if (c != '{') {
                literal.append(c);
                i++;
                continue;
            }
            int close = grid.indexOf('}', i);
            int nested = grid.indexOf('{', i + 1);
            if (close < 0) {
                throw error(grid, option, i, "'{' is never closed");
            }
            if (nested >= 0 && nested < close) {
                throw error(grid, option, nested, "braces cannot nest");
            }
            List<String> alternatives = new ArrayList<>();
            int from = i + 1;
            for (String a : grid.substring(i + 1, close).split(",", -1)) {
                if (a.isBlank()) {
                    throw error(grid, option, from, "an empty alternative in '" + grid.substring(i, close + 1) + "'");
                }
                alternatives.add(a.strip());
                from += a.length() + 1;
            }
            parts.add(List.of(literal.toString()));
            literal.setLength(0);
            parts.add(alternatives);
            i = close + 1;
        }
        parts.add(List.of(literal.toString()));
        long combinations = 1;
        for (List<String> p : parts) {
            combinations *= p.size();
            if (combinations > MAX_POLICIES) {
                throw new UserException(option + " " + grid + ": more than " + MAX_POLICIES + " combinations");
            }
        }
        List<String> out = new ArrayList<>(List.of(""));
        for (List<String> p : parts) {
            List<String> next = new ArrayList<>(out.size() * p.size());
            for (String prefix : out) {
                for (String alternative : p) {
                    next.add(prefix + alternative);
                }
            }
            out = next;
        }
        if (out.size() == 1 && out.get(0).isBlank()) {
            throw new UserException(option + ": empty");
        }
        return out;
    }

    private static UserException error(String grid, String option, int at, String what) {
        return new UserException(option + " " + grid + ": position " + (at + 1) + ": " + what);
    }

    /** The grids expanded and the single policies, each spec once, in the order given. */
    public static List<PolicySpec> specs(List<String> grids, List<String> policies) {
        if (grids.isEmpty() && policies.isEmpty()) {
            throw new UserException("give at least one --grid or --policy");
        }
        Set<String> seen = new LinkedHashSet<>();
        List<PolicySpec> out = new ArrayList<>();
        for (String g : grids) {
            for (String s : expand(g, "--grid")) {
                if (seen.add(s.strip())) {
                    try {
                        out.add(PolicySpec.parse(s));
                    } catch (UserException e) {
                        throw new UserException("--grid " + g + ": policy '" + s + "': "
                                + e.getMessage().replaceFirst("^--policy " + java.util.regex.Pattern.quote(s) + ": ", ""));
                    }
                }
            }
        }
        for (String p : policies) {
            if (seen.add(p.strip())) {
                out.add(PolicySpec.parse(p));
            }
        }
        Set<String> names = new java.util.HashSet<>();
        for (PolicySpec p : out) {
            if (!names.add(p.name())) {
                throw new UserException("two policies are named '" + p.name() + "'; give one a name=...");
            }
        }
        return out;
    }
}
