package org.iosup.model.pool;

/**
 * {@code dynamic@TIME}: the paper's cache-dynamic-enabled group, pools switched on at TIME, the
 * shrink rule on by default.
 */
public record DynamicPolicy(long enableAtNs, long cap, ShrinkRule shrink) implements PoolPolicy {
    /** The registry's parser: a dynamic policy has no options of its own. */
    DynamicPolicy(long enableAtNs, long cap, ShrinkRule shrink, PolicyFamilies.Options options) {
        this(enableAtNs, cap, shrink);
    }

    @Override
    public String family() {
        return "dynamic";
    }
}
