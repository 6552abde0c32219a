package org.iosup.model.pool;

/** {@code disabled}: no pools; every page-table page comes from the page allocator and goes back to it (Linux as it is). */
public final class DisabledPolicy implements PoolPolicy {
    static final DisabledPolicy INSTANCE = new DisabledPolicy();

    private DisabledPolicy() {
    }

    @Override
    public String family() {
        return "disabled";
    }

    @Override
    public long enableAtNs() {
        return Long.MAX_VALUE;
    }

    @Override
    public boolean poolsOnAt(long ts) {
        return false;
    }

    @Override
    public long cap() {
        return Long.MAX_VALUE;
    }

    @Override
    public ShrinkRule shrink() {
        return ShrinkRule.OFF;
    }
}
