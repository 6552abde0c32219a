package org.iosup.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * perf script text rewritten in the layout of {@code trace-cmd report -t}: nanosecond timestamps,
 * {@code COMM-TID [CPU] SECS.NS: EVENT: PAYLOAD}, and a {@code kernel_stack} record 1 ns after each
 * event with a call chain, on its CPU, with {@code => symbol (address)} lines; all records sorted by
 * time across CPUs, as trace-cmd merges its per-CPU buffers.
 */
public final class TraceCmdText {
    private static final Pattern SAMPLE = Pattern.compile("^\\s*(.+?)\\s+(\\d+)/(\\d+)\\s+\\[(\\d+)\\]\\s+(\\d+)\\.(\\d+):\\s+(\\S+):\\s?(.*)$");
    private static final Pattern FRAME = Pattern.compile("^\\s+([0-9a-f]+) (\\S+?)(\\+0x[0-9a-f]+)?( \\(.*\\))?$");

    /** One event of the converted text, with its kernel_stack record. */
    private record Rec(long ts, long seq, int cpu, String text) {
    }

    private TraceCmdText() {
    }

    /** The perf script text read from {@code in}, in trace-cmd's layout (lines perf's parser would not take are left out). */
    public static String fromPerf(BufferedReader in) {
        List<Rec> recs = new ArrayList<>();
        long seq = 0;
        try {
            String head = null;
            int cpu = 0;
            long ts = 0;
            String who = null;
            StringBuilder stack = new StringBuilder();
            while (true) {
                String l = in.readLine();
                Matcher s = l == null ? null : SAMPLE.matcher(l);
                boolean isSample = s != null && s.matches();
                Matcher f = l == null || isSample ? null : FRAME.matcher(l);
                if (f != null && f.matches() && head != null) {
                    stack.append("=> ").append(f.group(2)).append(" (").append(f.group(1)).append(")\n");
                    continue;
                }
                if (head != null && (l == null || isSample || l.isBlank())) {
                    recs.add(new Rec(ts, seq++, cpu, head));
                    if (stack.length() > 0) {
                        recs.add(new Rec(ts + 1, seq++, cpu, String.format(Locale.ROOT, "%s [%03d] %s: kernel_stack:         "
                                + "<stack trace >%n", who, cpu, secs(ts + 1)) + stack));
                    }
                    head = null;
                    stack.setLength(0);
                }
                if (l == null) {
                    break;
                }
                if (isSample) {
                    cpu = Integer.parseInt(s.group(4));
                    String frac = (s.group(6) + "000000000").substring(0, 9);
                    ts = Long.parseLong(s.group(5)) * 1_000_000_000L + Long.parseLong(frac);
                    String event = s.group(7).substring(s.group(7).indexOf(':') + 1);
                    who = String.format(Locale.ROOT, "%16s-%s", s.group(1), s.group(3));
                    head = String.format(Locale.ROOT, "%s [%03d] %s: %-21s %s%n", who, cpu, secs(ts), event + ":", s.group(8));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        recs.sort(Comparator.comparingLong(Rec::ts).thenComparingLong(Rec::seq));
        StringBuilder text = new StringBuilder("cpus=2\n");
        for (Rec r : recs) {
            text.append(r.text());
        }
        return text.toString();
    }

    private static String secs(long ns) {
        return String.format(Locale.ROOT, "%d.%09d", ns / 1_000_000_000L, ns % 1_000_000_000L);
    }
}
