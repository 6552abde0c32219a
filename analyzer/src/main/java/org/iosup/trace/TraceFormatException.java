package org.iosup.trace;

import org.iosup.io.UserException;

/**
 * A trace that breaks the event schema. The message names where (file and line, or file and
 * row), the column, the bad value and what is wrong with it, in one line.
 */
public final class TraceFormatException extends UserException {
    private static final long serialVersionUID = 1L;

    private final String where;
    private final String column;

    public TraceFormatException(String where, String column, String value, String problem) {
        super(where + ": " + (column == null ? "" : "column '" + column + "'"
                + (value == null ? "" : " value '" + printable(value) + "'") + ": ") + problem);
        this.where = where;
        this.column = column;
    }

    /** Longest value shown whole in a message. */
    private static final int SHOWN = 100;

    /**
     * A value as shown in a one-line message: control characters escaped (a newline as a backslash
     * and n, others as a backslash, u and 4 hex digits), and a value longer than {@value #SHOWN}
     * characters cut, with its length.
     */
    static String printable(String value) {
        StringBuilder b = new StringBuilder(UserException.oneLine(value.substring(0, Math.min(value.length(), SHOWN))));
        if (value.length() > SHOWN) {
            b.append("... (").append(value.length()).append(" characters)");
        }
        return b.toString();
    }

    /** File and line or row, e.g. {@code trace.csv line 7}. */
    public String where() {
        return where;
    }

    /** The column at fault, or null when the row as a whole is. */
    public String column() {
        return column;
    }
}
