package org.iosup.report;

/** Numbers as people write them in messages, help and tables. */
public final class Numbers {
    private Numbers() {
    }

    /** A whole number without a decimal point ({@code 200}), any other as Java writes it ({@code 0.5}). */
    public static String plain(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    /** A PCI requester id as bus:device.function, e.g. 256 as {@code 01:00.0}. */
    public static String bdf(int id) {
        return String.format(java.util.Locale.ROOT, "%02x:%02x.%x", id >>> 8, (id >>> 3) & 0x1f, id & 7);
    }

    /** {@code n} and its unit, singular for 1: "1 minute", "2 minutes", "1,024 rows". */
    public static String count(long n, String unit) {
        return String.format(java.util.Locale.ROOT, "%,d %s", n, n == 1 ? unit : unit + "s");
    }
}
