package org.iosup.report.chart;

import java.awt.Color;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One colour and one line style per policy role, the same in every chart: the baseline (the first
 * policy given, whatever its name) is always vermillion and solid; the others take the Okabe–Ito
 * colour-blind-safe palette (Okabe and Ito, "Color Universal Design", 2008) in the order they are
 * given, each with its own dash pattern, so that they stay apart in greyscale too. The demo's
 * groups therefore are cache-disabled vermillion, cache-pre-enabled blue, cache-dynamic-enabled
 * bluish green, in every figure.
 */
public final class PolicyColors {
    /** Okabe–Ito vermillion: the baseline. */
    public static final Color BASELINE = new Color(0xD55E00);
    /** Okabe–Ito, the baseline's vermillion left out: blue, bluish green, orange, sky blue, reddish purple, yellow, black. */
    static final Color[] OTHERS = {new Color(0x0072B2), new Color(0x009E73), new Color(0xE69F00),
        new Color(0x56B4E9), new Color(0xCC79A7), new Color(0xF0E442), new Color(0x000000)};

    private final Map<String, Integer> roles = new LinkedHashMap<>();

    /** Colours for these policies, in this order: the first is the baseline. */
    public PolicyColors(List<String> policies) {
        for (String p : policies) {
            roles.putIfAbsent(p, roles.size());
        }
    }

    /** The colour of a policy's role (an unknown policy takes the colour after the known ones'). */
    public Color of(String policy) {
        int r = role(policy);
        return r == 0 ? BASELINE : OTHERS[(r - 1) % OTHERS.length];
    }

    /** The dash pattern of a policy's role ({@link Charts}' patterns): 0, solid, for the baseline. */
    public int dash(String policy) {
        return role(policy);
    }

    private int role(String policy) {
        Integer r = roles.get(policy);
        return r != null ? r : roles.size();
    }
}
