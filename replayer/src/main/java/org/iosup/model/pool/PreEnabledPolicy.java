package org.iosup.model.pool;

/**
 * {@code pre-enabled}: IOSUP's per-level pools from the start of the trace; a cap and the shrink
 * rule (off by default) may bound them.
 */
public record PreEnabledPolicy(long cap, ShrinkRule shrink) implements PoolPolicy {
    @Override
    public String family() {
        return "pre-enabled";
    }

    @Override
    public long enableAtNs() {
        return 0;
    }
}
