package org.iosup.trace.perf;

import java.nio.charset.StandardCharsets;

/**
 * Byte-level parsing of the lines {@code perf script} prints, without regular expressions or a
 * String per line. A sample line is {@code COMM PID[/TID] [CPU] SECS.FRAC: EVENT: PAYLOAD}, the
 * process name right-aligned (so the line may start with spaces) and free to hold spaces,
 * brackets and colons; a call-chain line is an indented hexadecimal address and a symbol.
 */
final class PerfLine {
    /** What a decimal or hexadecimal number that does not fit in 63 bits reads as ({@link #number}). */
    static final long TOO_BIG = -2;
    /** Where numbers of the sample header stop growing: beyond every range they are checked against. */
    private static final long CAP = 1L << 40;
    /** The largest whole seconds whose nanoseconds fit in a long. */
    private static final long MAX_SECONDS = (Long.MAX_VALUE - 999_999_999L) / 1_000_000_000L;

    byte[] buf;
    int start;
    int end;
    // The parsed sample header. Numbers are as written, up to 2^40 (a larger one reads as 2^40): the importer
    // checks them against the events schema. timeNs is -1 when the seconds overflow a long's nanoseconds.
    int commStart;
    int commEnd;
    long pid;
    long tid;
    long cpu;
    long timeNs;
    /** Where the PID[/TID] (perf) or PID (trace-cmd), the CPU and the time are written, for messages. */
    int idStart;
    int idEnd;
    int cpuStart;
    int cpuEnd;
    int timeStart;
    int timeEnd;
    int eventStart;
    int eventEnd;
    int payloadStart;

    void set(byte[] b, int from, int to) {
        buf = b;
        start = from;
        end = to;
    }

