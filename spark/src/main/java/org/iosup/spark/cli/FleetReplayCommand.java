package org.iosup.spark.cli;

import org.apache.spark.sql.SparkSession;
import org.iosup.cli.Mixins;
import org.iosup.cli.VersionProvider;
import org.iosup.analysis.Durations;
import org.iosup.model.CostProfile;
import org.iosup.spark.FleetReplay;
import org.iosup.spark.ReplayJob;
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

    @Parameters(index = "0", paramLabel = "FLEET", description = "The fleet's folder (a path or a Hadoop URI).")
    String fleet;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUTDIR",
            description = "Output folder (a path or a Hadoop URI); replaced only when an earlier fleet replay wrote it.")
    String output;

    @Option(names = "--policy", paramLabel = "SPEC", description = "A policy, repeatable, as replay's (default: disabled, pre-enabled, dynamic@5m).")
    List<String> policies = new ArrayList<>();

    @Option(names = "--profile", defaultValue = "xen-4.2.1", paramLabel = "NAME",
            description = "Hypervisor profile: xen-4.2.1, xen-4.2.4 or xen-4.14 (default: ${DEFAULT-VALUE}).")
    String profile;

    @Option(names = "--paging", paramLabel = "MODE", description = "Guest paging: pae or x86-64 (default: each trace's iosup.paging metadata).")
    String paging;

    @Option(names = "--costs", paramLabel = "PROFILE", defaultValue = CostProfile.DEFAULT_NAME,
            description = "CPU cost profile, as replay's (default: ${DEFAULT-VALUE}).")
    String costs;

    @Option(names = "--cost", paramLabel = "NAME=VALUE", description = "Override one cost, repeatable, as replay's.")
    List<String> costOverrides = new ArrayList<>();

    @Option(names = "--strict", description = "A trace with an event the model cannot accept fails (listed in failed.csv).")
    boolean strict;

    @Option(names = "--warmup", defaultValue = "0m", paramLabel = "TIME",
            description = "Minutes of each trace left out of the summary's rates (default: ${DEFAULT-VALUE}).")
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
        ReplayJob job = new ReplayJob(policies, profile, paging, costs, costOverrides, strict,
                Durations.wholeMinutes(warmup, "--warmup")).check();
        SparkSession spark = Fleet.session("iosup fleet replay", master);
        try {
            FleetReplay.Result r = FleetReplay.run(spark, fleet, output, job, failFast);
            if (!quiet.on()) {
                PrintWriter out = spec.commandLine().getOut();
                out.printf(Locale.ROOT, "%d traces of %d hosts, %,d events, %d failed, in %.1f s (%,.0f events/s) -> %s%n",
                        r.traces(), r.hosts(), r.events(), r.failed(), r.seconds(), r.events() / Math.max(1e-9, r.seconds()),
                        output);
                for (var o : r.outcomes()) {
                    if (o.failed()) {
                        out.printf(Locale.ROOT, "  failed: %s: %s%n", o.trace().where(), o.error());
                    }
                }
                out.flush();
            }
            return 0;
        } finally {
            spark.stop();
        }
    }
}
