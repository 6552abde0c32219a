package org.iosup.cli;

import org.iosup.io.UserException;
import picocli.CommandLine;

import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * How every iosup command runs: a user's mistake ({@link UserException}, a bad option) prints one
 * line on standard error and exits with {@link #EXIT_USAGE}; a bug prints its stack trace and
 * exits with {@link #EXIT_BUG}. Success is 0.
 */
public final class Cli {
    /** Exit code of bad input or a bad invocation. */
    public static final int EXIT_USAGE = 2;
    /** Exit code of an internal error (a bug). */
    public static final int EXIT_BUG = 1;

    private Cli() {
    }

    /**
     * Standard output for the commands, in UTF-8 (a CSV written there must read back as it was, whatever the
     * locale), on the file descriptor itself: {@code System.out} is a PrintStream that keeps its errors to itself,
     * so that a write to a closed standard output could not be noticed ({@link PrintWriter#checkError()} of this
     * writer sees them).
     */
    public static PrintWriter standardOutput() {
        return new PrintWriter(new BufferedWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out),
                StandardCharsets.UTF_8), 1 << 16), true);
    }

    /** Configures a command line with iosup's error handling. */
    public static CommandLine configure(CommandLine cl) {
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        // Descriptions are written in lines of up to about 110 characters; wider help keeps them whole.
        cl.setUsageHelpWidth(120);
        cl.setExecutionExceptionHandler(Cli::onException);
        cl.setParameterExceptionHandler(Cli::onParameterError);
        return cl;
    }

    private static int onException(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        Throwable user = userCause(e);
        if (user != null) {
            err.println(prefix(cl) + "error: " + user.getMessage());
            err.flush();
            return EXIT_USAGE;
        }
        err.println(prefix(cl) + "internal error (a bug; please report it with the command line):");
        e.printStackTrace(err);
        err.flush();
        return EXIT_BUG;
    }

    private static Throwable userCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UserException) {
                return t;
            }
        }
        return null;
    }

    private static int onParameterError(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println(prefix(cl) + "error: " + e.getMessage());
        err.println("Try '" + cl.getCommandSpec().qualifiedName() + " --help' for usage.");
        err.flush();
        return EXIT_USAGE;
    }

    private static String prefix(CommandLine cl) {
        return cl.getCommandSpec().qualifiedName() + ": ";
    }
}
