package org.iosup.spark;

import java.util.Arrays;
import java.util.List;

/**
 * A figure's distribution across hosts: the mean, the 50th, 90th and 99th percentiles by nearest
 * rank (the smallest value with at least p% of the hosts at or below it: always a host's own
 * value), and the largest. No host: every statistic empty.
 */
public record Distribution(Double mean, Double p50, Double p90, Double p99, Double max) {
    public static Distribution of(double[] values) {
        if (values.length == 0) {
            return new Distribution(null, null, null, null, null);
        }
        double[] v = values.clone();
        Arrays.sort(v);
        double sum = 0;
        for (double x : v) {
            sum += x;
        }
        return new Distribution(sum / v.length, rank(v, 50), rank(v, 90), rank(v, 99), v[v.length - 1]);
    }

    /** Nearest rank: the value at position ceil(p/100 × n), from 1. */
    static double rank(double[] sorted, int p) {
        int k = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, k - 1)];
    }

    /** The statistics in the order of the summary's columns. */
    public List<Object> values() {
        return Arrays.asList(mean, p50, p90, p99, max);
    }
}
