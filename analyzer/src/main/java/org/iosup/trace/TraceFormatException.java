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
                + (value == null ? "" : " value '" + value + "'") + ": ") + problem);
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
}
