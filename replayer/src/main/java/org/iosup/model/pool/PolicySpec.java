package org.iosup.model.pool;

import org.iosup.analysis.Durations;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A policy as written on the command line, {@code FAMILY[@TIME][,key=value...]}, with its name in
 * the outputs and the {@link PoolPolicy} it stands for ({@link PolicyFamilies} parses it):
 *
 * <ul>
 *   <li>{@code disabled}: no pools (Linux as it is).</li>
 *   <li>{@code pre-enabled}: IOSUP's per-level pools from the start.</li>
 *   <li>{@code dynamic@TIME}: pools switched on at TIME (e.g. {@code 5m}, {@code 300s}); the paper's
 *   shrink rule is on by default.</li>
 *   <li>{@code quicklist[@TIME]}: pools trimmed like Linux's quicklists (docs/model.md §6):
 *   {@code min}, {@code batch}, {@code fraction}, {@code free-pages}, {@code cpus}.</li>
 * </ul>
 *
 * Options of every family: {@code name=} (the name in the outputs; default the spec itself),
 * {@code cap=} pages per level, {@code shrink=on|off}, {@code shrink-ratio=} and
 * {@code shrink-total=} ({@link ShrinkRule}).
 *
 * @param spec   the text given
 * @param name   the name in the outputs
 * @param policy the pool policy
 */
public record PolicySpec(String spec, String name, PoolPolicy policy) {

    /** Default shrink limit of in-pool / in-use ({@link ShrinkRule#DEFAULT_RATIO}). */
    public static final double DEFAULT_SHRINK_RATIO = ShrinkRule.DEFAULT_RATIO;
    /** {@link #DEFAULT_SHRINK_RATIO} as help texts show it. */
    public static final String DEFAULT_SHRINK_RATIO_TEXT = "1";
    /** Default shrink limit of in-pool + in-use pages per level ({@link ShrinkRule#DEFAULT_TOTAL}: fitted). */
    public static final long DEFAULT_SHRINK_TOTAL = ShrinkRule.DEFAULT_TOTAL;

    /** Parses a {@code --policy} value. */
    public static PolicySpec parse(String text) {
        return PolicyFamilies.parse(text);
    }

    /** The policy's family: disabled, pre-enabled, dynamic or quicklist. */
    public String family() {
        return policy.family();
    }

    /** Whether pools are ever used. */
    public boolean pools() {
        return policy.enableAtNs() != Long.MAX_VALUE;
    }

    /** The time the pools switch on (0: from the start; {@link Long#MAX_VALUE}: never). */
    public long enableAtNs() {
        return policy.enableAtNs();
    }

    /** Pages per level a pool keeps at most ({@link Long#MAX_VALUE}: no cap). */
    public long cap() {
        return policy.cap();
    }

    /** Whether the paper's shrink rule applies. */
    public boolean shrink() {
        return policy.shrink().on();
    }

    public double shrinkRatio() {
        return policy.shrink().ratio();
    }

    public long shrinkTotal() {
        return policy.shrink().total();
    }

    /** Whether the pools are on at time {@code ts}. */
    public boolean poolsOnAt(long ts) {
        return pools() && policy.poolsOnAt(ts);
    }

    /** Every parameter in effect, for the manifest. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("spec", spec);
        m.put("family", family());
        m.put("pools", pools());
        m.put("enable_at", pools() ? Durations.format(enableAtNs()) : null);
        m.put("cap_per_level", cap() == Long.MAX_VALUE ? null : cap());
        m.put("shrink", shrink());
        if (shrink()) {
            m.put("shrink_ratio", shrinkRatio());
            m.put("shrink_total", shrinkTotal());
        }
        m.put("quicklist", policy instanceof QuicklistPolicy);
        m.putAll(policy.parameters());
        return m;
    }
}
