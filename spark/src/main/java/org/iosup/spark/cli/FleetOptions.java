package org.iosup.spark.cli;

import org.iosup.analysis.Durations;
import org.iosup.model.CostProfile;
import org.iosup.spark.ReplayJob;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;

/** The options every fleet command on Spark shares: the fleet, the output, the master, --fail-fast (a picocli mixin). */
public final class FleetOptions {
    @Parameters(index = "0", paramLabel = "FLEET", description = "The fleet's folder (a path or a Hadoop URI).")
    String fleet;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUTDIR",
            description = "Output folder (a path or a Hadoop URI); replaced only when an earlier run of this command wrote it.")
    String output;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master, e.g. local[2] (default: spark-submit's, else " + Fleet.DEFAULT_MASTER + ").")
    String master;

    @Option(names = "--fail-fast", description = "Stop at the first file that fails, writing nothing.")
    boolean failFast;

    /** Runs {@code work} on a Spark session named {@code app} on the master asked for, stopped after. */
    <T> T onSpark(String app, java.util.function.Function<org.apache.spark.sql.SparkSession, T> work) {
        org.apache.spark.sql.SparkSession spark = Fleet.session(app, master);
        try {
            return work.apply(spark);
        } finally {
            spark.stop();
        }
    }

    /** The options of the commands that replay (replay, sweep): the model's profiles and the summary's warm-up. */
    public static final class Model {
        @Option(names = "--profile", defaultValue = "xen-4.2.1", paramLabel = "NAME",
                description = "Hypervisor profile: xen-4.2.1, xen-4.2.4 or xen-4.14 (default: ${DEFAULT-VALUE}).")
        String profile;

        @Option(names = "--costs", paramLabel = "PROFILE", defaultValue = CostProfile.DEFAULT_NAME,
                description = "CPU cost profile, as replay's (default: ${DEFAULT-VALUE}).")
        String costs;

        @Option(names = "--cost", paramLabel = "NAME=VALUE", description = "Override one cost, repeatable, as replay's.")
        List<String> costOverrides = new ArrayList<>();

        /** The job of {@code policies} with these options and a warm-up of {@code warmup}. */
        ReplayJob job(List<String> policies, String paging, boolean strict, String warmup) {
            return new ReplayJob(policies, profile, paging, costs, costOverrides, strict,
                    Durations.wholeMinutes(warmup, "--warmup")).check();
        }
    }
}
