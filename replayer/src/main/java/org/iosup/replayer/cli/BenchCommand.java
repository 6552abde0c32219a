package org.iosup.replayer.cli;

import org.iosup.cli.ImportBenchCommand;
import org.iosup.cli.StoreBenchCommand;
import org.iosup.cli.VersionProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code iosup bench}: the benchmarks the project keeps, one subcommand each, of both modules. */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Run the project's benchmarks (speed figures for the issues' targets).",
        subcommands = {StoreBenchCommand.class, ImportBenchCommand.class, ReplayBenchCommand.class,
            SynthBenchCommand.class, SweepBenchCommand.class})
public final class BenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }
}
