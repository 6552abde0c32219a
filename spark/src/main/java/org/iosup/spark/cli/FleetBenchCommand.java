package org.iosup.spark.cli;

import org.iosup.cli.Mixins;
import org.iosup.cli.VersionProvider;
import org.iosup.io.UserException;
import org.iosup.spark.FleetBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code iosup fleet bench}: a fleet replayed on Spark against one trace after another in one process. */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, sortOptions = false,
        header = "Benchmark fleet replay on Spark against replaying the traces one by one.",
        description = {
            "Makes a fleet (fleet make's presets, seeds and NIC rates), replays its traces one after another in this",
            "process as 'iosup replay' would (the baseline), then with fleet replay on --master; reports events per",
            "second of both, and Spark's fixed cost: its start-up and a job that does nothing."
        })
public final class FleetBenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--hosts", defaultValue = "20", paramLabel = "N", description = "Hosts (default: ${DEFAULT-VALUE}).")
    int hosts;

    @Option(names = "--minutes", defaultValue = "30", paramLabel = "N", description = "Minutes per trace (default: ${DEFAULT-VALUE}).")
    double minutes;

    @Option(names = "--master", defaultValue = "local[2]", paramLabel = "URL", description = "Spark master (default: ${DEFAULT-VALUE}).")
    String master;

    @Mixin
    Mixins.Seed seed;

    @Mixin
    Mixins.BenchFiles files;

    @Mixin
    Mixins.Json json;

    @Override
    @SuppressWarnings("unchecked")
    public Integer call() throws IOException {
        if (hosts < 1 || !(minutes > 0)) {
            throw new UserException("--hosts and --minutes must be positive");
        }
        Path folder = files.folder();
        Map<String, Object> r = FleetBenchmark.run(hosts, minutes, seed.value(), folder,
                m -> Fleet.session("iosup fleet bench", m), master);
        files.cleanUp(folder);
        PrintWriter out = spec.commandLine().getOut();
        if (json.on()) {
            Mixins.Json.print(out, r);
        } else {
            long events = (Long) r.get("events");
            out.printf(Locale.ROOT, "iosup fleet bench: %d hosts x %.0f minutes, %,d events (made in %.1f s)%n", hosts, minutes,
                    events, (Double) r.get("make_seconds"));
            out.printf(Locale.ROOT, "  one by one, one process   %8.1f s  %,14.0f events/s  (%d threads, as iosup replay)%n",
                    (Double) r.get("baseline_seconds"), (Double) r.get("baseline_events_per_second"), (Integer) r.get("baseline_threads"));
            out.printf(Locale.ROOT, "  one by one, one thread    %8.1f s  %,14.0f events/s%n", (Double) r.get("one_thread_seconds"),
                    (Double) r.get("one_thread_events_per_second"));
            out.printf(Locale.ROOT, "  fleet replay on %-9s %8.1f s  %,14.0f events/s  (x%.2f)%n", r.get("master"),
                    (Double) r.get("spark_seconds"), (Double) r.get("spark_events_per_second"), (Double) r.get("speedup"));
            out.printf(Locale.ROOT, "  Spark's fixed cost: start %.1f s, an empty job %.2f s; each of its %d cores did %.0f%% of"
                    + " one thread's work%n", (Double) r.get("spark_start_seconds"), (Double) r.get("spark_empty_job_seconds"),
                    (Integer) r.get("executor_cores"), 100 * (Double) r.get("per_core_efficiency"));
        }
        out.flush();
        return 0;
    }
}
