package org.iosup.calibrate;

import java.util.Arrays;
import java.util.function.Function;

/**
 * Bounded nonlinear least squares by Levenberg–Marquardt (Marquardt's scaling of the damping by
 * the diagonal of JᵀJ), with a forward-difference Jacobian and steps projected onto the bounds.
 * Small and deterministic: the problems here have a handful of parameters and targets.
 */
final class LeastSquares {
    /** The outcome: the parameters, the residuals there, whether it converged, and the iterations. */
    record Result(double[] x, double[] residuals, boolean converged, int iterations) {
        double sumOfSquares() {
            return sumSq(residuals);
        }
    }

    static final int MAX_ITERATIONS = 500;

    private LeastSquares() {
    }

    /**
     * Minimizes the sum of squared residuals {@code f(x)} for {@code x} within {@code [lo, hi]},
     * from {@code start}.
     */
    static Result minimize(Function<double[], double[]> f, double[] start, double[] lo, double[] hi) {
        int n = start.length;
        double[] x = clamp(start.clone(), lo, hi);
        double[] r = f.apply(x);
        double cost = sumSq(r);
        double lambda = 1e-3;
        for (int it = 1; it <= MAX_ITERATIONS; it++) {
            double[][] j = jacobian(f, x, r, lo, hi);
            int m = r.length;
            double[][] jtj = new double[n][n];
            double[] jtr = new double[n];
            for (int a = 0; a < n; a++) {
                for (int b = 0; b < n; b++) {
                    double s = 0;
                    for (int i = 0; i < m; i++) {
                        s += j[i][a] * j[i][b];
                    }
                    jtj[a][b] = s;
                }
                double s = 0;
                for (int i = 0; i < m; i++) {
                    s += j[i][a] * r[i];
                }
                jtr[a] = s;
            }
            double gradient = 0;
            for (double g : jtr) {
                gradient = Math.max(gradient, Math.abs(g));
            }
            if (!Double.isFinite(cost) || !Double.isFinite(gradient)) {
                return new Result(x, r, false, it); // a residual that is not a number: no fit
            }
            if (gradient < 1e-12 || cost < 1e-20) {
                return new Result(x, r, true, it);
            }
            boolean improved = false;
            for (int attempt = 0; attempt < 60 && !improved; attempt++) {
                double[][] a = new double[n][n];
                for (int p = 0; p < n; p++) {
                    a[p] = jtj[p].clone();
                    a[p][p] += lambda * Math.max(jtj[p][p], 1e-12);
                }
                double[] step = solve(a, negate(jtr));
                double[] next = clamp(add(x, step), lo, hi);
                double[] rn = f.apply(next);
                double cn = sumSq(rn);
                if (cn < cost) {
                    double moved = 0;
                    for (int p = 0; p < n; p++) {
                        moved = Math.max(moved, Math.abs(next[p] - x[p]) / Math.max(1, Math.abs(x[p])));
                    }
                    double drop = cost - cn;
                    x = next;
                    r = rn;
                    cost = cn;
                    lambda = Math.max(lambda / 3, 1e-12);
                    improved = true;
                    if (moved < 1e-12 || drop < 1e-16 * Math.max(1, cost)) {
                        return new Result(x, r, true, it);
                    }
                } else {
                    lambda *= 4;
                }
            }
            if (!improved) {
                // No step lowers the cost: a (bounded) minimum, if the gradient is small there.
                return new Result(x, r, gradient < 1e-6 * Math.max(1, cost) || atBoundsDownhill(x, jtr, lo, hi), it);
            }
        }
        return new Result(x, r, false, MAX_ITERATIONS);
    }

    /** Whether every parameter not at a bound has a negligible gradient (a minimum on the box's edge). */
    private static boolean atBoundsDownhill(double[] x, double[] jtr, double[] lo, double[] hi) {
        for (int p = 0; p < x.length; p++) {
            boolean atLo = x[p] <= lo[p] && jtr[p] > 0;
            boolean atHi = x[p] >= hi[p] && jtr[p] < 0;
            if (!atLo && !atHi && Math.abs(jtr[p]) > 1e-9) {
                return false;
            }
        }
        return true;
    }

    private static double[][] jacobian(Function<double[], double[]> f, double[] x, double[] r, double[] lo, double[] hi) {
        int n = x.length;
        double[][] j = new double[r.length][n];
        for (int p = 0; p < n; p++) {
            double h = Math.max(1e-6 * Math.abs(x[p]), 1e-4);
            double[] xp = x.clone();
            if (xp[p] + h > hi[p]) {
                h = -h; // step inward at the upper bound
            }
            xp[p] += h;
            double[] rp = f.apply(xp);
            for (int i = 0; i < r.length; i++) {
                j[i][p] = (rp[i] - r[i]) / h;
            }
        }
        return j;
    }

    /** Solves {@code a x = b} by Gaussian elimination with partial pivoting (a is small). */
    static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        double[][] m = new double[n][];
        for (int i = 0; i < n; i++) {
            m[i] = Arrays.copyOf(a[i], n + 1);
            m[i][n] = b[i];
        }
        for (int c = 0; c < n; c++) {
            int piv = c;
            for (int i = c + 1; i < n; i++) {
                if (Math.abs(m[i][c]) > Math.abs(m[piv][c])) {
                    piv = i;
                }
            }
            double[] t = m[c];
            m[c] = m[piv];
            m[piv] = t;
            if (Math.abs(m[c][c]) < 1e-300) {
                continue;
            }
            for (int i = c + 1; i < n; i++) {
                double k = m[i][c] / m[c][c];
                for (int q = c; q <= n; q++) {
                    m[i][q] -= k * m[c][q];
                }
            }
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double s = m[i][n];
            for (int q = i + 1; q < n; q++) {
                s -= m[i][q] * x[q];
            }
            x[i] = Math.abs(m[i][i]) < 1e-300 ? 0 : s / m[i][i];
        }
        return x;
    }

    private static double[] clamp(double[] x, double[] lo, double[] hi) {
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.min(hi[i], Math.max(lo[i], x[i]));
        }
        return x;
    }

    private static double[] add(double[] a, double[] b) {
        double[] c = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i] + b[i];
        }
        return c;
    }

    private static double[] negate(double[] a) {
        double[] c = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            c[i] = -a[i];
        }
        return c;
    }

    static double sumSq(double[] r) {
        double s = 0;
        for (double v : r) {
            s += v * v;
        }
        return s;
    }
}
