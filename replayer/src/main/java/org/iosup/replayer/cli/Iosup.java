package org.iosup.replayer.cli;

import org.iosup.cli.AnalyzeCommand;
import org.iosup.cli.Cli;
import org.iosup.cli.CompareCommand;
import org.iosup.cli.ExportCommand;
import org.iosup.cli.ImportCommand;
import org.iosup.cli.IngestCommand;
import org.iosup.cli.InspectCommand;
import org.iosup.cli.PlotCommand;
import org.iosup.cli.RecordCommand;
import org.iosup.cli.VersionProvider;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The {@code iosup} command: gathers every subcommand of the analyzer and the replayer.
 * Exit codes: 0 success, 2 bad input or invocation, 3 the system refused (a full disk), 1 internal
 * error. Only the command that is run is built: picocli reads each command's annotations by
 * reflection, and a command's classes (schemas, Parquet, charts) load only when it runs, which
 * keeps start-up short.
 */
@Command(name = "iosup", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {
            "Trace-driven analyzer and replayer of how guest page-table updates in a Xen PV guest with",
            "VT-d turn into IOTLB flushes, and of what a page-table cache (IOSUP) or another policy changes."
        })
public final class Iosup implements Runnable {
    /** Every command, in the order of the help, built when asked for. */
    private static final Map<String, Supplier<Object>> COMMANDS = new LinkedHashMap<>();
    /** The commands whose help lists the policy families (from {@link org.iosup.model.pool.PolicyFamilies}). */
    private static final java.util.Set<String> TAKE_POLICIES = java.util.Set.of("replay", "sweep");

    static {
        COMMANDS.put("demo", DemoCommand::new);
        COMMANDS.put("ingest", IngestCommand::new);
        COMMANDS.put("inspect", InspectCommand::new);
        COMMANDS.put("export", ExportCommand::new);
        COMMANDS.put("import", ImportCommand::new);
        COMMANDS.put("record", RecordCommand::new);
        COMMANDS.put("synth", SynthCommand::new);
        COMMANDS.put("replay", ReplayCommand::new);
        COMMANDS.put("analyze", AnalyzeCommand::new);
        COMMANDS.put("compare", CompareCommand::new);
        COMMANDS.put("calibrate", CalibrateCommand::new);
        COMMANDS.put("sweep", SweepCommand::new);
        COMMANDS.put("tune", TuneCommand::new);
        COMMANDS.put("sweep-nic", SweepNicCommand::new);
        COMMANDS.put("fleet", FleetCommand::new);
        COMMANDS.put("plot", PlotCommand::new);
        COMMANDS.put("bench", BenchCommand::new);
        COMMANDS.put("cds-training", CdsTrainingCommand::new);
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    /** The whole command line, every command built, with iosup's error handling (for help and tests). */
    public static CommandLine commandLine() {
        return commandLine(COMMANDS.keySet());
    }

    /**
     * The command line for {@code args}: only the command named first is built; every command when
     * the first argument names none (help, a mistyped command that gets suggestions); none for
     * {@code --version}.
     */
    static CommandLine commandLineFor(String[] args) {
        String first = args.length == 0 ? "" : args[0];
        if (COMMANDS.containsKey(first)) {
            return commandLine(List.of(first));
        }
        if (args.length == 1 && (first.equals("--version") || first.equals("-V"))) {
            return commandLine(List.of());
        }
        return commandLine(COMMANDS.keySet());
    }

    private static CommandLine commandLine(java.util.Collection<String> names) {
        CommandLine cl = new CommandLine(new Iosup());
        for (String name : names) {
            CommandLine sub = new CommandLine(COMMANDS.get(name).get());
            if (TAKE_POLICIES.contains(name)) {
                PolicyHelp.install(sub);
            }
            cl.addSubcommand(name, sub);
        }
        if (names.size() == COMMANDS.size()) {
            cl.addSubcommand("help", new CommandLine.HelpCommand());
        }
        return Cli.configure(cl);
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            // The answer scripts ask for most often, without building any command line.
            for (String line : new VersionProvider().getVersion()) {
                System.out.println(line);
            }
            System.exit(0);
        }
        int code;
        try {
            CommandLine cl = commandLineFor(args);
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
