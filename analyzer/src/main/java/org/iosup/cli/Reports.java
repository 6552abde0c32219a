package org.iosup.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Small shared formatting of what a command did, printed on standard error. */
public final class Reports {
    private Reports() {
    }

    static void done(PrintWriter err, String command, long rows, Path output, long startNanos) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        err.printf(Locale.ROOT, "iosup %s: %s -> %s (%s) in %.2f s (%,.0f rows/s)%n",
                command, org.iosup.report.Numbers.count(rows, "row"), output, size(output), seconds, rows / Math.max(seconds, 1e-9));
        err.flush();
    }



    static String size(Path p) {
        try {
            return bytes(Files.size(p));
        } catch (IOException e) {
            return "size unknown";
        }
    }

    public static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        if (n < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
        }
        if (n < 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MiB", n / (1024.0 * 1024));
        }
        return String.format(Locale.ROOT, "%.2f GiB", n / (1024.0 * 1024 * 1024));
    }
}
