package org.iosup.trace.perf;

import org.iosup.io.UserException;
import org.iosup.trace.TraceFormatException;

/**
 * What the import does with a malformed line or a number out of range: under {@code strict} it
 * stops with an error naming the input and the line; else it counts the line in the report, with
 * the first line numbers.
 */
final class BadLines {
    /** Ends the handling of a sample found out of range, once counted (one instance, no stack trace). */
    static final class Skip extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Skip() {
            super(null, null, false, false);
        }
    }

    private static final Skip SKIP = new Skip();

    private final String source;
    private final boolean strict;
    private final ImportReport report;

    BadLines(String source, boolean strict, ImportReport report) {
        this.source = source;
        this.strict = strict;
        this.report = report;
    }

    void malformed(long no, String why) {
        if (strict) {
            throw new UserException(source + " line " + no + ": malformed: " + why + " (--strict)");
        }
        report.malformed++;
        if (report.malformedLines.size() < ImportReport.FIRST_LINES) {
            report.malformedLines.add(no);
        }
    }

    /** A number of line {@code no} out of range: an error under --strict, else counted; the sample is skipped. */
    Skip outOfRange(long no, String what, String written, String range) {
        String why = what + " '" + TraceFormatException.shown(written) + "' out of range " + range;
        if (strict) {
            throw new UserException(source + " line " + no + ": " + why + " (--strict)");
        }
        report.outOfRange++;
        if (report.outOfRangeLines.size() < ImportReport.FIRST_LINES) {
            report.outOfRangeLines.add(no);
        }
        return SKIP;
    }
}
