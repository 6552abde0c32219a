package org.iosup.report;

/** Numbers as people write them in messages, help and tables. */
public final class Numbers {
    private Numbers() {
    }

    /** A whole number without a decimal point ({@code 200}), any other as Java writes it ({@code 0.5}). */
    public static String plain(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
