package org.iosup.trace;

import org.iosup.io.UserException;

/**
 * A trace that breaks the event schema. The message names where (file and line, or file and
 * row), the column, the bad value and what is wrong with it, in one line: values are shown with
 * line breaks and other control characters escaped, and cut after {@value #SHOWN} characters.
 */
public final class TraceFormatException extends UserException {
    private static final long serialVersionUID = 1L;
    /** Characters of a value shown in a message; a longer one is cut, with its length. */
    public static final int SHOWN = 64;

    private final String where;
    private final String column;

    public TraceFormatException(String where, String column, String value, String problem) {
        super(where + ": " + (column == null ? "" : "column '" + shown(column) + "'"
                + (value == null ? "" : " value '" + shown(value) + "'") + ": ") + problem);
        this.where = where;
        this.column = column;
    }

    /** File and line or row, e.g. {@code trace.csv line 7}. */
    public String where() {
        return where;
    }

    /** The column at fault, or null when the row as a whole is. */
    public String column() {
        return column;
    }

    /**
     * A value as an error message shows it, on one line: control characters escaped ({@code \n},
     * {@code \r}, {@code \t}, {@code \}{@code uXXXX}), and only its first {@value #SHOWN} characters, followed by
     * {@code ... (N characters)}, when it is longer.
     */
    public static String shown(String value) {
        int n = value.length();
        int end = Math.min(n, SHOWN);
        if (end < n && Character.isHighSurrogate(value.charAt(end - 1))) {
            end--;
        }
        StringBuilder s = new StringBuilder(end + 24);
        for (int i = 0; i < end; i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\n' -> s.append("\\n");
                case '\r' -> s.append("\\r");
                case '\t' -> s.append("\\t");
                default -> {
                    if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                        s.append(String.format("\\u%04x", (int) c));
                    } else {
                        s.append(c);
                    }
                }
            }
        }
        if (n > SHOWN) {
            s.append(String.format(java.util.Locale.ROOT, "... (%,d characters)", n));
        }
        return s.toString();
    }
}
