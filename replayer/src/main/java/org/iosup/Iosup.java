package org.iosup;

import org.iosup.cli.AnalyzeCommand;
import org.iosup.cli.BenchCommand;
import org.iosup.cli.Cli;
import org.iosup.cli.CompareCommand;
import org.iosup.cli.DemoCommand;
import org.iosup.cli.ExportCommand;
import org.iosup.cli.ImportCommand;
import org.iosup.cli.IngestCommand;
import org.iosup.cli.InspectCommand;
import org.iosup.cli.PlotCommand;
import org.iosup.cli.RecordCommand;
import org.iosup.cli.ReplayBenchCommand;
import org.iosup.cli.ReplayCommand;
import org.iosup.cli.SynthBenchCommand;
import org.iosup.cli.SynthCommand;
import org.iosup.cli.VersionProvider;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code iosup} command: gathers every subcommand of the analyzer and the replayer.
 * Exit codes: 0 success, 2 bad input or invocation, 1 internal error.
 */
@Command(name = "iosup", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {
            "Trace-driven analyzer and replayer of how guest page-table updates in a Xen PV guest with",
            "VT-d turn into IOTLB flushes, and of what a page-table cache (IOSUP) or another policy changes."
        },
        subcommands = {
            DemoCommand.class,
            IngestCommand.class,
            InspectCommand.class,
            ExportCommand.class,
            ImportCommand.class,
            RecordCommand.class,
            SynthCommand.class,
            ReplayCommand.class,
            AnalyzeCommand.class,
            CompareCommand.class,
            PlotCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Iosup implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    /** Builds the command line with iosup's error handling (used by {@link #main} and tests). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Iosup());
        // Benchmarks of the replayer join the analyzer's 'bench' command.
        cl.getSubcommands().get("bench").addSubcommand(new ReplayBenchCommand());
        cl.getSubcommands().get("bench").addSubcommand(new SynthBenchCommand());
        return Cli.configure(cl);
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        int code;
        try {
            CommandLine cl = commandLine();
            cl.setOut(Cli.standardOutput());
            code = cl.execute(args);
            cl.getOut().flush();
        } catch (Throwable t) {
            // Errors (not Exceptions) bypass picocli's handler: still a clear report and exit code.
            System.err.println("iosup: internal error (a bug; please report it with the command line):");
            t.printStackTrace();
            code = Cli.EXIT_BUG;
        }
        System.exit(code);
    }
}
