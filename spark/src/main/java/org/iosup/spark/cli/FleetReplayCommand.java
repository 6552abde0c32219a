package org.iosup.spark.cli;

import org.iosup.cli.Mixins;
import org.iosup.cli.VersionProvider;
import org.iosup.spark.FleetReplay;
import org.iosup.spark.ReplayJob;
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

/** {@code iosup fleet replay}: every trace of a fleet replayed under the policies, on Spark. */
@Command(name = "replay", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, sortOptions = false,
        header = "Replay every trace of a fleet under the policies, on Spark.",
        description = {
            "One Spark task per trace file: iosup's own reader and model replay it under every --policy in one read,",
            "as 'iosup replay' does alone (its defaults for the IOMMU, IOTLB and devices). Writes OUTDIR/minutes/",
            "(Parquet, partitioned by host and date: replay's minutes.csv columns), OUTDIR/fleet-summary.csv (per",
            "policy, each figure's mean, p50, p90, p99 and largest across hosts), OUTDIR/failed.csv and manifest.json",
            "(schemas/README.md), all at once at the end. A file that is not a trace, or that the model refuses under",
            "--strict, is listed in failed.csv and the others go on, unless --fail-fast."
        })
public final class FleetReplayCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    FleetOptions fleet;

    @Mixin
    FleetOptions.Model model;

    @Option(names = "--policy", paramLabel = "SPEC", description = "A policy, repeatable, as replay's (default: disabled, pre-enabled, dynamic@5m).")
    List<String> policies = new ArrayList<>();

    @Option(names = "--paging", paramLabel = "MODE", description = "Guest paging: pae or x86-64 (default: each trace's iosup.paging metadata).")
    String paging;

    @Option(names = "--strict", description = "A trace with an event the model cannot accept fails (listed in failed.csv).")
    boolean strict;

    @Option(names = "--warmup", defaultValue = "0m", paramLabel = "TIME",
            description = "Minutes of each trace left out of the summary's rates (default: ${DEFAULT-VALUE}).")
    String warmup;

    @Mixin
    Mixins.Quiet quiet;

    @Override
    public Integer call() {
        ReplayJob job = model.job(policies, paging, strict, warmup);
FleetReplay.Result r = fleet.onSpark("iosup fleet replay", spark ->
                FleetReplay.run(spark, fleet.fleet, fleet.output, job, fleet.failFast));
        if (!quiet.on()) {
            PrintWriter out = spec.commandLine().getOut();
            out.printf(Locale.ROOT, "%d traces of %d hosts, %,d events, %d failed, in %.1f s (%,.0f events/s) -> %s%n",
                    r.traces(), r.hosts(), r.events(), r.failed(), r.seconds(), r.events() / Math.max(1e-9, r.seconds()),
                    fleet.output);
            for (var o : r.outcomes()) {
                if (o.failed()) {
                    out.printf(Locale.ROOT, "  failed: %s: %s%n", o.trace().where(), o.error());
                }
            }
            out.flush();
        }
        return 0;
    }
}
