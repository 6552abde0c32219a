package org.iosup.io;

/**
 * A mistake in the user's input or invocation (a bad file, row, value or option), as opposed to a
 * bug. The CLI prints its message as one line and exits with code 2, without a stack trace: control
 * characters in the message (say, of a column name read from a damaged file) are escaped.
 */
public class UserException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UserException(String message) {
        super(oneLine(message));
    }

    public UserException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    /** The text with control characters escaped: a newline as a backslash and n, others as a backslash, u and 4 hex digits. */
    public static String oneLine(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder b = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean control = Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
            if (control && b == null) {
                b = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (b == null) {
                continue;
            }
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (control) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b == null ? text : b.toString();
    }
}
