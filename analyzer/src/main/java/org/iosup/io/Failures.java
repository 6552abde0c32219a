package org.iosup.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.Locale;

/**
 * Words for what the operating system refused. A full disk, an exceeded quota, a read-only file
 * system or a device error is not the user's mistake nor a bug: the CLI reports it in one line
 * with its own exit code ({@code Cli.EXIT_SYSTEM}), naming the outputs that were being written.
 */
public final class Failures {
    private static final String[] SYSTEM_REASONS = {
        "no space left on device", "disk quota exceeded", "read-only file system", "input/output error",
        "stale file handle", "too many open files", "file too large"
    };

    private Failures() {
    }

    /** A short reason for {@code e}: the system's words ("No space left on device"), without Java class names. */
    public static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or folder";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** The I/O failure of the system (full disk and the like) behind {@code t}, or null. */
    public static IOException systemCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof IOException io && isSystem(io)) {
                return io;
            }
            for (Throwable s : c.getSuppressed()) {
                IOException io = systemCause(s);
                if (io != null) {
                    return io;
                }
            }
        }
        return null;
    }

    private static boolean isSystem(IOException e) {
        String m = reason(e).toLowerCase(Locale.ROOT);
        for (String r : SYSTEM_REASONS) {
            if (m.contains(r)) {
                return true;
            }
        }
        return false;
    }
}
