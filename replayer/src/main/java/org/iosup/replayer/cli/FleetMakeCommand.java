package org.iosup.replayer.cli;

import org.iosup.cli.Mixins;
import org.iosup.cli.VersionProvider;
import org.iosup.fleet.FleetMake;
import org.iosup.io.UserException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code iosup fleet make}: a synthetic fleet, deterministic, to try the fleet commands without a cluster. */
@Command(name = "make", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, sortOptions = false,
        header = "Write a synthetic fleet: one trace per host, presets, seeds and NIC rates varied across hosts.",
        description = {
            "Writes OUTDIR/host=host-NNN/date=DATE/part-0.parquet for each host (schemas/fleet.md) and",
            "OUTDIR/manifest.json listing each host's preset, seed and NIC rate. Host i (from 0) runs preset",
            "number i modulo the presets given, seed SEED + i, and a NIC at its preset's rate times 1, 0.5, 2",
            "or 4 (by i / presets, modulo 4). The same options give the same files, whatever --threads."
        })
public final class FleetMakeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--hosts", defaultValue = "20", paramLabel = "N", description = "Hosts (default: ${DEFAULT-VALUE}).")
    int hosts;

    @Option(names = "--minutes", defaultValue = "30", paramLabel = "N", description = "Minutes of each trace (default: ${DEFAULT-VALUE}).")
    double minutes;

    @Option(names = "--preset", defaultValue = "busy,idle,boot-busy", split = ",", paramLabel = "NAME,...",
            description = "Presets, taken in turn by the hosts (default: ${DEFAULT-VALUE}).")
    List<String> presets;

    @Option(names = "--date", defaultValue = "2026-01-01", paramLabel = "YYYY-MM-DD",
            description = "The day of the traces (default: ${DEFAULT-VALUE}).")
    String date;

    @Option(names = "--threads", paramLabel = "N", description = "Threads writing traces (default: the CPUs). The files do not depend on it.")
    Integer threads;

    @Mixin
    Mixins.OutDir outDir;

    @Mixin
    Mixins.Seed seed;

    @Mixin
    Mixins.Quiet quiet;

    @Override
    public Integer call() {
        if (!(minutes > 0) || minutes > 60 * 24) {
            throw new UserException("--minutes must be above 0 and at most 1440 (one day), got " + minutes);
        }
        LocalDate day;
        try {
            day = LocalDate.parse(date);
        } catch (DateTimeParseException e) {
            throw new UserException("--date must be YYYY-MM-DD, got '" + date + "'");
        }
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (n < 1) {
            throw new UserException("--threads must be at least 1, got " + n);
        }
        List<FleetMake.Host> plan = FleetMake.plan(hosts, minutes, presets.stream().map(String::strip).toList(),
                seed.value(), day);
        PrintWriter err = spec.commandLine().getErr();
        long start = System.nanoTime();
        int[] written = {0};
        long events = FleetMake.write(plan, outDir.path(), n, h -> {
            written[0]++;
            if (!quiet.on()) {
                err.printf(Locale.ROOT, "iosup fleet make: %d/%d %s (%s, seed %d)%n", written[0], plan.size(), h.name(),
                        h.params().preset(), h.params().seed());
                err.flush();
            }
        });
        if (!quiet.on()) {
            PrintWriter out = spec.commandLine().getOut();
            out.printf(Locale.ROOT, "%d hosts, %,d events, in %.1f s -> %s%n", plan.size(), events,
                    (System.nanoTime() - start) / 1e9, outDir.path());
            out.flush();
        }
        return 0;
    }
}
