package org.iosup.spark.cli;

import org.apache.spark.sql.SparkSession;
import org.iosup.cli.Cli;
import org.iosup.cli.VersionProvider;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code iosup fleet replay|analyze} on Spark: the entry point of the job jar
 * ({@code spark/target/iosup-spark.jar}), run by the launcher on a local Spark or by
 * {@code spark-submit --class org.iosup.spark.cli.Fleet} on a cluster.
 */
@Command(name = "iosup fleet", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "A fleet's traces on Apache Spark: replay them all, or count what they recorded.",
        description = {
            "A fleet is a folder of iosup traces, host=NAME/date=YYYY-MM-DD/part-N.parquet (schemas/fleet.md),",
            "on any file system Hadoop reaches (local, hdfs://, s3a://...). Spark runs locally (--master local[N],",
            "the default when no master is configured) or on the cluster spark-submit names."
        },
        subcommands = {FleetReplayCommand.class, FleetSweepCommand.class, FleetAnalyzeCommand.class, FleetBenchCommand.class})
public final class Fleet {
    /** The local master when none is given and spark-submit set none. */
    static final String DEFAULT_MASTER = "local[*]";

    private Fleet() {
    }

    /** A Spark session for {@code app}: on {@code master} if given, else spark-submit's, else local. */
    static SparkSession session(String app, String master) {
        SparkSession.Builder b = SparkSession.builder().appName(app);
        String configured = System.getProperty("spark.master");
        String m = master != null ? master : configured != null ? configured : DEFAULT_MASTER;
        b.master(m);
        if (m.startsWith("local")) {
            b.config("spark.ui.enabled", "false"); // no web UI port for a run on this machine
        }
        // The minute rows have 63 columns: Spark's plan strings would otherwise warn of truncation.
        b.config("spark.sql.debug.maxToStringFields", "200");
        return b.getOrCreate();
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        if (System.getProperty("log4j2.configurationFile") == null && System.getProperty("spark.master") == null) {
            // A local run (not spark-submit's): Spark's warnings only.
            java.net.URL local = Fleet.class.getResource("/org/iosup/spark/log4j2-local.properties");
            if (local != null) {
                System.setProperty("log4j2.configurationFile", local.toString());
            }
        }
        CommandLine cl = Cli.configure(new CommandLine(new Fleet()));
        cl.setOut(Cli.standardOutput());
        int code = cl.execute(args);
        cl.getOut().flush();
        System.exit(code);
    }
}
