package org.iosup.replayer.cli;

import org.iosup.cli.Mixins;
import org.iosup.cli.VersionProvider;
import org.iosup.io.UserException;
import org.iosup.replayer.bench.SweepBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code iosup bench sweep}: policy-events per second of a sweep as the number of policies grows. */
@Command(name = "sweep", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        header = "Benchmark a sweep of the busy trace under 1, 10, 100 and 300 policies.",
        description = {
            "Synthesize the busy setting (--minutes of it, as the demo does), then sweep it under each number of --policies",
            "(distinct dynamic policies: switch time, shrink ratio and total varied; in one read each) and report",
            "policy-events per second (events times policies over the sweep's time): after one untimed warm-up",
            "sweep of 10 policies, each count --repeat times, the median's rate (and the best). Target: >= 500",
            "million at 100 policies on one thread. Run with IOSUP_JAVA_OPTS=-Xmx512m to check the memory of 300."
        })
public final class SweepBenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--minutes", defaultValue = "12", paramLabel = "M",
            description = "Minutes of the busy setting (default: ${DEFAULT-VALUE}: two browser iterations and more).")
    double minutes;

    @Option(names = "--policies", defaultValue = "1,10,100,300", paramLabel = "N,...",
            description = "Numbers of policies to sweep (default: ${DEFAULT-VALUE}).")
    String policies;

    @Option(names = "--threads", defaultValue = "1", paramLabel = "N", description = "Replay threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--repeat", defaultValue = "3", paramLabel = "N",
            description = "Sweeps of each count; the median is the figure (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Mixin
    Mixins.Seed seed;

    @Mixin
    Mixins.BenchFiles files;

    @Mixin
    Mixins.Json json;

    @Override
    @SuppressWarnings("unchecked")
    public Integer call() throws IOException {
        if (!(minutes > 0) || minutes > 600 || threads <= 0) {
            throw new UserException("--minutes must be within 0..600 and --threads positive");
        }
        if (repeat < 1 || repeat > 100) {
            throw new UserException("--repeat must be 1..100, got " + repeat);
        }
        List<Integer> counts = new ArrayList<>();
        for (String s : policies.split(",", -1)) {
            try {
                int n = Integer.parseInt(s.strip());
                if (n < 1 || n > 10_000) {
                    throw new NumberFormatException();
                }
                counts.add(n);
            } catch (NumberFormatException e) {
                throw new UserException("--policies " + policies + ": '" + s.strip() + "' is not a count from 1 to 10000");
            }
        }
        Path folder = files.folder();
        Map<String, Object> r = SweepBenchmark.run(minutes, seed.value(), threads, counts, repeat, folder, files.keep());
        files.cleanUp(folder);
        PrintWriter out = spec.commandLine().getOut();
        if (json.on()) {
            Mixins.Json.print(out, r);
        } else {
            out.printf(Locale.ROOT, "iosup bench sweep: busy setting, %,d events, %d thread(s), max heap %d MB;"
                    + " warm-up %.2f s, then the median of %d sweeps of each count (best in brackets)%n",
                    (Long) r.get("trace_events"), threads, (Long) r.get("max_heap_mb"), (Double) r.get("warmup_seconds"), repeat);
            for (Map<String, Object> s : (List<Map<String, Object>>) r.get("sweeps")) {
                int n = (Integer) s.get("policies");
                double rate = (Double) s.get("policy_events_per_second");
                out.printf(Locale.ROOT, "  %4d policies  %8.2f s  %,16.0f policy-events/s (%,.0f)  heap after %d MB%s%n", n,
                        (Double) s.get("seconds"), rate, (Double) s.get("best_policy_events_per_second"),
                        (Long) s.get("used_heap_mb_after"),
                        n == 100 ? String.format(Locale.ROOT, "  target %,.0f  %s", SweepBenchmark.TARGET,
                                rate >= SweepBenchmark.TARGET ? "met" : "NOT MET") : "");
            }
        }
        out.flush();
        return 0;
    }
}
