package org.iosup.testing;

import org.iosup.cli.Cli;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs a picocli command in-process with iosup's error handling and captures its output. */
public final class CliRun {
    public final int exitCode;
    public final String out;
    public final String err;

    private CliRun(int exitCode, String out, String err) {
        this.exitCode = exitCode;
        this.out = out;
        this.err = err;
    }

    /** Runs {@code command} (a picocli command object) with {@code args}. */
    public static CliRun run(Object command, String... args) {
        StringWriter out = new StringWriter();
        CliRun r = run(new PrintWriter(out, true), command, args);
        return new CliRun(r.exitCode, out.toString(), r.err);
    }

    /** Runs {@code command} with its standard output going to {@code out} (whose text {@link #out} then does not hold). */
    public static CliRun run(PrintWriter out, Object command, String... args) {
        StringWriter err = new StringWriter();
        CommandLine cl = Cli.configure(new CommandLine(command));
        cl.setOut(out);
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new CliRun(code, "", err.toString());
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
    }
}
