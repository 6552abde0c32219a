package org.iosup.spark.cli;

import org.iosup.cli.Mixins;
import org.iosup.cli.VersionProvider;
import org.iosup.model.pool.PolicySpec;
import org.iosup.spark.FleetSweep;
import org.iosup.spark.ReplayJob;
import org.iosup.sweep.Grid;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
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

    @Mixin
    FleetOptions fleet;

    @Mixin
    FleetOptions.Model model;

    @Option(names = "--grid", paramLabel = "GRID", description = "A --policy spec with alternatives in braces, repeatable, as sweep's.")
    List<String> grids = new ArrayList<>();

    @Option(names = "--policy", paramLabel = "SPEC", description = "One more policy, repeatable.")
    List<String> policies = new ArrayList<>();

    @Option(names = "--chunk", defaultValue = "25", paramLabel = "N",
            description = "Policies per task (default: ${DEFAULT-VALUE}): fewer gives more tasks to spread.")
    int chunk;

    @Option(names = "--warmup", defaultValue = "5m", paramLabel = "TIME",
            description = "Minutes left out of the rates, as sweep's (default: ${DEFAULT-VALUE}).")
    String warmup;

    @Mixin
    Mixins.Quiet quiet;

    @Override
    public Integer call() {
        List<PolicySpec> specs = Grid.specs(grids, policies);
        ReplayJob job = model.job(List.of(), null, false, warmup);
FleetSweep.Result r = fleet.onSpark("iosup fleet sweep", spark ->
                FleetSweep.run(spark, fleet.fleet, fleet.output, specs, job, chunk, fleet.failFast));
        if (!quiet.on()) {
            PrintWriter out = spec.commandLine().getOut();
            out.printf(Locale.ROOT, "%d traces x %d policies in %d tasks, %d failed, in %.1f s -> %s%n", r.traces(),
                    r.policies(), r.tasks(), r.failed(), r.seconds(), fleet.output);
            out.flush();
        }
        return 0;
    }
}
