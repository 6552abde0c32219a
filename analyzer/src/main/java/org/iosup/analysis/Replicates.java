package org.iosup.analysis;

import org.apache.commons.math3.distribution.TDistribution;

/**
 * A figure measured once per seed: its mean and the half-width of its 95% confidence interval,
 * Student's t with n - 1 degrees of freedom (the seeds are independent replicates; the interval is
 * mean ± t(0.975, n - 1) · s / √n with s the sample standard deviation).
 *
 * @param n        the seeds that gave a value
 * @param mean     their mean, or null when none did
 * @param ci95     the interval's half-width, or null for fewer than two values
 */
public record Replicates(int n, Double mean, Double ci95) {

    /** Of the values given; nulls (a figure a seed could not give) are left out. */
    public static Replicates of(Double... values) {
        int n = 0;
        double sum = 0;
        for (Double v : values) {
            if (v != null) {
                n++;
                sum += v;
            }
        }
        if (n == 0) {
            return new Replicates(0, null, null);
        }
        double mean = sum / n;
        if (n == 1) {
            return new Replicates(1, mean, null);
        }
        double ss = 0;
        for (Double v : values) {
            if (v != null) {
                ss += (v - mean) * (v - mean);
            }
        }
        double sd = Math.sqrt(ss / (n - 1));
        return new Replicates(n, mean, tQuantile975(n - 1) * sd / Math.sqrt(n));
    }

    /** Student's t at 0.975 for {@code df} degrees of freedom (12.706 for 1, 2.776 for 4, 1.960 in the limit). */
    public static double tQuantile975(int df) {
        return new TDistribution(null, df).inverseCumulativeProbability(0.975);
    }
}
