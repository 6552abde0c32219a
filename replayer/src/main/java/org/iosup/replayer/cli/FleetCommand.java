package org.iosup.replayer.cli;

import org.iosup.cli.VersionProvider;
import picocli.CommandLine.Command;

/**
 * {@code iosup fleet}: many hosts' traces in one folder ({@code schemas/fleet.md}). {@code make}
 * runs here; replay, sweep and analyze of a fleet run on Apache Spark, from the {@code spark/}
 * module's jar (the launcher hands them to it).
 */
@Command(name = "fleet", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "A fleet of hosts' traces: make a synthetic one; replay, sweep and count it on Spark.",
        description = {
            "A fleet is a folder of iosup traces laid out host=NAME/date=YYYY-MM-DD/part-N.parquet",
            "(schemas/fleet.md). 'fleet make' writes a synthetic one. 'fleet replay', 'fleet sweep',",
            "'fleet analyze' and 'fleet bench' run on Apache Spark from spark/target/iosup-spark.jar, which",
            "./iosup builds on their first use ('./iosup fleet replay --help'; README, 'A fleet')."
        },
        subcommands = {FleetMakeCommand.class})
public final class FleetCommand {
}
