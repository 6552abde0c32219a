package org.iosup.spark.cli;

import org.iosup.cli.Mixins;
import org.iosup.cli.VersionProvider;
import org.iosup.spark.FleetAnalyze;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code iosup fleet analyze}: a census of a fleet with Spark SQL, no replay. */
@Command(name = "analyze", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, sortOptions = false,
        header = "Count what every trace of a fleet recorded, per host and day, with Spark SQL (no replay).",
        description = {
            "What 'iosup analyze' counts over a whole trace (processes, page-table pages, type changes, mmu_update",
            "calls and entries, IOMMU maps and unmaps, flushes, DMA), per host and day and for the whole fleet, read",
            "by Spark straight from the Parquet files. Writes OUTDIR/hosts.csv, OUTDIR/failed.csv (files that are not",
            "Parquet or sit outside the layout) and manifest.json (schemas/README.md)."
        })
public final class FleetAnalyzeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    FleetOptions fleet;

    @Mixin
    Mixins.Quiet quiet;

    @Override
    public Integer call() {
FleetAnalyze.Result r = fleet.onSpark("iosup fleet analyze", spark ->
                FleetAnalyze.run(spark, fleet.fleet, fleet.output, fleet.failFast));
        if (!quiet.on()) {
            PrintWriter out = spec.commandLine().getOut();
            out.printf(Locale.ROOT, "%d traces of %d hosts, %,d events, %d failed, in %.1f s -> %s%n", r.traces(),
                    r.hosts(), r.events(), r.failed(), r.seconds(), fleet.output);
            out.flush();
        }
        return 0;
    }
}
