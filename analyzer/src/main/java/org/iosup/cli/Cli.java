package org.iosup.cli;

import org.iosup.io.Failures;
import org.iosup.io.Temporaries;
import org.iosup.io.UserException;
import picocli.CommandLine;

import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * How every iosup command runs: a user's mistake ({@link UserException}, a bad option) prints one
 * line on standard error and exits with {@link #EXIT_USAGE}; what the system refused (a full disk,
 * a read-only file system, a device error) prints one line naming the outputs being written and
 * exits with {@link #EXIT_SYSTEM}; a bug prints its stack trace and exits with {@link #EXIT_BUG}.
 * Success is 0. In every failing case no output is left behind.
 */
public final class Cli {
    /** Exit code of bad input or a bad invocation. */
    public static final int EXIT_USAGE = 2;
    /** Exit code of an internal error (a bug). */
    public static final int EXIT_BUG = 1;
    /** Exit code of a failure of the system: no space left on device, quota, read-only file system, I/O error. */
    public static final int EXIT_SYSTEM = 3;

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
        // Each command's report of a failure names only the outputs it began itself.
        CommandLine.IExecutionStrategy run = new CommandLine.RunLast();
        cl.setExecutionStrategy(parsed -> {
            Temporaries.drainUnfinished();
            return run.execute(parsed);
        });
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
        java.io.IOException system = Failures.systemCause(e);
        if (system != null) {
            List<java.nio.file.Path> writing = Temporaries.drainUnfinished();
            err.println(prefix(cl) + "error: " + Failures.reason(system).toLowerCase(java.util.Locale.ROOT)
                    + (writing.isEmpty() ? "" : " while writing " + writing.stream().map(String::valueOf)
                            .collect(java.util.stream.Collectors.joining(", ")))
                    + "; nothing was written");
            err.flush();
            return EXIT_SYSTEM;
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

    /** A bad invocation: one line, with picocli's suggestions for a mistyped command or option. */
    private static int onParameterError(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        String message = e.getMessage();
        if (e instanceof CommandLine.UnmatchedArgumentException u) {
            message = unmatched(u, cl);
        }
        err.println(prefix(cl) + "error: " + message + " (see '" + cl.getCommandSpec().qualifiedName() + " --help')");
        err.flush();
        return EXIT_USAGE;
    }

    private static String unmatched(CommandLine.UnmatchedArgumentException u, CommandLine cl) {
        List<String> given = u.getUnmatched();
        String first = given.isEmpty() ? "" : given.get(0);
        boolean option = first.startsWith("-");
        boolean command = !option && !cl.getSubcommands().isEmpty();
        String what = option ? "unknown option '" + first + "'"
                : command ? "unknown command '" + first + "'" : "unexpected argument '" + first + "'";
        List<String> suggestions = u.getSuggestions().stream().filter(x -> !x.equals(first)).limit(3).toList();
        if (!suggestions.isEmpty()) {
            what += "; did you mean " + suggestions.stream().map(x -> "'" + x + "'")
                    .collect(java.util.stream.Collectors.joining(" or ")) + "?";
        } else if (command) {
            what += " (commands: " + String.join(", ", cl.getSubcommands().keySet()) + ")";
        }
        return what;
    }

    private static String prefix(CommandLine cl) {
        return cl.getCommandSpec().qualifiedName() + ": ";
    }
}