    boolean isBlank() {
        for (int i = start; i < end; i++) {
            if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\r') {
                return false;
            }
        }
        return true;
    }

    /**
     * Parses the line as a perf script sample header: the first {@code [CPU]} that is preceded by
     * {@code PID[/TID]} and followed by a timestamp and an event name.
     */
    boolean parseSample() {
        return parse(false);
    }

    /**
     * Parses the line as a {@code trace-cmd report} event: {@code COMM-PID [CPU] [FLAGS] SECS.FRAC:
     * EVENT: PAYLOAD}, the name right-aligned. Its pid is the task's (a thread's own id).
     */
    boolean parseTraceCmdSample() {
        return parse(true);
    }

    private boolean parse(boolean traceCmd) {
        for (int i = start; i < end; i++) {
            if (buf[i] == '[' && cpuAndTime(i) >= 0 && (traceCmd ? dashPid(i) : pidTid(i))) {
                return true;
            }
        }
        return false;
    }

    /** perf: before the '[' at {@code open}, spaces, then PID or PID/TID, then spaces, then the name. */
    private boolean pidTid(int open) {
        int j = lastNonSpaceBefore(open);
        int idEnd = j + 1;
        while (j >= start && (isDigit(buf[j]) || buf[j] == '/')) {
            j--;
        }
        int idStart = j + 1;
        if (idStart == idEnd || !isDigit(buf[idStart]) || (j >= start && buf[j] != ' ')) {
            return false;
        }
        long a = 0;
        long b = -1;
        for (int k = idStart; k < idEnd; k++) {
            if (buf[k] == '/') {
                b = 0;
            } else if (b < 0) {
                a = Math.min(CAP, a * 10 + (buf[k] - '0'));
            } else {
                b = Math.min(CAP, b * 10 + (buf[k] - '0'));
            }
        }
        pid = a;
        tid = b < 0 ? a : b;
        this.idStart = idStart;
        this.idEnd = idEnd;
        comm(j + 1);
        return true;
    }

    /** trace-cmd: before the '[' at {@code open}, spaces, then -PID right after the name. */
    private boolean dashPid(int open) {
        int j = lastNonSpaceBefore(open);
        int idEnd = j + 1;
        while (j >= start && isDigit(buf[j])) {
            j--;
        }
        if (j + 1 == idEnd || j <= start || buf[j] != '-') {
            return false;
        }
        long a = 0;
        for (int k = j + 1; k < idEnd; k++) {
            a = Math.min(CAP, a * 10 + (buf[k] - '0'));
        }
        pid = a;
        tid = a;
        idStart = j + 1;
        this.idEnd = idEnd;
        comm(j);
        return true;
    }

    /** The position of the last character before {@code at} that is not a space (start - 1 if none). */
    private int lastNonSpaceBefore(int at) {
        int j = at - 1;
        while (j >= start && buf[j] == ' ') {
            j--;
        }
        return j;
    }

    /** The name ends at {@code ce} (exclusive), spaces around it trimmed. */
    private void comm(int ce) {
        ce = lastNonSpaceBefore(ce) + 1;
        int cs = start;
        while (cs < ce && buf[cs] == ' ') {
            cs++;
        }
        commStart = cs;
        commEnd = ce;
    }

    /**
     * From the '[' at {@code open}: {@code [CPU]}, spaces, an optional flags field (trace-cmd's
     * {@code d..2.}), {@code SECS.FRAC:} and an event name ending in ':'. Sets cpu, timeNs, the event
     * and the payload; returns the position after the event name, or -1.
     */
    private int cpuAndTime(int open) {
        int i = open + 1;
        long c = 0;
        int digits = 0;
        while (i < end && isDigit(buf[i])) {
            c = Math.min(CAP, c * 10 + (buf[i++] - '0'));
            digits++;
        }
        if (digits == 0 || i >= end || buf[i] != ']') {
            return -1;
        }
        int cs = open + 1;
        int ce = i;
        i++;
        while (i < end && buf[i] == ' ') {
            i++;
        }
        int ts = i;
        int t = time(i);
        if (t < 0) {
            // A flags field before the time.
            while (i < end && buf[i] != ' ' && buf[i] != ':') {
                i++;
            }
            while (i < end && buf[i] == ' ') {
                i++;
            }
            ts = i;
            t = time(i);
            if (t < 0) {
                return -1;
            }
        }
        timeStart = ts;
        timeEnd = t - 1;
        cpuStart = cs;
        cpuEnd = ce;
        i = t;
        while (i < end && buf[i] == ' ') {
            i++;
        }
        // EVENT: the token up to the colon before a space (or the line's end).
        int ev = i;
        while (i < end && buf[i] != ' ') {
            i++;
        }
        if (i == ev || buf[i - 1] != ':') {
            return -1;
        }
        cpu = c;
        eventStart = ev;
        eventEnd = i - 1;
        payloadStart = Math.min(end, i + 1);
        return i;
    }

    /** Parses {@code SECS.FRAC:} at {@code i} into timeNs; the position after the colon, or -1. */
    private int time(int i) {
        long secs = 0;
        int d = 0;
        while (i < end && isDigit(buf[i])) {
            secs = Math.min(MAX_SECONDS + 1, secs * 10 + (buf[i++] - '0'));
            d++;
        }
        if (d == 0 || i >= end || buf[i] != '.') {
            return -1;
        }
        i++;
        long frac = 0;
        int fd = 0;
        while (i < end && isDigit(buf[i])) {
            if (fd < 9) {
                frac = frac * 10 + (buf[i] - '0');
                fd++;
            }
            i++;
        }
        if (fd == 0 || i >= end || buf[i] != ':') {
            return -1;
        }
        for (int k = fd; k < 9; k++) {
            frac *= 10;
        }
        timeNs = secs > MAX_SECONDS ? -1 : secs * 1_000_000_000L + frac;
        return i + 1;
    }

    /** Whether this is a trace-cmd stack line, {@code => symbol (address)}; the symbol's range into {@code range}. */
    boolean stackSymbol(int[] range) {
        int i = start;
        while (i < end && (buf[i] == ' ' || buf[i] == '\t')) {
            i++;
        }
        if (i + 2 >= end || buf[i] != '=' || buf[i + 1] != '>' || buf[i + 2] != ' ') {
            return false;
        }
        return symbol(i + 3, range);
    }

    boolean startsWith(byte[] prefix) {
        return end - start >= prefix.length && equals(start, start + prefix.length, prefix);
    }

    /** Whether this is a call-chain line (an indented hex address); the symbol's range into {@code range}. */
    /** Whether the line's first character other than a space is a tab (as before perf's call-chain addresses). */
    boolean tabbed() {
        int i = start;
        while (i < end && buf[i] == ' ') {
            i++;
        }
        return i < end && buf[i] == '\t';
    }

    boolean chainSymbol(int[] range) {
        int i = start;
        if (i >= end || (buf[i] != ' ' && buf[i] != '\t')) {
            return false;
        }
        while (i < end && (buf[i] == ' ' || buf[i] == '\t')) {
            i++;
        }
        int h = i;
        while (i < end && isHex(buf[i])) {
            i++;
        }
        if (i == h || i >= end || buf[i] != ' ') {
            return false;
        }
        return symbol(i + 1, range);
    }

    /** The symbol from {@code s} up to its offset ({@code +0x..}), a space or the line's end, into {@code range}. */
    private boolean symbol(int s, int[] range) {
        int i = s;
        while (i < end && buf[i] != '+' && buf[i] != ' ' && buf[i] != '\r') {
            i++;
        }
        range[0] = s;
        range[1] = i;
        return true;
    }

    /** Whether the line holds {@code LOST} (perf's and trace-cmd's lost records). */
    boolean containsLost() {
        for (int i = start; i + 4 <= end; i++) {
            if (buf[i] == 'L' && buf[i + 1] == 'O' && buf[i + 2] == 'S' && buf[i + 3] == 'T') {
                return true;
            }
        }
        return false;
    }

    String comm() {
        return new String(buf, commStart, commEnd - commStart, StandardCharsets.UTF_8);
    }

    boolean eventIs(byte[] name) {
        return equals(eventStart, eventEnd, name);
    }

    boolean equals(int from, int to, byte[] name) {
        if (to - from != name.length) {
            return false;
        }
        for (int k = 0; k < name.length; k++) {
            if (buf[from + k] != name[k]) {
                return false;
            }
        }
        return true;
    }

    String event() {
        return new String(buf, eventStart, eventEnd - eventStart, StandardCharsets.UTF_8);
    }

    /** Position just after {@code key} in the payload (a key such as {@code "pfn="}), or -1. */
    int find(byte[] key) {
        outer:
        for (int i = payloadStart; i + key.length <= end; i++) {
            if (i > payloadStart && buf[i - 1] != ' ') {
                continue;
            }
            for (int k = 0; k < key.length; k++) {
                if (buf[i + k] != key[k]) {
                    continue outer;
                }
            }
            return i + key.length;
        }
        return -1;
    }

    /**
     * The hexadecimal number at {@code at}, with or without 0x, all 64 bits (kernel pointers and
     * addresses with the top bit set); {@code none} if there is none, {@code tooBig} if it has more
     * than 64 bits.
     */
    long hex64(int at, long none, long tooBig) {
        if (at < 0) {
            return none;
        }
        if (at + 1 < end && buf[at] == '0' && (buf[at + 1] == 'x' || buf[at + 1] == 'X')) {
            at += 2;
        }
        long v = 0;
        int i = at;
        boolean big = false;
        for (; i < end && isHex(buf[i]); i++) {
            big |= (v >>> 60) != 0;
            v = v << 4 | Character.digit(buf[i], 16);
        }
        return i == at ? none : big ? tooBig : v;
    }

    /**
     * The number at {@code at}: hexadecimal with 0x, or when {@code hex}, else decimal; -1 if none,
     * {@link #TOO_BIG} if it does not fit in 63 bits.
     */
    long number(int at, boolean hex) {
        if (at < 0 || at >= end) {
            return -1;
        }
        int i = at;
        if (i + 1 < end && buf[i] == '0' && (buf[i + 1] == 'x' || buf[i + 1] == 'X')) {
            hex = true;
            i += 2;
        }
        long v = 0;
        int n = 0;
        boolean big = false;
        long limit = hex ? Long.MAX_VALUE >>> 4 : Long.MAX_VALUE / 10;
        while (i < end && (hex ? isHex(buf[i]) : isDigit(buf[i]))) {
            int d = hex ? Character.digit(buf[i], 16) : buf[i] - '0';
            if (v > limit || (!hex && v == limit && d > 7)) {
                big = true;
            } else {
                v = hex ? v << 4 | d : v * 10 + d;
            }
            i++;
            n++;
        }
        return n == 0 ? -1 : big ? TOO_BIG : v;
    }

    /** The text from {@code at} up to {@code stop} (a following key such as {@code " child_pid="}) or the end. */
    String text(int at, byte[] stop) {
        int e = end;
        if (stop != null) {
            for (int i = at; i + stop.length <= end; i++) {
                boolean match = true;
                for (int k = 0; k < stop.length; k++) {
                    if (buf[i + k] != stop[k]) {
                        match = false;
                        break;
                    }
                }
                if (match) {
                    e = i;
                    break;
                }
            }
        }
        return new String(buf, at, e - at, StandardCharsets.UTF_8).strip();
    }

    String line() {
        return new String(buf, start, end - start, StandardCharsets.UTF_8);
    }

    /** The text of {@code buf[from, to)}. */
    String text(int from, int to) {
        return new String(buf, from, to - from, StandardCharsets.UTF_8);
    }

    /** The word (up to a space or the line's end) at {@code at}. */
    String word(int at) {
        int e = at;
        while (e < end && buf[e] != ' ') {
            e++;
        }
        return text(at, e);
    }

    static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    static boolean isHex(byte b) {
        return isDigit(b) || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
