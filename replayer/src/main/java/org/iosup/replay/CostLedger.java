package org.iosup.replay;

import org.iosup.model.Cost;
import org.iosup.model.CostModel;
import org.iosup.model.Metric;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How many times each {@link Cost} was charged to each CPU column ({@link Metric#CPU_PARTS}), per
 * minute, for one policy. Every CPU figure of a replay is a sum of such counts times the costs, so
 * {@code iosup calibrate} evaluates any cost profile from one replay of each trace, without
 * replaying again. Kept only when asked for (calibration): a plain replay does not pay for it.
 */
public final class CostLedger {
    private static final int PARTS = Metric.CPU_PARTS.size();
    private static final int WIDTH = PARTS * Cost.count();
    private final List<long[]> minutes = new ArrayList<>();

    /** Records {@code times} charges of {@code cost} to CPU column {@code part} (an index of {@link Metric#CPU_PARTS}) in {@code minute}. */
    public void add(int minute, int part, Cost cost, long times) {
        while (minutes.size() <= minute) {
            minutes.add(new long[WIDTH]);
        }
        minutes.get(minute)[part * Cost.count() + cost.ordinal()] += times;
    }

    /** The index of {@code m} in {@link Metric#CPU_PARTS}, or -1. */
    public static int part(Metric m) {
        return Metric.CPU_PARTS.indexOf(m);
    }

    /**
     * The charges of minutes {@code from} to {@code to - 1} summed: entry {@code [part][cost]}.
     */
    public long[][] sum(int from, int to) {
        long[][] out = new long[PARTS][Cost.count()];
        for (int m = Math.max(0, from); m < Math.min(to, minutes.size()); m++) {
            long[] row = minutes.get(m);
            for (int p = 0; p < PARTS; p++) {
                for (int c = 0; c < Cost.count(); c++) {
                    out[p][c] += row[p * Cost.count() + c];
                }
            }
        }
        return out;
    }

    /** What {@code charges} (from {@link #sum}) come to under {@code costs}, per CPU column, in ns. */
    public static double[] evaluate(long[][] charges, double[] costs) {
        double[] out = new double[PARTS];
        for (int p = 0; p < PARTS; p++) {
            double s = 0;
            for (int c = 0; c < costs.length; c++) {
                s += charges[p][c] * costs[c];
            }
            out[p] = s;
        }
        return out;
    }

    /** {@code costs} as doubles, by ordinal of {@link Cost}. */
    public static double[] asDoubles(CostModel costs) {
        return Arrays.stream(costs.values()).asDoubleStream().toArray();
    }
}
