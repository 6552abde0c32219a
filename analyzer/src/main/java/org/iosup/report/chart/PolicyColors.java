package org.iosup.report.chart;

import java.awt.Color;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One fixed colour per policy, the same in every chart: the paper's three groups (and the policies
 * they are made of) have their own, so figures of different runs match; other policies take the
 * next colours of a palette (Tableau 10) in the order they are given.
 */
public final class PolicyColors {
    private static final Color RED = new Color(0xd62728);
    private static final Color BLUE = new Color(0x1f77b4);
    private static final Color GREEN = new Color(0x2ca02c);
    private static final Color[] OTHERS = {new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b),
        new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)};

    private final Map<String, Color> colors = new LinkedHashMap<>();

    /** Colours for these policies, in this order. */
    public PolicyColors(List<String> policies) {
        int next = 0;
        for (String p : policies) {
            Color c = known(p);
            if (c == null) {
                c = OTHERS[next++ % OTHERS.length];
            }
            colors.put(p, c);
        }
    }

    private static Color known(String policy) {
        String p = policy.toLowerCase(Locale.ROOT);
        if (p.equals("cache-disabled") || p.equals("disabled")) {
            return RED;
        }
        if (p.equals("cache-pre-enabled") || p.equals("pre-enabled")) {
            return BLUE;
        }
        if (p.equals("cache-dynamic-enabled") || p.startsWith("dynamic@")) {
            return GREEN;
        }
        return null;
    }

    public Color of(String policy) {
        Color c = colors.get(policy);
        return c != null ? c : OTHERS[Math.floorMod(policy.hashCode(), OTHERS.length)];
    }
}
