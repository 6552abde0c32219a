package org.iosup.spark.cli;

import org.apache.spark.sql.SparkSession;
import org.iosup.analysis.Durations;
import org.iosup.cli.Mixins;
import org.iosup.cli.VersionProvider;
import org.iosup.model.CostProfile;
import org.iosup.model.pool.PolicySpec;
import org.iosup.spark.FleetSweep;
import org.iosup.spark.ReplayJob;
import org.iosup.sweep.Grid;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code iosup fleet sweep}: a grid of policies over every trace of a fleet, on Spark. */
@Command(name = "sweep", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, sortOptions = false,
        header = "Sweep a grid of policies over every trace of a fleet, on Spark.",
        description = {
            "Expands each --grid as 'iosup sweep' does and cuts the work into (trace, --chunk policies) tasks, each one",
            "read of its trace. Writes OUTDIR/traces.csv (each trace's sweep figures per policy), OUTDIR/fleet-summary.csv",
            "(per policy, each figure's distribution across hosts), OUTDIR/failed.csv and manifest.json (schemas/README.md)."
        })
public final class FleetSweepCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FLEET", description = "The fleet's folder (a path or a Hadoop URI).")
    String fleet;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUTDIR",
            description = "Output folder; replaced only when an earlier fleet sweep wrote it.")
    String output;

    @Option(names = "--grid", paramLabel = "GRID", description = "A --policy spec with alternatives in braces, repeatable, as sweep's.")
    List<String> grids = new ArrayList<>();

    @Option(names = "--policy", paramLabel = "SPEC", description = "One more policy, repeatable.")
    List<String> policies = new ArrayList<>();

    @Option(names = "--chunk", defaultValue = "25", paramLabel = "N",
            description = "Policies per task (default: ${DEFAULT-VALUE}): fewer gives more tasks to spread.")
    int chunk;

    @Option(names = "--profile", defaultValue = "xen-4.2.1", paramLabel = "NAME",
            description = "Hypervisor profile (default: ${DEFAULT-VALUE}).")
    String profile;

    @Option(names = "--costs", paramLabel = "PROFILE", defaultValue = CostProfile.DEFAULT_NAME,
            description = "CPU cost profile, as replay's (default: ${DEFAULT-VALUE}).")
    String costs;

    @Option(names = "--cost", paramLabel = "NAME=VALUE", description = "Override one cost, repeatable, as replay's.")
    List<String> costOverrides = new ArrayList<>();

    @Option(names = "--warmup", defaultValue = "5m", paramLabel = "TIME",
            description = "Minutes left out of the rates, as sweep's (default: ${DEFAULT-VALUE}).")
    String warmup;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master, e.g. local[2] (default: spark-submit's, else " + Fleet.DEFAULT_MASTER + ").")
    String master;

    @Option(names = "--fail-fast", description = "Stop at the first trace that fails, writing nothing.")
    boolean failFast;

    @Mixin
    Mixins.Quiet quiet;

    @Override
    public Integer call() {
        List<PolicySpec> specs = Grid.specs(grids, policies);
        ReplayJob job = new ReplayJob(List.of(), profile, null, costs, costOverrides, false,
                Durations.wholeMinutes(warmup, "--warmup"));
        SparkSession spark = Fleet.session("iosup fleet sweep", master);
        try {
            FleetSweep.Result r = FleetSweep.run(spark, fleet, output, specs, job, chunk, failFast);
            if (!quiet.on()) {
                PrintWriter out = spec.commandLine().getOut();
                out.printf(Locale.ROOT, "%d traces x %d policies in %d tasks, %d failed, in %.1f s -> %s%n", r.traces(),
                        r.policies(), r.tasks(), r.failed(), r.seconds(), output);
                out.flush();
            }
            return 0;
        } finally {
            spark.stop();
        }
    }
}
