package org.iosup.io;

/**
 * A mistake in the user's input or invocation (a bad file, row, value or option), as opposed to a
 * bug. The CLI prints its message as one line and exits with code 2, without a stack trace.
 */
public class UserException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UserException(String message) {
        super(message);
    }

    public UserException(String message, Throwable cause) {
        super(message, cause);
    }
}
